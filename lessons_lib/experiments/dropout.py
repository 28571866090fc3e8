r"""Dropout experiments: numbers in, numbers out (notebook 08).

* :func:`ensemble_size` — the :math:`2^N` sub-networks that dropout samples from;
* :func:`monte_carlo_mean` — the average of many dropout passes against the
  single inference pass, for inverted dropout and for test-time scaling;
* :func:`overfit_data`, :func:`overfit_run`, :func:`overfit_sweep` — a too-big
  network on a small noisy data set trained with a given drop rate, with the
  training, validation and test loss recorded as it learns (the validation
  loss picks the early-stopping step);
* :func:`overfit_seeds` — the same sweep over several seeds: mean and spread
  of every final number, so no claim rests on one random draw.

Training runs are memoised per argument set: :func:`overfit_sweep` fills the
cache for every drop rate of :data:`DROP_RATES`, after which a slider over
those rates only looks results up. Each training step is one
:meth:`~lessons_lib.model.MLP.step` with :class:`~lessons_lib.optim.SGD`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import data as _data
from .. import losses as _losses
from .. import optim
from ..activations import sigmoid
from ..layers import Dropout
from ..model import MLP
from ..speed import memo, one_blas_thread
from ..validation import check_array, check_bool, check_float, check_int

__all__ = [
    "DROP_RATES",
    "OVERFIT_GRID_EXTENT",
    "OVERFIT_GRID_RESOLUTION",
    "OVERFIT_SEEDS",
    "SEED_KEYS",
    "ensemble_size",
    "monte_carlo_mean",
    "overfit_data",
    "overfit_run",
    "overfit_seeds",
    "overfit_sweep",
]

#: Drop rates of the over-fitting demo and its slider.
DROP_RATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
#: ``(xmin, xmax, ymin, ymax)`` of the probability map returned by :func:`overfit_run`.
OVERFIT_GRID_EXTENT = (-1.8, 1.8, -1.8, 1.8)
#: Points per side of that map.
OVERFIT_GRID_RESOLUTION = 60
#: Seeds (initial weights and dropout masks) over which notebook 08 reports its sweep.
OVERFIT_SEEDS = (0, 1, 2, 3, 4)
#: Size of the validation set that chooses the early-stopping step.
N_VALIDATION = 50
_MAX_UNITS = 10_000
#: Mask entries :func:`monte_carlo_mean` draws at once: a million passes of a long
#: vector would not fit in memory as one array.
_MASK_ENTRIES = 200_000


def ensemble_size(n_units: int) -> int:
    r"""Number of sub-networks dropout can sample: :math:`2^N`.

    Each of the :math:`N` units that dropout acts on is either kept or
    dropped, so a mask picks one of :math:`2^N` thinned networks; all of them
    share the same weights.

    Parameters
    ----------
    n_units : int
        :math:`N \ge 0`, e.g. ``sum(model.layer_sizes[1:-1])`` for an
        :class:`~lessons_lib.model.MLP` with dropout after every hidden layer.

    Returns
    -------
    int
        :math:`2^N` exactly (a Python integer, however large).
    """
    n_units = check_int("n_units", n_units, min_value=0, max_value=_MAX_UNITS)
    return 2 ** n_units


def monte_carlo_mean(x: Any, p: float, *, inverted: bool = True, n_samples: int = 20_000,
                     seed: int = 0) -> dict[str, np.ndarray]:
    r"""Average of ``n_samples`` dropout passes of one activation vector.

    With keep probability :math:`q = 1 - p` and masks :math:`r_j \sim
    \mathrm{Bernoulli}(q)`:

    * inverted dropout trains with :math:`r\circ x/q` and infers with :math:`x`;
    * test-time scaling trains with :math:`r\circ x` and infers with :math:`qx`.

    In both cases :math:`\mathbb E[\text{training output}] = \text{inference output}`.

    Parameters
    ----------
    x : array_like, shape (n,)
        Activations of one sample.
    p : float
        Drop rate in ``[0, 1)``.
    inverted : bool
        Which scheme (:class:`~lessons_lib.layers.Dropout`'s ``inverted``).
    n_samples : int
        Number of independent masks, 1..1000000.
    seed : int
        Seeds the masks.

    Returns
    -------
    dict of ndarray, each shape (n,)
        ``mc_mean`` — average training-mode output; ``inference`` — the
        inference-mode output; ``std_error`` — standard error of ``mc_mean``
        from the Bernoulli variance, :math:`c\,|x|\sqrt{q(1-q)/n_{samples}}`
        with :math:`c = 1/q` (inverted) or 1.
    """
    x = check_array("x", x, ndim=1)
    p = check_float("p", p, min_value=0.0, max_value=1.0, max_inclusive=False)
    inverted = check_bool("inverted", inverted)
    n_samples = check_int("n_samples", n_samples, min_value=1, max_value=1_000_000)
    seed = check_int("seed", seed, min_value=0)
    layer = Dropout(p, inverted=inverted, seed=seed)
    total = np.zeros_like(x)
    rows = max(1, _MASK_ENTRIES // x.size)     # masks for this many passes at a time
    done = 0
    while done < n_samples:
        m = min(rows, n_samples - done)
        total += layer.forward(np.broadcast_to(x, (m, x.size)), training=True).sum(axis=0)
        done += m
    q = 1.0 - p
    c = 1.0 / q if inverted else 1.0
    return {"mc_mean": total / n_samples,
            "inference": layer.forward(x[None, :], training=False)[0],
            "std_error": c * np.abs(x) * np.sqrt(q * (1.0 - q) / n_samples)}


@memo(maxsize=8)
def _data_cached(n_train: int, n_test: int, noise: float,
                 seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X, y = _data.circles(n_train, noise=noise, seed=seed)
    Xt, yt = _data.circles(n_test, noise=noise, seed=seed + 1000)
    return X, y, Xt, yt


@memo(maxsize=8)
def _validation_cached(noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return _data.circles(N_VALIDATION, noise=noise, seed=seed + 2000)


def overfit_data(*, n_train: int = 50, n_test: int = 500, noise: float = 0.3,
                 seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The small noisy training set and the separate test set of the demo.

    Two concentric circles (:func:`lessons_lib.data.circles`, radius ratio 0.5)
    with Gaussian noise; the test set is drawn from the same distribution
    with another seed (``seed + 1000``).

    Parameters
    ----------
    n_train, n_test : int
        Points in each set, >= 2.
    noise : float
        Standard deviation of the noise, >= 0.
    seed : int
        Seeds the training set.

    Returns
    -------
    X_train (n_train, 2), y_train (n_train,), X_test (n_test, 2), y_test (n_test,)
        Read-only arrays.
    """
    n_train = check_int("n_train", n_train, min_value=2, max_value=100_000)
    n_test = check_int("n_test", n_test, min_value=2, max_value=100_000)
    noise = check_float("noise", noise, min_value=0.0)
    seed = check_int("seed", seed, min_value=0)
    return _data_cached(n_train, n_test, noise, seed)


def _predict(model: MLP, X: np.ndarray) -> np.ndarray:
    """The logits in inference mode (no dropout)."""
    return model.forward(X, training=False, check=False)


def _bce(model: MLP, X: np.ndarray, T: np.ndarray) -> tuple[float, float]:
    """Mean binary cross-entropy and accuracy (threshold 0 on the logit), inference mode."""
    logits = _predict(model, X)
    acc = float(np.mean((logits[:, 0] > 0.0) == (T[:, 0] > 0.5)))
    if not np.all(np.isfinite(logits)):
        return np.inf, acc
    return _losses.binary_cross_entropy(logits, T, from_logits=True)[0], acc


@memo(maxsize=64)
def _run(p: float, hidden: int, steps: int, lr: float, momentum: float, eval_every: int,
         n_train: int, noise: float, data_seed: int, seed: int) -> dict[str, Any]:
    X, y, Xt, yt = _data_cached(n_train, 500, noise, data_seed)
    Xv, yv = _validation_cached(noise, data_seed)
    T, Tt = y[:, None].astype(np.float64), yt[:, None].astype(np.float64)
    Tv = yv[:, None].astype(np.float64)
    model = MLP([2, hidden, hidden, 1], "relu", init="he_normal", dropout=p, seed=seed)
    optimizer = optim.SGD(lr=lr, momentum=momentum)
    evals: list[int] = []
    train_loss: list[float] = []
    test_loss: list[float] = []
    val_loss: list[float] = []
    test_acc: list[float] = []
    with one_blas_thread(), np.errstate(all="ignore"):
        for step in range(1, steps + 1):
            # one full-batch step: a fresh dropout mask, mean binary cross-entropy of
            # the logits, SGD with heavy-ball momentum
            result = model.step(X, T, optimizer=optimizer, loss="binary_cross_entropy",
                                check=False)
            if result.overflow:                 # no update was made: the run stops here
                evals.append(step)
                train_loss.append(np.inf)
                val_loss.append(np.inf)
                test_loss.append(np.inf)
                test_acc.append(_bce(model, Xt, Tt)[1])
                break
            if step % eval_every == 0 or step == steps:
                evals.append(step)
                train_loss.append(_bce(model, X, T)[0])
                val_loss.append(_bce(model, Xv, Tv)[0])
                loss, acc = _bce(model, Xt, Tt)
                test_loss.append(loss)
                test_acc.append(acc)
                if not (np.isfinite(train_loss[-1]) and np.isfinite(test_loss[-1])):
                    break
        xs = np.linspace(OVERFIT_GRID_EXTENT[0], OVERFIT_GRID_EXTENT[1], OVERFIT_GRID_RESOLUTION)
        ys = np.linspace(OVERFIT_GRID_EXTENT[2], OVERFIT_GRID_EXTENT[3], OVERFIT_GRID_RESOLUTION)
        gx, gy = np.meshgrid(xs, ys)
        logits = _predict(model, np.c_[gx.ravel(), gy.ravel()])[:, 0]
        proba = sigmoid(np.nan_to_num(logits, nan=0.0))
        train_pred = _predict(model, X)[:, 0] > 0.0
        test_pred = _predict(model, Xt)[:, 0] > 0.0
    out: dict[str, Any] = {"step": np.array(evals), "train_loss": np.array(train_loss),
                           "val_loss": np.array(val_loss), "test_loss": np.array(test_loss),
                           "test_acc_curve": np.array(test_acc), "proba": proba}
    for key in ("train_loss", "val_loss", "test_loss"):
        out[key][~np.isfinite(out[key])] = np.inf
    best = int(np.argmin(out["test_loss"]))
    stop = int(np.argmin(out["val_loss"]))
    out.update(stop_step=int(out["step"][stop]), early_test=float(out["test_loss"][stop]),
               early_test_acc=float(out["test_acc_curve"][stop]))
    out.update(best_step=int(out["step"][best]), best_test=float(out["test_loss"][best]),
               final_train=float(out["train_loss"][-1]), final_test=float(out["test_loss"][-1]),
               train_acc=float(np.mean(train_pred == y)), test_acc=float(np.mean(test_pred == yt)))
    out["gap"] = (out["final_test"] - out["final_train"] if np.isfinite(out["final_train"])
                  else np.inf)
    return out


def overfit_run(p: float, *, hidden: int = 64, steps: int = 500, lr: float = 0.1,
                momentum: float = 0.9, eval_every: int = 10, n_train: int = 50,
                noise: float = 0.3, data_seed: int = 1, seed: int = 0) -> dict[str, Any]:
    r"""Train a too-big network on :func:`overfit_data` with drop rate ``p``.

    The network is ``MLP([2, hidden, hidden, 1], "relu", init="he_normal",
    dropout=p, seed=seed)``: with the same ``seed`` every drop rate starts from
    the same weights. Each step is one full-batch step (the whole training set
    is the mini-batch, with a fresh dropout mask) of SGD with momentum on the
    mean binary cross-entropy of the logits, ``model.step(X, T,
    optimizer=optim.SGD(lr, momentum), loss="binary_cross_entropy")`` as in
    ``ll.training.train(model, X, T, loss="binary_cross_entropy", lr=lr,
    momentum=momentum)``: the velocity :math:`v \leftarrow \mu v - \eta\nabla E`,
    then :math:`W \leftarrow W + v`. Every ``eval_every`` steps the losses on
    the training set, on a validation set of :data:`N_VALIDATION` points
    (another draw, seed ``data_seed + 2000``) and on the test set are measured
    in inference mode (no dropout), so they compare like with like.

    **Early stopping** keeps the weights of the measured step where the
    *validation* loss was lowest; ``stop_step``, ``early_test`` and
    ``early_test_acc`` describe that network. ``best_step`` and ``best_test``
    are the minimum of the *test* loss itself, which a real run could not
    know without looking at its test set.

    Parameters
    ----------
    p : float
        Drop rate in ``[0, 1)``.
    hidden : int
        Units per hidden layer, 1..1024.
    steps : int
        Training steps, 1..20000.
    lr, momentum : float
        SGD learning rate (> 0) and momentum (in ``[0, 1)``).
    eval_every : int
        Steps between loss measurements (the last step is always measured).
    n_train : int
        Training points (the test set has 500).
    noise : float
        Noise of the data.
    data_seed, seed : int
        Seed the data (:func:`overfit_data`) and the model (weights and masks).

    Returns
    -------
    dict
        ``step``, ``train_loss``, ``val_loss``, ``test_loss``, ``test_acc_curve``
        (each (n_evals,)); scalars ``stop_step``, ``early_test``,
        ``early_test_acc`` (early stopping on the validation loss),
        ``best_step`` and ``best_test`` (minimum of the test loss),
        ``final_train``, ``final_test``, ``gap`` = final test − final train (``inf`` if diverged),
        ``train_acc`` and ``test_acc`` (inference mode, threshold 0 on the logit);
        ``proba`` (OVERFIT_GRID_RESOLUTION², ) — :math:`P(\text{class }1)` on the grid
        over :data:`OVERFIT_GRID_EXTENT`. A run that diverges (a step or a measurement
        overflows) stops there with ``inf`` losses (never NaN).
    """
    p = check_float("p", p, min_value=0.0, max_value=1.0, max_inclusive=False)
    hidden = check_int("hidden", hidden, min_value=1, max_value=1024)
    steps = check_int("steps", steps, min_value=1, max_value=20_000)
    lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
    momentum = check_float("momentum", momentum, min_value=0.0, max_value=1.0,
                           max_inclusive=False)
    eval_every = check_int("eval_every", eval_every, min_value=1)
    n_train = check_int("n_train", n_train, min_value=2, max_value=100_000)
    noise = check_float("noise", noise, min_value=0.0)
    data_seed = check_int("data_seed", data_seed, min_value=0)
    seed = check_int("seed", seed, min_value=0)
    return dict(_run(p, hidden, steps, lr, momentum, eval_every, n_train, noise, data_seed, seed))


def overfit_sweep(rates: Any = DROP_RATES, **kwargs: Any) -> dict[float, dict[str, Any]]:
    """:func:`overfit_run` for every drop rate in ``rates`` (fills the cache).

    Parameters
    ----------
    rates : sequence of float
        Drop rates in ``[0, 1)``.
    **kwargs
        Passed to :func:`overfit_run`.

    Returns
    -------
    dict
        ``{p: overfit_run(p, **kwargs)}`` in the order of ``rates``.
    """
    rates = check_array("rates", rates, ndim=1)
    return {float(p): overfit_run(float(p), **kwargs) for p in rates}


#: Keys of :func:`overfit_seeds`' result that hold one number per (rate, seed).
SEED_KEYS = ("final_train", "final_test", "gap", "train_acc", "test_acc", "best_test",
             "stop_step", "early_test", "early_test_acc")


def overfit_seeds(rates: Any = DROP_RATES, seeds: Any = OVERFIT_SEEDS,
                  **kwargs: Any) -> dict[str, np.ndarray]:
    """:func:`overfit_run` for every drop rate and every seed: mean and spread.

    The seed sets the initial weights and the dropout masks; the data stay
    the same. With the same seed every drop rate starts from the same weights.

    Parameters
    ----------
    rates : sequence of float
        Drop rates in ``[0, 1)``.
    seeds : sequence of int
        Model seeds, at least one, each >= 0.
    **kwargs
        Passed to :func:`overfit_run` (not ``seed``).

    Returns
    -------
    dict of ndarray
        ``rates`` (n_rates,), ``seeds`` (n_seeds,) and, for every key of
        :data:`SEED_KEYS` (``final_test``, ``gap``, ``early_test``, ...), an
        array of shape (n_rates, n_seeds). Read-only.
    """
    rates = check_array("rates", rates, ndim=1)
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of integers, got {type(seeds).__name__}")
    ints = [check_int(f"seeds[{i}]", s, min_value=0) for i, s in enumerate(seeds)]
    if not ints:
        raise ValueError("seeds must name at least one seed, got an empty sequence")
    if "seed" in kwargs:
        raise TypeError("overfit_seeds() takes the seeds as seeds=..., not seed=")
    runs = [[overfit_run(float(p), seed=s, **kwargs) for s in ints] for p in rates]
    out = {"rates": np.array(rates, dtype=float), "seeds": np.array(ints)}
    for key in SEED_KEYS:
        out[key] = np.array([[r[key] for r in row] for row in runs], dtype=float)
    for arr in out.values():
        arr.setflags(write=False)
    return out
