"""Peak resident memory of `aeviz train`, `aeviz render` and `aeviz batch` of one big experiment
(4000 samples, 48-512-2-512-48, a few hundred epochs, every epoch recorded).

The peak is of the whole process tree (the command, its batch workers, ffmpeg), summed RSS
and summed PSS, sampled every 20 ms. `batch` should peak no higher than the larger of `train`
and `render` plus the batch process itself (its own peak is printed too). Not collected by
pytest:

    python tests/perf/bench_memory.py [--epochs 500]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXPERIMENT = """title = "memory benchmark"
[data]
normalize = "global"
seed = 1
{clusters}
[model]
layers = [48, 512, 2, 512, 48]
activation = "tanh"
[train]
optimizer = "adam"
learning_rate = 0.001
batch_size = 64
epochs = {epochs}
[render]
size = "640x360"
fps = 10
duration = 6
"""


def experiment_text(epochs: int) -> str:
    clusters = "\n".join(f"[[data.clusters]]\nn = 1000\nmean = {[round(0.1 * ((i * 7 + k) % 11) - 0.5, 2) for k in range(48)]}\nstd = 0.1"  # noqa: E501
                         for i in range(4))
    return EXPERIMENT.format(clusters=clusters, epochs=epochs)


def tree(root: int) -> list[int]:
    """`root` and its descendants."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(text[text.rindex(")") + 2:].split()[1])
            parents.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def resident(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in bytes: PSS shares the pages a forked worker has in common
    with its parent between the two, where summing RSS counts them twice."""
    sizes = {"Rss:": 0, "Pss:": 0}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.split(maxsplit=1)[0] in sizes:
                sizes[line.split()[0]] = int(line.split()[1]) * 1024
    except (OSError, IndexError):
        pass
    return sizes["Rss:"], sizes["Pss:"]


def peak(command: list[str], cwd: Path) -> tuple[int, int, int, float]:
    """(peak summed RSS of the tree, peak summed PSS, peak RSS of the command's own process,
    seconds)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL)
    rss_peak = pss_peak = own_peak = 0
    while process.poll() is None:
        sizes = [resident(pid) for pid in tree(process.pid)]
        rss_peak = max(rss_peak, sum(rss for rss, _ in sizes))
        pss_peak = max(pss_peak, sum(pss for _, pss in sizes))
        own_peak = max(own_peak, resident(process.pid)[0])
        time.sleep(0.02)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)}: exit status {process.returncode}")
    return rss_peak, pss_peak, own_peak, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=500)
    args = parser.parse_args()
    aeviz = [sys.executable, "-m", "aeviz"]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "exps").mkdir()
        (folder / "exps" / "big.toml").write_text(experiment_text(args.epochs))
        env_note = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS",)}
        train = peak([*aeviz, "train", "exps/big.toml", "-o", "big.npz", "-q"], folder)
        size = (folder / "big.npz").stat().st_size
        render = peak([*aeviz, "render", "big.npz", "-o", "big.mp4", "-q"], folder)
        batch = peak([*aeviz, "batch", "exps", "-o", "clips", "-q", "--jobs", "1"], folder)
    mb = 1e6
    print(f"experiment: 4000 x 48, 48-512-2-512-48, {args.epochs} epochs; trajectory "
          f"{size / mb:.0f} MB; {env_note}")
    for name, (rss, pss, own, seconds) in (("train", train), ("render", render),
                                           ("batch", batch)):
        print(f"{name:7s} peak RSS {rss / mb:6.0f} MB, PSS {pss / mb:6.0f} MB (its own process "
              f"{own / mb:4.0f} MB)  {seconds:6.1f} s")
    for index, kind in ((0, "RSS"), (1, "PSS")):
        bound = max(train[index], render[index]) + batch[2]
        print(f"{kind}: batch / (max(train, render) + batch process) = "
              f"{batch[index] / bound:.2f}")


if __name__ == "__main__":
    main()
