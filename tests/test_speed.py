"""lessons_lib.speed: the one place that makes the lessons fast (and changes no number)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from lessons_lib import speed


def test_memo_computes_once_per_argument_and_returns_read_only_results():
    calls = []

    @speed.memo(maxsize=4)
    def square(n: int) -> np.ndarray:
        calls.append(n)
        return np.arange(n) ** 2

    a = square(3)
    b = square(3)
    assert a is b and calls == [3]
    assert not a.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        a[0] = 1
    square(4)
    assert calls == [3, 4]
    square.cache_clear()
    square(3)
    assert calls == [3, 4, 3]
    assert square.__name__ == "square"


def test_freeze_reaches_arrays_inside_containers_and_dataclasses():
    @dataclass(frozen=True)
    class Run:
        loss: np.ndarray
        parts: dict

    run = Run(np.zeros(2), {"a": [np.ones(1), (np.ones(2),)]})
    speed.freeze(run)
    assert not run.loss.flags.writeable
    assert not run.parts["a"][0].flags.writeable
    assert not run.parts["a"][1][0].flags.writeable


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "8"])
def test_memo_rejects_a_bad_maxsize_by_name(bad):
    with pytest.raises(ValueError, match=r"maxsize must be an int >= 1, got"):
        speed.memo(bad)


def test_one_blas_thread_limits_blas_inside_and_restores_it_after():
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads() -> list[int]:
        return [i["num_threads"] for i in threadpoolctl.threadpool_info()
                if i["user_api"] == "blas"]

    before = blas_threads()
    if not before:
        pytest.skip("numpy's BLAS is not visible to threadpoolctl here")
    with speed.one_blas_thread():
        assert blas_threads() == [1] * len(before)
        a = np.ones((64, 64))
        assert float((a @ a)[0, 0]) == 64.0
    assert blas_threads() == before
