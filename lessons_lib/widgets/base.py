"""Live panels: controls wired to a pure compute method and an in-place drawer.

A :class:`Panel` keeps four things apart, each a method a panel overrides:

* ``controls`` — ipywidgets whose ``description`` names the knob; their
  ranges and options are also what a panel's starting values are checked
  against (:func:`check_control_value`);
* ``compute(**values) -> result`` — pure: a function of the control values
  that changes nothing (not the controls, not the panel);
* ``draw(result)`` — moves the artists of a figure made **once**;
* ``readout_text(result) -> str`` — the HTML line under the plot.

Which controls are enabled is declared, not computed: :attr:`Panel.enabled_when`
maps a control to a rule on the values, applied after every change. A panel
with state of its own (the lab's model) brings it in line with the controls
in :meth:`Panel.apply_controls`, and changes it otherwise only in its own
action methods (buttons), run through :meth:`Panel.run_action`.

One control change is :meth:`Panel.update`: read the values, apply
``enabled_when``, ``apply_controls``, ``compute``, ``draw``,
``readout_text``, then render and send the picture. Building a panel does
not compute anything: its factory (or its first display) calls
:meth:`Panel.update` once the panel is whole, so a subclass may set its
attributes before or after ``super().__init__``.

Under the live backend (``%matplotlib widget``, ipympl) the figure's canvas
is itself a widget in the panel and a control change costs one compute and
one render, sent to the page at once. The figure is a
:class:`lessons_lib.plots.LiveFigure`: while the axes do not change, only
the moving lines are rendered over the kept pixels of the rest. Under the
inline backend the panel still works, slower:
the figure is re-rendered into an ``Output`` as a PNG. Any exception from
compute, draw or an action lands, visible, in the panel's error area instead
of being lost.

A control's callback may run on a kernel subshell thread while a cell runs
on the main thread, so an update (compute, draw, render, send) holds
:data:`lessons_lib.plots.DRAW_LOCK`, and a live canvas sends every frame
whole (see :func:`prepare_live_canvas`).

A new panel is a handful of lines, without a subclass::

    plot = plots.LinePlot(["loss"], xlabel="step", ylabel="loss", logy=True)
    panel = widgets.Panel(
        {"lr": ipywidgets.FloatLogSlider(value=0.1, min=-3, max=1, description="lr")},
        compute=lambda lr: train_curve(lr),
        draw=lambda c: plot.update(c.steps, {"loss": c.loss}),
        figure=plot.fig,
    )
    panel                       # last line of the cell shows it (and draws it first)
"""

from __future__ import annotations

import functools
import html
import inspect
import numbers
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar

import ipywidgets as ipw
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..plots.base import DRAW_LOCK, prepare_live_canvas
from ..validation import check_bool, check_float, check_int, describe

__all__ = ["Panel", "check_control_value", "is_live", "panel_factory", "prepare_live_canvas"]

#: Control types whose value is one of their ``options``.
_CHOICE_WIDGETS = (ipw.Dropdown, ipw.SelectionSlider, ipw.ToggleButtons, ipw.RadioButtons,
                   ipw.Select)


def panel_factory(cls: type) -> Any:
    """Give a panel's factory function its class's keyword arguments as its signature.

    The factories are written ``def x_panel(**initial): ...``; this decorator
    makes ``inspect.signature`` (and so JupyterLab's Shift-Tab) show the real
    arguments and defaults of ``XPanel.__init__``.

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


def _option_values(control: ipw.ValueWidget) -> list[Any]:
    return [o[1] if isinstance(o, tuple) else o for o in control.options]


def _round_bound(x: float) -> float:
    """A log slider's end as the round number it stands for (``10 ** log10(20)`` -> 20.0)."""
    return float(f"{x:.12g}")


