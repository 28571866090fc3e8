r"""The gradient-flow lab's computations: knobs in, a model and its training numbers out.

Used in notebook 11 (the gradient-flow lab).

Every remedy of notebooks 04–10 is one knob of :class:`LabSettings`: depth,
width, hidden activation and its :math:`\alpha`, weight initializer,
BatchNorm, dropout, residual shortcuts, clipping by global norm, an L2
penalty and the learning rate :math:`\eta`; two remedies of notebook 12 are
two more: LayerNorm (instead of BatchNorm) and the optimizer (SGD, momentum,
RMSProp, Adam).

* :func:`lab_settings` validates knob values (unknown knobs are listed);
* :func:`lab_data` returns one of four small seeded 2-D data sets;
* :func:`build_model` turns the architecture knobs into an
  :class:`~lessons_lib.model.MLP` (``depth`` hidden layers of ``width`` units and
  one logit output);
* :class:`LabRun` owns one model and trains it in chunks of full-batch
  gradient-descent steps. Each step is one
  :meth:`~lessons_lib.model.MLP.step` with the chosen optimizer; with
  ``optimizer="sgd"`` (the default) it is

  .. math::
      E = \tfrac1N\textstyle\sum_n \mathrm{BCE}(t_n, \sigma(z_n))
          + \tfrac{\lambda}{2}\sum_h \|W^h\|^2, \qquad
      g \leftarrow g\,\min\!\left(1, \frac{c}{\|g\|}\right), \qquad
      W \leftarrow W - \eta\, g

  (the other optimizers replace the last update, see :mod:`lessons_lib.optim`),
  and records the loss and :math:`\|\partial E/\partial W^l\|` of every dense
  layer (the heat map of the lab). A step whose loss or gradient is not a
  finite number stops the run: :attr:`LabRun.diverged` becomes True and
  :attr:`LabRun.note` says what happened. Nothing raises or warns.

Training is deterministic: the same settings give the same numbers, and
``train(a)`` followed by ``train(b)`` equals ``train(a + b)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from .. import activations as _act
from .. import data as _data
from .. import initializers as _init
from .. import losses as _losses
from .. import optim
from ..model import MLP
from ..probes import weight_grad_norms
from ..speed import memo, one_blas_thread
from ..validation import check_array, check_bool, check_choice, check_float, check_int

__all__ = [
    "ALPHA_ACTIVATIONS",
    "ARCHITECTURE_KNOBS",
    "KNOBS",
    "LAB_ACTIVATIONS",
    "LAB_DATASETS",
    "LAB_EXTENT",
    "LAB_INITS",
    "LAB_LR",
    "LAB_MAX_DEPTH",
    "LAB_MAX_WIDTH",
    "LAB_OPTIMIZERS",
    "CHECK_STEP",
    "LIVE_KNOBS",
    "LabFrame",
    "LabRun",
    "LabSettings",
    "build_model",
    "lab_data",
    "lab_settings",
]

#: The data sets of the lab's dropdown.
LAB_DATASETS = ("moons", "circles", "spirals", "xor")
#: Hidden activations offered by the lab.
LAB_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu", "gelu",
                   "silu")
#: Activations that use the ``alpha`` knob (slope, initial slope, or scale).
ALPHA_ACTIVATIONS = _act.ALPHA_NAMES
#: Weight initializers: four from notebook 06, plus ``"normal"`` (every weight
#: N(0, 1), far too large) and ``"zeros"`` (symmetric).
LAB_INITS = ("glorot_uniform", "he_normal", "lecun_normal", "uniform", "normal", "zeros")
#: Optimizers of the lab (see :func:`lessons_lib.optim.get`; ``"momentum"`` is SGD
#: with momentum 0.9).
LAB_OPTIMIZERS = optim.OPTIMIZERS
#: The lab's default learning rate of each optimizer. Adam's and RMSProp's
#: steps are about :math:`\eta` per weight whatever the gradient's size, so
#: their useful :math:`\eta` is far below plain SGD's; momentum 0.9 makes SGD's
#: steps up to ten times longer, hence a tenth of SGD's :math:`\eta`.
LAB_LR = {"sgd": 0.3, "momentum": 0.03, "rmsprop": 0.001, "adam": 0.001}
#: Largest depth (hidden layers) and width the lab accepts. 32 units are plenty
#: for its 2-D data sets and keep a training step at depth 50 near 5 ms, so the
#: live lab trains several steps per frame; 64-unit layers cost about four
#: times as much per step.
LAB_MAX_DEPTH = 50
LAB_MAX_WIDTH = 32
#: Every data set is standardized, so one square plotting window fits all.
LAB_EXTENT = (-2.75, 2.75, -2.75, 2.75)
#: Knobs that change the network itself, or how it is trained from the start:
#: changing one builds a new model (step 0). The optimizer is one of them: its
#: state (momentum, running averages, Adam's step count) belongs to one run,
#: and a run is reproducible from its settings only if one optimizer trained it.
ARCHITECTURE_KNOBS = ("dataset", "depth", "width", "activation", "alpha", "init", "batchnorm",
                      "layernorm", "dropout", "residual", "optimizer", "seed")
#: Knobs that may change between two steps of the same run.
LIVE_KNOBS = ("lr", "clip_norm", "l2")

N_POINTS = 200
#: The step at which :class:`LabRun` notes its training accuracy: the exercise of
#: notebook 11 trains this many steps, and the lab marks the step on its loss plot.
CHECK_STEP = 100


@dataclass(frozen=True)
class LabSettings:
    """Every knob of the lab, validated (build one with :func:`lab_settings`).

    Attributes
    ----------
    dataset : {"moons", "circles", "spirals", "xor"}
    depth : int
        Hidden layers, 1..50.
    width : int
        Units per hidden layer, 2..32.
    activation : str
        Hidden activation, one of :data:`LAB_ACTIVATIONS`.
    alpha : float
        Negative slope (``leaky_relu``), initial slope (``prelu``) or scale
        (``elu``), in [0, 1]; ignored by the other activations.
    init : str
        One of :data:`LAB_INITS`.
    batchnorm : bool
        BatchNorm before every hidden activation.
    layernorm : bool
        LayerNorm before every hidden activation (not together with ``batchnorm``).
    dropout : float
        Drop rate after every hidden activation, in [0, 0.9].
    residual : bool
        Identity shortcut around every hidden layer of equal width.
    optimizer : {"sgd", "momentum", "rmsprop", "adam"}
        How the gradient becomes an update (see :func:`lessons_lib.optim.get`).
    lr : float
        Learning rate :math:`\\eta`, in (0, 10]; :data:`LAB_LR` has each
        optimizer's usual value.
    clip_norm : float or None
        Clip the gradient by global norm to this threshold (None: no clipping).
    l2 : float
        L2 penalty :math:`\\lambda` on the weight matrices, in [0, 1].
    seed : int
        Seeds the data set, the weights and the dropout masks.
    """

    dataset: str = "moons"
    depth: int = 10
    width: int = 16
    activation: str = "sigmoid"
    alpha: float = 0.2
    init: str = "glorot_uniform"
    batchnorm: bool = False
    layernorm: bool = False
    dropout: float = 0.0
    residual: bool = False
    optimizer: str = "sgd"
    lr: float = 0.3
    clip_norm: float | None = None
    l2: float = 0.0
    seed: int = 0

    def architecture(self) -> tuple[Any, ...]:
        """The values of :data:`ARCHITECTURE_KNOBS` (equal tuples: same network).

        ``alpha`` counts only for the activations that use it.
        """
        return tuple(None if (k == "alpha" and self.activation not in ALPHA_ACTIVATIONS)
                     else getattr(self, k) for k in ARCHITECTURE_KNOBS)

    def as_dict(self) -> dict[str, Any]:
        """All knobs as a plain dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


