r"""Activation functions measured: curves, saturation, sparsity, dying ReLUs (notebook 04).

* :func:`activation_curve` — :math:`f(z)` and :math:`f'(z)` on a grid, the
  largest slope and where it occurs (the live "activation" panel);
* :func:`collapse_linear` and :func:`linear_fit_error` — a stack of linear
  layers is one linear map; a ReLU stack is not;
* :func:`saturation_share` — share of units whose slope is almost zero when
  the weighted inputs are large;
* :func:`activation_rate` — share of hidden outputs that are positive
  (ReLU sparsity), read with :func:`lessons_lib.probes.activation_stats`;
* :func:`centering_run` — a linear unit fed by sigmoid outputs, as they are
  (all positive) or shifted to mean 0: same-sign gradients and a badly
  conditioned error surface;
* :func:`dead_relu_run` — train a ReLU net at one learning rate and follow
  the share of dead units (the live "dying ReLU" panel, cached per η);
  :func:`dead_relu_sweep` repeats it over learning rates and seeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import activations as _act
from .. import losses as _losses
from .. import optim
from .. import probes as _probes
from ..layers import BatchNorm, Dropout, Residual
from ..model import MLP
from ..speed import memo, one_blas_thread
from ..validation import check_array, check_float, check_int

__all__ = [
    "ALPHA_ACTIVATIONS",
    "DEAD_RELU_SIZES",
    "PANEL_ACTIVATIONS",
    "ActivationCurve",
    "CenteringRun",
    "DeadReluRun",
    "DeadReluSweep",
    "activation_curve",
    "activation_rate",
    "centering_run",
    "collapse_linear",
    "dead_relu_data",
    "dead_relu_run",
    "dead_relu_sweep",
    "linear_fit_error",
    "saturation_share",
]

#: Elementwise activations of the live panel, in the order of the notes.
PANEL_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "rrelu", "elu", "selu",
                     "gelu", "silu")
#: Activations whose shape depends on a parameter alpha.
ALPHA_ACTIVATIONS = _act.ALPHA_NAMES
#: Layer sizes of the network :func:`dead_relu_run` trains.
DEAD_RELU_SIZES = (8, 32, 32, 1)


def _elementwise(name: Any, argname: str = "activation") -> str:
    key = _act.canonical_name(name, argname)
    if key == "softmax":
        raise ValueError(f"{argname} must be an elementwise activation, got 'softmax' "
                         "(it mixes the entries of a row)")
    return key


def _build(name: str, alpha: float | None) -> _act.Activation:
    if alpha is not None and name in ALPHA_ACTIVATIONS:
        return _act.get(name, alpha=alpha)
    return _act.get(name)


# -- curves ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ActivationCurve:
    r"""An activation sampled on a grid.

    Attributes
    ----------
    name : str
    alpha : float or None
        The α used (None for activations without one).
    z : ndarray, shape (n,)
        Grid from ``-z_max`` to ``z_max``; contains 0 when ``n`` is odd.
    f, grad : ndarray, shape (n,)
        :math:`f(z)` and :math:`f'(z)`. RReLU is shown as at test time
        (its slope fixed to the mean of the training range).
    max_grad : float
        :math:`\max_z |f'(z)|` on the grid.
    argmax : float
        The first grid point where it is reached.
    """

    name: str
    alpha: float | None
    z: np.ndarray
    f: np.ndarray
    grad: np.ndarray
    max_grad: float
    argmax: float


@memo(maxsize=256)
def _curve(name: str, alpha: float | None, z_max: float, n: int) -> ActivationCurve:
    act = _build(name, alpha)
    z = np.linspace(-z_max, z_max, n)
    f = act.forward(z, training=False)
    g = act.grad(z, training=False)
    i = int(np.argmax(np.abs(g)))
    return ActivationCurve(name=name, alpha=alpha if name in ALPHA_ACTIVATIONS else None, z=z,
                           f=f, grad=g, max_grad=float(abs(g[i])), argmax=float(z[i]))


def activation_curve(name: str, alpha: float | None = None, *, z_max: float = 5.0,
                     n: int = 401) -> ActivationCurve:
    r"""Sample :math:`f` and :math:`f'` of one activation on ``n`` points of ``[-z_max, z_max]``.

    Parameters
    ----------
    name : str
        An elementwise activation (:data:`lessons_lib.activations.NAMES`
        except ``softmax``).
    alpha : float, optional
        α of ``leaky_relu`` (in [0, 1)), ``prelu`` (its current learned
        value) and ``elu`` (>= 0); ignored by the others. None: the default.
    z_max : float
        Half-width of the grid, in (0, 1000].
    n : int
        Number of points, 3..100001 (odd puts a point at exactly 0).

    Returns
    -------
    ActivationCurve
        Memoized: the arrays are read-only.
    """
    key = _elementwise(name, "name")
    if alpha is not None:
        alpha = check_float("alpha", alpha)
        _build(key, alpha)                       # validates alpha for this activation
    z_max = check_float("z_max", z_max, min_value=0.0, max_value=1000.0, min_inclusive=False)
    n = check_int("n", n, min_value=3, max_value=100_001)
    return _curve(key, alpha if key in ALPHA_ACTIVATIONS else None, z_max, n)


# -- linear stacks ---------------------------------------------------------------------------------
def collapse_linear(model: Any) -> tuple[np.ndarray, np.ndarray]:
    r"""The single affine map equal to an MLP whose activations are all linear.

    Each layer computes :math:`Y^h = Y^{h-1}W^h + b^h`, so

    .. math:: Y^L = X\,W^1W^2\cdots W^L + b, \qquad
              b = (\cdots(b^1W^2 + b^2)W^3 + \cdots)W^L + b^L .

    Parameters
    ----------
    model : MLP
        With ``activation="linear"`` and ``output_activation="linear"``, no
        BatchNorm, dropout or shortcuts.

    Returns
    -------
    W : ndarray, shape (n_in, n_out)
        The product of the weight matrices.
    b : ndarray, shape (n_out,)
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be a lessons_lib.model.MLP, got {type(model).__name__}")
    if model.activation != "linear" or model.output_activation != "linear":
        raise ValueError(f"model must be linear in every layer (activation='linear', "
                         f"output_activation='linear'), got activation={model.activation!r}, "
                         f"output_activation={model.output_activation!r}")
    if any(isinstance(la, (BatchNorm, Dropout, Residual)) for la in model.layers):
        raise ValueError("model must be a plain stack of Dense layers (no batchnorm, dropout "
                         "or residual)")
    W = np.eye(model.layer_sizes[0])
    b = np.zeros(model.layer_sizes[0])
    for dense in model.dense_layers:
        W = W @ dense.params["W"]
        b = b @ dense.params["W"] + dense.params.get("b", 0.0)
    return W, b


