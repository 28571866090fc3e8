"""Headless tests of the drawing and widget layer (no browser, no kernel).

Every panel is built under both the live backend (ipympl, whose canvas is a
widget) and the inline one (Agg); each control is moved and the plotted data
must change in place, with no new figure, no error and no leaked warning.
"""

from __future__ import annotations

import warnings

import ipywidgets as ipw
import matplotlib.pyplot as plt
import numpy as np
import pytest
from panel_checks import changed as _changed
from panel_checks import ydata as _ydata

from lessons_lib import experiments, plots, widgets

# new value for every control of the explorer, chosen so the plot must change
EXPLORER_MOVES = [
    ("depth", 35), ("activation", "tanh"), ("init", "he_normal"), ("weight_scale", 2.0),
    ("activation", "leaky_relu"), ("alpha", 0.3), ("batchnorm", True), ("residual", True),
]


def test_explorer_has_the_promised_controls(backend):
    panel = widgets.gradient_explorer()
    assert [c.description for c in panel.controls.values()] == [
        "depth", "activation", "alpha", "init", "weight scale", "batchnorm", "residual"]
    assert panel.live is (backend == "ipympl")
    assert isinstance(panel.widget, ipw.VBox)
    assert (panel.figure.canvas in panel.widget.children) is (backend == "ipympl")


def test_every_explorer_control_replots_in_place(backend):
    panel = widgets.gradient_explorer(depth=20)
    figures = plt.get_fignums()
    lines = dict(panel.plot.lines)
    for name, value in EXPLORER_MOVES:
        before = _ydata(panel)
        updates = panel.n_updates
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            panel.controls[name].value = value
        assert panel.last_error is None, panel.last_error
        assert panel.n_updates == updates + 1, name
        assert _changed(before, _ydata(panel)), f"moving {name} did not change the plot"
        assert plt.get_fignums() == figures, "a control change created a figure"
        assert panel.plot.lines == lines, "artists were replaced instead of updated"


def test_explorer_plots_what_experiments_computes(backend):
    panel = widgets.gradient_explorer(depth=12, activation="tanh", init="lecun_normal",
                                      weight_scale=1.5)
    delta = experiments.gradient_profile(12, activation="tanh", init="lecun_normal",
                                         weight_scale=1.5, batch=256)
    line = panel.plot.lines["‖δ‖ learning signal"]
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 13))
    np.testing.assert_allclose(line.get_ydata(), delta)
    assert panel.plot.lines["estimate"].get_visible()
    np.testing.assert_allclose(panel.plot.lines["estimate"].get_ydata(),
                               experiments.gradient_estimate(12, activation="tanh",
                                                             init="lecun_normal",
                                                             weight_scale=1.5) * delta[-1])
    panel.controls["batchnorm"].value = True          # no estimate with BatchNorm
    assert not panel.plot.lines["estimate"].get_visible()
    assert "first ÷ last layer" in panel.readout.value


def test_alpha_is_disabled_for_activations_without_one(backend):
    panel = widgets.gradient_explorer(activation="sigmoid")
    assert panel.controls["alpha"].disabled
    panel.controls["activation"].value = "elu"
    assert not panel.controls["alpha"].disabled


