"""Machinery of the exercise checks: run a student function safely, compare, teach.

See :mod:`lessons_lib.exercises` for the checks themselves.

A failed check is meant to teach, not to hand out the answer. Its verdict
says which case failed and with which inputs, what came out and what was
expected, and, when the student's output equals that of a known mistake
(a :class:`Mistake`: a deliberately wrong variant of the reference), the
diagnosis of that mistake. Hints come in **stages**: the first failed check
of an exercise shows hint 1 (where to look), each further failed check of the
same exercise reveals one more (typically a conceptual hint, then the
formula), and once all are shown the verdict points to the collapsed
solution cell. A pass resets the exercise to stage 0. The stage counter lives
in the kernel (:func:`hint_stage`, :func:`reset_hints`).

Building blocks for a check written by hand (used by the dropout and lab
checks): :func:`call_student` runs the student's function once and records
numpy floating-point errors and inputs changed in place; :func:`failed`,
:func:`passed` and :func:`not_implemented` make the three kinds of verdict.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..validation import check_float

__all__ = [
    "DEFAULT_TIMEOUT",
    "Mistake",
    "StudentCall",
    "Timeout",
    "Verdict",
    "call_student",
    "call_with_timeout",
    "compare",
    "failed",
    "format_value",
    "hint_stage",
    "not_implemented",
    "passed",
    "reset_hints",
    "run_check",
]

DEFAULT_TIMEOUT = 2.0

#: Failed checks per exercise title since its last pass (the hint stage).
_STAGES: dict[str, int] = {}
_STAGES_LOCK = threading.Lock()


@dataclass
class Verdict:
    """Outcome of an exercise check; displays as its message.

    ``passed`` is True for a pass (message starting with ✓); a wrong answer
    starts with ✗ and an untouched stub with …. ``details`` holds data for
    tests and curious students (e.g. ``case``, ``inputs``, ``mistake``,
    ``stage``).
    """

    passed: bool
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: a variant of the reference and what it means.

    Parameters
    ----------
    name : str
        Short identifier (``"ge_instead_of_gt"``), stored in the verdict's
        ``details["mistake"]``.
    variant : callable
        Takes the same arguments as the reference and returns what a student
        who made this mistake would return. A student whose output equals the
        variant's on the failing case (within the check's tolerances) gets
        ``diagnosis``.
    diagnosis : str
        What the mistake is and why it is wrong, without the solution code.
    """

    name: str
    variant: Callable[..., Any]
    diagnosis: str


@dataclass(frozen=True)
class StudentCall:
    """What one call of the student's function did (see :func:`call_student`).

    ``value`` is the return value, ``fp_errors`` the numpy floating-point
    errors raised during the call (``"overflow"``, ``"invalid"``,
    ``"divide"``: each would show as a ``RuntimeWarning`` in a notebook),
    ``changed`` the positions of the array arguments the function changed
    in place.
    """

    value: Any
    fp_errors: tuple[str, ...]
    changed: tuple[int, ...]


class Timeout(Exception):  # noqa: N818 - reads well in `except Timeout`
    """Raised by :func:`call_with_timeout` when the call runs too long."""


def call_with_timeout(fn: Callable[..., Any], args: Sequence[Any], timeout: float) -> Any:
    """Call ``fn(*args)`` in a daemon thread; raise ``Timeout`` after ``timeout`` s."""
    return _call(fn, args, timeout, record=None)


def _call(fn: Callable[..., Any], args: Sequence[Any], timeout: float,
          record: list[str] | None) -> Any:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            if record is None:
                box["value"] = fn(*args)
            else:  # errstate is thread-local: it applies to this call only
                with np.errstate(over="call", invalid="call", divide="call", under="ignore",
                                 call=lambda kind, _flag: record.append(kind)):
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


