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
                          compute, lambda y: plot.update(np.arange(3.0), {"y": y}), plot.fig)
    panel.controls["k"].value = 4                       # must not raise
    assert "k too large" in panel.last_error
    assert any("k too large" in o.get("text", "") for o in panel.errors.outputs)
    panel.controls["k"].value = 2                       # recovers and clears the message
    assert panel.last_error is None
    assert panel.errors.outputs == ()


def test_panel_rejects_bad_arguments():
    plot = plots.LinePlot(["y"])
    slider = ipw.IntSlider(description="k")
    with pytest.raises(TypeError, match="controls"):
        widgets.Panel({}, lambda k: k, lambda r: None, plot.fig)
    with pytest.raises(TypeError, match=r"controls\['k'\]"):
        widgets.Panel({"k": ipw.Button()}, lambda k: k, lambda r: None, plot.fig)
    with pytest.raises(TypeError, match="compute"):
        widgets.Panel({"k": slider}, None, lambda r: None, plot.fig)
    with pytest.raises(TypeError, match="figure"):
        widgets.Panel({"k": slider}, lambda k: k, lambda r: None, figure="fig")
    with pytest.raises(ValueError, match="activation"):
        widgets.gradient_explorer(activation="softplus2")
    with pytest.raises(ValueError, match="max_depth"):
        widgets.gradient_explorer(depth=50, max_depth=20)
    with pytest.raises(ValueError, match="weight_scale"):
        widgets.gradient_explorer(weight_scale=50.0)


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
    assert len(factories) == 15
    for name in factories:
        sig = inspect.signature(getattr(widgets, name))
        assert "initial" not in sig.parameters, name
        cls = sig.return_annotation
        assert isinstance(cls, type) and issubclass(cls, widgets.Panel), name
        own = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
        assert list(sig.parameters) == own, name
    with pytest.raises(TypeError, match="panel class"):
        panel_factory("ActivationPanel")
