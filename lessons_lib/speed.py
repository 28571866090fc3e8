"""How the lessons stay fast, in one place. Nothing here changes a printed number.

Two tools, so the teaching code can stay in textbook form:

* :func:`one_blas_thread` — run a block (a panel update, an experiment) with
  the BLAS library on one thread. The lessons' matrices are small: a second
  OpenBLAS thread costs more to wake than it saves, and on a busy two-core
  machine (a laptop in class, a Binder pod) it makes a slider step several
  times slower. Used as ``with one_blas_thread():``.
* :func:`memo` — remember a pure function's results by argument, like
  :func:`functools.lru_cache`, and make each result read-only, so a caller
  cannot change the copy the next caller gets. A slider that returns to a
  value redraws without recomputing.

Everything else (how a layer multiplies, how a loop runs) is written as the
maths reads. (One BLAS thread can sum a matrix product in another order than
two: the last bit of a result may differ, never a rounded output; the CPU
matrix of ``tools/cpu_matrix.py`` checks that.)
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

import numpy as np

__all__ = ["freeze", "memo", "one_blas_thread"]

F = TypeVar("F", bound=Callable[..., Any])

_controller: Any = None


def one_blas_thread() -> AbstractContextManager[Any]:
    """Context manager that limits BLAS to one thread inside the ``with`` block.

    Uses :mod:`threadpoolctl` when it is installed and does nothing otherwise
    (results are the same either way: only the speed differs). The limit
    starts when this is called, so call it in the ``with`` statement itself.

    Examples
    --------
    >>> with one_blas_thread():
    ...     Y = X @ W
    """
    global _controller
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:                       # pragma: no cover - optional speed-up
            _controller = False
        else:
            _controller = ThreadpoolController()
    if _controller is False:
        return nullcontext()
    return _controller.limit(limits=1, user_api="blas")


def freeze(value: Any) -> Any:
    """Make every numpy array in ``value`` read-only (in place) and return ``value``.

    Looks inside tuples, lists, dicts and dataclass instances.
    """
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, (tuple, list)):
        for item in value:
            freeze(item)
    elif isinstance(value, dict):
        for item in value.values():
            freeze(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            freeze(getattr(value, f.name))
    return value


def memo(maxsize: int = 128) -> Callable[[F], F]:
    """Cache a pure function of hashable arguments; its results are read-only.

    Parameters
    ----------
    maxsize : int
        Results kept (least recently used dropped first), >= 1.

    Returns
    -------
    decorator
        The wrapped function keeps ``cache_clear()`` and ``cache_info()``.

    Examples
    --------
    >>> @memo(maxsize=64)
    ... def profile(depth: int, seed: int) -> np.ndarray: ...
    """
    if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
        raise ValueError(f"maxsize must be an int >= 1, got {maxsize!r}")

    def decorate(fn: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(lambda *a, **k: freeze(fn(*a, **k)))
        wrapper = functools.wraps(fn)(lambda *a, **k: cached(*a, **k))
        wrapper.cache_clear = cached.cache_clear          # type: ignore[attr-defined]
        wrapper.cache_info = cached.cache_info            # type: ignore[attr-defined]
        return wrapper                                    # type: ignore[return-value]

    return decorate
