"""Notebook 11, the gradient-flow lab: its drawing and the live panel.

Panel tests run headless under the Agg and the ipympl backend; every control
is moved, the plotted data must change in place, no figure may appear, no
error or warning may leak.
"""

from __future__ import annotations

import asyncio
import warnings

import ipywidgets as ipw
import matplotlib.pyplot as plt
import numpy as np
import pytest
from test_nb11_lab import _trained

from lessons_lib.experiments.lab import (
    ALPHA_ACTIVATIONS,
    LAB_ACTIVATIONS,
    LAB_DATASETS,
    LAB_INITS,
    LAB_MAX_DEPTH,
    LabRun,
    lab_data,
    lab_settings,
)
from lessons_lib.plots.lab import HEATMAP_RANGE, LabPlot, heatmap_columns, log_norms
from lessons_lib.widgets import lab as lab_widgets
from lessons_lib.widgets.lab import (
    CLIP_OPTIONS,
    L2_OPTIONS,
    LR_OPTIONS,
    GradientFlowLab,
    benchmark_lab,
    gradient_flow_lab,
)


# -- drawing ------------------------------------------------------------------------------------
def test_heatmap_columns_thin_long_runs_evenly():
    np.testing.assert_array_equal(heatmap_columns(5, 300), np.arange(5))
    cols = heatmap_columns(3000, 300)
    assert cols.size == 300 and cols[0] == 0 and cols[-1] == 2999
    assert np.all(np.diff(cols) > 0)
    assert heatmap_columns(0, 10).size == 0
    with pytest.raises(ValueError, match="max_columns must be >= 2"):
        heatmap_columns(10, 1)


def test_log_norms_keep_zero_and_overflow_apart():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = log_norms(np.array([[100.0, 0.0, np.inf, np.nan]]))
    np.testing.assert_array_equal(out, [[2.0, -np.inf, np.inf, np.inf]])


def test_lab_plot_rejects_bad_input(backend):
    X, y = lab_data("moons")
    with pytest.raises(ValueError, match="n_layers must be >= 1"):
        LabPlot(X, y, 0)
    plot = LabPlot(X, y, 3)
    with pytest.raises(TypeError, match="frame must be a LabFrame"):
        plot.update({"loss": [1.0]})
    with pytest.raises(ValueError, match="y must have one label per row"):
        plot.set_data(X, y[:10])


def test_lab_plot_draws_a_frame_in_place(backend):
    run = _trained(30, depth=5)
    plot = LabPlot(run.X, run.y, run.n_layers)
    figures = plt.get_fignums()
    image, heat, line = plot.decision.image, plot.heat, plot.loss.lines["training"]
    plot.update(run.frame(plot.grid_points))
    assert plot.heat is heat and plot.decision.image is image
    np.testing.assert_array_equal(line.get_ydata(), run.losses)
    shown = np.asarray(heat.get_array())
    assert shown.shape == (6, 30)                         # layers x steps
    np.testing.assert_allclose(shown, np.log10(run.grad_norms).T)
    assert heat.get_extent() == [0.5, 30.5, 0.5, 6.5]
    p = np.asarray(image.get_array())
    np.testing.assert_allclose(p.ravel(), run.proba(plot.grid_points))
    assert plt.get_fignums() == figures
    w, h = plot.fig.get_size_inches() * plot.fig.dpi
    assert w <= 800 and h <= 250
    assert plot.fig.get_layout_engine() is None


def test_lab_plot_clips_infinite_norms_to_the_color_bar_ends(backend):
    run = LabRun(depth=LAB_MAX_DEPTH, activation="relu", init="normal")
    run.train(5)
    plot = LabPlot(run.X, run.y, run.n_layers)
    plot.update(run.frame(plot.grid_points), note="diverged")
    shown = np.asarray(plot.heat.get_array())
    assert np.all(shown > HEATMAP_RANGE[1])               # exploding: the 'over' color
    assert plot.loss.note.get_visible() and "diverged" in plot.loss.note.get_text()
    plot.fig.canvas.draw()                                 # renders without error


# -- the live panel -----------------------------------------------------------------------------
def _plotted(lab: GradientFlowLab) -> dict[str, np.ndarray]:
    return {"loss": np.asarray(lab.plot.loss.lines["training"].get_ydata(), dtype=float).copy(),
            "heat": np.asarray(lab.plot.heat.get_array(), dtype=float).copy(),
            "proba": np.asarray(lab.plot.decision.image.get_array(), dtype=float).copy(),
            "points": np.asarray(lab.plot.decision.points[0].get_offsets()).copy()}


