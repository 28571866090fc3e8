"""Exercise check of notebook 11: pick knob values that train a 30-layer sigmoid net.

``check_lab_setting(settings)`` trains a 30-layer sigmoid network of the
gradient-flow lab with the student's knob values for :data:`EXERCISE_STEPS`
full-batch steps on a fixed seeded data set (the ring of ``"circles"``, where
a straight boundary cannot beat about 50 %), from the same seeded starting
weights as the lab panel after **Reset**, and passes when the training
accuracy reaches :data:`PASS_ACCURACY`. The lab's panel marks that step with a
dotted line and shows the accuracy there, and the check also takes the panel
itself (or its ``settings``), so a student can check what the panel shows.

A failed check says what the run did (diverged, stayed at ln 2, or fell
short) and diagnoses why for the common attempts: init or η alone (the
signal still vanishes: the first layer's gradient is measured), shortcuts
without BatchNorm (the stream's mean grows by about 0.5 per block and the
deep blocks saturate: measured), BatchNorm with a step that is too large or
too small. Hints come in stages (see :mod:`lessons_lib.exercises.base`).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..experiments.lab import (
    CHECK_STEP,
    KNOBS,
    LabRun,
    LabSettings,
    build_model,
    lab_data,
    lab_settings,
)
from ..speed import memo
from ..validation import check_float
from .base import DEFAULT_TIMEOUT, Timeout, Verdict, call_student, failed, not_implemented, passed

__all__ = ["EXERCISE_FIXED", "EXERCISE_STEPS", "LAB_HINTS", "PASS_ACCURACY",
           "check_lab_setting", "lab_setting_accuracy"]

#: Knobs the exercise fixes: the network to rescue and the data set.
EXERCISE_FIXED: dict[str, Any] = {"depth": 30, "activation": "sigmoid", "dataset": "circles",
                                  "seed": 0}
#: Full-batch gradient-descent steps the check trains for (the lab's dotted line).
EXERCISE_STEPS = CHECK_STEP
#: Training accuracy needed to pass.
PASS_ACCURACY = 0.9
#: The hints, gentlest first (one more after each failed check).
LAB_HINTS = (
    "Set the lab to this network (circles, depth 30, sigmoid) and look at the heat map "
    "at step 1: up to which layer does the learning signal arrive?",
    "Lessons 07 and 10 each gave a remedy that acts on every layer, whatever the depth: "
    "one keeps every layer's weighted sums where the sigmoid is steep, the other gives "
    "the signal a path around every layer. With sigmoid units each has a catch on its "
    "own (the 'what went wrong' line names it when you hit it).",
    "BatchNorm re-centers every layer's weighted sums (steep sigmoids, and a shortcut "
    "stream that stays near zero); the shortcuts carry the signal past every layer. "
    "Together, at the lab's η = 0.3, they train this net.",
)

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
    source = "your dict"
    if isinstance(getattr(settings, "settings", None), LabSettings):
        settings, source = settings.settings, "your lab panel"      # the panel itself
    elif callable(settings) and not isinstance(settings, Mapping):
        settings = _call(settings, timeout)
        if isinstance(settings, Verdict):
            return settings
    if settings is None or settings is Ellipsis:
        return not_implemented(_TITLE, "Return a dict of knob values, e.g. "
                                       "{'dropout': 0.1} (that one does not rescue it).")
    if isinstance(settings, LabSettings):            # only what differs from the defaults
        if source == "your dict":
            source = "your settings"
        default = LabSettings().as_dict()
        settings = {k: v for k, v in settings.as_dict().items() if v != default[k]}
        if source == "your lab panel":
            wrong = {k: settings.get(k, default[k]) for k, v in EXERCISE_FIXED.items()
                     if settings.get(k, default[k]) != v}
            if wrong:
                have = ", ".join(f"{k} = {v!r}" for k, v in wrong.items())
                want = ", ".join(f"{k} = {EXERCISE_FIXED[k]!r}" for k in wrong)
                return Verdict(False, f"… {_TITLE}: your lab panel is at {have}. Set it to "
                                      f"{want} first (the exercise's network), then choose "
                                      "the other knobs and check again.")
            settings = {k: v for k, v in settings.items() if k not in EXERCISE_FIXED}
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
            return not_implemented(_TITLE, f"Replace the ... of {key!r} with a value.")
        if key in EXERCISE_FIXED and value != EXERCISE_FIXED[key]:
            fixed = ", ".join(f"{k} = {v!r}" for k, v in EXERCISE_FIXED.items())
            return Verdict(False, f"✗ {_TITLE}: the exercise keeps {fixed}; you set "
                                  f"{key} = {value!r}. Leave {key!r} out and rescue the net "
                                  "with the other knobs.")
    try:
        s = lab_settings(settings, **EXERCISE_FIXED)
    except (TypeError, ValueError) as exc:
        return Verdict(False, f"✗ {_TITLE}: {exc}.")
    out = _outcome(s)
    details = {"accuracy": out["accuracy"], "steps": out["steps"], "diverged": out["diverged"]}
    shown = _shown(s)
    if out["accuracy"] >= PASS_ACCURACY and not out["diverged"]:
        return passed(_TITLE, f"{100 * out['accuracy']:.1f} % training accuracy on the "
                              f"circles after {EXERCISE_STEPS} steps with {shown} (needed: "
                              f"{100 * PASS_ACCURACY:.0f} %). The learning signal reaches "
                              "the first layers.", details)
    if out["diverged"]:
        problem = f"with {shown} training {out['note'].split('.')[0]}."
    else:
        problem = (f"with {shown}, {100 * out['accuracy']:.1f} % training accuracy after "
                   f"{EXERCISE_STEPS} steps (needed: {100 * PASS_ACCURACY:.0f} %); the loss "
                   f"went from {out['loss_first']:.3g} to {out['loss_last']:.3g}.")
    return failed(_TITLE, problem, hints=LAB_HINTS, diagnosis=_diagnose(s, out),
                  details=details)


def _shown(s: LabSettings) -> str:
    default = LabSettings().as_dict()
    changed = {k: v for k, v in s.as_dict().items()
               if k not in EXERCISE_FIXED and v != default[k]}
    if not changed:
        return "the lab's defaults"
    return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in changed.items()) + "}"


def _diagnose(s: LabSettings, out: Mapping[str, Any]) -> str:
    """What this attempt shows, for the common ones; measured, not guessed."""
    if out["diverged"]:
        return (f"a step of η = {s.lr:g} moved the weights so far that the numbers "
                "overflowed. A smaller η, or clipping, keeps the steps small; it does not by "
                "itself bring the signal to the first layers.")
    if s.layernorm:
        return (f"LayerNorm re-centers each point's weighted sums, but with {s.optimizer} "
                f"at η = {s.lr:g} the loss went from {out['loss_first']:.3g} to "
                f"{out['loss_last']:.3g} in {EXERCISE_STEPS} steps. Compare with the lab's "
                "other normalization, BatchNorm.")
    if s.residual and not s.batchnorm:
        return (f"the shortcuts pass the gradient back, but each sigmoid block adds its "
                f"output (about 0.5 per unit) to the stream: at the last block the stream's "
                f"mean is {out['stream_mean']:.1f}, and {100 * out['saturated']:.0f} % of the "
                f"weighted sums of blocks 10–29 are beyond ±4, where σ′ < 0.02. Those blocks "
                "cannot learn, and the output is a large constant plus tiny differences "
                "between the points. Something has to re-center each block's input.")
    if not s.batchnorm:
        return (f"at step 1 the first layer's gradient is {out['ratio']:.0e} times the last "
                "layer's: the signal vanishes on its way down. η, clipping, L2, dropout and "
                "the lab's inits do not change that each sigmoid layer passes back at most a "
                "quarter of it, 30 times over.")
    if out["ratio"] > 1e-3 and s.lr >= 1.0:
        return (f"BatchNorm brings the signal down (at step 1 the first layer gets "
                f"{out['ratio']:.0e} of the last layer's gradient), but η = {s.lr:g} is too "
                f"large for it: the loss went up on {out['rises']} of {out['steps'] - 1} steps "
                "instead of falling steadily.")
    if out["ratio"] > 1e-3 and s.lr <= 0.1:
        return (f"BatchNorm brings the signal down (the first layer gets {out['ratio']:.0e} "
                f"of the last layer's gradient at step 1), but η = {s.lr:g} is too small to "
                f"get far in {EXERCISE_STEPS} steps.")
    return (f"the signal reaches the first layers (ratio {out['ratio']:.0e} at step 1), but "
            f"{EXERCISE_STEPS} steps with these knobs do not fit the ring. Which of your "
            "other knobs slows or blocks the fit?")


@memo(maxsize=64)
def _outcome(settings: LabSettings) -> dict[str, Any]:
    """What one exercise run did (cached: a re-run of the check is free)."""
    accuracy, run = lab_setting_accuracy(settings)
    loss = run.losses
    g = run.grad_norms
    ratio = float(g[0, 0] / g[0, -1]) if g.shape[0] and g[0, -1] > 0 else math.nan
    out = {"accuracy": accuracy, "steps": run.step, "diverged": run.diverged,
           "note": run.note, "ratio": ratio,
           "loss_first": float(loss[0]) if loss.size else math.nan,
           "loss_last": float(loss[-1]) if loss.size else math.nan,
           "rises": int(np.count_nonzero(np.diff(loss) > 0))}
    if settings.residual and not settings.batchnorm and not settings.layernorm:
        out["stream_mean"], out["saturated"] = _stream_at_start(settings)
    return out


def _stream_at_start(settings: LabSettings) -> tuple[float, float]:
    """Mean of the shortcut stream after the last block, and the share of saturated
    weighted sums (|net| > 4) in blocks 10 and up, for the starting weights."""
    model = build_model(settings)
    h, _ = lab_data(settings.dataset, seed=settings.seed)
    stream, saturated = h, []
    with np.errstate(all="ignore"):
        for layer in model.layers:
            block = getattr(layer, "block", None)            # a Residual: [Dense, activation]
            if block is not None:
                saturated.append(np.abs(h @ block[0].params["W"] + block[0].params["b"]) > 4.0)
            h = layer.forward(h, training=False)
            if block is not None:
                stream = h
    deep = saturated[9:]                                     # blocks 10, 11, ...
    return float(np.mean(stream)), float(np.mean(deep)) if deep else 0.0


def _call(fn: Any, timeout: float) -> Any:
    try:
        return call_student(fn, (), timeout).value
    except NotImplementedError:
        return not_implemented(_TITLE, "Replace the `raise NotImplementedError` line with "
                                       "your dict.")
    except Timeout:
        return Verdict(False, f"✗ {_TITLE}: your function did not return within {timeout:g} s.")
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - reported to the student
        return Verdict(False, f"✗ {_TITLE}: your function raised {type(exc).__name__}: {exc}.")