def check_control_value(name: str, value: Any, control: ipw.ValueWidget) -> Any:
    """Return ``value`` if ``control`` can show it; otherwise raise naming ``name``.

    A panel's starting values are checked here against the control that will
    hold them, so the range a student can reach and the range a caller may
    ask for are one and the same: a slider's ``[min, max]`` (for a log slider
    ``[base**min, base**max]``), the values of a dropdown's or a selection
    slider's options, True/False for a checkbox. Setting an out-of-range
    value on an ipywidgets slider would clamp it silently instead.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : object
        The requested starting value.
    control : ipywidgets.ValueWidget
        An ``IntSlider``, ``FloatSlider``, ``FloatLogSlider``, ``Checkbox``,
        ``ToggleButton`` or a widget with ``options`` (``Dropdown``,
        ``SelectionSlider``, ``ToggleButtons``, ``RadioButtons``, ``Select``).

    Returns
    -------
    object
        ``value`` (an int or float for sliders).

    Raises
    ------
    TypeError
        The value is of the wrong kind (a str for a slider, 2.0 for an
        integer slider, a number for a dropdown of names).
    ValueError
        The value is outside the slider's range or not among the options;
        the message gives the range or lists the options.
    """
    if isinstance(control, ipw.FloatLogSlider):
        value = check_float(name, value)
        lo = _round_bound(control.base ** control.min)
        hi = _round_bound(control.base ** control.max)
        if value < lo * (1 - 1e-12):
            raise ValueError(f"{name} must be >= {lo}, got {value}")
        if value > hi * (1 + 1e-12):
            raise ValueError(f"{name} must be <= {hi}, got {value}")
        return value
    if isinstance(control, ipw.IntSlider):
        return check_int(name, value, min_value=control.min, max_value=control.max)
    if isinstance(control, ipw.FloatSlider):
        return check_float(name, value, min_value=control.min, max_value=control.max)
    if isinstance(control, (ipw.Checkbox, ipw.ToggleButton)):
        return check_bool(name, value)
    if isinstance(control, _CHOICE_WIDGETS):
        options = _option_values(control)
        numeric = all(isinstance(o, numbers.Real) and not isinstance(o, bool) for o in options)
        if numeric and all(isinstance(o, numbers.Integral) for o in options):
            value = check_int(name, value)
        elif numeric:
            value = check_float(name, value)
        elif all(isinstance(o, str) for o in options) and not isinstance(value, str):
            raise TypeError(f"{name} must be a string, one of {options}, got {describe(value)}")
        if value not in options:
            shown = repr(value) if isinstance(value, str) else value
            raise ValueError(f"{name} must be one of {options}, got {shown}")
        return value
    raise TypeError(f"control must be a slider, a checkbox or a widget with options, "
                    f"got {type(control).__name__}")