def test_extreme_setting_draws_the_overflow_note_and_raises_nothing(backend):
    panel = widgets.gradient_explorer(depth=20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                # numpy overflow warnings would fail here
        panel.controls["activation"].value = "relu"
        panel.controls["init"].value = "he_normal"
        panel.controls["depth"].value = panel.controls["depth"].max
        slider = panel.controls["weight_scale"]
        panel.controls["weight_scale"].value = slider.base ** slider.max   # max is an exponent
    assert panel.values()["weight_scale"] == 10.0
    assert panel.last_error is None
    assert panel.plot.note.get_visible()
    assert "Overflow" in panel.plot.note.get_text()
    assert "overflow" in panel.readout.value
    panel.controls["weight_scale"].value = 1.0        # back to sane: the note goes away
    assert not panel.plot.note.get_visible()


def test_vanishing_to_exact_zero_is_reported_as_underflow(backend):
    # 0.25 * 0.1 per layer: 0.025**300 is below float64's smallest number 5e-324
    panel = widgets.gradient_explorer(depth=300, max_depth=300, activation="sigmoid",
                                      weight_scale=0.1)
    assert panel.last_error is None
    assert "Underflow" in panel.plot.note.get_text()


def test_explorer_figure_is_small_and_fixed(backend):
    panel = widgets.gradient_explorer()
    w, h = panel.figure.get_size_inches() * panel.figure.dpi
    assert w <= 700 and h <= 350
    assert panel.figure.get_layout_engine() is None     # no per-draw re-layout


def test_a_new_panel_in_a_handful_of_lines(backend):
    plot = plots.LinePlot(["y"], xlabel="x", ylabel="y")
    panel = widgets.Panel(
        {"k": ipw.IntSlider(value=1, min=1, max=5, description="k")},
        compute=lambda k: np.arange(10.0) ** k,
        draw=lambda y: plot.update(np.arange(10.0), {"y": y}),
        figure=plot.fig,
    )
    before = plot.lines["y"].get_ydata().copy()
    panel.controls["k"].value = 3
    np.testing.assert_array_equal(plot.lines["y"].get_ydata(), np.arange(10.0) ** 3)
    assert not np.array_equal(before, plot.lines["y"].get_ydata())


def test_callback_errors_are_shown_in_the_panel_not_raised(backend):
    plot = plots.LinePlot(["y"])

    def compute(k):
        if k > 2:
            raise ValueError("k too large for this demo")
        return np.ones(3) * k

    panel = widgets.Panel({"k": ipw.IntSlider(value=1, min=1, max=5, description="k")},
                          plot.fig, compute=compute,
                          draw=lambda y: plot.update(np.arange(3.0), {"y": y}))
    panel.controls["k"].value = 4                       # must not raise
    assert "k too large" in panel.last_error
    assert any("k too large" in o.get("text", "") for o in panel.errors.outputs)
    panel.controls["k"].value = 2                       # recovers and clears the message
    assert panel.last_error is None
    assert panel.errors.outputs == ()


def test_panel_rejects_bad_arguments():
    plot = plots.LinePlot(["y"])
    slider = ipw.IntSlider(description="k")
    fns = {"compute": lambda k: k, "draw": lambda r: None}
    with pytest.raises(TypeError, match="controls"):
        widgets.Panel({}, plot.fig, **fns)
    with pytest.raises(TypeError, match=r"controls\['k'\]"):
        widgets.Panel({"k": ipw.Button()}, plot.fig, **fns)
    with pytest.raises(TypeError, match="compute must be callable"):
        widgets.Panel({"k": slider}, plot.fig, draw=fns["draw"])
    with pytest.raises(TypeError, match="draw must be callable"):
        widgets.Panel({"k": slider}, plot.fig, compute=fns["compute"], draw="plot")
    with pytest.raises(TypeError, match="figure"):
        widgets.Panel({"k": slider}, figure="fig", **fns)
    with pytest.raises(ValueError, match=r"values must name controls of this panel \['k'\]"):
        widgets.Panel({"k": slider}, plot.fig, values={"j": 1}, **fns)
    with pytest.raises(ValueError, match="enabled_when"):
        widgets.Panel({"k": slider}, plot.fig, enabled_when={"j": lambda v: True}, **fns)
    with pytest.raises(ValueError, match=r"activation must be one of \['sigmoid'.*got 'softplus2'"):
        widgets.gradient_explorer(activation="softplus2")
    with pytest.raises(ValueError, match="depth must be <= 20, got 50"):
        widgets.gradient_explorer(depth=50, max_depth=20)
    with pytest.raises(ValueError, match="max_depth must be <= 500"):
        widgets.gradient_explorer(max_depth=501)
    with pytest.raises(ValueError, match=r"weight_scale must be <= 10.0, got 50.0"):
        widgets.gradient_explorer(weight_scale=50.0)
    with pytest.raises(ValueError, match="batch must be >= 2"):
        widgets.gradient_explorer(batch=1)                # the batchnorm box needs two rows


def test_lineplot_update_validates_and_notes(backend):
    plot = plots.LinePlot(["a", "b"], logy=True)
    with pytest.raises(ValueError, match="unknown labels"):
        plot.update(np.arange(3), {"c": np.ones(3)})
    with pytest.raises(ValueError, match=r"ys\['a'\]"):
        plot.update(np.arange(3), {"a": np.ones(4)})
    plot.update(np.arange(3.0), {"a": [1.0, np.inf, 2.0], "b": [0.0, 1.0, 1.0]})
    note = plot.note_text()
    assert "Overflow" in note and "a: 1 of 3" in note
    assert "Underflow" in note and "b: 1 of 3" in note
    assert np.isnan(plot.lines["a"].get_ydata()[1])     # not drawn, and said so
    lo, hi = plot.ax.get_ylim()
    assert lo > 0 and np.isfinite(hi)


def test_static_gradient_profile_plot(backend):
    g = experiments.gradient_profile(10)
    env = experiments.gradient_envelope(10) * g[-1]
    plot = plots.plot_gradient_profile({"‖δ‖": g}, envelope=env, title="sigmoid")
    np.testing.assert_allclose(plot.lines["‖δ‖"].get_ydata(), g)
    np.testing.assert_allclose(plot.lines["bound"].get_ydata(), env)
    assert plot.ax.get_yscale() == "log"
    assert 'dashed' in plot.legend_html()


def test_new_figure_makes_fixed_layout_axes_in_a_row(backend):
    figures = plt.get_fignums()
    fig = plots.new_figure((9.0, 3.0), ncols=3, width_ratios=(1, 2, 1), left=0.1)
    assert len(plt.get_fignums()) == len(figures) + 1
    assert len(fig.axes) == 3 and fig.get_layout_engine() is None
    boxes = [ax.get_position() for ax in fig.axes]
    assert [b.x0 for b in boxes] == sorted(b.x0 for b in boxes)     # left to right
    assert boxes[1].width == pytest.approx(2 * boxes[0].width)      # width ratios honoured
    assert boxes[0].x0 == pytest.approx(0.1)                        # margin override
    assert plots.new_figure().get_size_inches().tolist() == [6.0, 3.0]


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"ncols": 0}, ValueError, "ncols"),
    ({"ncols": 2.0}, TypeError, "ncols"),
    ({"figsize": (8.0,)}, TypeError, "figsize"),
    ({"figsize": (0.5, 3.0)}, ValueError, r"figsize\[0\]"),
    ({"dpi": 0}, ValueError, "dpi"),
    ({"ncols": 2, "width_ratios": (1.0,)}, ValueError, "width_ratios"),
    ({"ncols": 2, "width_ratios": (1.0, -1.0)}, ValueError, "width_ratios"),
    ({"margin": 0.1}, TypeError, "margins"),
    ({"left": 1.5}, ValueError, "left"),
])
def test_new_figure_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        plots.new_figure(**kwargs)


