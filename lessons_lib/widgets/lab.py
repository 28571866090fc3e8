"""The gradient-flow lab: every knob of notebooks 04–10 on one live, training panel (notebook 11).

Compute is :class:`lessons_lib.experiments.lab.LabRun` (one model, trained in
chunks); drawing is :class:`lessons_lib.plots.lab.LabPlot` (one figure, made
once); this module wires them to the controls and to Train / Pause / Reset.

The panel contract holds here too: :meth:`GradientFlowLab.compute` only
reads the model (what to draw now); a control change first brings the model
in line with the controls (:meth:`GradientFlowLab.apply_controls`: a new
model when the architecture changed, the new η, clipping or L2 from the next
step otherwise); training happens only in the actions Train / Pause / Reset
and :meth:`~GradientFlowLab.step` / :meth:`~GradientFlowLab.tick`.

Training runs as an ``asyncio`` task on the kernel's own event loop: each
frame trains a chunk of steps (about :attr:`GradientFlowLab.frame_budget`
seconds' worth), moves the artists, redraws (see :meth:`Panel.update`) and then
``await asyncio.sleep(...)``, so clicks and slider changes are handled between
two frames and the kernel never blocks. :meth:`GradientFlowLab.step`,
:meth:`~GradientFlowLab.tick` and :meth:`~GradientFlowLab.reset` do the same
work synchronously (tests, scripts).
"""

from __future__ import annotations

import asyncio
import html
import io
import math
import statistics
import time
import weakref
from dataclasses import replace
from typing import Any

import ipywidgets as ipw
import numpy as np
from PIL import Image

from ..experiments.lab import (
    ALPHA_ACTIVATIONS,
    CHECK_STEP,
    LAB_ACTIVATIONS,
    LAB_EXTENT,
    LAB_LR,
    LAB_MAX_DEPTH,
    LAB_MAX_WIDTH,
    LAB_OPTIMIZERS,
    LabRun,
    LabSettings,
    lab_settings,
)
from ..plots.base import COLORS, DRAW_LOCK
from ..plots.lab import HEATMAP_RANGE, LabPlot
from ..validation import check_float, check_int
from .base import Panel, panel_factory

__all__ = ["CLIP_OPTIONS", "L2_OPTIONS", "LR_OPTIONS", "GradientFlowLab", "benchmark_lab",
           "gradient_flow_lab"]

#: Values of the learning-rate slider.
LR_OPTIONS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
#: (label, value) of the clipping slider; 0 means no clipping.
CLIP_OPTIONS = (("off", 0.0), ("0.1", 0.1), ("0.3", 0.3), ("1", 1.0), ("3", 3.0), ("10", 10.0))
#: (label, value) of the L2 slider.
L2_OPTIONS = (("0", 0.0), ("1e-4", 1e-4), ("1e-3", 1e-3), ("1e-2", 1e-2), ("0.1", 0.1))
_DATASET_LABELS = (("moons", "moons"), ("circles", "circles"), ("spirals", "spirals"),
                   ("XOR blobs", "xor"))
_INIT_LABELS = (("Glorot uniform", "glorot_uniform"), ("He normal", "he_normal"),
                ("LeCun normal", "lecun_normal"), ("uniform ±0.05", "uniform"),
                ("N(0, 1): too large", "normal"), ("zeros", "zeros"))
_OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "SGD with momentum 0.9", "rmsprop": "RMSProp",
                    "adam": "Adam"}
_OPTIMIZER_LABELS = tuple((("momentum 0.9" if name == "momentum" else _OPTIMIZER_NAMES[name]),
                           name) for name in LAB_OPTIMIZERS)
_STUCK_AFTER = 100
#: Seconds per frame the decision boundary may cost on average while training.
_GRID_BUDGET = 0.02
#: Labs whose training is switched on (at most one: starting one pauses the others).
_TRAINING: weakref.WeakSet = weakref.WeakSet()
_STATE_COLORS = {"ready": "#555555", "training": COLORS[2], "paused": COLORS[0],
                 "finished": COLORS[0], "diverged": "#B00020"}