def call_student(fn: Callable[..., Any], args: Sequence[Any],
                 timeout: float = DEFAULT_TIMEOUT) -> StudentCall:
    """Call ``fn`` on copies of ``args`` with a time limit; see what else it did.

    Parameters
    ----------
    fn : callable
        The student's function.
    args : sequence
        Its arguments; arrays are copied, so the caller's never change.
    timeout : float
        Seconds the call may take.

    Returns
    -------
    StudentCall
        The value, the numpy floating-point errors of the call and the
        arguments changed in place.

    Raises
    ------
    Timeout
        The call ran longer than ``timeout`` (the thread keeps running).
    BaseException
        Whatever the student's function raised.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable (the student's function), got {type(fn).__name__}")
    timeout = check_float("timeout", timeout, min_value=0.0, min_inclusive=False)
    given = _copy(args)
    record: list[str] = []
    value = _call(fn, given, timeout, record)
    changed = tuple(k for k, (a, b) in enumerate(zip(args, given, strict=True))
                    if isinstance(a, np.ndarray)
                    and (a.shape != b.shape or not np.array_equal(a, b, equal_nan=True)))
    return StudentCall(value, tuple(dict.fromkeys(record)), changed)


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------

def _g(v: float) -> str:
    return f"{v:.4g}"


def format_value(x: Any, *, max_entries: int = 12) -> str:
    """Short, rounded text of a value for a verdict (4 significant digits).

    Arrays with more than ``max_entries`` entries show their shape only.
    """
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        return _g(float(x))
    if isinstance(x, (list, tuple)) and not all(isinstance(v, (int, float)) for v in x):
        return f"a {type(x).__name__} of {len(x)}"
    if isinstance(x, (np.ndarray, list, tuple)):
        arr = np.asarray(x)
        if arr.dtype.kind not in "biuf":
            return f"an array of dtype {arr.dtype}"
        if arr.size > max_entries:
            return f"an array of shape {arr.shape}"
        text = np.array2string(arr, separator=", ", formatter={"float_kind": _g})
        return " ".join(text.split())
    return repr(x) if isinstance(x, str) else f"a {type(x).__name__}"


def _transposed(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return len(a) == 2 and a == b[::-1] and a != b


def compare(name: str, got: Any, want: np.ndarray, rtol: float, atol: float) -> str | None:
    """Return what is wrong with ``got`` compared with ``want``, or None.

    The text names ``name``, says what arrived and what was expected (shape,
    NaN, or the values: whole arrays when small, else the worst entry).
    """
    want = np.asarray(want, dtype=np.float64)
    try:
        got_arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"your {name} should be an array of numbers, but it is {type(got).__name__}"
    if got_arr.shape != want.shape:
        extra = (" (the transposed shape: are the factors of a matrix product swapped, "
                 "or a .T missing?)" if _transposed(got_arr.shape, want.shape) else "")
        if got_arr.ndim == 0 and want.ndim:
            extra = " (a single number, not one value per entry)"
        return f"your {name} has shape {got_arr.shape}, expected {want.shape}{extra}"
    if not np.all(np.isfinite(got_arr)):
        bad = np.argwhere(~np.isfinite(got_arr))
        where = f" at index {tuple(int(i) for i in bad[0])}" if want.ndim else ""
        kind = "NaN" if np.isnan(got_arr).any() else "inf"
        return f"your {name} contains {kind}{where} (NaN or inf: {len(bad)} of {got_arr.size})"
    if np.allclose(got_arr, want, rtol=rtol, atol=atol):
        return None
    if want.size <= 8:
        return (f"your {name} is {format_value(got_arr)}, expected {format_value(want)}")
    off = ~np.isclose(got_arr, want, rtol=rtol, atol=atol)
    idx = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(got_arr - want)), want.shape))
    return (f"your {name} is off at index {idx}: {_g(float(got_arr[idx]))} instead of "
            f"{_g(float(want[idx]))} ({int(off.sum())} of {want.size} entries differ)")


def _close(got: Any, want: Any, rtol: float, atol: float) -> bool:
    """Same structure and values (NaN never matches)."""
    if isinstance(want, tuple):
        return (isinstance(got, (tuple, list)) and len(got) == len(want)
                and all(_close(g, w, rtol, atol) for g, w in zip(got, want, strict=True)))
    try:
        g = np.asarray(got, dtype=np.float64)
        w = np.asarray(want, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return g.shape == w.shape and bool(np.allclose(g, w, rtol=rtol, atol=atol))


# ---------------------------------------------------------------------------
# Staged hints and the three kinds of verdict
# ---------------------------------------------------------------------------

def _check_title(title: Any) -> None:
    if not isinstance(title, str) or not title:
        raise TypeError(f"title must be a non-empty string (the exercise's name), "
                        f"got {title!r}")


def hint_stage(title: str) -> int:
    """Number of failed checks of exercise ``title`` since its last pass (0 at the start)."""
    _check_title(title)
    with _STAGES_LOCK:
        return _STAGES.get(title, 0)


def reset_hints(title: str | None = None) -> None:
    """Start exercise ``title`` (every exercise when None) again at hint stage 0."""
    if title is not None:
        _check_title(title)
    with _STAGES_LOCK:
        if title is None:
            _STAGES.clear()
        else:
            _STAGES.pop(title, None)


def failed(title: str, problem: str, *, hints: Sequence[str], diagnosis: str | None = None,
           inputs: str | None = None, details: Mapping[str, Any] | None = None) -> Verdict:
    """A ✗ verdict that teaches; advances ``title``'s hint stage by one.

    Parameters
    ----------
    title : str
        Name of the exercise (also the key of its hint stage).
    problem : str
        What failed, e.g. "case 2 of 8: your w_new is [...], expected [...]".
    hints : sequence of str
        The stages, gentlest first (where to look, the idea, the formula).
        Never solution code. The n-th failed check shows hints 1..n.
    diagnosis : str, optional
        What the student's answer shows they did (a recognized mistake).
    inputs : str, optional
        The failing case's inputs, as text.
    details : mapping, optional
        Extra data for the verdict's ``details``.

    Returns
    -------
    Verdict
        ``passed`` False; ``details["stage"]`` is the number of hints shown.
    """
    _check_title(title)
    hints = [str(h) for h in hints if h]
    with _STAGES_LOCK:
        stage = _STAGES.get(title, 0) + 1
        _STAGES[title] = stage
    lines = [f"✗ {title}: {problem}"]
    if inputs:
        lines.append(f"  inputs: {inputs}")
    if diagnosis:
        lines.append(f"  What went wrong: {diagnosis}")
    shown = min(stage, len(hints))
    for k in range(shown):
        lines.append(f"  Hint {k + 1} of {len(hints)}: {hints[k]}")
    if shown < len(hints):
        lines.append(f"  (Still stuck? Run the check again for hint {shown + 1} of {len(hints)}.)")
    elif stage >= 2:
        lines.append("  (That was the last hint. If you are still stuck, the collapsed solution "
                     "cell below the check holds a worked solution: click its bar to open it.)")
    return Verdict(False, "\n".join(lines), {**(details or {}), "stage": shown})


def passed(title: str, text: str, details: Mapping[str, Any] | None = None) -> Verdict:
    """A ✓ verdict ``"✓ {title}: {text}"``; resets ``title``'s hint stage."""
    reset_hints(title)
    return Verdict(True, f"✓ {title}: {text}", dict(details or {}))


