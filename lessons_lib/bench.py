"""Benchmarks that print figures (not tests): ``python -m lessons_lib.bench``.

* ``mlp`` — forward + backward time of :class:`lessons_lib.model.MLP` against
  PyTorch on the CPU with the same float64 weights (when torch is installed),
  for depth 10/30/50, width 32/64/128, batch 64/256.
* ``explorer`` — one control change of the gradient explorer (depth 50,
  width 64, batch 256): compute + in-place redraw with the Agg render, for
  slider drags and for random jumps, next to re-creating the figure and
  saving a PNG.
* ``panels`` — every live panel of the lessons: one step of its first slider
  (compute + in-place redraw + Agg render), and how many of the renders kept
  the whole figure, redrew only the changed axes, or drew everything.

Timings are medians over repeated runs after a warm-up; machines are shared
and noisy, so read the ratios rather than the third digit.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .model import MLP

__all__ = ["bench_explorer", "bench_mlp", "bench_panels", "main", "time_call"]

BENCHES = ("mlp", "explorer", "panels")


def time_call(fn: Callable[[], object], *, repeat: int = 30, warmup: int = 3) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn`` after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _torch_net(model: MLP):  # pragma: no cover - needs torch
    import torch

    mods = []
    for dense in model.dense_layers:
        lin = torch.nn.Linear(dense.n_in, dense.n_out, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(dense.params["W"].T))
            lin.bias.copy_(torch.from_numpy(dense.params["b"]))
        mods += [lin, torch.nn.ReLU()]
    return torch.nn.Sequential(*mods[:-1])


def bench_mlp(depths=(10, 30, 50), widths=(32, 64, 128), batches=(64, 256), *,
              repeat: int = 30) -> list[dict[str, float]]:
    """Median ms of one forward + backward pass, lessons_lib vs PyTorch (ReLU MLP).

    Returns one row per configuration with keys ``depth``, ``width``, ``batch``,
    ``numpy_ms`` and, when torch is importable, ``torch_ms`` and ``ratio``
    (numpy time / torch time; below 1 means lessons_lib is faster).
    """
    try:
        import torch
    except ImportError:
        torch = None
    rows = []
    for depth in depths:
        for width in widths:
            for batch in batches:
                model = MLP([width] * (depth + 1), activation="relu", init="he_normal", seed=0)
                rng = np.random.default_rng(0)
                X = rng.standard_normal((batch, width))
                dY = rng.standard_normal((batch, width)) / batch

                def step(model=model, X=X, dY=dY) -> None:
                    model.forward(X)
                    model.backward(dY)

                row = {"depth": depth, "width": width, "batch": batch,
                       "numpy_ms": 1e3 * statistics.median(time_call(step, repeat=repeat))}
                if torch is not None:
                    net = _torch_net(model)
                    Xt = torch.from_numpy(X)
                    dYt = torch.from_numpy(dY)

                    def tstep(net=net, Xt=Xt, dYt=dYt) -> None:
                        net.zero_grad(set_to_none=True)
                        Xt.requires_grad_(True)
                        net(Xt).backward(dYt)
                        Xt.grad = None

                    row["torch_ms"] = 1e3 * statistics.median(time_call(tstep, repeat=repeat))
                    row["ratio"] = row["numpy_ms"] / row["torch_ms"]
                rows.append(row)
    return rows


def bench_explorer(*, depth: int = 50, width: int = 64, batch: int = 256, changes: int = 60,
                   seed: int = 0) -> dict[str, Any]:
    """Seconds per control change of the gradient explorer, four ways.

    Every change asks for a value not computed before (the memo of results
    is cleared first), so each one pays the whole forward and backward pass.

    ``drag``: what a student's drag does: the ``weight scale`` slider moved
    one step (0.02 decades) at a time, 20 steps for each of three
    activations; per step, recompute and move the artists, then render with
    Agg (what the live backend does before it sends the pixels).
    ``jump``: the same, but each change jumps to a random weight scale in
    [10^-0.5, 10^0.5], so the axes' limits change almost every time and the
    whole figure is rendered (the worst case).
    ``recreate``: the computation of a jump, drawn by building the same lean
    figure anew and saving it as a PNG. ``typical``: the same drawn the way
    ``interact`` code usually is (a default ``plt.subplots()`` figure,
    ``semilogy``, a legend, saved as a PNG).

    Returns
    -------
    dict
        ``drag``, ``jump``, ``recreate``, ``typical``: lists of seconds;
        ``drag_kept``, ``jump_kept``: fraction of renders that reused the
        kept axes (see :class:`lessons_lib.plots.LiveFigure`).
    """
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import experiments
    from .experiments import vanishing as _depth
    from .plots import LinePlot
    from .widgets import gradient_explorer

    rng = np.random.default_rng(seed)
    # log-uniform fresh weight scales, never repeated
    scales = np.unique(np.round(10 ** rng.uniform(-0.5, 0.5, 4 * changes), 6))
    scales = rng.permutation(scales)[: 2 * changes]
    acts = ("sigmoid", "tanh", "relu")
    per_act = max(changes // len(acts), 1)
    _depth._run.cache_clear()
    panel = gradient_explorer(depth=depth, width=width, batch=batch, seed=seed, max_depth=100)
    fig = panel.figure
    slider = panel.controls["weight_scale"]

    def timed(change: Callable[[], None], out: list[float]) -> None:
        t0 = time.perf_counter()
        change()
        fig.canvas.draw()
        out.append(time.perf_counter() - t0)
        if panel.last_error:
            raise RuntimeError(panel.last_error)

    def set_control(name: str, value: Any) -> Callable[[], None]:
        def change() -> None:
            panel.controls[name].value = value
        return change

    fig.canvas.draw()
    drag: list[float] = []
    kept0 = fig.n_fast_draws
    for act in acts:                      # the activation changes, then a drag of 20 steps
        start = int(rng.integers(-25, 5))
        timed(set_control("activation", act), drag)
        for k in range(start, start + per_act - 1):
            timed(set_control("weight_scale", float(10 ** (slider.step * k + 0.01))), drag)
    drag_kept = (fig.n_fast_draws - kept0) / len(drag)

    jump: list[float] = []
    kept0 = fig.n_fast_draws
    for i in range(changes):
        if i % per_act == 0:
            panel.controls["activation"].value = acts[(i // per_act) % 3]
            fig.canvas.draw()
        timed(set_control("weight_scale", float(scales[i])), jump)
    jump_kept = (fig.n_fast_draws - kept0) / len(jump)
    panel.close()

    recreate = []
    for i in range(changes):
        t0 = time.perf_counter()
        act = acts[(i // per_act) % 3]
        kw = dict(width=width, batch=batch, activation=act,
                  weight_scale=float(scales[changes + i]), seed=seed)
        delta = experiments.gradient_profile(depth, quantity="delta", **kw)
        weight = experiments.gradient_profile(depth, quantity="weight", **kw)
        plot = LinePlot(["‖δ‖", "‖∂E/∂W‖", "bound"], logy=True, xlabel="layer",
                        ylabel="norm (log scale)")
        plot.update(np.arange(1, depth + 1), {"‖δ‖": delta, "‖∂E/∂W‖": weight})
        plot.fig.savefig(io.BytesIO(), format="png")
        plt.close(plot.fig)
        recreate.append(time.perf_counter() - t0)

    # what typical `interact` code does: default figure, mathtext log ticks, legend
    typical = []
    layer = np.arange(1, depth + 1)
    for i in range(changes):
        t0 = time.perf_counter()
        act = acts[(i // per_act) % 3]
        kw = dict(width=width, batch=batch, activation=act,
                  weight_scale=float(scales[changes + i]) * 1.0001, seed=seed)
        delta = experiments.gradient_profile(depth, quantity="delta", **kw)
        weight = experiments.gradient_profile(depth, quantity="weight", **kw)
        fig, ax = plt.subplots()
        ax.semilogy(layer, delta, label="‖δ‖")
        ax.semilogy(layer, weight, label="‖∂E/∂W‖")
        ax.set_xlabel("layer")
        ax.set_ylabel("norm")
        ax.legend()
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
        typical.append(time.perf_counter() - t0)
    return {"drag": drag, "jump": jump, "recreate": recreate, "typical": typical,
            "drag_kept": drag_kept, "jump_kept": jump_kept}


def bench_panels(steps: int = 30) -> list[dict[str, Any]]:
    """One step of every panel's first slider: compute, redraw, Agg render (seconds).

    Each panel of :mod:`lessons_lib.widgets` is built and its first slider
    (a control with a numeric range or an ordered list of values) is moved
    one step at a time, ``steps`` times, turning back at its ends, as a
    student's arrow keys do; values already visited are memoised as in class.
    After each step the figure is rendered with Agg, which a live canvas does
    before it sends the pixels (the PNG encoding that follows is not timed).

    Returns
    -------
    list of dict
        Per panel: ``panel``, ``control``, ``median_ms``, ``p95_ms`` and the
        renders that kept the figure (``fast``), redrew only changed axes
        (``partial``) or drew everything (``full``).
    """
    import inspect

    import matplotlib
    import matplotlib.pyplot as plt

    from . import widgets

    steps = int(steps)
    if steps < 2:
        raise ValueError(f"steps must be at least 2, got {steps}")
    old = matplotlib.get_backend()
    plt.switch_backend("agg")
    rows = []
    try:
        for name in sorted(widgets.__all__):
            factory = getattr(widgets, name)
            if not (inspect.isfunction(factory) and name.endswith(("_panel", "_explorer",
                                                                   "_lab", "_check"))):
                continue
            panel = factory()
            try:
                control, values = _first_slider(panel)
                if control is None:
                    continue
                fig = panel.figure
                fig.canvas.draw()
                counts = (fig.n_full_draws, fig.n_partial_draws, fig.n_fast_draws)
                index, direction, times = values.index(panel.controls[control].value), 1, []
                for _ in range(steps):
                    if not 0 <= index + direction < len(values):
                        direction = -direction
                    index += direction
                    t0 = time.perf_counter()
                    panel.controls[control].value = values[index]
                    fig.canvas.draw()
                    times.append(time.perf_counter() - t0)
                full, partial, fast = (now - before for now, before in zip(
                    (fig.n_full_draws, fig.n_partial_draws, fig.n_fast_draws), counts,
                    strict=True))
                rows.append({"panel": name, "control": control,
                             "median_ms": 1e3 * statistics.median(times),
                             "p95_ms": _pct(times, 95), "full": full,
                             "partial": partial, "fast": fast})
            finally:
                panel.close()
    finally:
        plt.switch_backend(old)
    return rows


def _first_slider(panel: Any) -> tuple[str | None, list[Any]]:
    """The first control with a numeric range or ordered options, and its values."""
    for name, control in panel.controls.items():
        if hasattr(control, "min") and hasattr(control, "step"):
            n = int(round((control.max - control.min) / control.step))
            values = [type(control.value)(control.min + k * control.step) for k in range(n + 1)]
            values = [min(values, key=lambda v: abs(v - control.value))] if n > 2000 else values
            if control.value not in values:
                values.append(control.value)
                values.sort()
            return name, values
        options = getattr(control, "options", None)
        if options and type(control).__name__.startswith("Selection"):
            return name, [o[1] if isinstance(o, tuple) else o for o in options]
    return None, []


def _print_panels(rows: list[dict[str, Any]]) -> None:
    print("## Every panel: one step of its first slider (compute + redraw + Agg render)\n")
    print("| panel | slider | median ms | p95 ms | renders: kept / changed axes / all |")
    print("|---|---|---:|---:|---|")
    for r in rows:
        print(f"| {r['panel']} | {r['control']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | "
              f"{r['fast']} / {r['partial']} / {r['full']} |")


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1e3, q))


def _print_explorer(res: dict[str, Any]) -> None:
    n = len(res["jump"])
    print(f"## Gradient explorer: one control change at depth 50, width 64, batch 256 "
          f"({n} fresh values each)\n")
    print("| redraw | median ms | p95 ms |")
    print("|---|---:|---:|")
    rows = [
        (f"slider drag: compute + move the lines + Agg render "
         f"(axes kept in {res['drag_kept']:.0%} of steps)", res["drag"]),
        (f"random jumps: compute + move the lines + Agg render "
         f"(axes kept in {res['jump_kept']:.0%})", res["jump"]),
        ("compute + re-create the same (lean) figure + PNG", res["recreate"]),
        ("compute + re-create a default matplotlib figure + PNG (typical `interact` code)",
         res["typical"]),
    ]
    for label, values in rows:
        print(f"| {label} | {_pct(values, 50):.1f} | {_pct(values, 95):.1f} |")
    med = {key: _pct(res[key], 50) for key in ("drag", "jump", "recreate", "typical")}
    print(f"\nin place vs re-creating the lean figure: {med['recreate'] / med['drag']:.1f}× "
          f"faster on a drag, {med['recreate'] / med['jump']:.1f}× on a jump; vs typical "
          f"re-create code: {med['typical'] / med['drag']:.1f}× and "
          f"{med['typical'] / med['jump']:.1f}×")
    print("targets: median ≤ 50 ms, p95 ≤ 100 ms, ≥ 3× faster than re-creating the figure")


def _print_mlp(rows: list[dict[str, float]]) -> None:
    have_torch = "torch_ms" in rows[0]
    print("## MLP forward + backward, float64, ReLU, median ms")
    if have_torch:
        import torch

        print(f"(PyTorch {torch.__version__}, {torch.get_num_threads()} threads; "
              f"numpy {np.__version__})\n")
        print("| depth | width | batch | lessons_lib ms | PyTorch ms | ratio |")
        print("|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {r['depth']} | {r['width']} | {r['batch']} | {r['numpy_ms']:.2f} | "
                  f"{r['torch_ms']:.2f} | {r['ratio']:.2f}× |")
        worst = max(r["ratio"] for r in rows)
        print(f"\nworst ratio {worst:.2f}× (target ≤ 1.00×); "
              f"median ratio {statistics.median(r['ratio'] for r in rows):.2f}×")
    else:
        print("(PyTorch not installed: `pip install torch==2.13.0` adds the comparison)\n")
        print("| depth | width | batch | lessons_lib ms |")
        print("|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {r['depth']} | {r['width']} | {r['batch']} | {r['numpy_ms']:.2f} |")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m lessons_lib.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="*", help=f"which of {BENCHES} to run (default: all)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per configuration")
    args = parser.parse_args(argv)
    args.what = args.what or list(BENCHES)
    unknown = sorted(set(args.what) - set(BENCHES))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {list(BENCHES)}")
    if "mlp" in args.what:
        _print_mlp(bench_mlp(repeat=args.repeat))
        print()
    if "explorer" in args.what:
        _print_explorer(bench_explorer())
        print()
    if "panels" in args.what:
        _print_panels(bench_panels())


if __name__ == "__main__":
    main()
