"""Training speed on the reference workload, measured side by side in one run.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python tests/perf/bench_train.py
    ... bench_train.py --large [ROUNDS]    # only the large one, ROUNDS rounds (default 3)

(Unset any BLAS kernel override in the benchmark's command only, never in tests or CI: the
benchmark is about the kernel the machine would pick. The BLAS kernel that ran is printed.)

Prints seconds and ratios for: aeviz's trainer recording every epoch; the same recording only
the first and last epoch (the cost of recording); a plain numpy loop of the same math (the
floor); and an idiomatic PyTorch CPU loop of the same model (skipped if torch is missing:
`pip install torch` to include it). Best of several interleaved repeats, to dampen the
noise of a shared machine. aeviz trains as aeviz.training.threads says (two lanes of
one-thread BLAS on a machine with two CPUs or more); the plain numpy loops here and PyTorch
use their libraries' defaults.

The large workload (tests/perf/large.py: 20000 x 784 image-like data, 784-256-64-2-64-256-784,
Adam, batch 256, 5 epochs) times, round after round, the whole `aeviz train` process against
the PyTorch float32 loop's training alone, a plain numpy float32 loop, and the machine's GEMM
floor: the run's matrix products (forward, backward, every snapshot's evaluation) at the best
float32 GEMM rate measured on all CPUs in the same round. Each round prints its ratios beside
the load average (the machine may be shared); then best and median of the ratios. It also
reports aeviz's peak memory and trajectory size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import large  # noqa: E402
from reference import reference_experiment  # noqa: E402

from aeviz.training.data import load_data  # noqa: E402
from aeviz.training.loop import train  # noqa: E402

REPEATS = 7


def best_of(function, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def interleaved(contenders: dict, repeats: int = REPEATS) -> dict[str, float]:
    """Best time of each, taking turns, so that a slow spell of the machine hits all alike."""
    best = {name: float("inf") for name in contenders}
    for _ in range(repeats):
        for name, function in contenders.items():
            best[name] = min(best[name], best_of(function, 1))
    return best


def plain_numpy_loop(x: np.ndarray, epochs: int = 300, batch: int = 32, lr: float = 0.005,
                     sizes: tuple = (6, 8, 2, 8, 6), output=lambda z: z,
                     output_slope=lambda a: 1.0):
    """The same model and Adam, written as one flat loop with no recording, in x's dtype."""
    rng = np.random.default_rng(0)
    last = len(sizes) - 2
    ws = [(rng.uniform(-1, 1, (o, i)) * np.sqrt(6 / (o + i))).astype(x.dtype)
          for i, o in zip(sizes, sizes[1:])]
    bs = [np.zeros(o, x.dtype) for o in sizes[1:]]
    params = ws + bs
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    t = 0
    for _ in range(epochs):
        shuffled = x[rng.permutation(len(x))]
        for start in range(0, len(x), batch):
            xb = shuffled[start:start + batch]
            acts = [xb]
            for layer, (w, b) in enumerate(zip(ws, bs)):
                z = acts[-1] @ w.T + b
                acts.append(output(z) if layer == last else np.tanh(z))
            delta = 2 * (acts[-1] - xb) / xb.size * output_slope(acts[-1])
            grads_w, grads_b = [None] * (last + 1), [None] * (last + 1)
            for layer in range(last, -1, -1):
                grads_w[layer] = delta.T @ acts[layer]
                grads_b[layer] = delta.sum(axis=0)
                if layer:
                    delta = (delta @ ws[layer]) * (1 - acts[layer] ** 2)
            t += 1
            for p, g, mm, vv in zip(params, grads_w + grads_b, m, v):
                mm *= 0.9
                mm += 0.1 * g
                vv *= 0.999
                vv += 0.001 * g * g
                p -= lr * (mm / (1 - 0.9**t)) / (np.sqrt(vv / (1 - 0.999**t)) + 1e-8)
        np.sqrt(np.mean((_forward(ws, bs, x, output) - x) ** 2))  # the epoch's loss, as aeviz


def _forward(ws, bs, x, output):
    a = x
    for layer, (w, b) in enumerate(zip(ws, bs)):
        a = a @ w.T + b
        a = output(a) if layer == len(ws) - 1 else np.tanh(a)
    return a


def torch_loop(x: np.ndarray, epochs: int = 300, batch: int = 32):
    """What a user would write in PyTorch for the same model, on the CPU, in float32 (its
    default, and aeviz's)."""
    import torch

    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = torch.nn.Sequential(
        torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2), torch.nn.Tanh(),
        torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 6))
    torch_epochs(model, torch.tensor(x, dtype=torch.float32), epochs, batch, 0.005)