@contextmanager
def _numpy_quiet() -> Iterator[None]:
    """numpy's overflow warnings off: an overflow is drawn as a note, never warned."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with np.errstate(all="ignore"):
            yield


class Panel:
    """Controls + pure compute + in-place drawing, shown as one widget.

    Subclass it and override :meth:`compute`, :meth:`draw` and
    :meth:`readout_text` (and :meth:`layout`, :meth:`apply_controls` where
    needed), or pass plain functions for the first three.

    Parameters
    ----------
    controls : mapping of str to ipywidgets.ValueWidget
        Keyword name for :meth:`compute` -> control.
    figure : matplotlib Figure
        Created once by the caller (e.g. :class:`lessons_lib.plots.LinePlot`).
    values : mapping of str to object, optional
        Starting value per control name, checked against that control's range
        or options by :func:`check_control_value` (a bad one raises naming the
        control's name) and set before the panel listens to the controls.
    compute : callable, optional
        ``compute(**values) -> result``, pure; instead of overriding :meth:`compute`.
    draw : callable, optional
        ``draw(result)`` updates artists of ``figure`` in place; instead of
        overriding :meth:`draw`.
    readout_text : callable, optional
        ``readout_text(result) -> str`` (HTML); instead of overriding
        :meth:`readout_text`.
    enabled_when : mapping of str to callable, optional
        Control name -> ``rule(values) -> bool``; instead of (or on top of)
        the class attribute :attr:`enabled_when`.
    title : str, optional
        HTML heading above the controls.

    Attributes
    ----------
    enabled_when : dict of str to callable
        Class attribute: control name -> ``rule(values) -> bool``; after every
        change the control is enabled exactly while its rule holds (e.g.
        ``{"alpha": lambda v: v["activation"] in ("elu", "leaky_relu")}``).
    controls : dict of str to ipywidgets.ValueWidget
    figure : matplotlib Figure
    view : ipywidgets.Widget
        The live canvas, or the ``Output`` the inline backend shows a PNG in.
    readout : ipywidgets.HTML
        The line under the plot (its ``value`` is what :meth:`readout_text` returned).
    errors : ipywidgets.Output
        Where an exception from an update or an action is shown.
    widget : ipywidgets.VBox
        The whole panel, built from :meth:`layout` when first asked for;
        displaying the panel displays this.
    result : object
        Result of the last successful compute.
    last_error : str or None
        The traceback of the last failed update or action, None after a good one.
    n_updates : int
        Completed redraws (tests use it).
    """

    enabled_when: ClassVar[Mapping[str, Callable[[Mapping[str, Any]], bool]]] = {}

    def __init__(self, controls: Mapping[str, ipw.ValueWidget], figure: Figure, *,
                 values: Mapping[str, Any] | None = None,
                 compute: Callable[..., Any] | None = None,
                 draw: Callable[[Any], None] | None = None,
                 readout_text: Callable[[Any], str] | None = None,
                 enabled_when: Mapping[str, Callable[[Mapping[str, Any]], bool]] | None = None,
                 title: str = "") -> None:
        if not isinstance(controls, Mapping) or not controls:
            raise TypeError(f"controls must be a non-empty dict of name -> widget, "
                            f"got {type(controls).__name__}")
        for name, control in controls.items():
            if not isinstance(control, ipw.ValueWidget):
                raise TypeError(f"controls[{name!r}] must be an ipywidgets value widget "
                                f"(slider, dropdown, checkbox ...), got {type(control).__name__}")
        for name, fn in (("compute", compute), ("draw", draw)):
            if fn is None and getattr(type(self), name) is getattr(Panel, name):
                raise TypeError(f"{name} must be callable (or {type(self).__name__} must "
                                f"define the method {name}), got None")
        for name, fn in (("compute", compute), ("draw", draw), ("readout_text", readout_text)):
            if fn is not None and not callable(fn):
                raise TypeError(f"{name} must be callable, got {type(fn).__name__}")
        if not isinstance(figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
        rules = {**type(self).enabled_when, **(enabled_when or {})}
        for name, rule in rules.items():
            if name not in controls or not callable(rule):
                raise ValueError(f"enabled_when must map control names {list(controls)} to "
                                 f"functions of the values, got {name!r}: {rule!r}")
        if not isinstance(title, str):
            raise TypeError(f"title must be a str, got {describe(title)}")
        self.controls = dict(controls)
        self.figure = figure
        self.title = title
        self._rules = rules
        self._compute_fn, self._draw_fn, self._readout_fn = compute, draw, readout_text
        values = dict(values or {})
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(f"values must name controls of this panel {list(self.controls)}, "
                             f"got {unknown}")
        try:
            for name, value in values.items():
                self.controls[name].value = check_control_value(name, value,
                                                                self.controls[name])
        except (TypeError, ValueError):
            plt.close(figure)                 # a panel that is not built leaves no figure
            raise
        self.result: Any = None
        self.last_error: str | None = None
        self.n_updates = 0
        self._updated = False               # the first update comes from outside __init__
        self._holding = False
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
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    # -- what a panel overrides -----------------------------------------------------
    def compute(self, **values: Any) -> Any:
        """The result to draw for these control values; pure (changes nothing)."""
        return self._compute_fn(**values)

    def draw(self, result: Any) -> None:
        """Move the figure's artists to show ``result`` (none is created)."""
        self._draw_fn(result)

    def readout_text(self, result: Any) -> str:
        """The HTML line under the plot for ``result`` ("" unless given or overridden)."""
        return "" if self._readout_fn is None else self._readout_fn(result)

    def apply_controls(self, **values: Any) -> None:
        """Bring the panel's own state in line with the control values, before compute.

        Only a panel with state of its own needs it (the lab builds a new
        model when the architecture changed); the default does nothing.
        """

    def layout(self) -> list[ipw.Widget]:
        """The parts of :attr:`widget`, top to bottom.

        The default: the title (if any), the controls in a wrapping row, the
        figure, the readout and the error area. Override to arrange them
        otherwise (the lab groups its controls and adds buttons).
        """
        parts: list[ipw.Widget] = []
        if self.title:
            parts.append(ipw.HTML(f"<b>{html.escape(self.title)}</b>"))
        parts += [ipw.HBox(list(self.controls.values()), layout=ipw.Layout(flex_flow="row wrap")),
                  self.view, self.readout, self.errors]
        return parts

    @functools.cached_property
    def widget(self) -> ipw.VBox:
        """The whole panel: :meth:`layout`'s parts in a column (built on first use)."""
        return ipw.VBox(self.layout())

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
        if not self._holding:
            self.update()

    def update(self) -> None:
        """Compute with the current control values and redraw in place.

        In order: apply :attr:`enabled_when`, :meth:`apply_controls`,
        :meth:`compute`, :meth:`draw`, :meth:`readout_text`, then render and
        send the picture. Errors are shown in the panel (and kept in
        ``last_error``), never raised. Runs under
        :data:`lessons_lib.plots.DRAW_LOCK`: a control's callback may come on
        another thread than a cell that changes the same panel.
        """
        with DRAW_LOCK:
            self._update_locked()

    def _update_locked(self) -> None:
        self._updated = True
        self.last_error = None
        try:
            values = self.values()
            for name, rule in self._rules.items():
                self.controls[name].disabled = not rule(values)
            with _numpy_quiet():
                self.apply_controls(**values)
                result = self.compute(**values)
                self.draw(result)
            self.result = result
            self.readout.value = self.readout_text(result)
            self._render()
            self.n_updates += 1
            if self.errors.outputs:
                self.errors.outputs = ()
        except Exception:  # noqa: BLE001 - shown to the student, not lost in a log
            self._show_error()

    def run_action(self, action: Callable[..., Any], *args: Any) -> bool:
        """Run ``action(*args)`` the way an update runs compute; True if it did not raise.

        For a panel's own actions that change its state (the lab's training
        steps): under :data:`lessons_lib.plots.DRAW_LOCK`, with numpy's
        overflow warnings off, and an exception shown in the panel and kept in
        ``last_error`` instead of raised. Call :meth:`update` afterwards to
        show the new state.
        """
        with DRAW_LOCK:
            self.last_error = None
            try:
                with _numpy_quiet():
                    action(*args)
            except Exception:  # noqa: BLE001 - shown to the student, not lost in a log
                self._show_error()
                return False
            return True

    def _show_error(self) -> None:
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
        if "widget" in self.__dict__:         # built only once something asked for it
            self.widget.close()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        if not self._updated:                 # a panel built without its factory
            self.update()
        display(self.widget)

    def __repr__(self) -> str:
        vals = ", ".join(f"{k}={v!r}" for k, v in self.values().items())
        return f"<{type(self).__name__}: {vals}>"