def not_implemented(title: str, detail: str = "") -> Verdict:
    """The "… not implemented yet" verdict of an untouched stub (no hint stage used)."""
    detail = detail or "Replace the `raise NotImplementedError` line with your code."
    return Verdict(False, f"… {title}: not implemented yet. {detail}")


_FP_TEXT = {"overflow": "overflow (a number too large for a float became inf)",
            "invalid": "an invalid operation (such as inf/inf or 0/0, which gives NaN)",
            "divide": "a division by zero"}


def _fp_problem(errors: Sequence[str]) -> str:
    return ("numpy reported " + " and ".join(_FP_TEXT.get(e, e) for e in errors)
            + "; in a notebook this prints a RuntimeWarning")


_SHAPES = ("two arrays whose shapes do not fit met in an operation. Write the shape of "
           "each array next to it (the exercise text lists them) and check every matrix "
           "product and every .T.")


def _explains(mistake: Mistake, outputs: Sequence[tuple[Sequence[Any], Any]], want: Any,
              rtol: float, atol: float) -> bool:
    """Does ``mistake``'s variant give the student's outputs on all these cases?

    The last case is the failing one, where the variant must also differ from ``want``.
    """
    for k, (case, got) in enumerate(outputs):
        try:
            wrong = mistake.variant(*_copy(case))
        except Exception:  # noqa: BLE001 - a variant that cannot run here does not match
            return False
        if not _close(got, wrong, rtol, atol):
            return False
        if k == len(outputs) - 1 and _close(want, wrong, rtol, atol):
            return False
    return True


