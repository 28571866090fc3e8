r"""Figures of notebook 12: update-to-weight ratios, Adam's :math:`\epsilon` floor,
LayerNorm's placement and learning-rate warm-up.

* :class:`UpdateRatioPlot` — a heat map of :math:`\log_{10}\|\Delta W^l\|/\|W^l\|`
  (layers × steps) beside the per-layer median; updated in place by the
  update-ratio panel;
* :func:`plot_update_ratio_profiles` — static: the per-layer median ratio of
  several optimizers, with the :math:`10^{-3}` rule of thumb;
* :func:`plot_eps_floor` — static: the first layer's gradient against Adam's
  :math:`\epsilon`, and how fast Adam moves that layer, by depth;
* :func:`plot_norm_placement` — static: the gradient and the stream's spread
  at every block of a residual stack with pre-LN, post-LN or no LayerNorm;
* :func:`plot_warmup` — static: loss and global gradient norm of the first
  steps with and without warm-up;
* :func:`layer_medians` — the per-layer median over the steps of a run.

Drawing only: the numbers come from :mod:`lessons_lib.experiments.modern`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.colors import Colormap
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

from ..validation import check_array, check_float, describe
from .activation import DualLinePlot
from .base import COLORS, LinePlot, LiveFigure, _DecadeLocator, _log_label, new_figure

__all__ = ["RATIO_DECADES", "RULE_OF_THUMB", "UpdateRatioPlot", "layer_medians",
           "plot_eps_floor", "plot_norm_placement", "plot_update_ratio_profiles", "plot_warmup"]

#: The update-to-weight ratio a healthy layer has, by a common rule of thumb (CS231n).
RULE_OF_THUMB = 1e-3
#: The ratios :class:`UpdateRatioPlot` shows, in decades: :math:`10^{-20}` to 1. The
#: update-ratio panel's runs stay below 1; the first layers of a 30-layer sigmoid stack
#: under SGD fall below :math:`10^{-20}`, to exactly 0.
RATIO_DECADES = (-20.0, 0.0)

_RULE_STYLE = {"color": "#555555", "ls": "--", "lw": 1.2}
_PLACEMENT_LABELS = {"none": "no LayerNorm", "pre": "pre-LN  x + F(LN(x))",
                     "post": "post-LN  LN(x + F(x))"}
#: Colors of the heat map: viridis, with exact zeros and anything below the scale in
#: black and undefined steps (after an overflow) in light gray, all opaque.
_UNDER_COLOR = "#000000"
_BAD_COLOR = "#C8C8C8"


def layer_medians(ratios: Any) -> np.ndarray:
    """Per-layer median over the steps that ran, shape (depth,), without warnings.

    Parameters
    ----------
    ratios : array_like, shape (steps, depth)
        E.g. :attr:`lessons_lib.experiments.modern.UpdateRatioRun.ratios`;
        rows of NaN (steps after an overflow) are skipped.

    Returns
    -------
    ndarray, shape (depth,)
        NaN for a layer without any finite step.
    """
    ratios = check_array("ratios", ratios, ndim=2, finite=False)
    out = np.full(ratios.shape[1], np.nan)
    for j in range(ratios.shape[1]):
        column = ratios[:, j]
        column = column[~np.isnan(column)]
        if column.size:
            out[j] = np.median(column)
    return out


def _ratio_array(name: str, value: Any) -> np.ndarray:
    """The (steps, depth) ratios of an ``UpdateRatioRun`` or of a plain array."""
    return check_array(name, getattr(value, "ratios", value), ndim=2, finite=False)


def _colormap() -> Colormap:
    import matplotlib

    viridis = matplotlib.colormaps["viridis"]
    return viridis.with_extremes(under=_UNDER_COLOR, bad=_BAD_COLOR, over=viridis(1.0))


class UpdateRatioPlot:
    r"""Update-to-weight ratios of one run: heat map and per-layer median, moved in place.

    Left: :math:`\log_{10}\|\Delta W^l\|/\|W^l\|` for every step (columns) and
    layer (rows, the input side at the bottom) on the fixed color scale
    :data:`RATIO_DECADES`, with a colorbar; ratios below it, exact zeros
    included (a change lost in float64's rounding), are black, steps after
    an overflow gray. The image is one ``AxesImage`` whose data are replaced.
    Right: the median over the steps, layer by layer, on fixed log limits,
    with the rule of thumb :data:`RULE_OF_THUMB` dashed.

    Both layer axes end at the depth rounded up to a multiple of
    :attr:`LAYER_STEP` (the rows above the network stay blank), so a depth
    slider changes the axes only when it crosses such a multiple; otherwise
    only the image, the line and the note are drawn again (see
    :class:`lessons_lib.plots.LiveFigure`).

    Parameters
    ----------
    figsize : (float, float)
        Inches.

    Attributes
    ----------
    fig : Figure
    ax_map, ax_bar, ax_line : Axes
        The heat map, its colorbar and the median plot.
    image : matplotlib AxesImage
    lines : dict of str to Line2D
        The median line, under :attr:`LABEL`.
    note : matplotlib Text
        Shown on the median plot when something cannot be drawn there.
    """

    LABEL = "median over the steps"
    #: The layer axes end at a multiple of this.
    LAYER_STEP = 5

    def __init__(self, *, figsize: tuple[float, float] = (8.4, 3.2)) -> None:
        self.fig = new_figure(figsize, ncols=2, left=0.075, right=0.98, bottom=0.16, top=0.9,
                              wspace=0.62)
        self.ax_map, self.ax_line = self.fig.axes
        lo, hi = RATIO_DECADES
        self.image = self.ax_map.imshow(np.full((2, 2), np.nan), origin="lower", aspect="auto",
                                        interpolation="nearest", cmap=_colormap(), vmin=lo,
                                        vmax=hi, extent=(0.5, 2.5, 0.5, 2.5))
        self.ax_map.set_autoscale_on(False)
        self.ax_map.set_xlabel("training step")
        self.ax_map.set_ylabel("layer (1 = input side)")
        box = self.ax_map.get_position()
        self.ax_bar = self.fig.add_axes((box.x1 + 0.012, box.y0, 0.014, box.height))
        bar = self.fig.colorbar(self.image, cax=self.ax_bar, extend="min")
        bar.set_ticks(np.arange(lo, hi + 1, 5))
        bar.ax.tick_params(labelsize="small")
        bar.set_label("log₁₀ ‖ΔWˡ‖/‖Wˡ‖ per step", fontsize="small")
        ax = self.ax_line
        (line,) = ax.plot([], [], color=COLORS[0], lw=2, marker="o", ms=3, label=self.LABEL)
        self.lines = {self.LABEL: line}
        ax.axhline(RULE_OF_THUMB, **_RULE_STYLE)
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(_DecadeLocator())
        ax.yaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_formatter(FuncFormatter(_log_label))
        ax.set_ylim(10.0 ** lo, 10.0 ** hi)
        ax.set_autoscale_on(False)
        ax.set_xlabel("layer (1 = input side)")
        ax.set_ylabel("median ‖ΔW‖/‖W‖ (log)")
        ax.grid(True, which="major", alpha=0.3)
        for axis in (self.ax_map.xaxis, self.ax_map.yaxis, ax.xaxis):
            axis.set_major_locator(MaxNLocator(nbins=6, integer=True, steps=[1, 2, 5, 10]))
        self.note = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                            fontsize="small", color="#B00020", linespacing=1.3,
                            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "#B00020"})
        self.note.set_visible(False)
        self._set_extent(2, 2)
        if isinstance(self.fig, LiveFigure):
            # redrawn on every step over the kept axes; the image is opaque where it is drawn
            for artist in (self.image, line, self.note):
                artist.set_animated(True)

    def _set_extent(self, steps: int, depth: int) -> None:
        """Image over steps × layers; axes to the next multiple of LAYER_STEP layers."""
        self.image.set_extent((0.5, steps + 0.5, 0.5, depth + 0.5))
        top = self.LAYER_STEP * math.ceil(depth / self.LAYER_STEP) + 0.5
        for setter, getter, limits in ((self.ax_map.set_xlim, self.ax_map.get_xlim,
                                        (0.5, steps + 0.5)),
                                       (self.ax_map.set_ylim, self.ax_map.get_ylim, (0.5, top)),
                                       (self.ax_line.set_xlim, self.ax_line.get_xlim,
                                        (0.5, top))):
            if tuple(map(float, getter())) != limits:       # setting a limit redraws the axes
                setter(*limits)

    def update(self, ratios: Any, medians: Any | None = None, *, note: str = "") -> None:
        """Show a new run.

        Parameters
        ----------
        ratios : array_like, shape (steps, depth)
            Column 0 is the input side; NaN rows are steps that did not run.
        medians : array_like, shape (depth,), optional
            Per-layer medians (default :func:`layer_medians` of ``ratios``).
        note : str
            Text to show on the median plot; medians that cannot be drawn
            (exactly 0, below the scale, undefined) add a sentence each.
        """
        ratios = _ratio_array("ratios", ratios)
        steps, depth = ratios.shape
        medians = (layer_medians(ratios) if medians is None
                   else check_array("medians", medians, shape=(depth,), finite=False))
        lo = RATIO_DECADES[0]
        with np.errstate(all="ignore"):
            logs = np.log10(ratios.T)
        logs = np.where(ratios.T <= 0, lo - 1.0, logs)   # 0 is below every scale, not NaN
        self.image.set_data(logs)
        self._set_extent(steps, depth)
        layers = np.arange(1, depth + 1)
        lines = [note] if note else []
        for mask, text in ((medians == 0, "exactly 0, not drawn on a log scale"),
                           ((medians > 0) & (medians < 10.0 ** lo), f"below 1e{int(lo)}"),
                           (np.isnan(medians), "undefined (NaN), not drawn")):
            if mask.any():
                lines.append(f"{text}: layer{'s' if mask.sum() > 1 else ''} "
                             f"{_layer_list(layers[mask])}")
        shown = np.where((medians > 0) & np.isfinite(medians), medians, np.nan)
        self.lines[self.LABEL].set_data(layers, shown)
        text = "\n".join(lines)
        self.note.set_text(text)
        self.note.set_visible(bool(text))

    def note_text(self) -> str:
        """The note shown on the median plot ("" when it is clean)."""
        return self.note.get_text() if self.note.get_visible() else ""

    def image_data(self) -> np.ndarray:
        """The heat map's values, shape (depth, steps), row 0 = layer 1 (NaN: not run)."""
        return np.ma.filled(np.ma.asarray(self.image.get_array(), dtype=float), np.nan)

    @staticmethod
    def legend_html() -> str:
        """The legend as a line of HTML (for the readout of a live panel)."""
        return (f'<span style="border-top:3px solid {COLORS[0]};display:inline-block;'
                f'width:1.6em;vertical-align:middle"></span>&nbsp;median ratio over the steps'
                f'&emsp;<span style="border-top:2px dashed #555555;display:inline-block;'
                f'width:1.6em;vertical-align:middle"></span>&nbsp;rule of thumb 1e-3'
                f'&emsp;<span style="background:{_UNDER_COLOR};display:inline-block;'
                f'width:1em;height:0.8em"></span>&nbsp;below 1e{int(RATIO_DECADES[0])}, or '
                f'exactly 0 (every change lost in float64\'s rounding)')


def _layer_list(layers: np.ndarray) -> str:
    """``1–3, 5`` for layers 1, 2, 3, 5."""
    parts, start = [], int(layers[0])
    prev = start
    for layer in [*map(int, layers[1:]), None]:
        if layer is not None and layer == prev + 1:
            prev = layer
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if layer is not None:
            start = prev = layer
    return ", ".join(parts)


def _check_mapping(name: str, value: Any, what: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping) or not value:
        raise TypeError(f"{name} must be a non-empty dict of {what}, got {describe(value)}")
    return value


def plot_update_ratio_profiles(runs: Mapping[str, Any]) -> LinePlot:
    r"""Static figure: the per-layer median update-to-weight ratio of several optimizers.

    Parameters
    ----------
    runs : mapping of str to array_like (steps, depth)
        Optimizer name -> :func:`lessons_lib.experiments.update_ratios` (or an
        ``UpdateRatioRun``); every run of the same depth. At most 7.

    Returns
    -------
    LinePlot
        One line per optimizer against the layer (1 = input side), log y,
        the rule of thumb :data:`RULE_OF_THUMB` dashed, a legend.
    """
    runs = _check_mapping("runs", runs, "optimizer name -> ratios (steps, depth)")
    if len(runs) > len(COLORS):
        raise ValueError(f"runs must hold at most {len(COLORS)} entries (one color each), "
                         f"got {len(runs)}")
    medians = {}
    for label, value in runs.items():
        if not isinstance(label, str):
            raise TypeError(f"runs must be keyed by optimizer names (str), got {label!r}")
        medians[label] = layer_medians(_ratio_array(f"runs[{label!r}]", value))
    depths = {m.size for m in medians.values()}
    if len(depths) != 1:
        raise ValueError(f"runs must all have the same depth, got depths {sorted(depths)}")
    plot = LinePlot(list(medians), xlabel="layer (1 = input side)",
                    ylabel="median ‖ΔWˡ‖/‖Wˡ‖ per step (log)", logy=True, legend=False,
                    styles={label: {"marker": "o", "ms": 3.5} for label in medians})
    plot.fig.set_size_inches(6.4, 3.4)
    plot.ax.axhline(RULE_OF_THUMB, label="rule of thumb 1e-3", **_RULE_STYLE)
    plot.update(np.arange(1, depths.pop() + 1), medians)
    plot.ax.legend(fontsize="small", frameon=True, framealpha=0.9, loc="lower right")
    return plot


def _band(ax: Any, x: np.ndarray, values: np.ndarray, color: str, label: str) -> None:
    """Shade the min–max range of each row of ``values`` (NaN ignored)."""
    finite = np.where(np.isfinite(values), values, np.nan)
    rows = ~np.all(np.isnan(finite), axis=1)
    if not rows.any():
        return
    lo = np.nanmin(finite[rows], axis=1)
    hi = np.nanmax(finite[rows], axis=1)
    ax.fill_between(x[rows], lo, hi, color=color, alpha=0.2, lw=0, label=label)


def _row_medians(values: np.ndarray) -> np.ndarray:
    return layer_medians(values.T)


def plot_eps_floor(floor: Any, *, eps: float = 1e-8) -> DualLinePlot:
    r"""Static figure of :func:`lessons_lib.experiments.eps_floor`, by depth.

    Left (log): the root mean square of the first layer's gradient entries
    (median over the seeds, the band their range) and Adam's :math:`\epsilon`
    dashed. Right: Adam's median update ratio of the first layer divided by
    the fastest layer's (median and range over the seeds), 0 to 1.

    Parameters
    ----------
    floor : EpsFloor
        An object with ``depths`` (n,), ``grad_rms`` and ``first_vs_fastest`` (n, seeds).
    eps : float
        The :math:`\epsilon` the runs used, > 0.

    Returns
    -------
    DualLinePlot
    """
    if not all(hasattr(floor, k) for k in ("depths", "grad_rms", "first_vs_fastest")):
        raise TypeError(f"floor must be an EpsFloor (depths, grad_rms, first_vs_fastest), "
                        f"got {describe(floor)}")
    eps = check_float("eps", eps, min_value=0.0, min_inclusive=False)
    depths = check_array("floor.depths", floor.depths, ndim=1)
    n = depths.shape[0]
    rms = check_array("floor.grad_rms", floor.grad_rms, ndim=2, finite=False)
    rel = check_array("floor.first_vs_fastest", floor.first_vs_fastest, ndim=2, finite=False)
    for name, arr in (("floor.grad_rms", rms), ("floor.first_vs_fastest", rel)):
        if arr.shape[0] != n:
            raise ValueError(f"{name} must have one row per depth ({n}), got shape {arr.shape}")
    eps_label = f"Adam's ε = {eps:g}"
    rms_label = "layer 1's gradient, RMS"
    rel_label = "layer 1's ratio ÷ fastest layer's"
    plot = DualLinePlot([rms_label, eps_label], [rel_label], xlabel="dense layers (depth)",
                        left_ylabel="RMS of ∂E/∂W¹, step 1 (log)",
                        right_ylabel="Adam: layer 1 ÷ fastest layer", left_logy=True,
                        legend=False, figsize=(8.4, 3.3),
                        styles={rms_label: {"marker": "o", "ms": 3.5},
                                eps_label: _RULE_STYLE,
                                rel_label: {"marker": "o", "ms": 3.5, "color": COLORS[1]}})
    plot.right.fixed_ylim = (0.0, 1.05)
    plot.update(depths, {rms_label: _row_medians(rms), eps_label: np.full(n, eps)},
                {rel_label: _row_medians(rel)})
    _band(plot.left.ax, depths, rms, COLORS[0], "range over the draws")
    _band(plot.right.ax, depths, rel, COLORS[1], "range over the draws")
    plot.fig.subplots_adjust(left=0.1)
    plot.left.ax.legend(fontsize="small", frameon=True, framealpha=0.9, loc="upper right")
    plot.right.ax.legend(fontsize="small", frameon=True, framealpha=0.9, loc="center right")
    return plot


def plot_norm_placement(profiles: Mapping[str, Any]) -> DualLinePlot:
    """Static figure of :func:`lessons_lib.experiments.norm_placement_profile`.

    Left: each block's weight gradient divided by the last block's (log);
    right: the standard deviation of the stream after each block (log).

    Parameters
    ----------
    profiles : mapping of str to PlacementProfile
        Keys among ``"none"``, ``"pre"``, ``"post"``; values with
        ``grad_norms`` and ``stream_std`` (blocks,), all of one length.

    Returns
    -------
    DualLinePlot
    """
    profiles = _check_mapping("profiles", profiles, "placement -> PlacementProfile")
    unknown = [k for k in profiles if k not in _PLACEMENT_LABELS]
    if unknown:
        raise ValueError(f"profiles must be keyed by {list(_PLACEMENT_LABELS)}, got {unknown}")
    grads, stds = {}, {}
    for key, prof in profiles.items():
        if not (hasattr(prof, "grad_norms") and hasattr(prof, "stream_std")):
            raise TypeError(f"profiles[{key!r}] must be a PlacementProfile (grad_norms, "
                            f"stream_std), got {describe(prof)}")
        g = check_array(f"profiles[{key!r}].grad_norms", prof.grad_norms, ndim=1, finite=False)
        s = check_array(f"profiles[{key!r}].stream_std", prof.stream_std, shape=g.shape,
                        finite=False)
        with np.errstate(all="ignore"):
            grads[_PLACEMENT_LABELS[key]] = g / g[-1]
        stds[_PLACEMENT_LABELS[key]] = s
    blocks = {g.size for g in grads.values()}
    if len(blocks) != 1:
        raise ValueError(f"profiles must all have the same number of blocks, got {sorted(blocks)}")
    labels = list(grads)
    plot = DualLinePlot(labels, labels, xlabel="block (1 = input side)",
                        left_ylabel="‖∂E/∂W‖ ÷ last block's (log)",
                        right_ylabel="std of the stream after the block (log)",
                        left_logy=True, right_logy=True, legend=False, figsize=(8.4, 3.3),
                        left_title="gradient at each block", right_title="forward signal")
    plot.update(np.arange(1, blocks.pop() + 1), grads, stds)
    plot.left.ax.legend(fontsize="small", frameon=True, framealpha=0.9, loc="upper right")
    return plot


def plot_warmup(runs: Mapping[int, Any]) -> DualLinePlot:
    """Static figure of :func:`lessons_lib.experiments.warmup_run`: the first steps.

    Left: the training loss per step; right: the global gradient norm per
    step; both log scale. Steps after an overflow (an ``inf`` loss) are not
    drawn; a note on the plot says which run overflowed and from which step.

    Parameters
    ----------
    runs : mapping of int to WarmupRun
        Warm-up steps (0: none) -> run with ``loss`` and ``grad_norm``; all of
        one length. Labeled "no warm-up" / "warm-up k steps".

    Returns
    -------
    DualLinePlot
    """
    runs = _check_mapping("runs", runs, "warm-up steps -> WarmupRun")
    losses, norms, notes = {}, {}, []
    for k, run in runs.items():
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 0:
            raise TypeError(f"runs must be keyed by warm-up steps (int >= 0), got {k!r}")
        if not (hasattr(run, "loss") and hasattr(run, "grad_norm")):
            raise TypeError(f"runs[{k}] must be a WarmupRun (loss, grad_norm), "
                            f"got {describe(run)}")
        label = "no warm-up" if k == 0 else f"warm-up {k} step{'s' if k > 1 else ''}"
        loss = check_array(f"runs[{k}].loss", run.loss, ndim=1, finite=False)
        losses[label] = loss
        norms[label] = check_array(f"runs[{k}].grad_norm", run.grad_norm, shape=loss.shape,
                                   finite=False)
        bad = np.flatnonzero(~np.isfinite(loss))
        if bad.size:
            notes.append(f"{label}: overflow from step {bad[0] + 1}")
    steps = {v.size for v in losses.values()}
    if len(steps) != 1:
        raise ValueError(f"runs must all have the same number of steps, got {sorted(steps)}")
    plot = DualLinePlot(list(losses), list(losses), xlabel="training step",
                        left_ylabel="training loss (log)",
                        right_ylabel="global gradient norm ‖g‖ (log)", left_logy=True,
                        right_logy=True, legend=False, figsize=(8.4, 3.2))
    plot.update(np.arange(1, steps.pop() + 1), losses, norms, note="\n".join(notes))
    plot.left.ax.legend(fontsize="small", frameon=True, framealpha=0.9, loc="upper right")
    return plot
