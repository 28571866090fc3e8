"""Exercise check of notebook 11: pick knob values that train a 30-layer sigmoid net.

``check_lab_setting(settings)`` trains a 30-layer sigmoid network of the
gradient-flow lab with the student's knob values for a fixed number of
full-batch steps on a fixed seeded data set (the ring of ``"circles"``, where
a straight boundary cannot beat about 50 %), and passes when the training
accuracy reaches :data:`PASS_ACCURACY`. The defaults of the lab (Glorot init,
no BatchNorm, no shortcuts) stay at 50 %: the learning signal vanishes long
before it reaches the first layers.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Mapping
from typing import Any

from ..experiments.lab import KNOBS, LabRun, LabSettings, lab_settings
from ..validation import check_float
from .base import DEFAULT_TIMEOUT, Timeout, Verdict, call_with_timeout

__all__ = ["EXERCISE_FIXED", "EXERCISE_STEPS", "PASS_ACCURACY", "check_lab_setting",
           "lab_setting_accuracy"]

#: Knobs the exercise fixes: the network to rescue and the data set.
EXERCISE_FIXED: dict[str, Any] = {"depth": 30, "activation": "sigmoid", "dataset": "circles",
                                  "seed": 0}
#: Full-batch gradient-descent steps the check trains for.
EXERCISE_STEPS = 100
#: Training accuracy needed to pass.
PASS_ACCURACY = 0.9

_TITLE = "30-layer sigmoid net"


def lab_setting_accuracy(settings: Mapping[str, Any] | LabSettings | None = None,
                         *, steps: int = EXERCISE_STEPS) -> tuple[float, LabRun]:
    """Train the exercise's network with ``settings`` and return (accuracy, run).

    The knobs of :data:`EXERCISE_FIXED` override whatever ``settings`` says.

    Parameters
    ----------
    settings : dict or LabSettings, optional
        Knob values (see :func:`lessons_lib.experiments.lab.lab_settings`).
    steps : int
        Training steps (default :data:`EXERCISE_STEPS`).

    Returns
    -------
    accuracy : float
        Training accuracy in inference mode after the steps (or when the run diverged).
    run : LabRun
        The trained run (its ``diverged`` and ``note`` say whether it blew up).
    """
    s = lab_settings(settings, **EXERCISE_FIXED)
    run = LabRun(s, max_steps=steps)
    run.train(steps)
    return run.accuracy(), run


def check_lab_setting(settings: Any, *, timeout: float = DEFAULT_TIMEOUT) -> Verdict:
    """Notebook 11: do these knob values train a 30-layer sigmoid net?

    Parameters
    ----------
    settings : dict, or a function returning one
        Knob values of the lab, e.g. ``{"init": "he_normal", "lr": 1.0}``;
        knobs left out keep the lab's defaults. ``depth`` (30),
        ``activation`` ("sigmoid"), ``dataset`` ("circles") and ``seed`` (0)
        are fixed by the exercise.
    timeout : float
        Seconds the student's function may take to return its dict.

    Returns
    -------
    Verdict
        Passed when the training accuracy after :data:`EXERCISE_STEPS` steps
        is at least :data:`PASS_ACCURACY`. ``details`` holds ``accuracy``,
        ``steps`` and ``diverged`` once training ran.
    """
    timeout = check_float("timeout", timeout, min_value=0.0, min_inclusive=False)
    if callable(settings) and not isinstance(settings, Mapping):
        settings = _call(settings, timeout)
        if isinstance(settings, Verdict):
            return settings
    if settings is None or settings is Ellipsis:
        return Verdict(False, f"… {_TITLE}: not implemented yet (return a dict of knob "
                              "values, e.g. {'init': 'he_normal'}).")
    if isinstance(settings, LabSettings):            # only what differs from the defaults
        default = LabSettings().as_dict()
        settings = {k: v for k, v in settings.as_dict().items() if v != default[k]}
    if not isinstance(settings, Mapping):
        return Verdict(False, f"✗ {_TITLE}: expected a dict of knob values like "
                              f"{{'init': 'he_normal', 'lr': 1.0}}, got {type(settings).__name__}.")
    for key, value in settings.items():
        if not isinstance(key, str) or key not in KNOBS:
            close = difflib.get_close_matches(str(key), KNOBS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            return Verdict(False, f"✗ {_TITLE}: {key!r} is not a knob of the lab.{hint} "
                                  f"The knobs are {', '.join(KNOBS)}.")
        if value is Ellipsis:
            return Verdict(False, f"… {_TITLE}: not implemented yet: replace the ... of "
                                  f"{key!r} with a value.")
        if key in EXERCISE_FIXED and value != EXERCISE_FIXED[key]:
            fixed = ", ".join(f"{k} = {v!r}" for k, v in EXERCISE_FIXED.items())
            return Verdict(False, f"✗ {_TITLE}: the exercise keeps {fixed}; you set "
                                  f"{key} = {value!r}. Leave {key!r} out and rescue the net "
                                  "with the other knobs.")
    try:
        s = lab_settings(settings, **EXERCISE_FIXED)
    except (TypeError, ValueError) as exc:
        return Verdict(False, f"✗ {_TITLE}: {exc}.")
    accuracy, steps, diverged, note = _outcome(s)
    details = {"accuracy": accuracy, "steps": steps, "diverged": diverged}
    if diverged:
        return Verdict(False, f"✗ {_TITLE}: training {note.split('.')[0]}. Try a smaller "
                              "learning rate or clipping.", details)
    if accuracy >= PASS_ACCURACY:
        return Verdict(True, f"✓ {_TITLE}: {100 * accuracy:.1f} % training accuracy on the "
                             f"circles after {EXERCISE_STEPS} steps (needed: "
                             f"{100 * PASS_ACCURACY:.0f} %). The learning signal reaches "
                             "the first layers.", details)
    return Verdict(False, f"✗ {_TITLE}: only {100 * accuracy:.1f} % training accuracy after "
                          f"{EXERCISE_STEPS} steps (needed: {100 * PASS_ACCURACY:.0f} %). "
                          "Hint: with the defaults the gradient of layer 1 is below 1e-19 times "
                          "the last layer's. Which remedies of notebooks 07 and 10 keep it "
                          "alive whatever the depth?", details)


@functools.lru_cache(maxsize=64)
def _outcome(settings: LabSettings) -> tuple[float, int, bool, str]:
    """Accuracy, steps, diverged and note of one exercise run (cached: a re-run is free)."""
    accuracy, run = lab_setting_accuracy(settings)
    return accuracy, run.step, run.diverged, run.note


def _call(fn: Callable[[], Any], timeout: float) -> Any:
    try:
        return call_with_timeout(fn, (), timeout)
    except NotImplementedError:
        return Verdict(False, f"… {_TITLE}: not implemented yet. Replace the "
                              "`raise NotImplementedError` line with your dict.")
    except Timeout:
        return Verdict(False, f"✗ {_TITLE}: your function did not return within {timeout:g} s.")
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - reported to the student
        return Verdict(False, f"✗ {_TITLE}: your function raised {type(exc).__name__}: {exc}.")

