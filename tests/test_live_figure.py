"""LiveFigure: a live step redraws only the moving lines, and the picture stays right.

The fast path restores the kept pixels of the axes and draws the animated
artists on top. These tests compare every fast frame with a full redraw of
the same state, pixel for pixel, and check that each kind of static change
(limits, text, size, saving) brings a full redraw.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import panel_checks
import pytest
from test_panels_fuzz import FACTORIES, _choices

import lessons_lib as ll
from lessons_lib.plots import LinePlot, LiveFigure, new_figure

_pixels = panel_checks.pixels
_full_pixels = panel_checks.full_pixels


def test_new_figure_is_live_and_lineplot_lines_are_animated(agg):
    plot = LinePlot(["a", "b"], logy=True)
    assert isinstance(plot.fig, LiveFigure)
    assert all(line.get_animated() for line in plot.lines.values())
    assert plot.note.get_animated()


def test_lines_on_an_ordinary_figure_are_not_animated(agg):
    fig, ax = plt.subplots()
    plot = LinePlot(["a"], ax=ax)
    assert not plot.lines["a"].get_animated()      # a plain canvas would never draw them
    plot.update([1, 2, 3], {"a": [1.0, 2.0, 3.0]})
    with_line = _pixels(fig)
    plot.lines["a"].set_visible(False)
    assert not np.array_equal(with_line, _pixels(fig)), "the line was not drawn"


def test_fast_frame_equals_full_redraw_and_moves_the_line(agg):
    plot = LinePlot(["a"], logy=True)
    x = np.arange(1, 21)
    plot.update(x, {"a": 10.0 ** -(x / 4)})
    first = _pixels(plot.fig)
    full0, fast0 = plot.fig.n_full_draws, plot.fig.n_fast_draws
    plot.update(x, {"a": 10.0 ** -(x / 4.2)})       # same round limits: only the line moves
    frame = _pixels(plot.fig)
    assert plot.fig.n_fast_draws == fast0 + 1 and plot.fig.n_full_draws == full0
    assert not np.array_equal(frame, first)
    np.testing.assert_array_equal(frame, _full_pixels(plot.fig))


@pytest.mark.parametrize("change", ["ylim", "title", "note", "hide_line", "size", "savefig",
                                    "pixel_ratio"])
def test_every_kind_of_change_is_drawn(agg, change):
    plot = LinePlot(["a", "b"], logy=True)
    x = np.arange(1, 11)
    plot.update(x, {"a": 10.0 ** -(x / 4), "b": 10.0 ** -(x / 5)})
    before = _pixels(plot.fig)
    if change == "ylim":
        plot.update(x, {"a": 10.0 ** -(3 * x), "b": 10.0 ** -(x / 5)})
    elif change == "title":
        plot.ax.set_title("a new title")
    elif change == "note":
        plot.update(x, {"a": np.r_[np.inf, 10.0 ** -(x[1:] / 4)], "b": 10.0 ** -(x / 5)})
        assert plot.note.get_visible()
    elif change == "hide_line":
        plot.update(x, {"b": None})
    elif change == "size":
        plot.fig.set_size_inches(5, 2.5)
    elif change == "pixel_ratio":                   # a high-dpi screen (ipympl sends it)
        plot.fig.canvas._set_device_pixel_ratio(2)
    elif change == "savefig":
        import io
        plot.ax.set_xlabel("layer")                # changed, then saved, then drawn live
        plot.fig.savefig(io.BytesIO(), format="png")
    after = _pixels(plot.fig)
    if change in ("size", "pixel_ratio"):
        assert after.shape != before.shape
    else:
        assert not np.array_equal(after, before), f"{change} did not change the picture"
    np.testing.assert_array_equal(after, _full_pixels(plot.fig))


def test_the_pixel_comparison_can_fail(agg):
    """A kept background that is out of date must be caught by the comparison above."""
    plot = LinePlot(["a"], logy=True)
    x = np.arange(1, 11)
    plot.update(x, {"a": 10.0 ** -(x / 4)})
    _pixels(plot.fig)
    plot.ax.set_title("changed")
    plot.fig.stale = False                          # simulate a change nobody was told of
    stale_frame = _pixels(plot.fig)
    assert not np.array_equal(stale_frame, _full_pixels(plot.fig))


@pytest.mark.parametrize("factory", FACTORIES)
def test_every_panel_draws_the_same_pixels_fast_or_full(factory, agg):
    """30 random control changes per panel: each live frame equals a redraw from scratch."""
    panel = getattr(ll.widgets, factory)()
    try:
        fig = panel.figure
        assert isinstance(fig, LiveFigure), f"{factory} does not draw on a LiveFigure"
        space = {name: _choices(c) for name, c in panel.controls.items()}
        rng = np.random.default_rng(sum(map(ord, factory)) + 1)
        _pixels(fig)
        for _ in range(30):
            name = list(space)[int(rng.integers(len(space)))]
            choices = space[name]
            current = choices.index(panel.controls[name].value) if (
                panel.controls[name].value in choices) else 0
            step = int(rng.choice([-1, 1]))             # a slider step, as a drag makes
            panel.set(**{name: choices[min(max(current + step, 0), len(choices) - 1)]})
            assert panel.last_error is None, panel.last_error
            frame = _pixels(fig)
            np.testing.assert_array_equal(frame, _full_pixels(fig),
                                          err_msg=f"{factory}: {panel.values()}")
    finally:
        panel.close()


def test_the_explorer_redraws_only_its_lines_while_a_slider_is_dragged(agg):
    panel = ll.widgets.gradient_explorer(depth=30)
    fig = panel.figure
    _pixels(fig)
    slider = panel.controls["weight_scale"]
    full0, fast0 = fig.n_full_draws, fig.n_fast_draws
    for k in range(1, 21):
        slider.value = 10 ** (k * slider.step)
        _pixels(fig)
    fast = fig.n_fast_draws - fast0
    assert fast + fig.n_full_draws - full0 == 20
    assert fast >= 12, f"only {fast} of 20 drag steps kept the axes"


def test_the_delta_rule_panel_redraws_only_its_path_and_curve_while_eta_is_dragged(agg):
    panel = ll.widgets.delta_rule_panel()
    fig = panel.figure
    _pixels(fig)
    slider = panel.controls["lr"]
    fast0 = fig.n_fast_draws
    for k in range(1, 11):
        slider.value = round(0.3 + 0.01 * k, 2)
        np.testing.assert_array_equal(_pixels(fig), _full_pixels(fig))
    fast = fig.n_fast_draws - fast0
    assert fast >= 8, f"only {fast} of 10 drag steps kept the contours and axes"


def test_live_backend_uses_the_fast_path():
    old = matplotlib.get_backend()
    plt.switch_backend("module://ipympl.backend_nbagg")
    try:
        panel = ll.widgets.gradient_explorer(depth=20)
        fig = panel.figure
        assert isinstance(fig, LiveFigure) and ll.widgets.is_live(fig)
        fig.canvas.draw()
        fast0 = fig.n_fast_draws
        panel.controls["weight_scale"].value = 1.05
        fig.canvas.draw()
        assert fig.n_fast_draws == fast0 + 1
        panel.close()
    finally:
        plt.close("all")
        plt.switch_backend(old)


def test_new_figure_still_validates(agg):
    with pytest.raises(TypeError, match="figsize"):
        new_figure(figsize="big")


def _decades(ax) -> np.ndarray:
    return np.log10(np.asarray(ax.get_ylim()))


def test_log_limits_are_whole_decades_and_stay_while_the_data_fit(agg):
    plot = LinePlot(["a"], logy=True)
    x = np.arange(1, 21)
    plot.update(x, {"a": np.logspace(-10, 0, 20)})
    first = _decades(plot.ax)
    np.testing.assert_allclose(first, np.round(first), atol=1e-9)
    assert first[0] <= -10 and first[1] >= 0
    plot.update(x, {"a": np.logspace(-11, 0, 20)})           # still fits: the scale stays
    np.testing.assert_array_equal(_decades(plot.ax), first)
    plot.update(x, {"a": np.logspace(-40, 0, 20)})           # leaves: the limits follow
    wider = _decades(plot.ax)
    assert wider[0] <= -40 and wider[1] >= 0
    plot.update(x, {"a": np.logspace(-2, 0, 20)})            # fills too little: they shrink
    narrow = _decades(plot.ax)
    assert narrow[0] >= -4 and narrow[1] <= 2 and narrow[0] <= -2


def test_limits_set_by_someone_else_are_recomputed(agg):
    plot = LinePlot(["a"], logy=True)
    x = np.arange(1, 6)
    plot.update(x, {"a": np.logspace(-3, 0, 5)})
    plot.ax.set_ylim(1e-1, 1e1)                 # e.g. a panel zooming in by hand
    plot.update(x, {"a": np.logspace(-3, 0, 5)})
    lo, hi = plot.ax.get_ylim()
    assert lo <= 1e-3 and hi >= 1.0


@pytest.mark.parametrize("seed", range(20))
def test_data_always_inside_the_limits(agg, seed):
    rng = np.random.default_rng(seed)
    log_plot, lin_plot = LinePlot(["a"], logy=True), LinePlot(["a"])
    x = np.arange(1, 31)
    for _ in range(15):
        lo = rng.uniform(-200, 5)
        y = np.logspace(lo, lo + rng.uniform(0, 60), 30)
        log_plot.update(x, {"a": y})
        ylo, yhi = log_plot.ax.get_ylim()
        assert ylo <= y.min() and y.max() <= yhi
        z = rng.normal(rng.uniform(-1e3, 1e3), 10 ** rng.uniform(-3, 3), 30)
        lin_plot.update(x, {"a": z})
        zlo, zhi = lin_plot.ax.get_ylim()
        assert zlo <= z.min() and z.max() <= zhi
        assert (z.max() - z.min()) >= 0.3 * (zhi - zlo) or np.ptp(z) == 0


@pytest.mark.parametrize(("lo", "hi", "expected"), [
    (1e-45, 1e5, [1e-40, 1e-30, 1e-20, 1e-10, 1.0]),
    (1e-3, 1e2, [1e-3, 1e-2, 1e-1, 1.0, 1e1, 1e2]),
    (1e-300, 1e300, [1e-200, 1.0, 1e200]),         # 600 decades: every 200
    (0.0, 1.0, []),
])
def test_decade_ticks_fall_on_round_exponents(lo, hi, expected):
    from lessons_lib.plots.base import _DecadeLocator

    ticks = _DecadeLocator().tick_values(lo, hi)
    np.testing.assert_allclose(ticks, expected, rtol=1e-9)


def test_live_panel_renders_at_once_once_the_page_is_there():
    """Before the page has the canvas a change only asks for a draw; after, it draws and sends."""
    old = matplotlib.get_backend()
    plt.switch_backend("module://ipympl.backend_nbagg")
    try:
        panel = ll.widgets.gradient_explorer(depth=20)
        fig, canvas = panel.figure, panel.figure.canvas
        sent = []
        canvas.send_binary = sent.append              # what would go to the page
        draws = fig.n_full_draws + fig.n_fast_draws
        panel.controls["weight_scale"].value = 1.05
        assert fig.n_full_draws + fig.n_fast_draws == draws and not sent
        canvas.handle_event({"type": "draw"})        # the page asks before its hello
        assert not sent, "a frame before 'initialized' goes out as raw bytes and breaks the page"
        canvas._handle_message(canvas, {"type": "initialized"}, [])   # the page says hello
        panel.controls["weight_scale"].value = 1.1
        assert len(sent) == 1 and sent[0][:8] == b"\x89PNG\r\n\x1a\n"
        panel.close()
    finally:
        plt.close("all")
        plt.switch_backend(old)


def _page_after(frames, dropped):
    """What ipympl's page shows after the frames, ``dropped`` ones lost in a burst.

    As the page does: a frame in "full" mode clears the picture first, a
    "diff" frame is drawn over it (its unchanged pixels are transparent).
    """
    import io

    from PIL import Image

    shown = None
    for i, (mode, png) in enumerate(frames):
        if i in dropped:
            continue
        px = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
        if mode == "full" or shown is None:
            shown = np.zeros_like(px)
        shown = np.where(px[..., 3:4] > 0, px, shown)
    return shown


def _sent_frames(panel, values):
    canvas = panel.figure.canvas
    frames = []
    canvas.send_binary = lambda data: frames.append((canvas._current_image_mode, data))
    canvas._handle_message(canvas, {"type": "initialized"}, [])   # the page says hello
    for name, value in values:
        panel.controls[name].value = value
    renderer = canvas.get_renderer()
    panel.figure._background = None                 # the full redraw of the final state
    renderer.clear()
    panel.figure.draw(renderer)
    return frames, np.asarray(renderer.buffer_rgba()).copy()


DRAG = [("weight_scale", 1.0 + 0.02 * k) for k in range(1, 9)] + [("depth", 25), ("depth", 7)]


@pytest.mark.parametrize("dropped", [set(), {0}, {2}, {1, 4, 7}, {0, 2, 3, 5, 6, 8}])
def test_live_panel_frames_are_whole_so_a_lost_frame_cannot_spoil_the_picture(dropped):
    """Every frame sent is whole: whatever frames the page loses, it ends on the true picture."""
    old = matplotlib.get_backend()
    plt.switch_backend("module://ipympl.backend_nbagg")
    try:
        panel = ll.widgets.gradient_explorer(depth=20)
        frames, truth = _sent_frames(panel, DRAG)
        assert len(frames) == len(DRAG)
        assert {mode for mode, _ in frames} == {"full"}
        np.testing.assert_array_equal(_page_after(frames, dropped), truth)
        panel.close()
    finally:
        plt.close("all")
        plt.switch_backend(old)


def test_diff_frames_with_a_lost_frame_spoil_the_picture():
    """The check above can fail: with diff frames one lost frame leaves stale pixels."""
    old = matplotlib.get_backend()
    plt.switch_backend("module://ipympl.backend_nbagg")
    try:
        panel = ll.widgets.gradient_explorer(depth=20)
        del panel.figure.canvas.get_diff_image      # back to the class's diff frames
        frames, truth = _sent_frames(panel, DRAG)
        assert "diff" in {mode for mode, _ in frames}
        np.testing.assert_array_equal(_page_after(frames, set()), truth)   # none lost: right
        spoiled = _page_after(frames, {3})
        assert np.count_nonzero(np.any(spoiled != truth, axis=-1)) > 100
        panel.close()
    finally:
        plt.close("all")
        plt.switch_backend(old)


def test_panel_updates_and_page_messages_wait_for_the_draw_lock():
    """A control's callback, a page's draw request and a frame all wait while another
    thread draws (widget messages may be served on a kernel subshell thread)."""
    import threading
    import time

    old = matplotlib.get_backend()
    plt.switch_backend("module://ipympl.backend_nbagg")
    try:
        panel = ll.widgets.gradient_explorer(depth=20)
        canvas = panel.figure.canvas
        sent = []
        canvas.send_binary = sent.append
        canvas._handle_message(canvas, {"type": "initialized"}, [])
        updates, draws = panel.n_updates, panel.figure.n_full_draws + panel.figure.n_fast_draws
        state = {"method": "update", "state": {"capture_scroll": True}, "buffer_paths": []}
        jobs = [lambda: setattr(panel.controls["weight_scale"], "value", 1.1),
                lambda: canvas.comm.handle_msg({"content": {"data": {     # a page's draw request
                    "method": "custom", "content": {"type": "draw"}}}, "buffers": []}),
                canvas.get_diff_image,
                lambda: canvas.comm.handle_msg({"content": {"data": state},   # from the page
                                                "buffers": []})]
        with ll.plots.DRAW_LOCK:                     # another thread is drawing
            threads = [threading.Thread(target=job) for job in jobs]
            for t in threads:
                t.start()
            time.sleep(0.3)
            assert all(t.is_alive() for t in threads), "a job ran without waiting for the lock"
            assert panel.n_updates == updates and not sent and not canvas.capture_scroll
        for t in threads:
            t.join(10)
        assert not any(t.is_alive() for t in threads)
        assert panel.n_updates == updates + 1 and canvas.capture_scroll
        assert panel.figure.n_full_draws + panel.figure.n_fast_draws >= draws + 2
        assert sent
        panel.close()
    finally:
        plt.close("all")
        plt.switch_backend(old)


def test_prepare_live_canvas_rejects_a_canvas_without_frames():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with pytest.raises(TypeError, match="canvas must be a WebAgg/ipympl canvas.*FigureCanvasAgg"):
        ll.widgets.prepare_live_canvas(FigureCanvasAgg(Figure()))


def test_panel_benchmark_covers_every_panel_and_counts_every_render(capsys):
    from lessons_lib import bench

    old = matplotlib.get_backend()
    rows = bench.bench_panels(steps=3)
    assert matplotlib.get_backend() == old
    assert sorted(r["panel"] for r in rows) == sorted(FACTORIES)
    for r in rows:
        assert r["fast"] + r["partial"] + r["full"] == 3, r
        assert 0 < r["median_ms"] <= r["p95_ms"]
    lab = next(r for r in rows if r["panel"] == "gradient_flow_lab")
    assert (lab["control"], lab["partial"]) == ("depth", 3)
    bench._print_panels(rows)
    assert "gradient_flow_lab | depth" in capsys.readouterr().out
    with pytest.raises(ValueError, match="steps"):
        bench.bench_panels(steps=1)


def test_explorer_benchmark_runs_and_reports_both_kinds_of_change(capsys):
    from lessons_lib import bench

    old = matplotlib.get_backend()
    try:
        res = bench.bench_explorer(depth=5, width=8, batch=16, changes=6)
        assert len(res["drag"]) == len(res["jump"]) == len(res["recreate"]) == 6
        assert 0.0 <= res["jump_kept"] <= 1.0 and 0.0 <= res["drag_kept"] <= 1.0
        assert res["drag_kept"] > 0, "a drag should keep the axes at least once"
        bench._print_explorer(res)
    finally:
        plt.close("all")
        plt.switch_backend(old)
    out = capsys.readouterr().out
    assert "slider drag" in out and "random jumps" in out and "faster on a drag" in out


def test_include_y_is_always_shown_and_widened_by_the_data(agg):
    plot = LinePlot(["a"], logy=True, include_y=(1e-4, 1e2))
    plot.update([0, 1, 2], {"a": [1.0, 2.0, 3.0]})
    lo, hi = plot.ax.get_ylim()
    assert lo <= 1e-4 and hi >= 1e2
    plot.update([0, 1, 2], {"a": [1.0, 1e5, 1e8]})
    assert plot.ax.get_ylim()[1] >= 1e8 and plot.ax.get_ylim()[0] <= 1e-4


def test_fixed_ylim_is_kept_whatever_the_data(agg):
    plot = LinePlot(["a"], ylim=(-1.0, 1.0))
    plot.update([0, 1, 2], {"a": [5.0, -7.0, 100.0]})
    assert plot.ax.get_ylim() == (-1.0, 1.0)
    plot.fixed_ylim = None                                   # back to following the data
    plot.update([0, 1, 2], {"a": [5.0, -7.0, 100.0]})
    lo, hi = plot.ax.get_ylim()
    assert lo <= -7.0 and hi >= 100.0


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"ylim": (1.0, 0.0)}, ValueError, "ylim must be increasing"),
    ({"ylim": "tight"}, TypeError, "ylim must be a pair"),
    ({"ylim": (0.0, 1.0), "logy": True}, ValueError, r"ylim\[0\]"),
    ({"ylim": (0.0, float("nan"))}, ValueError, r"ylim\[1\]"),
    ({"round_x": "yes"}, TypeError, "round_x"),
    ({"include_y": (2.0, 1.0)}, ValueError, "include_y must be increasing"),
    ({"include_y": (0.0, 1.0), "logy": True}, ValueError, r"include_y\[0\]"),
    ({"include_y": 5}, TypeError, "include_y must be a pair"),
])
def test_lineplot_rejects_bad_limits(agg, kwargs, error, match):
    with pytest.raises(error, match=match):
        LinePlot(["a"], **kwargs)


def test_fixed_ylim_set_later_is_checked_too(agg):
    plot = LinePlot(["a"], logy=True)
    with pytest.raises(ValueError, match=r"ylim\[0\]"):
        plot.fixed_ylim = (0.0, 1.0)
    with pytest.raises(TypeError, match="ylim must be a pair"):
        plot.fixed_ylim = 3.0
    assert plot.fixed_ylim is None                   # a rejected value changes nothing


def test_a_flat_line_on_a_log_axis_gets_two_decades(agg):
    plot = LinePlot(["a"], logy=True)
    plot.update(np.arange(5), {"a": np.full(5, 0.37)})
    lo, hi = _decades(plot.ax)
    assert hi - lo >= 2 and lo <= np.log10(0.37) <= hi


@pytest.mark.parametrize("factory", ["dropout_panel", "running_mean_panel", "widget_check"])
def test_panels_with_a_fixed_scale_redraw_only_their_lines(agg, factory):
    panel = getattr(ll.widgets, factory)()
    fig = panel.figure
    _pixels(fig)
    name, choices = next((n, _choices(c)) for n, c in panel.controls.items()
                         if len(_choices(c)) > 5)                 # a slider
    fast0 = fig.n_fast_draws
    for value in choices[1:6]:
        panel.set(**{name: value})
        _pixels(fig)
    assert fig.n_fast_draws - fast0 == len(choices[1:6])
    panel.close()


def _three_axes():
    fig = new_figure(figsize=(9.0, 3.0), ncols=3)
    plots = [LinePlot([f"{k}"], ax=ax) for k, ax in enumerate(fig.axes)]
    x = np.arange(1, 11)
    for k, plot in enumerate(plots):
        plot.update(x, {f"{k}": x * (k + 1.0)})
    _pixels(fig)
    return fig, plots


@pytest.mark.parametrize("change", ["ylim", "xlabel", "longer_ticks", "two_axes"])
def test_a_change_in_one_axes_redraws_only_that_axes(agg, change):
    fig, plots = _three_axes()
    before = _pixels(fig)
    full0, part0 = fig.n_full_draws, fig.n_partial_draws
    x = np.arange(1, 11)
    if change == "ylim":
        plots[1].update(x, {"1": x * 50.0})
    elif change == "xlabel":
        plots[2].ax.set_xlabel("a longer label than before")
    elif change == "longer_ticks":                  # wider tick labels: a bigger area to clear
        plots[0].update(x, {"0": x * 1e6 + 123456.0})
    elif change == "two_axes":
        plots[0].ax.set_xlabel("x")
        plots[2].ax.set_title("third")
    after = _pixels(fig)
    assert (fig.n_full_draws, fig.n_partial_draws) == (full0, part0 + 1)
    assert not np.array_equal(after, before), f"{change} did not change the picture"
    np.testing.assert_array_equal(after, _full_pixels(fig))


def test_an_axes_growing_into_its_neighbor_brings_a_full_redraw(agg):
    fig, plots = _three_axes()
    full0, part0 = fig.n_full_draws, fig.n_partial_draws
    plots[1].ax.set_ylabel("a label so long that it reaches far into the left-hand axes",
                           fontsize=30)
    after = _pixels(fig)
    assert (fig.n_full_draws, fig.n_partial_draws) == (full0 + 1, part0)
    np.testing.assert_array_equal(after, _full_pixels(fig))


def test_a_figure_text_or_overlapping_axes_bring_a_full_redraw(agg):
    fig, plots = _three_axes()
    fig.text(0.5, 0.98, "a figure title", ha="center", va="top")
    _pixels(fig)
    full0 = fig.n_full_draws
    plots[0].ax.set_xlabel("x")
    np.testing.assert_array_equal(_pixels(fig), _full_pixels(fig))
    assert fig.n_full_draws == full0 + 2          # the change, then the reference redraw
    fig2, plots2 = _three_axes()
    twin = plots2[0].ax.twinx()                   # shares the first axes' area
    twin.plot([1, 10], [0, 1])
    _pixels(fig2)
    full0 = fig2.n_full_draws
    twin.set_ylabel("twin")
    np.testing.assert_array_equal(_pixels(fig2), _full_pixels(fig2))
    assert fig2.n_full_draws == full0 + 2


def test_the_partial_redraw_comparison_can_fail(agg):
    """If the changed axes' old area were not cleared, old pixels would show through."""
    fig, plots = _three_axes()
    x = np.arange(1, 11)
    areas = fig._background[3]
    plots[1].update(x, {"1": x * 50.0})
    ax = plots[1].ax
    x0, y0, x1, y1 = areas[ax]
    areas[ax] = (x0, y0, x0 + 1.0, y0 + 1.0)       # pretend it covers (almost) nothing
    stale = _pixels(fig)
    assert fig.n_partial_draws >= 1
    assert not np.array_equal(stale, _full_pixels(fig))


def test_a_lab_depth_step_redraws_only_the_heat_map_axes(agg):
    panel = ll.widgets.gradient_flow_lab()
    try:
        fig = panel.figure
        _pixels(fig)
        for depth in (11, 12, 3):
            full0, part0 = fig.n_full_draws, fig.n_partial_draws
            panel.controls["depth"].value = depth
            frame = _pixels(fig)
            assert (fig.n_full_draws, fig.n_partial_draws) == (full0, part0 + 1)
            assert not any(ax.stale for ax in fig.axes)
            np.testing.assert_array_equal(frame, _full_pixels(fig))
    finally:
        panel.close()