def test_every_panel_factory_shows_its_real_arguments():
    """Shift-Tab on a factory shows the panel's arguments and defaults, not ``**initial``."""
    import inspect

    from lessons_lib.widgets.base import panel_factory

    factories = [n for n in widgets.__all__ if n.endswith(("_panel", "_explorer", "_lab"))]
    assert len(factories) == 17
    for name in factories:
        sig = inspect.signature(getattr(widgets, name))
        assert "initial" not in sig.parameters, name
        cls = sig.return_annotation
        assert isinstance(cls, type) and issubclass(cls, widgets.Panel), name
        own = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
        assert list(sig.parameters) == own, name
    with pytest.raises(TypeError, match="panel class"):
        panel_factory("ActivationPanel")


# -- the panel contract --------------------------------------------------------------------------
def _other_value(control):
    """A value of ``control`` other than its current one (its far end)."""
    from test_panels_fuzz import _choices

    choices = _choices(control)
    return choices[-1] if control.value != choices[-1] else choices[0]


def _panel_state(panel):
    """Everything a compute call must leave as it was."""
    lines = [np.asarray(line.get_ydata(), dtype=float).tobytes()
             for ax in panel.figure.axes for line in ax.get_lines()]
    attributes = {k: (id(v), v if isinstance(v, (bool, int, float, str, type(None))) else None)
                  for k, v in vars(panel).items()}
    controls = [(name, c.value, c.disabled) for name, c in panel.controls.items()]
    return controls, attributes, lines, panel.readout.value, panel.n_updates


@pytest.mark.parametrize("factory", sorted(n for n in widgets.__all__ if n.endswith(
    ("_panel", "_explorer", "_lab")) or n == "widget_check"))