def _changed(before, after, keys=("loss", "heat", "proba")) -> list[str]:
    return [k for k in keys if before[k].shape != after[k].shape
            or not np.array_equal(before[k], after[k], equal_nan=True)]


# new value for every control, each chosen so the plot must change
LAB_MOVES = [
    ("dataset", "circles"), ("depth", 6), ("width", 8), ("activation", "leaky_relu"),
    ("alpha", 0.5), ("init", "he_normal"), ("layernorm", True), ("layernorm", False),
    ("batchnorm", True), ("residual", True), ("dropout", 0.2), ("optimizer", "adam"),
    ("lr", 0.01), ("clip_norm", 0.3), ("l2", 1e-2),
]


def test_lab_has_every_knob_and_the_three_buttons(backend):
    lab = gradient_flow_lab()
    assert list(lab.controls) == ["dataset", "depth", "width", "activation", "alpha", "init",
                                  "batchnorm", "layernorm", "residual", "dropout", "optimizer",
                                  "lr", "clip_norm", "l2"]
    assert set(LAB_MOVES[i][0] for i in range(len(LAB_MOVES))) == set(lab.controls)
    assert list(lab.buttons) == ["train", "pause", "reset"]
    assert lab.live is (backend == "ipympl")
    assert (lab.figure.canvas in lab.widget.children) is (backend == "ipympl")
    assert lab.readout in lab.widget.children and lab.errors in lab.widget.children
    assert [o[1] for o in lab.controls["init"].options] == list(LAB_INITS)
    assert tuple(lab.controls["activation"].options) == LAB_ACTIVATIONS
    assert [o[1] for o in lab.controls["dataset"].options] == list(LAB_DATASETS)
    assert lab.state == "ready" and lab.last_error is None
    assert "step 0" in lab.readout.value


def test_every_lab_control_moves_the_plot_in_place(backend):
    lab = gradient_flow_lab(depth=4)
    figures = plt.get_fignums()
    artists = (lab.plot.heat, lab.plot.decision.image, lab.plot.loss.lines["training"])
    lab.step(10)
    for name, value in LAB_MOVES:
        before = _plotted(lab)
        step = lab.run.step
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            lab.controls[name].value = value
            lab.step(5)
        assert lab.last_error is None, lab.last_error
        changed = _changed(before, _plotted(lab))
        assert set(changed) == {"loss", "heat", "proba"}, (name, changed)
        if name in ("lr", "clip_norm", "l2"):         # live: the same model goes on
            assert lab.run.step == step + 5, name
            assert "from step" in lab.message and "same model" in lab.message
        elif name == "optimizer":                      # step 0, a fresh state, η follows
            assert lab.run.step == 5, name
            assert lab.settings.lr == 0.001 and lab.controls["lr"].value == 0.001
            assert type(lab.run.optimizer).__name__ == "Adam"
            for text in ("fresh optimizer state", "η moved from 0.3 to 0.001"):
                assert text in lab.message and text in lab.readout.value
        else:                                          # architecture: a new model
            assert lab.run.step == 5, name
            assert "new model" in lab.message
            assert "new model" in lab.readout.value
        assert plt.get_fignums() == figures, "a control change created a figure"
        assert (lab.plot.heat, lab.plot.decision.image, lab.plot.loss.lines["training"]) == artists
    s = lab.settings
    assert (s.dataset, s.depth, s.width, s.activation, s.alpha, s.init, s.batchnorm,
            s.layernorm, s.residual, s.dropout, s.optimizer, s.lr, s.clip_norm, s.l2) == (
        "circles", 6, 8, "leaky_relu", 0.5, "he_normal", True, False, True, 0.2, "adam", 0.01,
        0.3, 1e-2)


def test_changing_the_data_set_moves_the_points(backend):
    lab = gradient_flow_lab()
    before = _plotted(lab)["points"]
    lab.controls["dataset"].value = "spirals"
    after = _plotted(lab)["points"]
    X, y = lab_data("spirals")
    np.testing.assert_array_equal(after, X[y == 0])
    assert not np.array_equal(before, after)