def linear_fit_error(X: Any, Y: Any) -> float:
    r"""How far ``Y`` is from the best affine function of ``X`` (least squares).

    .. math:: \frac{\|Y - [\,1\; X\,]\hat\beta\|}{\|Y - \bar Y\|}, \qquad
              \hat\beta = \arg\min_\beta \|Y - [\,1\; X\,]\beta\|

    0 means ``Y`` *is* an affine function of ``X``; 1 means the best affine
    map explains nothing beyond the mean.

    Parameters
    ----------
    X : array_like, shape (N, n)
    Y : array_like, shape (N, k)

    Returns
    -------
    float
    """
    X = check_array("X", X, ndim=2)
    Y = check_array("Y", Y, ndim=2)
    if Y.shape[0] != X.shape[0]:
        raise ValueError(f"Y must have one row per row of X ({X.shape[0]}), got {Y.shape[0]}")
    A = np.hstack([np.ones((X.shape[0], 1)), X])
    beta, *_ = np.linalg.lstsq(A, Y, rcond=None)
    spread = float(np.linalg.norm(Y - Y.mean(axis=0)))
    if spread == 0.0:
        return 0.0
    return float(np.linalg.norm(Y - A @ beta) / spread)


# -- saturation and sparsity -----------------------------------------------------------------------
def saturation_share(activation: str, net_std: float, *, threshold: float = 0.05,
                     n: int = 100_000, seed: int = 0) -> float:
    r"""Share of units that pass back almost no gradient when :math:`\mathrm{net}\sim N(0, s^2)`.

    A unit is *saturated* when :math:`|f'(\mathrm{net})| < \text{threshold}\cdot\max|f'|`
    — the definition of :func:`lessons_lib.probes.activation_stats`. For the
    sigmoid with threshold 0.05 that is :math:`|z| > 4.36`, so the share is
    :math:`2\,(1 - \Phi(4.36/s))`: tiny for :math:`s = 1`, most units for large :math:`s`.

    Parameters
    ----------
    activation : str
        Elementwise activation name.
    net_std : float
        Standard deviation :math:`s > 0` of the weighted inputs.
    threshold : float
        Fraction of the largest slope, in (0, 1).
    n : int
        Number of sampled units, 100..10**7.
    seed : int
        Seeds the sample.

    Returns
    -------
    float in [0, 1]
    """
    key = _elementwise(activation)
    net_std = check_float("net_std", net_std, min_value=0.0, min_inclusive=False)
    threshold = check_float("threshold", threshold, min_value=0.0, max_value=1.0,
                            min_inclusive=False, max_inclusive=False)
    n = check_int("n", n, min_value=100, max_value=10**7)
    seed = check_int("seed", seed, min_value=0)
    act = _act.get(key)
    net = net_std * np.random.default_rng(seed).standard_normal(n)
    g = np.abs(act.grad(net))
    return float(np.mean(g < threshold * act.max_grad))