def _tip(settings: LabSettings) -> str:
    """A warning for a setting that cannot learn for a reason the panel does not show."""
    if settings.residual and not settings.batchnorm and not settings.layernorm \
            and settings.activation == "sigmoid" \
            and settings.depth >= 10:
        return ("shortcuts with sigmoid and no BatchNorm: each block adds its output, about "
                "0.5 per unit, to the stream, so deep blocks get large weighted sums and "
                "their sigmoids saturate; the gradient flows back along the shortcuts, but "
                "the blocks it reaches cannot learn. BatchNorm re-centers every block's input.")
    return ""


def _nearest(name: str, options: tuple, value: float) -> Any:
    """The slider value equal to ``value`` (options are values or (label, value) pairs)."""
    def key(o):
        v = o[1] if isinstance(o, tuple) else o
        if v == 0 or value == 0:
            return 0.0 if v == value else math.inf
        return abs(math.log(v / value))
    best = min(options, key=key)
    if key(best) > 1e-9:
        vals = [o[1] if isinstance(o, tuple) else o for o in options]
        raise ValueError(f"{name} must be one of the lab slider's values {vals}, got {value}")
    return best[1] if isinstance(best, tuple) else best


class GradientFlowLab(Panel):
    """Live training of a deep net on a 2-D data set (see :func:`gradient_flow_lab`).

    Attributes
    ----------
    run : LabRun
        The model being trained and its history.
    plot : LabPlot
        The figure: loss, decision boundary, gradient heat map.
    buttons : dict of str to ipywidgets.Button
        ``"train"``, ``"pause"``, ``"reset"``.
    message : str
        The last event worth telling (e.g. "architecture changed: new model").
    """

    enabled_when = {"alpha": lambda v: v["activation"] in ALPHA_ACTIVATIONS,
                    # one normalization per layer: LayerNorm counts only while BatchNorm is
                    # off (its checkbox is grayed out then, and ignored if ticked)
                    "layernorm": lambda v: not v["batchnorm"]}

    def __init__(self, *, max_steps: int = 3000, frame_budget: float = 0.03,
                 interval: float = 0.02, **knobs: Any) -> None:
        start = lab_settings(knobs)
        self.max_steps = check_int("max_steps", max_steps, min_value=1, max_value=100_000)
        self.frame_budget = check_float("frame_budget", frame_budget, min_value=0.0,
                                        max_value=1.0, min_inclusive=False)
        self.interval = check_float("interval", interval, min_value=0.0, max_value=1.0)
        lr = _nearest("lr", LR_OPTIONS, start.lr)
        clip = _nearest("clip_norm", CLIP_OPTIONS,
                        0.0 if start.clip_norm is None else start.clip_norm)
        l2 = _nearest("l2", L2_OPTIONS, start.l2)
        if start.dropout > 0.5:
            raise ValueError(f"dropout must be <= 0.5 in the lab, got {start.dropout}")
        self._seed = start.seed
        self.run = LabRun(start, max_steps=self.max_steps)
        self.plot = LabPlot(self.run.X, self.run.y, self.run.n_layers, extent=LAB_EXTENT)
        self._running = False
        self._task: asyncio.Task | None = None
        self._frame_times: list[float] = []
        self._frame_count = 0
        self._grid_every = 1                 # evaluate the boundary every n-th frame
        self._with_grid = True               # the next compute evaluates the boundary
        self.message = ""
        self._lr_moved: tuple[float, float] | None = None   # (from, to) by the optimizer

        narrow = ipw.Layout(width="245px")
        style = {"description_width": "76px"}
        late = {"continuous_update": False, "layout": narrow, "style": style}
        controls = {
            "dataset": ipw.Dropdown(options=_DATASET_LABELS, description="data", layout=narrow,
                                    style=style),
            "depth": ipw.IntSlider(min=1, max=LAB_MAX_DEPTH, description="depth", **late),
            "width": ipw.IntSlider(min=2, max=LAB_MAX_WIDTH, description="width", **late),
            "activation": ipw.Dropdown(options=LAB_ACTIVATIONS, description="activation",
                                       layout=narrow, style=style),
            "alpha": ipw.FloatSlider(min=0.0, max=1.0, step=0.01, readout_format=".2f",
                                     description="α", **late),
            "init": ipw.Dropdown(options=_INIT_LABELS, description="init", layout=narrow,
                                 style=style),
            "batchnorm": ipw.Checkbox(description="BatchNorm", indent=False,
                                      layout=ipw.Layout(width="110px")),
            "layernorm": ipw.Checkbox(description="LayerNorm", indent=False,
                                      layout=ipw.Layout(width="110px")),
            "residual": ipw.Checkbox(description="residual", indent=False,
                                     layout=ipw.Layout(width="100px")),
            "dropout": ipw.FloatSlider(min=0.0, max=0.5, step=0.05, readout_format=".2f",
                                       description="dropout", **late),
            "optimizer": ipw.Dropdown(options=_OPTIMIZER_LABELS, description="optimizer",
                                      layout=narrow, style=style),
            "lr": ipw.SelectionSlider(options=LR_OPTIONS, description="η", layout=narrow,
                                      style=style),
            "clip_norm": ipw.SelectionSlider(options=CLIP_OPTIONS, description="clip ‖g‖",
                                             layout=narrow, style=style),
            "l2": ipw.SelectionSlider(options=L2_OPTIONS, description="L2 λ", layout=narrow,
                                      style=style),
        }
        self.buttons = {
            "train": ipw.Button(description="Train", icon="play", button_style="success",
                                layout=ipw.Layout(width="90px")),
            "pause": ipw.Button(description="Pause", icon="pause", disabled=True,
                                layout=ipw.Layout(width="90px")),
            "reset": ipw.Button(description="Reset", icon="refresh",
                                layout=ipw.Layout(width="90px")),
        }
        self.buttons["train"].on_click(lambda _b: self.start())
        self.buttons["pause"].on_click(lambda _b: self.pause())
        self.buttons["reset"].on_click(lambda _b: self.reset())
        super().__init__(controls, self.plot.fig, values={
            "dataset": start.dataset, "depth": start.depth, "width": start.width,
            "activation": start.activation, "alpha": start.alpha, "init": start.init,
            "batchnorm": start.batchnorm, "layernorm": start.layernorm,
            "residual": start.residual, "dropout": start.dropout,
            "optimizer": start.optimizer, "lr": lr, "clip_norm": clip, "l2": l2})

    def layout(self) -> list[ipw.Widget]:
        """Two groups of controls (the network; training, with the buttons), then the figure."""
        c = self.controls
        architecture = ipw.HBox([ipw.HTML("<b>network</b> <small>(a change builds a new "
                                          "model)</small>", layout=ipw.Layout(width="100%")),
                                 c["dataset"], c["depth"], c["width"], c["activation"],
                                 c["alpha"], c["init"], c["batchnorm"], c["layernorm"],
                                 c["residual"], c["dropout"]],
                                layout=ipw.Layout(flex_flow="row wrap"))
        training = ipw.HBox([ipw.HTML("<b>training</b> <small>(η, clipping and L2 apply from "
                                      "the next step; another optimizer starts again from "
                                      "step 0 with a fresh state; η follows the optimizer "
                                      "while it sits at the optimizer's usual value: SGD 0.3, "
                                      "momentum 0.03, RMSProp and Adam 0.001)</small>",
                                      layout=ipw.Layout(width="100%")),
                             c["optimizer"], c["lr"], c["clip_norm"], c["l2"],
                             *self.buttons.values()],
                            layout=ipw.Layout(flex_flow="row wrap"))
        return [architecture, training, self.view, self.readout, self.errors]

    # -- state ------------------------------------------------------------------------
    @property
    def state(self) -> str:
        """``"ready"``, ``"training"``, ``"paused"``, ``"finished"`` or ``"diverged"``."""
        if self._running:
            return "training"
        status = self.run.status
        if status == "trained":
            return "paused"
        return status

    @property
    def settings(self) -> LabSettings:
        """The knob values of the current run."""
        return self.run.settings

    def _sync_buttons(self) -> None:
        running = self._running
        self.buttons["train"].disabled = running
        self.buttons["pause"].disabled = not running

    # -- η follows the optimizer ----------------------------------------------------
    def _follow(self, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` plus ``lr``: the new optimizer's usual η, when the optimizer
        changes, ``lr`` is not among ``values`` and η sits at the old one's usual value."""
        old = self.controls["optimizer"].value
        new = values.get("optimizer", old)
        lr = self.controls["lr"].value
        if new != old and "lr" not in values and lr == LAB_LR[old] != LAB_LR[new]:
            self._lr_moved = (lr, LAB_LR[new])
            return {**values, "lr": LAB_LR[new]}
        return values

    def set(self, **values: Any) -> None:
        """Change several controls at once, then redraw once (see :meth:`Panel.set`).

        Changing the optimizer without giving ``lr`` moves η as the dropdown does.
        """
        super().set(**self._follow(values))

    def _on_change(self, change: Any) -> None:
        if change["owner"] is self.controls["optimizer"] and not self._holding:
            with DRAW_LOCK:
                self._holding = True            # read η against the optimizer it was set for
                try:
                    self.controls["optimizer"].value = change["old"]
                finally:
                    self._holding = False
                self.set(optimizer=change["new"])
            return
        super()._on_change(change)

    # -- the panel contract (called through Panel.update, which shows any error) ------
    def apply_controls(self, dataset, depth, width, activation, alpha, init, batchnorm,
                       layernorm, residual, dropout, optimizer, lr, clip_norm, l2) -> None:
        """Bring the model in line with the controls (it trains nothing).

        A new model when the architecture, the data or the optimizer changed
        (another optimizer starts from step 0 with a fresh state: its momentum
        and running averages belong to one run, and the run stays what its
        settings reproduce, e.g. in the exercise's check); otherwise η,
        clipping and L2 change from the next step on (same model). Nothing
        happens when the values are those of the current run.
        """
        wanted = lab_settings(dataset=dataset, depth=depth, width=width,
                              activation=activation, alpha=alpha, init=init,
                              batchnorm=batchnorm, layernorm=layernorm and not batchnorm,
                              residual=residual,
                              dropout=dropout, optimizer=optimizer, lr=lr,
                              clip_norm=clip_norm or None, l2=l2, seed=self._seed)
        moved, self._lr_moved = self._lr_moved, None
        old = self.run.settings
        if wanted.architecture() != old.architecture():
            self._new_run(wanted)
            if replace(old, optimizer=optimizer).architecture() == wanted.architecture():
                self.message = (f"optimizer changed to {_OPTIMIZER_NAMES[optimizer]}: the "
                                "same starting weights, step 0, a fresh optimizer state")
            else:
                self.message = "architecture changed: a new model was built (step 0)"
            if moved:
                self.message += (f"; η moved from {moved[0]:g} to {moved[1]:g}, "
                                 f"{_OPTIMIZER_NAMES[optimizer]}'s usual value")
            if self._running:
                self.message += "; training goes on"
        else:
            changed = [f"{label} = {'off' if v is None else f'{v:g}'}"
                       for label, k, v in (("η", "lr", wanted.lr),
                                           ("clipping", "clip_norm", wanted.clip_norm),
                                           ("L2 λ", "l2", wanted.l2))
                       if getattr(old, k) != v]
            if changed:
                self.run.set_live(lr=wanted.lr, clip_norm=wanted.clip_norm, l2=wanted.l2)
                self.message = (f"{', '.join(changed)} from step {self.run.step + 1} on "
                                "(same model)")

    def compute(self, **values: Any) -> dict[str, Any]:
        """What to draw now: the run's frame, read from the model (which it leaves as it is).

        The decision boundary is evaluated on the grid unless the training
        loop skips it this frame (see :meth:`tick`); ``grid_seconds`` is what
        that evaluation took (None when skipped).
        """
        if not self._with_grid:
            return {"frame": self.run.frame(None), "grid_seconds": None}
        t0 = time.perf_counter()
        frame = self.run.frame(self.plot.grid_points)
        return {"frame": frame, "grid_seconds": time.perf_counter() - t0}

    def _new_run(self, settings: LabSettings) -> None:
        old = self.run.settings
        self.run = LabRun(settings, max_steps=self.max_steps)
        if (settings.dataset, settings.seed) != (old.dataset, old.seed):
            self.plot.set_data(self.run.X, self.run.y)

    def draw(self, r: dict[str, Any]) -> None:
        """Move the loss lines, the boundary (when evaluated) and the heat map."""
        frame = r["frame"]
        short = ""
        if frame.status == "diverged":
            short = "diverged: training stopped"
        elif frame.status == "finished":
            short = "finished"
        self.plot.update(frame, note=short)

    def readout_text(self, r: dict[str, Any]) -> str:
        """State, step, loss and accuracy, the gradient ratio, and what just happened."""
        frame = r["frame"]
        state = self.state
        color = _STATE_COLORS[state]
        parts = [f'<b style="color:{color}">● {state}</b>',
                 f"step {self.run.step} / {self.max_steps}"]
        if frame.loss.size:
            parts.append(f"loss {frame.loss[-1]:.4g} (test {frame.test_loss[-1]:.4g})")
        parts.append(f"accuracy {100 * frame.accuracy:.1f} % "
                     f"(test {100 * self.run.accuracy('test'):.1f} %)")
        lines = [" · ".join(parts)]
        if self.run.check_accuracy is not None:
            lines.append(f"at step {CHECK_STEP} (dotted line, where the exercise checks): "
                         f"training accuracy {100 * self.run.check_accuracy:.1f} %")
        if frame.grad_norms.shape[0]:
            g = frame.grad_norms[-1]
            n = g.size
            ratio = (f"{g[0] / g[-1]:.2g}" if np.isfinite(g).all() and g[-1] > 0
                     else "undefined")
            lines.append(f"‖∂E/∂W‖ at the last step: layer 1 (input side) {g[0]:.2g}, "
                         f"layer {n} (output) {g[-1]:.2g}, ratio {ratio}")
        note = frame.note or self.message
        if note:
            lines.append(f"<i>{html.escape(note)}</i>")
        if frame.loss.size >= _STUCK_AFTER and np.all(np.abs(frame.loss[-_STUCK_AFTER:]
                                                            - math.log(2.0)) < 1e-3):
            lines.append(f"<i>the loss has stayed at ln 2 = 0.693 for {_STUCK_AFTER} steps: "
                         "the network answers about 0.5 for every point; which side of 0.5 "
                         "a point falls on is then decided by tiny differences, so the "
                         "accuracy says little (it can be far from 50 %)</i>")
        if self.controls["batchnorm"].value and self.controls["layernorm"].value:
            lines.append("<i>LayerNorm is ignored (grayed out) while BatchNorm is on: one "
                         "normalization per layer</i>")
        tip = _tip(self.run.settings)
        if tip:
            lines.append(f"<i>{html.escape(tip)}</i>")
        lo, hi = HEATMAP_RANGE
        lines.append(f'<small><span style="color:{COLORS[0]}">●</span> class 0 · '
                     f'<span style="color:{COLORS[1]}">▲</span> class 1 · heat map: '
                     f"black = below 1e{lo:.0f} (vanished), "
                     f'<span style="color:#D55E00">■</span> = above 1e{hi:.0f} '
                     "(exploding)</small>")
        return "<br>".join(lines)

    # -- actions: the only places that train ----------------------------------------
    def _train_for(self, seconds: float) -> None:
        """Train one step at a time until ``seconds`` have passed (or the run stops)."""
        t_end = time.perf_counter() + seconds
        while self.run.can_train and self.run.train(1) and time.perf_counter() < t_end:
            pass

    def step(self, n: int = 1) -> int:
        """Train ``n`` steps now and redraw once; return the run's step count.

        Does nothing (but redraw) once the run diverged or finished.
        """
        n = check_int("n", n, min_value=0, max_value=100_000)
        with DRAW_LOCK:
            if not n or self.run_action(self.run.train, n):
                self.update()
            return self.run.step

    def tick(self) -> None:
        """One frame of the training loop: a chunk of about ``frame_budget`` seconds, a redraw."""
        t0 = time.perf_counter()
        with DRAW_LOCK:
            if self.run_action(self._train_for, self.frame_budget):
                # a deep, wide net costs more to evaluate on the grid than the rest of a
                # frame: then the boundary is redrawn only every few frames (see compute)
                self._frame_count += 1
                self._with_grid = self._frame_count % self._grid_every == 0
                try:
                    self.update()
                finally:
                    self._with_grid = True
                seconds = None if self.last_error else self.result["grid_seconds"]
                if seconds is not None:
                    self._grid_every = min(4, 1 + int(seconds / _GRID_BUDGET))
        self._frame_times.append(time.perf_counter() - t0)
        del self._frame_times[:-50]

    def reset(self) -> None:
        """Stop training and start over from the same seeded weights (same knobs, step 0)."""
        with DRAW_LOCK:          # a button's callback may run beside the training loop
            self._running = False
            _TRAINING.discard(self)
            self._new_run(self.run.settings)
            self.message = (f"reset: step 0, the same starting weights (seed "
                            f"{self.run.settings.seed}) as before and as the exercise's check")
            self._sync_buttons()
            self.update()

    # -- the asynchronous loop -----------------------------------------------------------
    def start(self) -> None:
        """Train in the background until Pause, divergence or ``max_steps``.

        Schedules :meth:`_loop` on the running asyncio event loop (the kernel's).
        Without a running loop (a plain script) the state becomes ``"training"``
        and :meth:`tick` advances it.
        """
        with DRAW_LOCK:
            if self._running:
                return
            if not self.run.can_train:
                self._new_run(self.run.settings)
                self.message = "the last run had stopped: started again from step 0"
            else:
                self.message = ""
            for other in list(_TRAINING):              # one lab trains at a time: a lab left
                if other is not self:                  # behind by re-running its cell stops
                    other.pause()
            _TRAINING.add(self)
            self._running = True
            self._sync_buttons()
            self.update()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._loop())

    def pause(self) -> None:
        """Stop training after the current frame (the model is kept)."""
        with DRAW_LOCK:
            self._running = False
            _TRAINING.discard(self)
            self._sync_buttons()
            self.update()

    async def _loop(self) -> None:
        try:
            while self._running:
                self.tick()
                if self.last_error is not None or not self.run.can_train:
                    break
                await asyncio.sleep(self.interval)
        finally:
            with DRAW_LOCK:
                _TRAINING.discard(self)
                if self._running:
                    self._running = False
                    self._sync_buttons()
                    if self.last_error is None:
                        self.update()
                    elif self.result is not None:  # keep the error visible; fix the state
                        self.readout.value = self.readout_text(self.result)

    @property
    def fps(self) -> float:
        """Frames per second over the last (up to 50) frames of compute and drawing calls."""
        if not self._frame_times:
            return 0.0
        return 1.0 / statistics.median(self._frame_times)

    def close(self) -> None:
        """Stop training, then close the figure and the widgets."""
        self._running = False
        _TRAINING.discard(self)
        super().close()


@panel_factory(GradientFlowLab)
def gradient_flow_lab(**initial: Any) -> GradientFlowLab:
    """The capstone panel of notebook 11: every knob, training live.

    Knobs: data set, depth (hidden layers, 1–50), width (2–32), hidden
    activation and its α, weight init, BatchNorm or LayerNorm (one of the two:
    the LayerNorm checkbox is disabled, and ignored, while BatchNorm is on),
    residual shortcuts,
    dropout and the optimizer (SGD, momentum, RMSProp, Adam) reset the model
    to step 0 when changed; learning rate η, clipping by global norm and L2 λ
    apply from the next step. When the optimizer changes and η is at the old
    optimizer's usual value (:data:`lessons_lib.experiments.lab.LAB_LR`), η
    moves to the new one's (SGD 0.3, Adam 0.001). Train / Pause / Reset drive an
    ``asyncio`` task; the figure shows the training loss, the decision
    boundary and a heat map of :math:`\\log_{10}\\|\\partial E/\\partial W^l\\|`
    over layers × steps, updated in place.

    Parameters
    ----------
    **initial
        Starting knob values (see :func:`lessons_lib.experiments.lab.lab_settings`;
        ``lr``, ``clip_norm`` and ``l2`` must be values their sliders offer:
        :data:`LR_OPTIONS`, :data:`CLIP_OPTIONS`, :data:`L2_OPTIONS`), and
        ``max_steps`` (3000), ``frame_budget`` (0.03 s of training per frame),
        ``interval`` (0.02 s pause between frames).

    Returns
    -------
    GradientFlowLab
        Display it as the last expression of a cell.
    """
    panel = GradientFlowLab(**initial)
    panel.update()                   # the first compute and draw
    return panel


def benchmark_lab(frames: int = 20, **initial: Any) -> dict[str, float]:
    """Frames per second of the lab without a browser: train chunk + artists + Agg render.

    Builds a lab (under whatever matplotlib backend is active), starts it,
    and times ``frames`` calls of :meth:`GradientFlowLab.tick` each followed
    by a full ``canvas.draw()`` (the render a live canvas needs before it
    can send new pixels).

    Returns
    -------
    dict
        ``fps`` (from the median frame), ``frame_ms`` (median), ``p90_ms``,
        ``steps_per_frame`` (mean) and ``draw_ms`` (median render alone);
        ``png_ms``: encoding the rendered pixels as PNG, which ipympl adds
        before it sends a frame (not part of ``frame_ms``).
    """
    frames = check_int("frames", frames, min_value=2)
    lab = gradient_flow_lab(**initial)
    try:
        lab.start()
        lab.figure.canvas.draw()
        totals, draws, steps, pngs = [], [], [], []
        for _ in range(frames):
            before = lab.run.step
            t0 = time.perf_counter()
            lab.tick()
            t1 = time.perf_counter()
            lab.figure.canvas.draw()
            t2 = time.perf_counter()
            totals.append(t2 - t0)
            draws.append(t2 - t1)
            steps.append(lab.run.step - before)
            pixels = np.asarray(lab.figure.canvas.buffer_rgba())
            t3 = time.perf_counter()
            with io.BytesIO() as png:
                Image.fromarray(pixels).save(png, format="png")
            pngs.append(time.perf_counter() - t3)
            if not lab.run.can_train:
                break
        lab.pause()
    finally:
        lab.close()
    frame = statistics.median(totals)
    return {"fps": 1.0 / frame, "frame_ms": 1e3 * frame,
            "p90_ms": 1e3 * float(np.percentile(totals, 90)),
            "steps_per_frame": float(np.mean(steps)), "draw_ms": 1e3 * statistics.median(draws),
            "png_ms": 1e3 * statistics.median(pngs)}
