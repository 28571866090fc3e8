"""Notebook 12 (modern remedies): the static figures and the two live panels.

The lesson's claims are tested in ``test_nb12_modern_remedies.py``; here: every
control of the update-ratio and warm-up panels changes what is drawn and the
readout, ε is enabled only for RMSProp and Adam, bad starting values are
rejected by name before anything is computed, live frames equal full redraws
pixel for pixel, and the figures draw real results and overflows.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import panel_checks
import pytest
from matplotlib.collections import PolyCollection

import lessons_lib as ll
from lessons_lib.experiments import modern as E
from lessons_lib.plots import modern as P
from lessons_lib.plots.base import LiveFigure
from lessons_lib.widgets import modern as Wm


# -- helpers --------------------------------------------------------------------------------------
def _drawn(panel) -> list[np.ndarray]:
    """Everything a panel draws from data: every line's y data and the heat map's values."""
    out = [np.asarray(line.get_ydata(), dtype=float).copy()
           for ax in panel.figure.axes for line in ax.get_lines()]
    image = getattr(panel.plot, "image", None)
    if image is not None:
        out.append(panel.plot.image_data().copy())
    return out


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y, equal_nan=True)
                                    for x, y in zip(a, b, strict=True))


def _move(panel, name: str, value) -> None:
    """Set one control: one redraw in place, no error or warning; the plot and readout change."""
    before, readout = _drawn(panel), panel.readout.value
    figures, updates = plt.get_fignums(), panel.n_updates
    lines = dict(panel.plot.lines)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.controls[name].value = value
    assert panel.last_error is None, panel.last_error
    assert panel.n_updates == updates + 1, name
    assert plt.get_fignums() == figures, "a control change created a figure"
    assert dict(panel.plot.lines) == lines, "artists were replaced instead of updated"
    assert not _same(before, _drawn(panel)), f"moving {name} to {value!r} changed no data"
    assert panel.readout.value != readout, f"moving {name} to {value!r} left the readout"


_pixels = panel_checks.pixels
_full_pixels = panel_checks.full_pixels


def _gradient_rms(run) -> float:
    return float(run.grad_norms[0, 0] / math.sqrt(2 * Wm.UpdateRatioPanel.WIDTH))


def _panel_run(**kw):
    return E.update_ratio_run(kw.pop("depth"), steps=Wm.UpdateRatioPanel.STEPS,
                              n_points=Wm.UpdateRatioPanel.N_POINTS,
                              width=Wm.UpdateRatioPanel.WIDTH, **kw)


# -- the update-ratio panel -----------------------------------------------------------------------
def test_update_ratio_panel_has_its_real_signature_and_controls(backend):
    sig = inspect.signature(ll.widgets.update_ratio_panel)
    assert {k: p.default for k, p in sig.parameters.items()} == {
        "optimizer": "sgd", "depth": 10, "activation": "sigmoid", "eps": 1e-8}
    assert sig.return_annotation is Wm.UpdateRatioPanel
    panel = ll.widgets.update_ratio_panel()
    assert isinstance(panel, Wm.UpdateRatioPanel) and panel.live is (backend == "ipympl")
    assert list(panel.controls) == ["optimizer", "depth", "activation", "eps"]
    assert [o[1] for o in panel.controls["optimizer"].options] == list(ll.optim.OPTIMIZERS)
    assert tuple(panel.controls["activation"].options) == E.RATIO_ACTIVATIONS
    depth, eps = panel.controls["depth"], panel.controls["eps"]
    assert (depth.min, depth.max) == (2, 30)
    assert (eps.base ** eps.min, eps.base ** eps.max) == pytest.approx((1e-16, 1e-2))
    assert isinstance(panel.figure, LiveFigure)
    w, h = panel.figure.get_size_inches() * panel.figure.dpi
    assert w <= 760 and h <= 300
    panel.close()


def test_every_update_ratio_control_changes_the_plot_and_the_readout(backend):
    panel = ll.widgets.update_ratio_panel()
    image = panel.plot.image
    for name, value in [("optimizer", "adam"), ("depth", 20), ("activation", "tanh"),
                        ("eps", 1e-14), ("optimizer", "momentum"), ("depth", 2),
                        ("activation", "gelu"), ("optimizer", "rmsprop"), ("eps", 1e-2),
                        ("depth", 30), ("activation", "silu"), ("optimizer", "sgd")]:
        _move(panel, name, value)
    assert panel.plot.image is image and list(panel.figure.axes[0].images) == [image]
    panel.close()


def test_eps_is_enabled_only_for_rmsprop_and_adam(backend):
    panel = ll.widgets.update_ratio_panel(optimizer="adam")
    assert not panel.controls["eps"].disabled
    for name, disabled in [("sgd", True), ("rmsprop", False), ("momentum", True),
                           ("adam", False)]:
        panel.controls["optimizer"].value = name
        assert panel.controls["eps"].disabled is disabled, name
    assert ll.widgets.update_ratio_panel(optimizer="momentum").controls["eps"].disabled
    plt.close("all")


def test_update_ratio_panel_draws_what_the_experiment_computes(backend):
    panel = ll.widgets.update_ratio_panel(optimizer="adam", depth=12, activation="sigmoid",
                                          eps=1e-10)
    run = _panel_run(depth=12, optimizer="adam", activation="sigmoid", eps=1e-10)
    assert run.ratios.shape == (30, 12) and not run.diverged
    np.testing.assert_allclose(panel.plot.image_data(), np.log10(run.ratios.T), rtol=1e-12)
    medians = np.median(run.ratios, axis=0)
    line = panel.plot.lines[P.UpdateRatioPlot.LABEL]
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 13))
    np.testing.assert_allclose(line.get_ydata(), medians, rtol=1e-12)
    decades = math.log10(medians.max() / medians.min())
    assert f"span <b>{decades:.1f}</b> decades" in panel.readout.value
    # the image is input side at the bottom, one row per layer, one column per step
    assert panel.plot.image.origin == "lower"
    assert panel.plot.image.get_extent() == [0.5, 30.5, 0.5, 12.5]
    assert panel.plot.ax_map.get_ylim() == (0.5, 15.5)          # the next multiple of 5
    assert panel.plot.ax_line.get_xlim() == (0.5, 15.5)
    assert panel.plot.ax_line.get_ylim() == pytest.approx((1e-20, 1.0))
    clim = panel.plot.image.get_clim()
    assert clim == P.RATIO_DECADES == (-20.0, 0.0)
    rule = [ln for ln in panel.plot.ax_line.get_lines() if ln is not line]
    assert [tuple(ln.get_ydata()) for ln in rule] == [(P.RULE_OF_THUMB, P.RULE_OF_THUMB)]
    panel.close()


def test_the_readout_compares_layer_ones_gradient_with_eps(backend):
    run = _panel_run(depth=20, optimizer="adam", activation="sigmoid", eps=1e-8)
    g = _gradient_rms(run)
    assert 1e-15 < g < 1e-9                        # below 1e-8 / 10, above 10 * 1e-16
    panel = ll.widgets.update_ratio_panel(optimizer="adam", depth=20, eps=1e-8)
    assert (f"layer 1's gradient <b>{g:.0e}</b> RMS is below ε = 1e-08: Adam cannot rescale it"
            in panel.readout.value)
    panel.controls["eps"].value = 1e-16
    assert f"<b>{g:.0e}</b> RMS is far above ε = 1e-16: Adam rescales it" in panel.readout.value
    panel.controls["optimizer"].value = "rmsprop"
    assert "RMSProp rescales it" in panel.readout.value
    panel.controls["optimizer"].value = "sgd"
    assert "SGD's step is η·g" in panel.readout.value and "ε" not in panel.readout.value.split(
        "<br>")[-1]
    panel.close()


def test_sgd_ignores_the_eps_slider_and_reuses_one_run(agg):
    panel = ll.widgets.update_ratio_panel(optimizer="sgd", depth=8)
    first = panel.result["run"]
    panel.controls["eps"].value = 1e-3              # a value set while the slider is disabled
    assert panel.result["run"] is first and panel.result["eps"] == 1e-8
    panel.close()


def test_exact_zeros_and_the_lowest_ratios_are_explained_not_hidden(backend):
    panel = ll.widgets.update_ratio_panel(optimizer="sgd", depth=30, activation="sigmoid")
    run = _panel_run(depth=30, optimizer="sgd", activation="sigmoid")
    zero = np.flatnonzero(np.median(run.ratios, axis=0) == 0) + 1
    assert zero.size and zero[0] == 1                   # the first layers do not move at all
    note = panel.plot.note_text()
    assert f"exactly 0, not drawn on a log scale: layers 1–{zero[-1]}" in note
    assert "exactly 0</b>" in panel.readout.value
    # zeros sit below the color scale (black), never NaN (gray, "did not run")
    data = panel.plot.image_data()
    assert not np.isnan(data).any()
    assert np.all(data[run.ratios.T == 0] < P.RATIO_DECADES[0])
    panel.close()


def test_an_overflowing_run_is_a_note_never_an_error(backend, monkeypatch):
    real = E.update_ratio_run

    def diverging(*args, **kwargs):
        run = real(*args, **kwargs)
        ratios, grads, loss = run.ratios.copy(), run.grad_norms.copy(), run.loss.copy()
        ratios[7:], grads[7:], loss[7:] = np.nan, np.nan, np.nan
        return dataclasses.replace(run, ratios=ratios, grad_norms=grads, loss=loss,
                                   diverged=True)

    panel = ll.widgets.update_ratio_panel()
    monkeypatch.setattr(E, "update_ratio_run", diverging)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.controls["depth"].value = 11
    assert panel.last_error is None, panel.last_error
    assert "the run overflowed at step 8" in panel.plot.note_text()
    assert np.isnan(panel.plot.image_data()[:, 7:]).all()       # gray: steps that did not run
    monkeypatch.setattr(E, "update_ratio_run", lambda *a, **k: dataclasses.replace(
        diverging(*a, **k), ratios=np.full((30, 12), np.nan),
        grad_norms=np.full((30, 12), np.inf)))
    panel.controls["depth"].value = 12
    assert panel.last_error is None, panel.last_error
    assert "undefined (NaN), not drawn: layers 1–12" in panel.plot.note_text()
    assert "no step ran" in panel.readout.value and "overflowed" in panel.readout.value
    panel.close()


# -- the warm-up panel ----------------------------------------------------------------------------
def test_warmup_panel_has_its_real_signature_and_controls(backend):
    sig = inspect.signature(ll.widgets.warmup_panel)
    assert {k: p.default for k, p in sig.parameters.items()} == {"lr": 0.03, "warmup": 10}
    panel = ll.widgets.warmup_panel()
    assert isinstance(panel, Wm.WarmupPanel) and panel.live is (backend == "ipympl")
    assert [o[1] for o in panel.controls["lr"].options] == [0.003, 0.01, 0.03]
    assert (panel.controls["warmup"].min, panel.controls["warmup"].max) == (0, 30)
    panel.close()


def test_every_warmup_control_changes_the_plot_and_the_readout(backend):
    panel = ll.widgets.warmup_panel()
    limits = [(ax.get_xlim(), ax.get_ylim()) for ax in panel.figure.axes]
    for name, value in [("warmup", 20), ("lr", 0.01), ("warmup", 0), ("lr", 0.003),
                        ("warmup", 30), ("lr", 0.03), ("warmup", 1)]:
        _move(panel, name, value)
    # the view does not jump: fixed limits whatever the controls
    assert [(ax.get_xlim(), ax.get_ylim()) for ax in panel.figure.axes] == limits
    panel.close()


def test_warmup_panel_draws_both_runs_and_reads_out_the_first_steps(backend):
    panel = ll.widgets.warmup_panel(lr=0.03, warmup=20)
    plain, warm = E.warmup_run(0.03, 0, steps=30), E.warmup_run(0.03, 20, steps=30)
    left, right = panel.plot.left.lines, panel.plot.right.lines
    np.testing.assert_array_equal(left["no warm-up"].get_ydata(), plain.loss)
    np.testing.assert_array_equal(left["with warm-up"].get_ydata(), warm.loss)
    np.testing.assert_array_equal(right["no warm-up"].get_ydata(), plain.grad_norm)
    np.testing.assert_array_equal(right["with warm-up"].get_ydata(), warm.grad_norm)
    np.testing.assert_array_equal(left["no warm-up"].get_xdata(), np.arange(1, 31))
    peak_plain, peak_warm = plain.loss[:12].max(), warm.loss[:12].max()
    assert peak_plain > 4 * peak_warm                  # the jump the lesson shows
    assert (f"without warm-up <b>{peak_plain:.3g}</b>; with a 20-step warm-up "
            f"<b>{peak_warm:.3g}</b>") in panel.readout.value
    assert "η climbs linearly to 0.03 over 20 steps" in panel.readout.value
    panel.controls["warmup"].value = 0
    assert "k = 0 is no warm-up: the same run" in panel.readout.value
    panel.close()


def test_every_warmup_run_of_the_panel_fits_its_fixed_axes():
    lo_l, hi_l = Wm.WarmupPanel.LOSS_YLIM
    lo_g, hi_g = Wm.WarmupPanel.GRAD_YLIM
    for lr in Wm.WarmupPanel.LEARNING_RATES:
        for k in range(Wm.WarmupPanel.STEPS + 1):
            run = E.warmup_run(lr, k, steps=Wm.WarmupPanel.STEPS)
            assert np.all((run.loss > lo_l) & (run.loss < hi_l)), (lr, k)
            assert np.all((run.grad_norm > lo_g) & (run.grad_norm < hi_g)), (lr, k)


def test_every_update_ratio_median_fits_the_scale_or_is_noted():
    """The line plot's fixed limits hold every panel run's medians, or the note names them."""
    hi = 10.0 ** P.RATIO_DECADES[1]
    for optimizer in ("sgd", "adam"):
        for depth in (2, 16, 30):
            run = _panel_run(depth=depth, optimizer=optimizer, activation="sigmoid", eps=1e-16)
            assert np.nanmax(run.ratios) < hi
    plot = P.UpdateRatioPlot()
    plot.update(np.array([[1e-22, 0.0, 1e-5]] * 4))
    assert "exactly 0, not drawn on a log scale: layer 2" in plot.note_text()
    assert "below 1e-20: layer 1" in plot.note_text()
    plt.close(plot.fig)


def test_a_warmup_overflow_is_a_note_never_an_error(backend, monkeypatch):
    real = E.warmup_run

    def overflowing(lr, warmup=0, **kwargs):
        run = real(lr, warmup, **kwargs)
        if warmup:
            return run
        loss, norm = run.loss.copy(), run.grad_norm.copy()
        loss[5:], norm[5:] = np.inf, np.nan
        return dataclasses.replace(run, loss=loss, grad_norm=norm)

    panel = ll.widgets.warmup_panel()
    monkeypatch.setattr(E, "warmup_run", overflowing)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.controls["warmup"].value = 12
    assert panel.last_error is None, panel.last_error
    note = panel.plot.note_text()
    assert "no warm-up: overflow from step 6" in note and "Overflow" in note
    assert "without warm-up <b>overflow</b>" in panel.readout.value
    panel.close()


# -- starting values ------------------------------------------------------------------------------
def test_bad_starting_values_are_rejected_by_name_before_any_experiment(agg, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("an experiment ran")

    monkeypatch.setattr(E, "update_ratio_run", boom)
    monkeypatch.setattr(E, "warmup_run", boom)
    bad = [(lambda: Wm.UpdateRatioPanel(depth=31), ValueError, "depth must be <= 30, got 31"),
           (lambda: Wm.UpdateRatioPanel(depth=1), ValueError, "depth must be >= 2, got 1"),
           (lambda: Wm.UpdateRatioPanel(depth=4.0), TypeError, "depth must be an int"),
           (lambda: Wm.UpdateRatioPanel(optimizer="adagrad"), ValueError,
            r"optimizer must be one of \['sgd', 'momentum', 'rmsprop', 'adam'\], got 'adagrad'"),
           (lambda: Wm.UpdateRatioPanel(activation="relu6"), ValueError,
            "activation must be one of"),
           (lambda: Wm.UpdateRatioPanel(eps=0.1), ValueError, "eps must be <= 0.01, got 0.1"),
           (lambda: Wm.UpdateRatioPanel(eps=1e-20), ValueError, "eps must be >= 1e-16"),
           (lambda: Wm.UpdateRatioPanel(eps="small"), TypeError, "eps must be"),
           (lambda: ll.widgets.update_ratio_panel(width=8), TypeError, "width"),
           (lambda: Wm.WarmupPanel(lr=0.1), ValueError,
            r"lr must be one of \[0.003, 0.01, 0.03\], got 0.1"),
           (lambda: Wm.WarmupPanel(warmup=31), ValueError, "warmup must be <= 30, got 31"),
           (lambda: Wm.WarmupPanel(warmup=-1), ValueError, "warmup must be >= 0, got -1"),
           (lambda: Wm.WarmupPanel(warmup=2.0), TypeError, "warmup must be an int")]
    figures = plt.get_fignums()
    for make, exc, match in bad:
        with pytest.raises(exc, match=match):
            make()
    assert plt.get_fignums() == figures, "a panel that failed to build left its figure open"
    for panel in (Wm.UpdateRatioPanel(optimizer="adam", depth=30, eps=1e-16),
                  Wm.WarmupPanel(lr=0.003, warmup=0)):
        assert panel.n_updates == 0                      # nothing computed while building
        panel.update()
        assert "an experiment ran" in panel.last_error
        panel.close()


# -- live frames ----------------------------------------------------------------------------------
@pytest.mark.parametrize("factory, changes", [
    ("update_ratio_panel", [("depth", 11), ("depth", 12), ("optimizer", "adam"), ("eps", 1e-14),
                            ("depth", 15), ("depth", 16), ("depth", 14), ("activation", "relu"),
                            ("depth", 11), ("optimizer", "sgd"), ("depth", 10), ("depth", 3),
                            ("depth", 30), ("activation", "sigmoid"), ("depth", 29)]),
    ("warmup_panel", [("warmup", 11), ("warmup", 12), ("lr", 0.01), ("warmup", 0),
                      ("lr", 0.003), ("warmup", 30), ("lr", 0.03)]),
])
def test_partial_and_fast_frames_equal_full_redraws(agg, factory, changes):
    panel = getattr(ll.widgets, factory)()
    fig = panel.figure
    _pixels(fig)
    counts = (fig.n_full_draws, fig.n_partial_draws, fig.n_fast_draws)
    for name, value in changes:
        panel.controls[name].value = value
        assert panel.last_error is None, panel.last_error
        frame = _pixels(fig)
        np.testing.assert_array_equal(frame, _full_pixels(fig),
                                      err_msg=f"{factory} after {name}={value!r}")
        _pixels(fig)                     # the next step starts from a kept background again
    full, partial, fast = (fig.n_full_draws - counts[0], fig.n_partial_draws - counts[1],
                           fig.n_fast_draws - counts[2])
    # most steps keep the axes; the update-ratio panel's depth crossing a multiple of 5
    # redraws only the two layer axes
    assert fast >= len(changes) // 2, (full, partial, fast)
    if factory == "update_ratio_panel":
        assert partial >= 3, (full, partial, fast)
    panel.close()


def test_a_stale_heat_map_would_be_caught(agg):
    """The pixel comparison above fails if the kept background shows an old image."""
    panel = ll.widgets.update_ratio_panel(depth=12)
    fig = panel.figure
    _pixels(fig)
    panel.plot.image.set_animated(False)          # now the image belongs to the kept pixels
    panel.controls["optimizer"].value = "adam"
    fig.stale = False
    for ax in fig.axes:
        ax.stale = False
    assert not np.array_equal(_pixels(fig), _full_pixels(fig))
    panel.close()


# -- static figures -------------------------------------------------------------------------------
def test_update_ratio_profiles_figure(backend):
    runs = {name: E.update_ratios(10, optimizer=name) for name in ll.optim.OPTIMIZERS}
    plot = ll.plots.plot_update_ratio_profiles(runs)
    assert plot.ax.get_yscale() == "log"
    for name, ratios in runs.items():
        np.testing.assert_allclose(plot.lines[name].get_ydata(), np.median(ratios, axis=0),
                                   rtol=1e-12)
        np.testing.assert_array_equal(plot.lines[name].get_xdata(), np.arange(1, 11))
    labels = [t.get_text() for t in plot.ax.get_legend().get_texts()]
    assert labels == [*ll.optim.OPTIMIZERS, "rule of thumb 1e-3"]
    assert plot.ax.get_xlabel().startswith("layer") and "‖ΔW" in plot.ax.get_ylabel()
    run = E.update_ratio_run(10, optimizer="adam")              # a run object works too
    plot2 = ll.plots.plot_update_ratio_profiles({"adam": run})
    np.testing.assert_array_equal(plot2.lines["adam"].get_ydata(),
                                  plot.lines["adam"].get_ydata())
    ll.plots.show_static(plot.fig)
    with pytest.raises(ValueError, match="same depth"):
        ll.plots.plot_update_ratio_profiles({"sgd": runs["sgd"],
                                             "adam": E.update_ratios(8, optimizer="adam")})
    with pytest.raises(TypeError, match="runs must be a non-empty dict"):
        ll.plots.plot_update_ratio_profiles([])
    with pytest.raises(ValueError, match=r"runs\['sgd'\] must be 2-D"):
        ll.plots.plot_update_ratio_profiles({"sgd": np.ones(5)})


def test_layer_medians_skip_the_steps_after_an_overflow():
    ratios = np.array([[1.0, 4.0, np.nan], [3.0, 2.0, np.nan], [np.nan, np.nan, np.nan]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = P.layer_medians(ratios)
    np.testing.assert_array_equal(out, [2.0, 3.0, np.nan])


def test_eps_floor_figure(backend):
    floor = E.eps_floor(depths=(8, 12, 16), seeds=(0, 1), steps=20)
    plot = ll.plots.plot_eps_floor(floor)
    left, right = plot.left, plot.right
    assert left.ax.get_yscale() == "log" and right.ax.get_yscale() == "linear"
    np.testing.assert_array_equal(left.lines["layer 1's gradient, RMS"].get_xdata(), [8, 12, 16])
    np.testing.assert_allclose(left.lines["layer 1's gradient, RMS"].get_ydata(),
                               np.median(floor.grad_rms, axis=1), rtol=1e-12)
    np.testing.assert_array_equal(left.lines["Adam's ε = 1e-08"].get_ydata(), [1e-8] * 3)
    np.testing.assert_allclose(right.lines["layer 1's ratio ÷ fastest layer's"].get_ydata(),
                               np.median(floor.first_vs_fastest, axis=1), rtol=1e-12)
    assert right.ax.get_ylim() == (0.0, 1.05)
    for ax in (left.ax, right.ax):                         # the min-max band over the seeds
        assert any(isinstance(c, PolyCollection) for c in ax.collections)
    ll.plots.show_static(plot.fig)
    with pytest.raises(TypeError, match="floor must be an EpsFloor"):
        ll.plots.plot_eps_floor({"depths": [1]})
    with pytest.raises(ValueError, match="eps must be > 0"):
        ll.plots.plot_eps_floor(floor, eps=0.0)


def test_norm_placement_figure(backend):
    profiles = {p: E.norm_placement_profile(p, 20) for p in ("none", "pre", "post")}
    plot = ll.plots.plot_norm_placement(profiles)
    assert plot.left.ax.get_yscale() == plot.right.ax.get_yscale() == "log"
    for key, label in [("pre", "pre-LN  x + F(LN(x))"), ("post", "post-LN  LN(x + F(x))"),
                       ("none", "no LayerNorm")]:
        g = profiles[key].grad_norms
        np.testing.assert_allclose(plot.left.lines[label].get_ydata(), g / g[-1], rtol=1e-12)
        np.testing.assert_array_equal(plot.right.lines[label].get_ydata(),
                                      profiles[key].stream_std)
    assert plot.left.lines["pre-LN  x + F(LN(x))"].get_ydata()[-1] == 1.0
    ll.plots.show_static(plot.fig)
    with pytest.raises(ValueError, match="profiles must be keyed by"):
        ll.plots.plot_norm_placement({"middle": profiles["pre"]})
    with pytest.raises(ValueError, match="same number of blocks"):
        ll.plots.plot_norm_placement({"pre": profiles["pre"],
                                      "post": E.norm_placement_profile("post", 10)})


def test_warmup_figure_with_real_runs_and_with_an_overflow(backend):
    runs = {0: E.warmup_run(0.03, 0), 20: E.warmup_run(0.03, 20)}
    plot = ll.plots.plot_warmup(runs)
    assert plot.left.ax.get_yscale() == plot.right.ax.get_yscale() == "log"
    np.testing.assert_array_equal(plot.left.lines["no warm-up"].get_ydata(), runs[0].loss)
    np.testing.assert_array_equal(plot.right.lines["warm-up 20 steps"].get_ydata(),
                                  runs[20].grad_norm)
    assert [t.get_text() for t in plot.left.ax.get_legend().get_texts()] == [
        "no warm-up", "warm-up 20 steps"]
    assert plot.note_text() == ""
    ll.plots.show_static(plot.fig)
    loss, norm = runs[0].loss.copy(), runs[0].grad_norm.copy()
    loss[9:], norm[9:] = np.inf, np.nan                   # what warmup_run returns on overflow
    broken = dataclasses.replace(runs[0], loss=loss, grad_norm=norm)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)       # numpy's overflow warnings
        plot = ll.plots.plot_warmup({0: broken, 20: runs[20]})
        ll.plots.show_static(plot.fig)
    assert "no warm-up: overflow from step 10" in plot.note_text()
    with pytest.raises(TypeError, match="runs must be keyed by warm-up steps"):
        ll.plots.plot_warmup({"none": runs[0]})
    with pytest.raises(TypeError, match=r"runs\[0\] must be a WarmupRun"):
        ll.plots.plot_warmup({0: [1.0, 2.0]})