#: Every knob's name, in the order of :class:`LabSettings`.
KNOBS: tuple[str, ...] = tuple(f.name for f in fields(LabSettings))


def _check_knob(name: str, value: Any) -> Any:
    if name == "dataset":
        return check_choice("dataset", value, LAB_DATASETS)
    if name == "depth":
        return check_int("depth", value, min_value=1, max_value=LAB_MAX_DEPTH)
    if name == "width":
        return check_int("width", value, min_value=2, max_value=LAB_MAX_WIDTH)
    if name == "activation":
        if isinstance(value, str):
            value = _act.canonical_name(value, "activation")
        return check_choice("activation", value, LAB_ACTIVATIONS)
    if name == "alpha":
        return check_float("alpha", value, min_value=0.0, max_value=1.0)
    if name == "init":
        return check_choice("init", value, LAB_INITS)
    if name == "optimizer":
        return check_choice("optimizer", value, LAB_OPTIMIZERS)
    if name in ("batchnorm", "layernorm", "residual"):
        return check_bool(name, value)
    if name == "dropout":
        return check_float("dropout", value, min_value=0.0, max_value=0.9)
    if name == "lr":
        return check_float("lr", value, min_value=0.0, max_value=10.0, min_inclusive=False)
    if name == "clip_norm":
        if value is None:
            return None
        return check_float("clip_norm", value, min_value=0.0, min_inclusive=False)
    if name == "l2":
        return check_float("l2", value, min_value=0.0, max_value=1.0)
    return check_int("seed", value, min_value=0)