def test_compute_is_pure_and_draw_returns_nothing(factory, agg):
    """compute(**values) changes no control, attribute, artist or model, for any values."""
    panel = getattr(widgets, factory)()
    try:
        before = _panel_state(panel)
        step = getattr(getattr(panel, "run", None), "step", None)
        for name, control in panel.controls.items():
            values = {**panel.values(), name: _other_value(control)}
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)
                panel.compute(**values)
            assert _panel_state(panel) == before, f"{factory}: compute({name}=...) changed state"
            assert getattr(getattr(panel, "run", None), "step", None) == step
        assert panel.draw(panel.result) is None
    finally:
        panel.close()


def test_the_purity_check_can_fail(agg):
    panel = widgets.gradient_explorer()
    before = _panel_state(panel)
    panel.controls["alpha"].disabled = not panel.controls["alpha"].disabled
    assert _panel_state(panel) != before
    panel.close()


def test_a_panel_computes_nothing_until_its_factory_or_its_display_asks(agg, capsys):
    panel = widgets.GradientExplorer(depth=5)
    assert panel.n_updates == 0 and panel.result is None
    assert len(panel.plot.lines["‖δ‖ learning signal"].get_ydata()) == 0
    panel._ipython_display_()                        # a class shown directly draws first
    assert panel.n_updates == 1 and panel.last_error is None
    assert len(panel.plot.lines["‖δ‖ learning signal"].get_ydata()) == 5
    panel._ipython_display_()                        # once
    assert panel.n_updates == 1
    assert widgets.gradient_explorer(depth=5).n_updates == 1     # the factory draws it
    capsys.readouterr()


class _Powers(widgets.Panel):
    """A subclass that sets its state after super().__init__ and arranges its own layout."""

    enabled_when = {"power": lambda v: v["on"]}

    def __init__(self, *, on: bool = True, power: int = 2) -> None:
        plot = plots.LinePlot(["y"])
        super().__init__({"on": ipw.Checkbox(description="on"),
                          "power": ipw.IntSlider(min=1, max=3, description="power")},
                         plot.fig, values={"on": on, "power": power})
        self.plot = plot                               # after super(): nothing computed yet
        self.x = np.arange(5.0)

    def compute(self, on, power):
        return self.x ** power if on else self.x

    def draw(self, y):
        self.plot.update(self.x, {"y": y})

    def readout_text(self, y):
        return f"sum {y.sum():g}"

    def layout(self):
        return [self.view, self.readout, *self.controls.values()]


def test_a_subclass_overrides_methods_layout_and_declares_enabled_controls(backend):
    panel = _Powers()
    panel.update()
    assert panel.readout.value == "sum 30" and not panel.controls["power"].disabled
    assert panel.widget.children == (panel.view, panel.readout, *panel.controls.values())
    panel.controls["on"].value = False
    assert panel.readout.value == "sum 10" and panel.controls["power"].disabled
    panel.controls["on"].value = True
    assert not panel.controls["power"].disabled
    with pytest.raises(ValueError, match="power must be <= 3, got 4"):
        _Powers(power=4)
    with pytest.raises(TypeError, match="on must be True or False"):
        _Powers(on=1)


def test_enabled_when_works_without_a_subclass(backend):
    plot = plots.LinePlot(["y"])
    panel = widgets.Panel({"f": ipw.Dropdown(options=["sin", "cos"], description="f"),
                           "k": ipw.IntSlider(min=1, max=4, description="k")}, plot.fig,
                          values={"f": "cos"},
                          compute=lambda f, k: getattr(np, f)(k * np.arange(4.0)),
                          draw=lambda y: plot.update(np.arange(4.0), {"y": y}),
                          readout_text=lambda y: f"{y[1]:.3f}",
                          enabled_when={"k": lambda v: v["f"] == "sin"})
    panel.update()
    assert panel.controls["k"].disabled and panel.readout.value == f"{np.cos(1.0):.3f}"
    panel.controls["f"].value = "sin"
    assert not panel.controls["k"].disabled


