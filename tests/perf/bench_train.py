"""Training speed on the reference workload, measured side by side in one run.

    python tests/perf/bench_train.py

Prints seconds and ratios for: aeviz's trainer recording every epoch; the same recording only
the first and last epoch (the cost of recording); a plain numpy loop of the same math (the
floor); and an idiomatic PyTorch CPU loop of the same model (skipped if torch is missing:
`pip install torch` to include it). Best of several interleaved repeats, to dampen the
noise of a shared machine.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference import reference_experiment  # noqa: E402

from aeviz.data import load_data  # noqa: E402
from aeviz.train import train  # noqa: E402

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


def plain_numpy_loop(x: np.ndarray, epochs: int = 300, batch: int = 32, lr: float = 0.005):
    """The same model and Adam, written as one flat loop with no recording."""
    rng = np.random.default_rng(0)
    sizes = [6, 8, 2, 8, 6]
    ws = [rng.uniform(-1, 1, (o, i)) * np.sqrt(6 / (o + i)) for i, o in zip(sizes, sizes[1:])]
    bs = [np.zeros(o) for o in sizes[1:]]
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
                acts.append(z if layer == 3 else np.tanh(z))
            delta = 2 * (acts[-1] - xb) / xb.size
            grads_w, grads_b = [None] * 4, [None] * 4
            for layer in range(3, -1, -1):
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
        np.sqrt(np.mean((_forward(ws, bs, x) - x) ** 2))  # the per-epoch loss, as aeviz has


def _forward(ws, bs, x):
    a = x
    for layer, (w, b) in enumerate(zip(ws, bs)):
        a = a @ w.T + b
        a = a if layer == 3 else np.tanh(a)
    return a


def torch_loop(x: np.ndarray, epochs: int = 300, batch: int = 32):
    """What a user would write in PyTorch for the same model, on the CPU."""
    import torch

    torch.manual_seed(0)
    torch.set_num_threads(1)
    data = torch.tensor(x, dtype=torch.float64)
    model = torch.nn.Sequential(
        torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2), torch.nn.Tanh(),
        torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 6)).double()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
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
            "from aeviz.data import load_data; x = load_data(b.reference_experiment()).x; "
            "print(b.best_of(lambda: b.torch_loop(x)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if result.returncode != 0:
        return None
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
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
              "(target >= 3x)")


if __name__ == "__main__":
    main()