def lab_settings(settings: Mapping[str, Any] | LabSettings | None = None,
                 **knobs: Any) -> LabSettings:
    """Validate knob values and fill in the defaults.

    Parameters
    ----------
    settings : dict or LabSettings, optional
        Starting values, e.g. ``{"depth": 30, "batchnorm": True}``.
    **knobs
        More values; they override ``settings``.

    Returns
    -------
    LabSettings
        When ``optimizer`` changes and ``lr`` is not given, an ``lr`` at the
        old optimizer's usual value (:data:`LAB_LR`) moves to the new one's
        (0.3 for SGD, 0.001 for Adam); any other ``lr`` is kept.

    Raises
    ------
    ValueError
        For an unknown knob (the message lists the valid ones), a value out
        of range, or ``batchnorm`` and ``layernorm`` both True;
        ``TypeError`` for a value of the wrong kind.
    """
    if settings is None:
        base = LabSettings()
        given: dict[str, Any] = {}
    elif isinstance(settings, LabSettings):
        base, given = settings, {}
    elif isinstance(settings, Mapping):
        base, given = LabSettings(), dict(settings)
    else:
        raise TypeError(f"settings must be a dict of knob values like {{'depth': 30}}, "
                        f"got {type(settings).__name__}")
    given.update(knobs)
    for key in given:
        if not isinstance(key, str) or key not in KNOBS:
            raise ValueError(f"settings has an unknown knob {key!r}; valid knobs are "
                             f"{list(KNOBS)}")
    new = {k: _check_knob(k, v) for k, v in given.items()}
    if "optimizer" in new and "lr" not in new and base.lr == LAB_LR[base.optimizer]:
        new["lr"] = LAB_LR[new["optimizer"]]
    out = replace(base, **new)
    if out.batchnorm and out.layernorm:
        raise ValueError("batchnorm and layernorm must not both be True (one normalization "
                         "before each activation: choose one), got batchnorm=True, "
                         "layernorm=True")
    return out