def activation_rate(activation: str, *, input_mean: float = 0.0, n_in: int = 16,
                    width: int = 256, batch: int = 1024, seed: int = 0) -> float:
    r"""Share of first-hidden-layer outputs that are positive (1 − sparsity).

    A one-hidden-layer :class:`~lessons_lib.model.MLP` (He normal weights,
    zero biases) gets inputs :math:`X \sim N(\text{input\_mean}, 1)`; the rate
    is ``activation_stats(model)["active"][0]``. With zero-mean inputs each
    :math:`\mathrm{net}_j` is symmetric around 0, so a ReLU passes about half
    of them and outputs exact zeros for the rest; a sigmoid's outputs are
    never 0, so its rate is 1.

    Parameters
    ----------
    activation : str
        Hidden activation name.
    input_mean : float
        Mean of every input feature.
    n_in, width, batch : int
        Inputs (1..1024), hidden units (1..4096) and samples (1..100000).
    seed : int
        Seeds the weights and the inputs.

    Returns
    -------
    float in [0, 1]
    """
    key = _elementwise(activation)
    input_mean = check_float("input_mean", input_mean)
    n_in = check_int("n_in", n_in, min_value=1, max_value=1024)
    width = check_int("width", width, min_value=1, max_value=4096)
    batch = check_int("batch", batch, min_value=1, max_value=100_000)
    seed = check_int("seed", seed, min_value=0)
    model = MLP([n_in, width, 1], activation=key, init="he_normal", seed=seed)
    X = input_mean + np.random.default_rng([seed, 4]).standard_normal((batch, n_in))
    model.forward(X)
    return float(_probes.activation_stats(model)["active"][0])


# -- zero-centered inputs --------------------------------------------------------------------------
@dataclass(frozen=True)
class CenteringRun:
    r"""A linear unit trained on sigmoid outputs (see :func:`centering_run`).

    Attributes
    ----------
    centered : bool
        True: the inputs are :math:`\sigma(z) - \tfrac12` (mean about 0);
        False: :math:`\sigma(z)` itself (all positive, mean about ½).
    seed : int
    input_mean : float
        Mean of all inputs.
    same_sign : float
        Share of samples whose gradient :math:`\partial E_n/\partial w` has
        one sign in every entry (all weights pushed up, or all down).
    eigenvalues : ndarray, shape (n_inputs,)
        Eigenvalues of the Hessian :math:`X^\top X/N` of the averaged squared
        error, ascending.
    lr : float
        The step used, :math:`\eta = 1/\lambda_{\max}`.
    excess : ndarray, shape (steps + 1,)
        :math:`E - E_{\min}` after each full-batch step (:math:`E_{\min} = 0`:
        the targets are an exact linear function of the inputs).
    """

    centered: bool
    seed: int
    input_mean: float
    same_sign: float
    eigenvalues: np.ndarray
    lr: float
    excess: np.ndarray

    @property
    def condition(self) -> float:
        r""":math:`\lambda_{\max}/\lambda_{\min}`: how much steeper the steepest direction is."""
        return float(self.eigenvalues[-1] / self.eigenvalues[0])

    def steps_to(self, fraction: float) -> int | None:
        r"""First step at which :math:`E - E_{\min}` is below ``fraction`` of its start.

        Parameters
        ----------
        fraction : float
            In (0, 1).

        Returns
        -------
        int or None
            None if the run never gets there.
        """
        fraction = check_float("fraction", fraction, min_value=0.0, max_value=1.0,
                               min_inclusive=False, max_inclusive=False)
        below = np.flatnonzero(self.excess < fraction * self.excess[0])
        return int(below[0]) if below.size else None


