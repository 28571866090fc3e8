"""Live panels: controls wired to a pure compute function and an in-place drawer.

A :class:`Panel` owns three things and keeps them apart:

* ``controls`` — ipywidgets whose ``description`` names the knob;
* ``compute(**values) -> result`` — a pure function of the control values;
* ``draw(result) -> readout`` — moves the artists of a figure made **once**
  and returns the text for the readout under the plot.

Under the live backend (``%matplotlib widget``, ipympl) the figure's canvas
is itself a widget in the panel and a control change costs one compute and
one render, sent to the page at once. The figure is a
:class:`lessons_lib.plots.LiveFigure`: while the axes do not change, only
the moving lines are rendered over the kept pixels of the rest. Under the
inline backend the panel still works, slower:
the figure is re-rendered into an ``Output`` as a PNG. Any exception from a
callback lands, visible, in the panel's error area instead of being lost.

A control's callback may run on a kernel subshell thread while a cell runs
on the main thread, so an update (compute, draw, render, send) holds
:data:`lessons_lib.plots.DRAW_LOCK`, and a live canvas sends every frame
whole (see :func:`prepare_live_canvas`).

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
import inspect
import traceback
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as ipw
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..plots.base import DRAW_LOCK, prepare_live_canvas

__all__ = ["Panel", "is_live", "panel_factory", "prepare_live_canvas"]


def panel_factory(cls: type) -> Any:
    """Give a panel's factory function its class's keyword arguments as its signature.

    The factories are written ``def x_panel(**initial): return XPanel(**initial)``;
    this decorator makes ``inspect.signature`` (and so JupyterLab's Shift-Tab)
    show the real arguments and defaults of ``XPanel.__init__``.

    Parameters
    ----------
    cls : type
        The panel class the factory builds.
    """
    if not isinstance(cls, type):
        raise TypeError(f"cls must be a panel class, got {type(cls).__name__}")

    def decorate(fn: Any) -> Any:
        try:                           # show `depth: int = 20`, not `depth: 'int' = 20`
            sig = inspect.signature(cls.__init__, eval_str=True)
        except NameError:
            sig = inspect.signature(cls.__init__)
        params = [p for name, p in sig.parameters.items() if name != "self"]
        fn.__signature__ = sig.replace(parameters=params, return_annotation=cls)
        return fn

    return decorate


def is_live(fig: Figure) -> bool:
    """True when ``fig`` has an interactive ipympl canvas (which is a widget)."""
    return isinstance(fig.canvas, ipw.DOMWidget)


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

    def __init__(self, controls: Mapping[str, ipw.ValueWidget], compute: Callable[..., Any],
                 draw: Callable[[Any], str | None], figure: Figure, *,
                 readout: Callable[[Any], str] | None = None, title: str = "") -> None:
        if not isinstance(controls, Mapping) or not controls:
            raise TypeError(f"controls must be a non-empty dict of name -> widget, "
                            f"got {type(controls).__name__}")
        for name, control in controls.items():
            if not isinstance(control, ipw.ValueWidget):
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
            prepare_live_canvas(canvas)
            with DRAW_LOCK:                # the page's first messages may be served meanwhile
                canvas.header_visible = False
                canvas.footer_visible = False
                canvas.toolbar_visible = False
                canvas.resizable = False
            self.view: ipw.Widget = canvas
        else:
            self.view = ipw.Output()
        self.readout = ipw.HTML(layout=ipw.Layout(min_height="1.5em"))
        self.errors = ipw.Output(layout=ipw.Layout(border="0px"))
        parts: list[ipw.Widget] = []
        if title:
            parts.append(ipw.HTML(f"<b>{html.escape(title)}</b>"))
        parts += [ipw.HBox(list(self.controls.values()), layout=ipw.Layout(flex_flow="row wrap")),
                  self.view, self.readout, self.errors]
        self.widget = ipw.VBox(parts)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    # -- wiring -----------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """Current value of every control, by keyword name."""
        return {name: c.value for name, c in self.controls.items()}

    def set(self, **values: Any) -> None:
        """Change several controls at once, then compute and redraw once.

        ``panel.set(depth=30, activation="relu")`` is what moving those
        controls by hand does, without the intermediate redraws.
        """
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(f"values must name controls of this panel {list(self.controls)}, "
                             f"got {unknown}")
        with DRAW_LOCK:
            self._holding = True
            try:
                for name, value in values.items():
                    self.controls[name].value = value
            finally:
                self._holding = False
            self.update()

    def _on_change(self, change: Mapping[str, Any]) -> None:
        if not getattr(self, "_holding", False):
            self.update()

    def update(self) -> None:
        """Compute with the current control values and redraw in place.

        Errors are shown in the panel (and kept in ``last_error``), never raised.
        Runs under :data:`lessons_lib.plots.DRAW_LOCK`: a control's callback may
        come on another thread than a cell that changes the same panel.
        """
        with DRAW_LOCK:
            self._update_locked()

    def _update_locked(self) -> None:
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
        """Show the new state: render and send (live), or a fresh PNG (inline)."""
        if self.live:
            canvas = self.figure.canvas
            if getattr(canvas, "syncing_data_url", True):
                canvas.draw_idle()     # no front end yet (or none at all): draw when asked
            else:
                canvas.draw()          # render and send now: saves a round trip to the page
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
