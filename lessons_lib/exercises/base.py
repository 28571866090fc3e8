"""Machinery of the exercise checks: run a student function safely and compare.

See :mod:`lessons_lib.exercises` for the checks themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..validation import check_float

__all__ = ["DEFAULT_TIMEOUT", "Timeout", "Verdict", "call_with_timeout", "compare", "run_check"]

DEFAULT_TIMEOUT = 2.0


@dataclass
class Verdict:
    """Outcome of an exercise check; displays as its message."""

    passed: bool
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return self.message


class Timeout(Exception):  # noqa: N818 - reads well in `except Timeout`
    """Raised by :func:`call_with_timeout` when the call runs too long."""


def call_with_timeout(fn: Callable[..., Any], args: Sequence[Any], timeout: float) -> Any:
    """Call ``fn(*args)`` in a daemon thread; raise ``Timeout`` after ``timeout`` s."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - reported to the student
            box["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise Timeout
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _copy(args: Sequence[Any]) -> list[Any]:
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def _fmt(x: Any) -> str:
    with np.printoptions(precision=4, suppress=True, threshold=12, edgeitems=3):
        return repr(np.asarray(x)) if isinstance(x, (np.ndarray, list, tuple)) else repr(x)


def compare(name: str, got: Any, want: np.ndarray, rtol: float, atol: float) -> str | None:
    """Return what is wrong with ``got`` compared with ``want``, or None."""
    try:
        got_arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{name} should be an array of numbers, but it is {type(got).__name__}"
    if got_arr.shape != want.shape:
        return f"{name} has shape {got_arr.shape}, expected {want.shape}"
    if not np.all(np.isfinite(got_arr)):
        return f"{name} contains NaN or inf"
    if not np.allclose(got_arr, want, rtol=rtol, atol=atol):
        idx = np.unravel_index(np.argmax(np.abs(got_arr - want)), want.shape) if want.ndim else ()
        where = f" at index {tuple(int(i) for i in idx)}" if want.ndim else ""
        return (f"{name} is off{where}: got {float(got_arr[idx]):.6g}, "
                f"expected {float(want[idx]):.6g}")
    return None


def run_check(title: str, student: Any, reference: Callable[..., Any],
              cases: Sequence[Sequence[Any]], *, hint: str, rtol: float = 1e-6,
              atol: float = 1e-9, timeout: float = DEFAULT_TIMEOUT,
              output_names: Sequence[str] | None = None) -> Verdict:
    """Compare ``student(*case)`` with ``reference(*case)`` on every case.

    Parameters
    ----------
    title : str
        Name of the exercise, used in the message.
    student : callable
        The student's function.
    reference : callable
        The correct implementation.
    cases : sequence of argument tuples
        Inputs (arrays are copied for each call, so mutation cannot leak).
    hint : str
        Shown when an answer is wrong.
    rtol, atol : float
        Tolerances of ``np.allclose``.
    timeout : float
        Seconds a single call may take.
    output_names : sequence of str, optional
        Names of the outputs when the function returns a tuple.

    Returns
    -------
    Verdict
    """
    timeout = check_float("timeout", timeout, min_value=0.0, min_inclusive=False)
    if not callable(student):
        return Verdict(False, f"✗ {title}: expected a function, got {type(student).__name__}. "
                              "Pass the function itself, without calling it.")
    for i, case in enumerate(cases, start=1):
        want = reference(*_copy(case))
        try:
            got = call_with_timeout(student, _copy(case), timeout)
        except NotImplementedError:
            return Verdict(False, f"… {title}: not implemented yet. Replace the "
                                  "`raise NotImplementedError` line with your code.")
        except Timeout:
            return Verdict(False, f"✗ {title}: case {i} did not finish within {timeout:g} s. "
                                  "Is there an endless loop? (If so it keeps running in the "
                                  "background: restart the kernel once you have fixed it.)")
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - reported to the student
            return Verdict(False, f"✗ {title}: case {i} raised {type(exc).__name__}: {exc}. "
                                  f"Hint: {hint}")
        if got is None or got is Ellipsis:
            return Verdict(False, f"… {title}: not implemented yet (your function returned "
                                  "None: is the `return` line missing?)")
        if isinstance(want, tuple):
            names = list(output_names or [f"output {k}" for k in range(len(want))])
            if not isinstance(got, (tuple, list)) or len(got) != len(want):
                return Verdict(False, f"✗ {title}: expected a tuple ({', '.join(names)}), "
                                      f"got {type(got).__name__}. Hint: {hint}")
            pairs = list(zip(names, got, want, strict=True))
        else:
            pairs = [((output_names or ["the result"])[0], got, want)]
        for name, g, w in pairs:
            problem = compare(name, g, np.asarray(w, dtype=np.float64), rtol, atol)
            if problem:
                return Verdict(False, f"✗ {title}: case {i}: {problem}. Hint: {hint}",
                               {"case": i})
    return Verdict(True, f"✓ {title}: correct on all {len(cases)} test cases.")
