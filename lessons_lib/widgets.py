"""Live panels: controls wired to a pure compute function and an in-place drawer.

A :class:`Panel` owns three things and keeps them apart:

* ``controls`` — ipywidgets whose ``description`` names the knob;
* ``compute(**values) -> result`` — a pure function of the control values;
* ``draw(result) -> readout`` — moves the artists of a figure made **once**
  and returns the text for the readout under the plot.

Under the live backend (``%matplotlib widget``, ipympl) the figure's canvas
is itself a widget in the panel and a control change costs one compute and
one ``draw_idle``. Under the inline backend the panel still works, slower:
the figure is re-rendered into an ``Output`` as a PNG. Any exception from a
callback lands, visible, in the panel's error area instead of being lost.

A new panel is a handful of lines::

    plot = plots.LinePlot(["loss"], xlabel="step", ylabel="loss", logy=True)
    panel = widgets.Panel(
        {"lr": ipywidgets.FloatLogSlider(value=0.1, min=-3, max=1, description="lr")},
        compute=lambda lr: train_curve(lr),
        draw=lambda c: plot.update(c.steps, {"loss": c.loss}),
        figure=plot.fig,
    )
    panel                       # last line of the cell shows it
"""

from __future__ import annotations

import html
import traceback
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from . import experiments
from .plots import LinePlot

__all__ = ["GradientExplorer", "Panel", "gradient_explorer", "is_live"]


def is_live(fig: Figure) -> bool:
    """True when ``fig`` has an interactive ipympl canvas (which is a widget)."""
    return isinstance(fig.canvas, W.DOMWidget)


class Panel:
    """Controls + pure compute + in-place drawing, shown as one widget.

    Parameters
    ----------
    controls : mapping of str to ipywidgets.ValueWidget
        Keyword name for ``compute`` -> control.
    compute : callable
        ``compute(**{name: control.value}) -> result``; pure.
    draw : callable
        ``draw(result) -> str | None``: updates artists of ``figure`` in place;
        the returned text (if any) is shown in the readout below the plot.
    figure : matplotlib Figure
        Created once by the caller (e.g. :class:`lessons_lib.plots.LinePlot`).
    readout : callable, optional
        ``readout(result) -> str`` (HTML) for the line under the plot; when
        given it replaces the text returned by ``draw``.
    title : str, optional
        HTML heading above the controls.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole panel; displaying the panel displays this.
    result : object
        Result of the last successful compute.
    n_updates : int
        Completed redraws (tests use it).
    """

    def __init__(self, controls: Mapping[str, W.ValueWidget], compute: Callable[..., Any],
                 draw: Callable[[Any], str | None], figure: Figure, *,
                 readout: Callable[[Any], str] | None = None, title: str = "") -> None:
        if not isinstance(controls, Mapping) or not controls:
            raise TypeError(f"controls must be a non-empty dict of name -> widget, "
                            f"got {type(controls).__name__}")
        for name, control in controls.items():
            if not isinstance(control, W.ValueWidget):
                raise TypeError(f"controls[{name!r}] must be an ipywidgets value widget "
                                f"(slider, dropdown, checkbox ...), got {type(control).__name__}")
        for name, fn in (("compute", compute), ("draw", draw)):
            if not callable(fn):
                raise TypeError(f"{name} must be callable, got {type(fn).__name__}")
        if not isinstance(figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
        self.controls = dict(controls)
        self.compute = compute
        self.draw = draw
        self.figure = figure
        self._readout_fn = readout
        self.result: Any = None
        self.n_updates = 0
        self.live = is_live(figure)
        if self.live:
            canvas = figure.canvas
            canvas.header_visible = False
            canvas.footer_visible = False
            canvas.toolbar_visible = False
            canvas.resizable = False
            self.view: W.Widget = canvas
        else:
            self.view = W.Output()
        self.readout = W.HTML(layout=W.Layout(min_height="1.5em"))
        self.errors = W.Output(layout=W.Layout(border="0px"))
        parts: list[W.Widget] = []
        if title:
            parts.append(W.HTML(f"<b>{html.escape(title)}</b>"))
        parts += [W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap")),
                  self.view, self.readout, self.errors]
        self.widget = W.VBox(parts)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    # -- wiring -----------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """Current value of every control, by keyword name."""
        return {name: c.value for name, c in self.controls.items()}

    def _on_change(self, change: Mapping[str, Any]) -> None:
        self.update()

    def update(self) -> None:
        """Compute with the current control values and redraw in place.

        Errors are shown in the panel (and kept in ``last_error``), never raised.
        """
        self.last_error: str | None = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)   # overflow is drawn as a note
                with np.errstate(all="ignore"):
                    result = self.compute(**self.values())
                    text = self.draw(result)
            self.result = result
            if self._readout_fn is not None:
                text = self._readout_fn(result)
            self.readout.value = text or ""
            self._render()
            self.n_updates += 1
            if self.errors.outputs:
                self.errors.outputs = ()
        except Exception:  # noqa: BLE001 - shown to the student, not lost in a log
            self.last_error = traceback.format_exc()
            self.errors.outputs = ()
            self.errors.append_stderr(self.last_error)

    def _render(self) -> None:
        if self.live:
            self.figure.canvas.draw_idle()
        else:
            from IPython import get_ipython
            from IPython.display import display

            if get_ipython() is None:         # plain Python (tests, benchmarks): no display
                return
            self.view.clear_output(wait=True)
            with self.view:
                display(self.figure)

    def close(self) -> None:
        """Close the figure and the widgets (frees the kernel-side objects)."""
        plt.close(self.figure)
        self.widget.close()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        vals = ", ".join(f"{k}={v!r}" for k, v in self.values().items())
        return f"<{type(self).__name__}: {vals}>"


