"""Training speed on the reference workload, measured side by side in one run.

    python tests/perf/bench_train.py            # the reference workload, then the large one
    python tests/perf/bench_train.py --large    # only the large one

Prints seconds and ratios for: aeviz's trainer recording every epoch; the same recording only
the first and last epoch (the cost of recording); a plain numpy loop of the same math (the
floor); and an idiomatic PyTorch CPU loop of the same model (skipped if torch is missing:
`pip install torch` to include it). Best of several interleaved repeats, to dampen the
noise of a shared machine. aeviz trains with one BLAS thread (see aeviz/blas.py); the plain
numpy loops here and PyTorch use their libraries' defaults.

The large workload (tests/perf/large.py: 20000 x 784 image-like data, 784-256-64-2-64-256-784,
Adam, batch 256, 5 epochs) times the whole `aeviz train` process against the PyTorch float32
loop's training alone and a plain numpy float32 loop, and reports aeviz's peak memory and
trajectory size.
"""

from __future__ import annotations

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
    large_workload()


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
              "(target >= 5x)")


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


def large_workload(repeats: int = 3) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        experiment = large.write_experiment(folder)
        x = np.load(folder / "x.npy")
        aeviz = [sys.executable, "-m", "aeviz", "train", str(experiment), "-q",
                 "-o", str(folder / "large.npz")]
        best = {"aeviz train (whole process)": float("inf"), "PyTorch float32 loop": float("inf"),
                "plain numpy float32 loop": float("inf")}
        peak = float("inf")
        for _ in range(repeats):
            seconds, megabytes = timed_process(aeviz)
            best["aeviz train (whole process)"] = min(best["aeviz train (whole process)"], seconds)
            peak = min(peak, megabytes)
            torch_seconds = torch_large_in_subprocess(folder)
            if torch_seconds is not None:
                best["PyTorch float32 loop"] = min(best["PyTorch float32 loop"], torch_seconds)
            best["plain numpy float32 loop"] = min(best["plain numpy float32 loop"], best_of(
                lambda: plain_numpy_loop(x, 5, 256, 0.001, tuple(large.LAYERS), _sigmoid,
                                         lambda a: a * (1 - a)), 1))
        trajectory = (folder / "large.npz").stat().st_size
        with np.load(folder / "large.npz", allow_pickle=False) as run:
            floor = sum(run[key].astype(np.float32).nbytes for key in run.files
                        if key == "x" or key == "codes" or key[0] in "Wb")
    print(f"\nlarge workload: {large.SAMPLES} x 784, layers {large.LAYERS}, Adam, batch 256, "
          "5 epochs")
    for name, seconds in best.items():
        if seconds < float("inf"):
            print(f"{name:45s} {seconds:7.2f} s")
    ours = best["aeviz train (whole process)"]
    if best["PyTorch float32 loop"] < float("inf"):
        print(f"aeviz vs PyTorch loop: {best['PyTorch float32 loop'] / ours:.2f}x "
              "(target >= 1.0x, aim 1.2x)")
    print(f"aeviz vs plain numpy float32 loop: {best['plain numpy float32 loop'] / ours:.2f}x")
    print(f"peak memory of aeviz train: {peak:.0f} MB (target <= 500 MB)")
    print(f"trajectory: {trajectory / 1e6:.1f} MB, {trajectory / floor:.3f}x the float32 size "
          "of data and snapshots (target <= 1.3x)")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * z))


if __name__ == "__main__":
    main()