def torch_epochs(model, data, epochs: int, batch: int, lr: float) -> None:
    """The idiomatic loop: Adam on shuffled mini-batches, the epoch's loss over all data."""
    import torch

    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.MSELoss()
    for _ in range(epochs):
        order = torch.randperm(len(data))
        for start in range(0, len(data), batch):
            xb = data[order[start:start + batch]]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), xb)
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            torch.sqrt(loss_fn(model(data), data))


def torch_in_subprocess() -> float | None:
    """Time the PyTorch loop in its own process: importing torch slows numpy in this one."""
    import subprocess

    here = str(Path(__file__).resolve().parent)
    code = (f"import sys; sys.path.insert(0, {here!r}); import bench_train as b; "
            "from aeviz.training.data import load_data; x = load_data(b.reference_experiment()).x; "
            "print(b.best_of(lambda: b.torch_loop(x)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if result.returncode != 0:
        return None
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    if "--large" not in sys.argv:
        reference_workload()
    rounds = [int(arg) for arg in sys.argv[1:] if arg.isdigit()]
    large_workload(*rounds[:1])


def reference_workload() -> None:
    x = load_data(reference_experiment()).x
    recording = reference_experiment()
    not_recording = reference_experiment(every=10**6)
    results = interleaved({
        "aeviz train, recording every epoch": lambda: train(recording),
        "aeviz train, recording first and last only": lambda: train(not_recording),
        "plain numpy loop (floor)": lambda: plain_numpy_loop(x),
    })
    torch_seconds = torch_in_subprocess()
    if torch_seconds is None:
        print("(torch not installed: the PyTorch reference is skipped)")
    else:
        results["PyTorch CPU loop"] = torch_seconds
    for name, seconds in results.items():
        print(f"{name:45s} {seconds:7.3f} s")
    ours = results["aeviz train, recording every epoch"]
    overhead = ours / results["aeviz train, recording first and last only"] - 1
    print(f"recording overhead: {overhead:+.1%} (target < 15%)")
    print(f"aeviz vs plain numpy loop: {ours / results['plain numpy loop (floor)']:.2f}x the time")
    if "PyTorch CPU loop" in results:
        print(f"aeviz vs PyTorch loop: {results['PyTorch CPU loop'] / ours:.2f}x faster "
              "(target >= 6x)")


def torch_large_loop(x: np.ndarray, epochs: int = 5, batch: int = 256) -> None:
    """The large workload in idiomatic PyTorch (float32, its default), with the epoch's loss
    over all data as aeviz records it."""
    import torch

    torch.manual_seed(0)
    sizes = large.LAYERS
    layers = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers[:-1], torch.nn.Sigmoid())
    torch_epochs(model, torch.from_numpy(x), epochs, batch, 0.001)