@pytest.mark.parametrize(("control", "value", "error", "match"), [
    (ipw.IntSlider(min=1, max=8), 9, ValueError, "k must be <= 8, got 9"),
    (ipw.IntSlider(min=1, max=8), 0, ValueError, "k must be >= 1, got 0"),
    (ipw.IntSlider(min=1, max=8), 2.0, TypeError, r"k must be an integer, got 2.0 \(float\)"),
    (ipw.FloatSlider(min=-3.0, max=6.0), 7, ValueError, "k must be <= 6.0, got 7.0"),
    (ipw.FloatSlider(min=-3.0, max=6.0), "1", TypeError, "k must be a real number"),
    (ipw.FloatLogSlider(base=10, min=-1, max=np.log10(20.0)), 21.0, ValueError,
     "k must be <= 20.0, got 21.0"),
    (ipw.FloatLogSlider(base=10, min=-1, max=1), 0.05, ValueError, "k must be >= 0.1, got 0.05"),
    (ipw.Dropdown(options=[("Sigmoid", "sigmoid"), ("ReLU", "relu")]), "tanh", ValueError,
     r"k must be one of \['sigmoid', 'relu'\], got 'tanh'"),
    (ipw.Dropdown(options=["a", "b"]), 1, TypeError, r"k must be a string, one of \['a', 'b'\]"),
    (ipw.SelectionSlider(options=[0.5, 0.9]), 0.7, ValueError,
     r"k must be one of \[0.5, 0.9\], got 0.7"),
    (ipw.SelectionSlider(options=[0.5, 0.9]), "0.5", TypeError, "k must be a real number"),
    (ipw.SelectionSlider(options=[4, 8]), 8.0, TypeError, "k must be an integer"),
    (ipw.ToggleButtons(options=[("L2", "l2"), ("L1", "l1")]), "l3", ValueError,
     r"k must be one of \['l2', 'l1'\], got 'l3'"),
    (ipw.Checkbox(), "yes", TypeError, "k must be True or False"),
    (ipw.Text(), "x", TypeError, "control must be a slider"),
])
def test_check_control_value_names_the_argument_the_range_and_the_value(control, value, error,
                                                                        match):
    with pytest.raises(error, match=match):
        widgets.check_control_value("k", value, control)


def test_check_control_value_accepts_every_end_of_a_range():
    log = ipw.FloatLogSlider(base=10, min=-1.5, max=np.log10(20.0))
    assert widgets.check_control_value("c", 10 ** log.max, log) == 10 ** log.max
    assert widgets.check_control_value("c", 20.0, log) == 20.0
    assert widgets.check_control_value("c", 10 ** -1.5, log) == 10 ** -1.5
    assert widgets.check_control_value("d", 8, ipw.IntSlider(min=1, max=8)) == 8
    assert widgets.check_control_value("m", 0.9, ipw.SelectionSlider(options=[0.5, 0.9])) == 0.9
    assert widgets.check_control_value("b", False, ipw.Checkbox()) is False


def test_panels_check_their_arguments_without_running_an_experiment(agg, monkeypatch):
    """Starting values are checked against the controls; no experiment runs until update()."""
    from lessons_lib.experiments import residual_lstm
    from lessons_lib.widgets import activation, backprop

    def boom(*args, **kwargs):
        raise RuntimeError("an experiment ran")

    monkeypatch.setattr(experiments, "gradient_profile", boom)
    monkeypatch.setattr(backprop, "train_xor", boom)
    monkeypatch.setattr(activation, "dead_relu_run", boom)
    monkeypatch.setattr(residual_lstm, "residual_profile", boom)
    built = [widgets.GradientExplorer(depth=30, weight_scale=2.0),
             widgets.BackpropPanel(width=4, steps=200), widgets.DeadReluPanel(lr=1.0, steps=50),
             widgets.ResidualPanel(depth=50)]
    bad = [(lambda: widgets.GradientExplorer(alpha=1.5), "alpha must be <= 1.0, got 1.5"),
           (lambda: widgets.GradientExplorer(init="he"), "init must be one of"),
           (lambda: widgets.BackpropPanel(width=9), "width must be <= 8, got 9"),
           (lambda: widgets.BackpropPanel(steps=0), "steps must be >= 1, got 0"),
           (lambda: widgets.DeadReluPanel(lr=100.0), "lr must be <= 31.6227766017, got 100.0"),
           (lambda: widgets.DeadReluPanel(steps=5000), "steps must be <= 2000"),
           (lambda: widgets.ResidualPanel(weight_scale=0.05), "weight_scale must be >= 0.1"),
           (lambda: widgets.ResidualPanel(batch=0), "batch must be >= 1")]
    figures = plt.get_fignums()
    for make, match in bad:
        with pytest.raises(ValueError, match=match):
            make()
    assert plt.get_fignums() == figures, "a panel that failed to build left its figure open"
    for panel in built:                                # the patch is live: update() runs it
        panel.update()
        assert "an experiment ran" in panel.last_error, type(panel).__name__
        panel.close()