# ---------------------------------------------------------------------------
# The gradient explorer (notebook 05; reused by 06, 07 and 10)
# ---------------------------------------------------------------------------

EXPLORER_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus",
                        "linear")
EXPLORER_INITS = ("glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal",
                  "lecun_uniform", "fan_in_uniform", "uniform")
_USES_ALPHA = ("leaky_relu", "elu")


class GradientExplorer(Panel):
    """Per-layer gradient magnitudes of a deep stack, live (see :func:`gradient_explorer`)."""

    def __init__(self, *, depth: int = 20, activation: str = "sigmoid", alpha: float = 0.01,
                 init: str = "glorot_uniform", weight_scale: float = 1.0,
                 batchnorm: bool = False, residual: bool = False, max_depth: int = 100,
                 width: int = 64, batch: int = 256, seed: int = 0) -> None:
        experiments.gradient_profile(depth, width=width, activation=activation, alpha=alpha,
                                     init=init, weight_scale=weight_scale, batchnorm=batchnorm,
                                     residual=residual, batch=batch, seed=seed)  # validates
        if activation not in EXPLORER_ACTIVATIONS:
            raise ValueError(f"activation must be one of {list(EXPLORER_ACTIVATIONS)}, "
                             f"got {activation!r}")
        if init not in EXPLORER_INITS:
            raise ValueError(f"init must be one of {list(EXPLORER_INITS)}, got {init!r}")
        if not 1 <= depth <= max_depth <= experiments.MAX_DEPTH:
            raise ValueError(f"max_depth must be in [depth, {experiments.MAX_DEPTH}], "
                             f"got depth={depth}, max_depth={max_depth}")
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"alpha must be in [0, 1] for the explorer, got {alpha}")
        if not 0.1 <= weight_scale <= 10.0:
            raise ValueError(f"weight_scale must be in [0.1, 10] for the explorer, "
                             f"got {weight_scale}")
        self.width, self.batch, self.seed = width, batch, seed
        style = {"description_width": "initial"}
        controls = {
            "depth": W.IntSlider(value=depth, min=1, max=max_depth, description="depth",
                                 continuous_update=True, style=style),
            "activation": W.Dropdown(options=EXPLORER_ACTIVATIONS, value=activation,
                                     description="activation", style=style),
            "alpha": W.FloatSlider(value=alpha, min=0.0, max=1.0, step=0.01,
                                   description="alpha", readout_format=".2f", style=style),
            "init": W.Dropdown(options=EXPLORER_INITS, value=init, description="init",
                               style=style),
            "weight_scale": W.FloatLogSlider(value=weight_scale, base=10, min=-1, max=1,
                                             step=0.02, description="weight scale",
                                             readout_format=".2f", style=style),
            "batchnorm": W.Checkbox(value=batchnorm, description="batchnorm", indent=False),
            "residual": W.Checkbox(value=residual, description="residual", indent=False),
        }
        self.plot = LinePlot(["‖δ‖ learning signal", "‖∂E/∂W‖ weight gradient", "bound"],
                             xlabel="layer (1 = input side)",
                             ylabel="norm (log scale)", logy=True, legend=False,
                             styles={"bound": {"ls": "--", "lw": 1.5, "color": "#555555"}})
        super().__init__(controls, self._compute, self._draw, self.plot.fig,
                         readout=self._readout)

    def _compute(self, depth, activation, alpha, init, weight_scale, batchnorm, residual):
        self.controls["alpha"].disabled = activation not in _USES_ALPHA
        kw = dict(width=self.width, activation=activation,
                  alpha=alpha if activation in _USES_ALPHA else None, init=init,
                  weight_scale=weight_scale)
        common = dict(batchnorm=batchnorm, residual=residual, batch=self.batch, seed=self.seed,
                      **kw)
        delta = experiments.gradient_profile(depth, quantity="delta", **common)
        weight = experiments.gradient_profile(depth, quantity="weight", **common)
        bound = None
        if not (batchnorm or residual) and np.isfinite(delta[-1]) and delta[-1] > 0:
            bound = experiments.gradient_envelope(depth, **kw) * delta[-1]
        return {"layer": np.arange(1, depth + 1), "delta": delta, "weight": weight,
                "bound": bound, "activation": activation}

    def _draw(self, r):
        return self.plot.update(r["layer"], {"‖δ‖ learning signal": r["delta"],
                                             "‖∂E/∂W‖ weight gradient": r["weight"],
                                             "bound": r["bound"]})

    def _readout(self, r) -> str:
        def ratio(v):
            if not (np.isfinite(v[0]) and np.isfinite(v[-1])):
                return "overflow"
            if v[-1] == 0:
                return "0 / 0" if v[0] == 0 else "∞"
            return f"{v[0] / v[-1]:.3g}"

        numbers = (f"first ÷ last layer: ‖δ‖ <b>{ratio(r['delta'])}</b>, "
                   f"‖∂E/∂W‖ <b>{ratio(r['weight'])}</b>"
                   + ("" if r["bound"] is None else
                      f"; chain-rule bound {r['bound'][0] / r['bound'][-1]:.3g}"))
        return f"{self.plot.legend_html()}<br>{numbers}"


def gradient_explorer(**initial: Any) -> GradientExplorer:
    """The flagship panel of notebook 05: sliders for depth, activation, alpha,
    init, weight scale, batchnorm and residual, replotting per-layer gradient
    magnitudes (log scale) with the chain-rule bound where one exists.

    Parameters
    ----------
    **initial
        Starting values: ``depth`` (20), ``activation`` ("sigmoid"), ``alpha``
        (0.01), ``init`` ("glorot_uniform"), ``weight_scale`` (1.0),
        ``batchnorm``/``residual`` (False); sizes ``max_depth`` (100),
        ``width`` (64), ``batch`` (256) and ``seed`` (0).

    Returns
    -------
    GradientExplorer
        Display it as the last expression of a cell.
    """
    return GradientExplorer(**initial)