def _arg_names(case: Sequence[Any], names: Sequence[str] | None) -> list[str]:
    return list(names) if names else [f"argument {k + 1}" for k in range(len(case))]


def _describe_case(case: Sequence[Any], names: Sequence[str] | None,
                   describe: Callable[..., str] | None) -> str:
    text = ", ".join(f"{n} = {format_value(v)}"
                     for n, v in zip(_arg_names(case, names), case, strict=True))
    if describe is not None:
        text += f"   ({describe(*_copy(case))})"
    return text


def run_check(title: str, student: Any, reference: Callable[..., Any],
              cases: Sequence[Sequence[Any]], *, hints: Sequence[str] | None = None,
              hint: str | None = None, mistakes: Sequence[Mistake] = (),
              input_names: Sequence[str] | None = None,
              describe: Callable[..., str] | None = None,
              fp_diagnosis: str | None = None, rtol: float = 1e-6, atol: float = 1e-9,
              timeout: float = DEFAULT_TIMEOUT, output_names: Sequence[str] | None = None,
              success: str | None = None) -> Verdict:
    """Compare ``student(*case)`` with ``reference(*case)`` on every case; teach on failure.

    Per case, in this order: an exception, ``None`` (not implemented), an
    input changed in place, the wrong structure (tuple length), a wrong
    output (shape, NaN, values) and finally a right output reached through a
    numpy floating-point error (a ``RuntimeWarning`` in the notebook). The
    first problem found becomes a :func:`failed` verdict with the case's
    inputs and, when the output equals a :class:`Mistake`'s, its diagnosis.

    Parameters
    ----------
    title : str
        Name of the exercise, used in the message and as its hint-stage key.
    student : callable
        The student's function.
    reference : callable
        The correct implementation.
    cases : sequence of argument tuples
        Inputs (arrays are copied for each call, so mutation cannot leak).
    hints : sequence of str, optional
        The hint stages (see :func:`failed`).
    hint : str, optional
        A single hint; used when ``hints`` is not given.
    mistakes : sequence of Mistake
        Known wrong variants, tried in order.
    input_names : sequence of str, optional
        Names of the arguments, for the inputs line.
    describe : callable, optional
        ``describe(*case) -> str``: a derived quantity worth seeing (e.g. w·x).
    fp_diagnosis : str, optional
        Diagnosis for a numpy floating-point error (default: a generic one).
    rtol, atol : float
        Tolerances of ``np.allclose``.
    timeout : float
        Seconds a single call may take.
    output_names : sequence of str, optional
        Names of the outputs (one per element when the function returns a tuple).
    success : str, optional
        Text of the ✓ verdict after the title.

    Returns
    -------
    Verdict
        ``details`` of a failure hold ``case`` (1-based), ``inputs`` (the
        arguments), ``mistake`` (a name or None) and ``stage``.
    """
    timeout = check_float("timeout", timeout, min_value=0.0, min_inclusive=False)
    stages = list(hints) if hints is not None else ([hint] if hint else [])
    if not callable(student):
        return failed(title, f"expected a function, got {type(student).__name__}. Pass the "
                             "function itself, without calling it (no parentheses).",
                      hints=stages)
    names = _arg_names(cases[0], input_names) if cases else []
    n = len(cases)
    seen: list[tuple[Sequence[Any], Any]] = []      # (case, the student's right output)
    for i, case in enumerate(cases, start=1):
        want = reference(*_copy(case))
        inputs = _describe_case(case, input_names, describe)
        info = {"case": i, "inputs": tuple(_copy(case))}

        def fail(problem: str, diagnosis: str | None = None, mistake: str | None = None,
                 *, _i: int = i, _inputs: str = inputs, _info: dict = info) -> Verdict:
            return failed(title, f"case {_i} of {n}: {problem}.", hints=stages,
                          diagnosis=diagnosis, inputs=_inputs,
                          details={**_info, "mistake": mistake})

        try:
            call = call_student(student, case, timeout)
        except NotImplementedError:
            return not_implemented(title)
        except Timeout:
            return fail(f"did not finish within {timeout:g} s. Is there an endless loop? (If "
                        "so it keeps running in the background: restart the kernel once you "
                        "have fixed it.)")
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - reported to the student
            shapes = isinstance(exc, ValueError) and any(
                word in str(exc) for word in ("matmul", "broadcast", "shapes", "aligned"))
            return fail(f"your function raised {type(exc).__name__}: {exc}",
                        _SHAPES if shapes else None, "shapes" if shapes else None)
        got = call.value
        if got is None or got is Ellipsis:
            return not_implemented(title, "(Your function returned None: is the `return` "
                                          "line missing?)")
        if call.changed:
            which = ", ".join(f"`{names[k]}`" for k in call.changed)
            return fail(f"your function changed its input {which} in place",
                        f"an in-place operation ({which.split(', ')[0].strip('`')} += ..., "
                        "*=, or assigning to a slice) changes the caller's array too, so "
                        "the values you were given are gone after the call. Compute the "
                        "result as a new array and leave the inputs as they were.",
                        "in_place")
        diagnosis, mistake = None, None
        for m in mistakes:                  # the first variant that explains every case so far
            if _explains(m, [*seen, (case, got)], want, rtol, atol):
                diagnosis, mistake = m.diagnosis, m.name
                break
        if isinstance(want, tuple):
            out = list(output_names or [f"output {k + 1}" for k in range(len(want))])
            listed = f"({', '.join(out)})"
            if not isinstance(got, (tuple, list)):
                shape = f" of shape {np.shape(got)}" if isinstance(got, np.ndarray) else ""
                return fail(f"your function returned one {type(got).__name__}{shape}; "
                            f"expected a tuple of {len(want)} arrays {listed}",
                            diagnosis, mistake)
            if len(got) != len(want):
                return fail(f"your function returned a {type(got).__name__} of {len(got)} "
                            f"values; expected {len(want)} values {listed}, in that order",
                            diagnosis, mistake)
            pairs = list(zip(out, got, want, strict=True))
        else:
            pairs = [((output_names or ["result"])[0], got, want)]
        problems = [p for p in (compare(nm, g, w, rtol, atol) for nm, g, w in pairs) if p]
        if problems:
            if not diagnosis and call.fp_errors:
                diagnosis = fp_diagnosis or _fp_problem(call.fp_errors) + "."
                mistake = "fp_error"
            return fail("; ".join(problems), diagnosis, mistake)
        seen.append((case, got))
        if call.fp_errors:
            return fail("the values are right, but " + _fp_problem(call.fp_errors),
                        fp_diagnosis or "a right answer that warns is not yet right: for "
                        "other inputs the same step can turn into NaN. Find the operation "
                        "that overflows or divides by zero and avoid it.", "fp_error")
    return passed(title, success or f"correct on all {n} test cases.")