def timed_process(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of a command, measured from a fresh parent."""
    code = ("import resource, subprocess, sys, time; start = time.perf_counter(); "
            f"subprocess.run({command!r}, check=True, stdout=subprocess.DEVNULL); "
            "print(time.perf_counter() - start, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), float(out[1])


def torch_large_in_subprocess(folder: Path) -> float | None:
    here = str(Path(__file__).resolve().parent)
    code = (f"import sys; sys.path.insert(0, {here!r}); import bench_train as b, numpy as np; "
            f"x = np.load({str(folder / 'x.npy')!r}); "
            "print(b.best_of(lambda: b.torch_large_loop(x), 1))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if result.returncode != 0:
        return None
    return float(result.stdout.strip().splitlines()[-1])


def torch_kernel() -> str:
    code = ("import torch; print(f'torch {torch.__version__}, MKL '"
            "f'{torch.backends.mkl.is_available()}, {torch.get_num_threads()} threads')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else "torch not installed"


def blas_kernel() -> str:
    """numpy's BLAS as threadpoolctl sees it: library, version, kernel, threads."""
    from threadpoolctl import threadpool_info

    return "; ".join(f"{pool['internal_api']} {pool.get('version')}, kernel "
                     f"{pool.get('architecture')}, {pool['num_threads']} threads"
                     for pool in threadpool_info() if pool["user_api"] == "blas")


def run_flops(layers: list[int], samples: int, batch: int, epochs: int,
              snapshots: int) -> float:
    """The floating-point operations of the run's matrix products: per sample and layer
    2 in out for the forward pass, as much for the weight gradient and (below the first
    layer) as much for the delta passed down; every snapshot a forward pass over all data."""
    pairs = list(zip(layers, layers[1:]))
    forward = sum(2 * n_in * n_out for n_in, n_out in pairs)
    backward = forward + sum(2 * n_in * n_out for n_in, n_out in pairs[1:])
    return samples * epochs * (forward + backward) + samples * snapshots * forward


def gemm_rate(rows: int = 256, inner: int = 784, columns: int = 256) -> float:
    """The best float32 GEMM rate (FLOP/s) of this machine for the run's largest product, on
    all its CPUs: one product split by BLAS over all threads, or one product per CPU side by
    side, whichever is faster."""
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    a = rng.random((rows, inner), np.float32)
    b = rng.random((inner, columns), np.float32)
    flops, cpus, repeats = 2.0 * rows * inner * columns, len(os.sched_getaffinity(0)), 50

    def products(count: int) -> None:
        for _ in range(count):
            a @ b

    with threadpool_limits(limits=cpus, user_api="blas"):
        split = best_of(lambda: products(repeats), 5)
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(cpus) as pool:
        side_by_side = best_of(lambda: list(pool.map(products, [repeats] * cpus)), 5)
    return max(flops * repeats / split, flops * repeats * cpus / side_by_side)


def large_workload(rounds: int = 3) -> None:
    print(f"\nlarge workload: {large.SAMPLES} x 784, layers {large.LAYERS}, Adam, batch 256, "
          f"5 epochs; numpy BLAS: {blas_kernel()}; {torch_kernel()}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        experiment = large.write_experiment(folder)
        x = np.load(folder / "x.npy")
        aeviz = [sys.executable, "-m", "aeviz", "train", str(experiment), "-q",
                 "-o", str(folder / "large.npz")]
        flops = run_flops(large.LAYERS, large.SAMPLES, 256, 5, 6)
        columns = ("aeviz", "compute", "torch", "numpy", "GEMM floor")
        print(f"{'round':6s} {'load':>5s} " + " ".join(f"{c:>10s}" for c in columns)
              + "   torch/aeviz  compute/floor")
        table: dict[str, list[float]] = {name: [] for name in columns}
        peak = float("inf")
        for round_ in range(rounds):
            load = os.getloadavg()[0]
            seconds, megabytes = timed_process(aeviz)
            peak = min(peak, megabytes)
            with np.load(folder / "large.npz", allow_pickle=False) as run:
                compute = json.loads(str(run["meta"]))["wall_seconds"]  # training and saving
            torch_seconds = torch_large_in_subprocess(folder) or float("nan")
            numpy_seconds = best_of(lambda: plain_numpy_loop(
                x, 5, 256, 0.001, tuple(large.LAYERS), _sigmoid, lambda a: a * (1 - a)), 1)
            floor = flops / gemm_rate()
            row = (seconds, compute, torch_seconds, numpy_seconds, floor)
            for name, value in zip(columns, row):
                table[name].append(value)
            print(f"{round_:<6d} {load:5.1f} " + " ".join(f"{v:9.2f}s" for v in row)
                  + f"   {torch_seconds / seconds:10.2f}x  {compute / floor:12.2f}x",
                  flush=True)
        trajectory = (folder / "large.npz").stat().st_size
        with np.load(folder / "large.npz", allow_pickle=False) as run:
            size_floor = sum(run[key].astype(np.float32).nbytes for key in run.files
                             if key == "x" or key == "codes" or key[0] in "Wb")
    speedups = sorted(t / a for t, a in zip(table["torch"], table["aeviz"]))
    to_floor = sorted(c / f for c, f in zip(table["compute"], table["GEMM floor"]))
    print(f"aeviz vs PyTorch loop (whole aeviz process against the loop alone): best "
          f"{speedups[-1]:.2f}x, median {speedups[len(speedups) // 2]:.2f}x (target >= 1.2x)")
    print(f"aeviz's compute against the GEMM floor ({flops / 1e9:.0f} GFLOP): best "
          f"{to_floor[0]:.2f}x, median {to_floor[len(to_floor) // 2]:.2f}x (target <= 1.6x)")
    print(f"aeviz vs plain numpy float32 loop: best "
          f"{max(n / a for n, a in zip(table['numpy'], table['aeviz'])):.2f}x")
    print(f"peak memory of aeviz train: {peak:.0f} MB (target <= 500 MB)")
    print(f"trajectory: {trajectory / 1e6:.1f} MB, {trajectory / size_floor:.3f}x the float32 "
          "size of data and snapshots (target <= 1.3x)")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * z))


if __name__ == "__main__":
    main()