def _raw(name: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if name == "moons":
        return _data.moons(N_POINTS, noise=0.15, rng=rng)
    if name == "circles":
        return _data.circles(N_POINTS, noise=0.08, factor=0.5, rng=rng)
    if name == "spirals":
        return _data.spirals(N_POINTS, noise=0.2, rng=rng)
    X, y = _data.blobs(N_POINTS, centers=4, spread=0.5, rng=rng)   # xor: four blobs,
    return X, y % 2                                                 # opposite ones share a class


@memo(maxsize=16)
def _dataset(name: str, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X, y = _raw(name, np.random.default_rng(seed))
    X_test, y_test = _raw(name, np.random.default_rng([seed, 1]))   # another stream: new points
    mean, std = X.mean(axis=0), X.std(axis=0)
    # the test points in the training set's units
    return ((X - mean) / std, y.astype(np.int64),
            (X_test - mean) / std, y_test.astype(np.int64))


def lab_data(dataset: str = "moons", *, seed: int = 0,
             split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """One of the lab's seeded 2-D data sets, standardized.

    Parameters
    ----------
    dataset : {"moons", "circles", "spirals", "xor"}
        Two interleaved half circles (noise 0.15); a ring around a disc
        (noise 0.08, radius ratio 0.5); two spiral arms; four Gaussian blobs
        where opposite blobs share a class (XOR-like).
    seed : int
    split : {"train", "test"}
        The training points, or 200 new points of the same distribution (another
        random stream of the same seed) that the lab never trains on: its
        held-out test set. Both are scaled with the training set's mean and
        standard deviation.

    Returns
    -------
    X : ndarray, shape (200, 2)
        Training split: each column has mean 0 and standard deviation 1.
        Read-only (cached).
    y : ndarray, shape (200,)
        Labels 0/1 (100 of each in the training split). Read-only.
    """
    check_choice("dataset", dataset, LAB_DATASETS)
    check_choice("split", split, ("train", "test"))
    X, y, X_test, y_test = _dataset(dataset, check_int("seed", seed, min_value=0))
    return (X, y) if split == "train" else (X_test, y_test)


class _UnitNormal(_init.Initializer):
    """Every weight N(0, 1), whatever the fan: far too large for a deep net."""

    name = "normal"
    distribution = "normal"

    def std(self, n_in, n_out):
        return 1.0


def _initializer(name: str) -> _init.Initializer | str:
    return _UnitNormal() if name == "normal" else name


def build_model(settings: LabSettings | Mapping[str, Any] | None = None,
                **knobs: Any) -> MLP:
    """The network the architecture knobs describe.

    ``[2, width, ..., width, 1]`` with ``depth`` hidden layers; each hidden
    layer is ``Dense -> [BatchNorm or LayerNorm] -> activation -> [Dropout]``, wrapped in an
    identity shortcut when ``residual`` (all but the first, whose input has 2
    features). The output is one linear unit, a logit :math:`z`; the
    prediction is :math:`\\sigma(z)`.

    Parameters
    ----------
    settings, **knobs
        As for :func:`lab_settings`.

    Returns
    -------
    MLP
        A new model, seeded by ``settings.seed``.
    """
    s = lab_settings(settings, **knobs)
    params = {"alpha": s.alpha} if s.activation in ALPHA_ACTIVATIONS else None
    return MLP([2] + [s.width] * s.depth + [1], activation=s.activation,
               init=_initializer(s.init), batchnorm=s.batchnorm, layernorm=s.layernorm,
               dropout=s.dropout,
               residual=s.residual, output_activation="linear", seed=s.seed,
               activation_params=params)


@dataclass
class LabFrame:
    """Everything the lab draws after a training chunk.

    Attributes
    ----------
    steps : ndarray (n,)
        Step numbers 1..n of the recorded steps.
    loss : ndarray (n,)
        Loss :math:`E` (data term plus L2 penalty) before each update.
    test_loss : ndarray (n,)
        Cross-entropy on the 200 held-out points for the model each step starts
        from (inference mode: running BatchNorm statistics, no dropout; no
        penalty); ``inf`` if the output overflowed.
    grad_norms : ndarray (n, depth + 1)
        :math:`\\|\\partial E_{\\text{data}}/\\partial W^l\\|` per step and dense
        layer, column 0 the input side, the last column the output layer.
    proba : ndarray (m,) or None
        :math:`P(\\text{class } 1)` at the requested points (inference mode);
        0.5 where the network's output is not a finite number.
    accuracy : float
        Training accuracy in inference mode, in [0, 1].
    status : {"ready", "trained", "finished", "diverged"}
    note : str
        Why the run stopped (empty while it can go on).
    """

    steps: np.ndarray
    loss: np.ndarray
    test_loss: np.ndarray
    grad_norms: np.ndarray
    proba: np.ndarray | None
    accuracy: float
    status: str
    note: str


class LabRun:
    """One model of the lab and everything it has learned so far.

    Parameters
    ----------
    settings : LabSettings or dict, optional
        Knob values (see :func:`lab_settings`); ``**knobs`` override them.
    max_steps : int
        The run stops (status ``"finished"``) after this many steps, 1..100000.

    Attributes
    ----------
    settings : LabSettings
        Architecture knobs fixed at creation; ``lr``, ``clip_norm`` and ``l2``
        change with :meth:`set_live`.
    model : MLP
    optimizer : lessons_lib.optim.Optimizer
        ``optim.get(settings.optimizer, settings.lr)``, fresh (no state) at
        step 0; :meth:`train` sets its ``lr`` from ``settings.lr``.
    X, y : ndarray
        The training data (see :func:`lab_data`).
    X_test, y_test : ndarray
        200 held-out points of the same distribution, never trained on.
    step : int
        Updates done so far.
    check_accuracy : float or None
        Training accuracy right after step :data:`CHECK_STEP` (None before it).
    diverged : bool
    note : str
        Why the run stopped, if it did.
    """

    def __init__(self, settings: LabSettings | Mapping[str, Any] | None = None, *,
                 max_steps: int = 5000, **knobs: Any) -> None:
        self.settings = lab_settings(settings, **knobs)
        self.max_steps = check_int("max_steps", max_steps, min_value=1, max_value=100_000)
        self.X, self.y = lab_data(self.settings.dataset, seed=self.settings.seed)
        self.T = self.y[:, None].astype(np.float64)
        self.X_test, self.y_test = lab_data(self.settings.dataset, seed=self.settings.seed,
                                            split="test")
        self._T_test = self.y_test[:, None].astype(np.float64)
        self.check_accuracy: float | None = None
        self.model = build_model(self.settings)
        self.optimizer = optim.get(self.settings.optimizer, self.settings.lr)
        self.n_layers = len(self.model.dense_layers)
        self.step = 0
        self.diverged = False
        self.note = ""
        self._loss = np.empty(self.max_steps)
        self._test_loss = np.empty(self.max_steps)
        self._grads = np.empty((self.max_steps, self.n_layers))

    # -- knobs ------------------------------------------------------------------------
    def set_live(self, *, lr: float | None = None, clip_norm: Any = "keep",
                 l2: float | None = None) -> None:
        """Change the knobs that may change mid-run; they apply from the next step.

        Parameters
        ----------
        lr : float, optional
            New learning rate.
        clip_norm : float or None, optional
            New clipping threshold; ``None`` switches clipping off. Leave it
            out to keep the current one.
        l2 : float, optional
            New L2 penalty.
        """
        new: dict[str, Any] = {}
        if lr is not None:
            new["lr"] = lr
        if not (isinstance(clip_norm, str) and clip_norm == "keep"):
            new["clip_norm"] = clip_norm
        if l2 is not None:
            new["l2"] = l2
        self.settings = lab_settings(self.settings, **new)

    @property
    def status(self) -> str:
        """``"ready"`` (no step yet), ``"trained"``, ``"finished"`` or ``"diverged"``."""
        if self.diverged:
            return "diverged"
        if self.step >= self.max_steps:
            return "finished"
        return "ready" if self.step == 0 else "trained"

    @property
    def can_train(self) -> bool:
        """False once the run diverged or reached ``max_steps``."""
        return not self.diverged and self.step < self.max_steps

    # -- training ---------------------------------------------------------------------
    def _stop(self, what: str) -> None:
        self.diverged = True
        at = "before the first update" if self.step == 0 else f"at step {self.step + 1}"
        self.note = (f"diverged {at}: {what} overflowed float64. Training stopped; try a "
                     "smaller learning rate, clipping, another init or BatchNorm, then Reset.")

    def train(self, steps: int) -> int:
        """Run up to ``steps`` full-batch training steps; return how many ran.

        Fewer than ``steps`` run when the run diverges (see :attr:`note`) or
        reaches ``max_steps``.
        """
        steps = check_int("steps", steps, min_value=0)
        s = self.settings
        self.optimizer.lr = s.lr                     # the live knobs apply from this step on
        done = 0
        with one_blas_thread(), np.errstate(all="ignore"):
            while done < steps and self.can_train:
                test_loss = self._held_out_loss()    # the model as the training step finds it
                result = self.model.step(self.X, self.T, optimizer=self.optimizer,
                                         loss="binary_cross_entropy", clip_norm=s.clip_norm,
                                         l2=s.l2, check=False)
                if result.overflow:
                    self._stop(result.overflow)
                    break
                self._loss[self.step] = result.loss
                self._test_loss[self.step] = test_loss
                # the layers' grads hold the data loss's gradient (before L2 and clipping)
                self._grads[self.step] = weight_grad_norms(self.model)
                self.step += 1
                done += 1
                if self.step == CHECK_STEP:
                    self.check_accuracy = self.accuracy()
        if self.step >= self.max_steps and not self.diverged:
            self.note = f"finished: reached the limit of {self.max_steps} steps."
        return done

    # -- reading ---------------------------------------------------------------------------
    @property
    def losses(self) -> np.ndarray:
        """Loss of every step so far, shape (step,) (a read-only view)."""
        v = self._loss[:self.step]
        v.flags.writeable = False
        return v

    @property
    def test_losses(self) -> np.ndarray:
        """Loss on the held-out points (inference mode, no penalty) at every step, (step,)."""
        v = self._test_loss[:self.step]
        v.flags.writeable = False
        return v

    def _held_out_loss(self) -> float:
        h = self.model.forward(self.X_test, training=False, check=False)
        if not np.all(np.isfinite(h)):
            return math.inf
        loss, _ = _losses.binary_cross_entropy(h, self._T_test, from_logits=True)
        return float(loss)

    @property
    def grad_norms(self) -> np.ndarray:
        """:math:`\\|\\partial E/\\partial W^l\\|` per step and layer, shape (step, depth + 1)."""
        v = self._grads[:self.step]
        v.flags.writeable = False
        return v

    def proba(self, points: Any) -> np.ndarray:
        """:math:`P(\\text{class }1)` at ``points`` (N, 2), inference mode; 0.5 where undefined."""
        points = check_array("points", points, shape=(None, 2))
        with one_blas_thread(), np.errstate(all="ignore"):
            z = self.model.forward(points, training=False, check=False)[:, 0]
            p = _act.sigmoid(z)
        p[~np.isfinite(p)] = 0.5
        return p

    def accuracy(self, split: str = "train") -> float:
        """Share of the training (or ``"test"``) points classified right (inference mode).

        A point counts as class 1 when :math:`P(\\text{class } 1) > 0.5`. A network
        that answers about 0.5 everywhere still puts each point on one side of
        0.5, so its accuracy is near chance (50 %), not exactly 50 %.
        """
        check_choice("split", split, ("train", "test"))
        X, y = (self.X, self.y) if split == "train" else (self.X_test, self.y_test)
        return float(np.mean((self.proba(X) > 0.5) == (y == 1)))

    def frame(self, points: Any = None) -> LabFrame:
        """What to draw now; ``points`` (N, 2) are where to evaluate the probability."""
        return LabFrame(steps=np.arange(1, self.step + 1, dtype=np.float64), loss=self.losses,
                        test_loss=self.test_losses, grad_norms=self.grad_norms,
                        proba=None if points is None else self.proba(points),
                        accuracy=self.accuracy(), status=self.status, note=self.note)