def centering_run(centered: bool, *, n_inputs: int = 8, batch: int = 256, steps: int = 300,
                  seed: int = 0) -> CenteringRun:
    r"""Gradient descent for a linear unit whose inputs are sigmoid outputs.

    The inputs are :math:`x = \sigma(z)` with :math:`z \sim N(0, 1)` — what a
    sigmoid layer hands to the next layer — or the same values shifted to
    mean 0, :math:`x = \sigma(z) - \tfrac12`. Only the mean differs; the
    spread is the same. The targets are :math:`t = x\,w^*` with the fixed
    weights :math:`w^* = (1, -1, 1, -1, \dots)`: half the weights must grow,
    half must shrink. Starting from :math:`w = 0`, full-batch gradient
    descent on :math:`E = \frac1N\sum\tfrac12(t - xw)^2` runs at
    :math:`\eta = 1/\lambda_{\max}`, the largest step that does not
    overshoot along the steepest direction (lesson 02).

    Parameters
    ----------
    centered : bool
        Shift the inputs to mean 0.
    n_inputs : int
        Inputs of the unit, 2..64.
    batch : int
        Samples, 16..4096.
    steps : int
        Full-batch steps, 1..10000.
    seed : int
        Seeds :math:`z`.

    Returns
    -------
    CenteringRun
        Read-only arrays.
    """
    if not isinstance(centered, (bool, np.bool_)):
        raise TypeError(f"centered must be True or False, got {centered!r}")
    n_inputs = check_int("n_inputs", n_inputs, min_value=2, max_value=64)
    batch = check_int("batch", batch, min_value=16, max_value=4096)
    steps = check_int("steps", steps, min_value=1, max_value=10_000)
    seed = check_int("seed", seed, min_value=0)
    z = np.random.default_rng([seed, 7]).standard_normal((batch, n_inputs))
    X = _act.sigmoid(z) - (0.5 if centered else 0.0)
    w_star = np.where(np.arange(n_inputs) % 2 == 0, 1.0, -1.0)[:, None]
    T = X @ w_star
    per_sample = -T * X                                # dE_n/dw at w = 0: -(t_n) x_n
    same = np.all(per_sample > 0, axis=1) | np.all(per_sample < 0, axis=1)
    lam = np.linalg.eigvalsh(X.T @ X / batch)
    lr = 1.0 / float(lam[-1])
    W = np.zeros((n_inputs, 1))
    excess = np.empty(steps + 1)
    for k in range(steps + 1):
        R = T - X @ W
        excess[k] = 0.5 * float(np.mean(R ** 2))
        if k < steps:
            W = W + lr / batch * (X.T @ R)
    run = CenteringRun(centered=bool(centered), seed=seed, input_mean=float(X.mean()),
                       same_sign=float(np.mean(same)), eigenvalues=lam, lr=lr, excess=excess)
    for arr in (run.eigenvalues, run.excess):
        arr.setflags(write=False)
    return run