def test_alpha_is_disabled_unless_the_activation_uses_it(backend):
    lab = gradient_flow_lab(activation="sigmoid")
    assert lab.controls["alpha"].disabled
    step_before = lab.step(3)
    lab.controls["alpha"].value = 0.7                  # ignored by sigmoid: same model
    assert lab.run.step == step_before
    for act in ALPHA_ACTIVATIONS:
        lab.controls["activation"].value = act
        assert not lab.controls["alpha"].disabled


def _extremes(control):
    if isinstance(control, (ipw.IntSlider, ipw.FloatSlider)):
        return [control.min, control.max]
    if isinstance(control, ipw.Checkbox):
        return [True, False]
    options = control.options
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    return values if isinstance(control, ipw.Dropdown) else [values[0], values[-1]]


def test_every_control_at_both_extremes_raises_nothing(backend):
    lab = gradient_flow_lab(max_steps=40)
    figures = plt.get_fignums()
    for name, control in lab.controls.items():
        for value in _extremes(control):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                control.value = value
                lab.step(2)
            assert lab.last_error is None, (name, value, lab.last_error)
            assert lab.state in ("paused", "diverged", "finished"), (name, value)
    assert plt.get_fignums() == figures


def test_weight_explosion_at_max_depth_shows_a_diverged_state(backend):
    lab = gradient_flow_lab()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lab.controls["activation"].value = "relu"
        lab.controls["init"].value = "normal"
        lab.controls["depth"].value = lab.controls["depth"].max
        lab.step(20)
    assert lab.last_error is None
    assert lab.state == "diverged"
    assert lab.run.step < 20
    assert "diverged at step" in lab.readout.value
    assert lab.plot.loss.note.get_visible()
    assert "diverged" in lab.plot.loss.note.get_text()
    assert np.all(np.asarray(lab.plot.heat.get_array()) > HEATMAP_RANGE[1])
    lab.start()                                        # Train after divergence: a fresh run
    assert lab.run.step == 0 and not lab.run.diverged
    assert "started again" in lab.message
    lab.pause()


def test_train_pause_reset_states_and_buttons(backend):
    lab = gradient_flow_lab(depth=3)
    b = lab.buttons
    assert lab.state == "ready" and not b["train"].disabled and b["pause"].disabled
    b["train"].click()                                 # no event loop here: tick() drives it
    assert lab.state == "training" and b["train"].disabled and not b["pause"].disabled
    assert "training" in lab.readout.value
    lab.tick()
    lab.tick()
    steps = lab.run.step
    assert steps >= 2
    b["pause"].click()
    assert lab.state == "paused" and lab.run.step == steps
    assert not b["train"].disabled and b["pause"].disabled
    assert "paused" in lab.readout.value
    b["reset"].click()
    assert lab.state == "ready" and lab.run.step == 0
    assert "reset" in lab.readout.value
    assert lab.plot.loss.lines["training"].get_ydata().size == 0


def test_starting_a_lab_pauses_any_other_one(backend):
    first = gradient_flow_lab(depth=2)
    second = gradient_flow_lab(depth=2)
    first.start()
    assert first.state == "training"
    second.start()                                     # e.g. the cell was run again
    assert first.state in ("ready", "paused") and second.state == "training"
    second.pause()


def test_readout_says_when_the_loss_is_stuck_at_ln2(backend):
    lab = gradient_flow_lab()                          # the stuck default: 10 sigmoid layers
    lab.step(150)
    assert "stayed at ln 2" in lab.readout.value and "accuracy says little" in lab.readout.value
    lab.controls["activation"].value = "tanh"
    lab.step(150)
    assert "stayed at ln 2" not in lab.readout.value


def test_an_expensive_boundary_is_redrawn_every_few_frames_while_training(backend,
                                                                          monkeypatch):
    lab = gradient_flow_lab(depth=3)
    lab.start()
    lab.tick()
    assert 1 <= lab._grid_every <= 4
    monkeypatch.setattr(lab_widgets, "_GRID_BUDGET", 1e-9)   # as if the grid were costly
    lab.tick()
    assert lab._grid_every == 4
    images = []
    for _ in range(4):
        lab.tick()
        images.append(np.asarray(lab.plot.decision.image.get_array()).copy())
        assert lab.last_error is None
    lab.pause()
    skipped = [np.array_equal(a, b) for a, b in zip(images, images[1:], strict=False)]
    assert True in skipped and False in skipped       # kept on some frames, moved on others
    before = np.asarray(lab.plot.decision.image.get_array()).copy()
    lab.step(5)                                       # a synchronous step always redraws it
    assert not np.array_equal(before, np.asarray(lab.plot.decision.image.get_array()))


