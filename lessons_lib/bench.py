"""Benchmarks that print figures (not tests): ``python -m lessons_lib.bench``.

* ``mlp`` — forward + backward time of :class:`lessons_lib.model.MLP` against
  PyTorch on the CPU with the same float64 weights (when torch is installed),
  for depth 10/30/50, width 32/64/128, batch 64/256.
* ``explorer`` — one control change of the gradient explorer (depth 50,
  width 64, batch 256): compute + in-place redraw with the Agg render, next
  to re-creating the figure and saving a PNG.

Timings are medians over repeated runs after a warm-up; machines are shared
and noisy, so read the ratios rather than the third digit.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from .model import MLP

__all__ = ["bench_explorer", "bench_mlp", "main", "time_call"]

BENCHES = ("mlp", "explorer")


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
                   seed: int = 0) -> dict[str, list[float]]:
    """Seconds per control change of the gradient explorer, two ways.

    ``in_place``: set a control to a value not seen before (so nothing is
    cached), which recomputes and moves the artists, then render with Agg
    (what the live backend does per step, before sending pixels).
    ``recreate``: the same computation, drawn by building the same lean
    figure anew and saving it as a PNG. ``typical``: the same computation
    drawn the way ``interact`` code usually is (a default ``plt.subplots()``
    figure, ``semilogy``, a legend, saved as a PNG).
    """
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import experiments
    from .plots import LinePlot
    from .widgets import gradient_explorer

    rng = np.random.default_rng(seed)
    # log-uniform fresh weight scales, never repeated, cycling the activation too
    scales = np.unique(np.round(10 ** rng.uniform(-0.5, 0.5, 4 * changes), 6))
    scales = rng.permutation(scales)[: 2 * changes]
    acts = ("sigmoid", "tanh", "relu")
    panel = gradient_explorer(depth=depth, width=width, batch=batch, seed=seed, max_depth=100)
    fig = panel.figure
    fig.canvas.draw()
    in_place = []
    for i in range(changes):
        t0 = time.perf_counter()
        if i % 10 == 0:
            panel.controls["activation"].value = acts[(i // 10) % 3]
        panel.controls["weight_scale"].value = float(scales[i])
        fig.canvas.draw()
        in_place.append(time.perf_counter() - t0)
        if panel.last_error:
            raise RuntimeError(panel.last_error)
    panel.close()

    recreate = []
    for i in range(changes):
        t0 = time.perf_counter()
        act = acts[(i // 10) % 3]
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
        act = acts[(i // 10) % 3]
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
    return {"in_place": in_place, "recreate": recreate, "typical": typical}


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1e3, q))


def _print_explorer(res: dict[str, list[float]]) -> None:
    n = len(res["in_place"])
    print(f"## Gradient explorer: one control change at depth 50, width 64, batch 256 "
          f"({n} fresh values each)\n")
    print("| redraw | median ms | p95 ms |")
    print("|---|---:|---:|")
    print(f"| compute + update artists in place + Agg render | {_pct(res['in_place'], 50):.1f} | "
          f"{_pct(res['in_place'], 95):.1f} |")
    print(f"| compute + re-create the same (lean) figure + PNG | "
          f"{_pct(res['recreate'], 50):.1f} | {_pct(res['recreate'], 95):.1f} |")
    print(f"| compute + re-create a default matplotlib figure + PNG (typical `interact` code) | "
          f"{_pct(res['typical'], 50):.1f} | {_pct(res['typical'], 95):.1f} |")
    lean = _pct(res["recreate"], 50) / _pct(res["in_place"], 50)
    typical = _pct(res["typical"], 50) / _pct(res["in_place"], 50)
    print(f"\nin place is {lean:.1f}× faster than re-creating the lean figure and {typical:.1f}× "
          "faster than typical re-create code (targets: median ≤ 50 ms, p95 ≤ 100 ms, ≥ 3×)")


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


if __name__ == "__main__":
    main()