# -- dying ReLU ------------------------------------------------------------------------------------
@memo(maxsize=1)
def dead_relu_data() -> tuple[np.ndarray, np.ndarray]:
    r"""The task of :func:`dead_relu_run`: 256 points in 8-D, label 1 where :math:`x_1x_2 > 0`.

    Inputs are standard normal (zero mean, as after standardization), so at
    the start about half the units of every ReLU layer are active on each
    sample and few are dead (none for seed 0; one unit of layer 2 for two
    of the seeds 0..5). The label is XOR of the signs of the first two
    features, a task no linear model can learn.

    Returns
    -------
    X : ndarray, shape (256, 8)
    T : ndarray, shape (256, 1)
        0/1 targets. Both arrays are read-only.
    """
    rng = np.random.default_rng(2024)
    X = rng.standard_normal((256, DEAD_RELU_SIZES[0]))
    T = (X[:, :1] * X[:, 1:2] > 0).astype(np.float64)
    return X, T


@dataclass(frozen=True)
class DeadReluRun:
    r"""One training run of :func:`dead_relu_run`.

    Attributes
    ----------
    lr : float
    steps, seed : int
        The arguments.
    step : ndarray, shape (k + 1,)
        0, 1, ..., k: updates taken (``k = steps`` unless ``diverged``).
    loss : ndarray, shape (k + 1,)
        Binary cross-entropy (mean over the batch) after that many updates.
    dead : ndarray, shape (k + 1, 2)
        Share of dead units in hidden layers 1 and 2: units whose weighted
        input is <= 0 on every one of the 256 samples, so their ReLU passes
        nothing forward and no gradient back: row ``t`` is
        ``lessons_lib.probes.activation_stats(model)["dead"]`` after the forward
        pass of the net that ``t`` updates have made.
    active : ndarray, shape (2,)
        Share of positive hidden outputs after training (activation rate).
    accuracy : float
        Share of the 256 points classified right after training.
    diverged : bool
        True if the loss became non-finite (the run stopped there).
    """

    lr: float
    steps: int
    seed: int
    step: np.ndarray
    loss: np.ndarray
    dead: np.ndarray
    active: np.ndarray
    accuracy: float
    diverged: bool

    @property
    def dead_final(self) -> np.ndarray:
        """Share of dead units per hidden layer at the end, shape (2,)."""
        return self.dead[-1]


@memo(maxsize=128)
def _dead_relu_run(lr: float, steps: int, seed: int) -> DeadReluRun:
    X, T = dead_relu_data()
    model = MLP(list(DEAD_RELU_SIZES), activation="relu", init="he_normal", seed=seed)
    optimizer = optim.SGD(lr=lr)                            # plain gradient descent
    n_hidden = len(model.activation_layers) - 1
    loss = np.empty(steps + 1)
    dead = np.empty((steps + 1, n_hidden))
    diverged = False
    taken = 0
    active = np.full(n_hidden, np.nan)
    acc = float("nan")
    with one_blas_thread(), np.errstate(all="ignore"):
        for t in range(steps):
            result = model.step(X, T, optimizer=optimizer, loss="binary_cross_entropy",
                                check=False)
            if result.overflow in ("the network's output", "the loss"):
                diverged = True
                break
            # the loss and the dead units of the forward pass this step started from
            loss[t] = result.loss
            dead[t] = _probes.activation_stats(model)["dead"]   # net <= 0 on every sample
            taken = t
            if result.overflow:                     # the gradient overflowed: no update made
                diverged = True
                break
        else:                                       # the trained network: one more forward
            Y = model.forward(X, training=True, check=False)
            value = (_losses.binary_cross_entropy(Y, T, from_logits=True)[0]
                     if np.all(np.isfinite(Y)) else np.inf)
            diverged = not np.isfinite(value)
            if not diverged:
                taken = steps
                loss[taken] = value
                stats = _probes.activation_stats(model)
                dead[taken], active = stats["dead"], stats["active"]
                acc = float(np.mean((Y[:, 0] > 0) == (T[:, 0] > 0.5)))
    return DeadReluRun(lr=lr, steps=steps, seed=seed, step=np.arange(taken + 1.0),
                       loss=loss[:taken + 1].copy(), dead=dead[:taken + 1].copy(),
                       active=np.asarray(active, dtype=np.float64), accuracy=acc,
                       diverged=diverged)