def test_a_finished_run_says_so(backend):
    lab = gradient_flow_lab(depth=2, max_steps=15)
    lab.start()
    for _ in range(100):
        lab.tick()
        if lab.run.step >= 15:
            break
    lab.pause()
    assert lab.state == "finished" and lab.run.step == 15
    assert "finished" in lab.readout.value


def test_training_runs_as_an_asyncio_task_and_obeys_pause(backend):
    async def scenario(lab):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            lab.buttons["train"].click()
            assert lab._task is not None and not lab._task.done()
            for _ in range(200):                      # other code runs between frames
                await asyncio.sleep(0.01)
                if lab.run.step >= 10:
                    break
            assert lab.state == "training"
            lab.controls["lr"].value = 0.1            # a live change, handled mid-run
            await asyncio.sleep(0.05)
            assert lab.run.settings.lr == 0.1
            lab.buttons["pause"].click()
            await asyncio.wait_for(lab._task, timeout=5.0)
        return lab.run.step

    lab = gradient_flow_lab(depth=3, interval=0.0)
    steps = asyncio.run(scenario(lab))
    assert steps >= 10
    assert lab.state == "paused" and lab._task.done()
    assert lab.last_error is None
    assert lab.fps > 0
    assert lab.run.step == steps                       # nothing trains after Pause


def test_the_task_stops_by_itself_when_training_diverges(backend):
    async def scenario(lab):
        lab.start()
        await asyncio.wait_for(lab._task, timeout=10.0)

    lab = gradient_flow_lab(depth=LAB_MAX_DEPTH, activation="relu", init="normal",
                            interval=0.0)
    asyncio.run(scenario(lab))
    assert lab.state == "diverged" and lab.last_error is None
    assert not lab.buttons["train"].disabled and lab.buttons["pause"].disabled


def test_errors_during_training_are_shown_in_the_panel_and_stop_the_task(backend):
    lab = gradient_flow_lab(depth=3, interval=0.0)

    def broken(steps):
        raise RuntimeError("simulated failure")

    async def scenario():
        lab.run.train = broken
        lab.start()
        await asyncio.wait_for(lab._task, timeout=5.0)

    asyncio.run(scenario())
    assert "simulated failure" in lab.last_error
    assert any("simulated failure" in o.get("text", "") for o in lab.errors.outputs)
    assert lab.state != "training"


def test_lab_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"lr must be one of the lab slider's values \[0.001"):
        gradient_flow_lab(lr=0.25)
    with pytest.raises(ValueError, match="clip_norm must be one of the lab slider's values"):
        gradient_flow_lab(clip_norm=2.0)
    with pytest.raises(ValueError, match="l2 must be one of the lab slider's values"):
        gradient_flow_lab(l2=0.5)
    with pytest.raises(ValueError, match="dropout must be <= 0.5 in the lab"):
        gradient_flow_lab(dropout=0.6)
    with pytest.raises(ValueError, match="unknown knob 'deep'"):
        gradient_flow_lab(deep=3)
    with pytest.raises(ValueError, match="max_steps must be >= 1"):
        gradient_flow_lab(max_steps=0)
    with pytest.raises(ValueError, match="frame_budget must be > 0.0"):
        gradient_flow_lab(frame_budget=0.0)
    with pytest.raises(ValueError, match="n must be >= 0"):
        gradient_flow_lab().step(-1)
    plt.close("all")


def test_slider_options_cover_the_defaults():
    s = lab_settings()
    assert s.lr in LR_OPTIONS
    assert CLIP_OPTIONS[0] == ("off", 0.0) and L2_OPTIONS[0][1] == 0.0


def test_benchmark_reports_frames_per_second(backend):
    result = benchmark_lab(frames=3, depth=3)
    assert set(result) == {"fps", "frame_ms", "p90_ms", "steps_per_frame", "draw_ms", "png_ms"}
    assert result["fps"] > 0 and result["steps_per_frame"] >= 1
    assert plt.get_fignums() == []
    with pytest.raises(ValueError, match="frames must be >= 2"):
        benchmark_lab(frames=1)