def dead_relu_run(lr: float, *, steps: int = 100, seed: int = 0) -> DeadReluRun:
    r"""Train a ReLU net at learning rate η and follow its dead units.

    The net is ``MLP([8, 32, 32, 1], activation="relu", init="he_normal")``
    with a linear output read as a logit, trained by full-batch gradient
    descent :math:`W \leftarrow W - \eta\,\partial E/\partial W` on the
    binary cross-entropy of :func:`dead_relu_data`. A too-large step can push
    a unit's weighted input below zero for *every* sample; from then on its
    derivative is 0 everywhere, no gradient reaches its weights and it never
    recovers: the unit is dead.

    Results are memoized per (η, steps, seed), so a slider that returns to a
    value costs nothing. η is rounded to 6 significant digits first, so a
    slider's ``10 ** -1.75`` and the same number computed elsewhere share one
    run.

    Parameters
    ----------
    lr : float
        Learning rate η in (0, 100].
    steps : int
        Updates, 1..2000.
    seed : int
        Seeds the weights.

    Returns
    -------
    DeadReluRun
        Read-only arrays. A run whose loss overflows stops early with
        ``diverged=True`` (its ``active`` and ``accuracy`` are NaN); it never
        raises or warns.
    """
    lr = check_float("lr", lr, min_value=0.0, max_value=100.0, min_inclusive=False)
    steps = check_int("steps", steps, min_value=1, max_value=2000)
    seed = check_int("seed", seed, min_value=0)
    return _dead_relu_run(float(f"{lr:.6g}"), steps, seed)


@dataclass(frozen=True)
class DeadReluSweep:
    r""":func:`dead_relu_run` over several learning rates and seeds.

    Attributes
    ----------
    lrs : ndarray, shape (k,)
    seeds : tuple of int
    steps : int
    dead_start : ndarray, shape (s, 2)
        Share of dead units per hidden layer before training, per seed.
    dead : ndarray, shape (s, k, 2)
        Share of dead units per hidden layer after training.
    accuracy : ndarray, shape (s, k)
        Training accuracy after training (NaN for a diverged run).
    diverged : ndarray of bool, shape (s, k)
    """

    lrs: np.ndarray
    seeds: tuple[int, ...]
    steps: int
    dead_start: np.ndarray
    dead: np.ndarray
    accuracy: np.ndarray
    diverged: np.ndarray


def dead_relu_sweep(lrs: Any, *, seeds: Any = range(6), steps: int = 100) -> DeadReluSweep:
    r"""Dead units and accuracy after training, for every learning rate and seed.

    One run per (η, seed) of :func:`dead_relu_run` (cached there), so a
    claim about the sweep can be checked over seeds instead of resting on
    one draw of the starting weights.

    Parameters
    ----------
    lrs : array_like, shape (k,)
        Learning rates, each in (0, 100].
    seeds : iterable of int
        At least one seed (>= 0), no repeats.
    steps : int
        Updates per run, 1..2000.

    Returns
    -------
    DeadReluSweep
        Read-only arrays.
    """
    lrs = check_array("lrs", lrs, ndim=1)
    if lrs.size == 0:
        raise ValueError("lrs must hold at least one learning rate, got an empty array")
    try:
        seed_list = tuple(seeds)
    except TypeError:
        raise TypeError(f"seeds must be an iterable of int, got {type(seeds).__name__}") from None
    if not seed_list:
        raise ValueError("seeds must hold at least one seed, got none")
    seed_list = tuple(check_int("seeds", s, min_value=0) for s in seed_list)
    if len(set(seed_list)) != len(seed_list):
        raise ValueError(f"seeds must not repeat, got {seed_list}")
    runs = [[dead_relu_run(float(lr), steps=steps, seed=s) for lr in lrs] for s in seed_list]
    sweep = DeadReluSweep(
        lrs=lrs.copy(), seeds=seed_list, steps=runs[0][0].steps,
        dead_start=np.array([row[0].dead[0] for row in runs]),
        dead=np.array([[r.dead_final for r in row] for row in runs]),
        accuracy=np.array([[r.accuracy for r in row] for row in runs]),
        diverged=np.array([[r.diverged for r in row] for row in runs]))
    for arr in (sweep.lrs, sweep.dead_start, sweep.dead, sweep.accuracy, sweep.diverged):
        arr.setflags(write=False)
    return sweep
