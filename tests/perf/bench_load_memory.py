"""Render memory against the number of snapshots: trajectories are read in place (members
mapped, pages let go as the clip moves on), so a render's peak resident memory should not grow
with the run's length.

    python tests/perf/bench_load_memory.py [--epochs 1000] [--keep DIR]

Trains 4000 samples, layers 48-512-2-512-48, for --epochs epochs (1000: a 240 MB trajectory;
that takes minutes), writes a copy cut to half its snapshots, and renders each, and a tiny run,
to MP4 in a subprocess; prints each render's peak resident memory (ru_maxrss of the child,
ffmpeg included) and the ratios against the tiny run's, measured in the same run.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np


def experiment(epochs: int) -> str:
    rng = np.random.default_rng(0)
    lines = ['title = "memory: a long trajectory"', "[data]", "seed = 1"]
    for _ in range(4):
        mean = np.round(rng.normal(0, 1, 48), 3).tolist()
        lines += ["[[data.clusters]]", "n = 1000", f"mean = {mean}", "std = 0.3"]
    lines += ["[model]", "layers = [48, 512, 2, 512, 48]", "[train]", f"epochs = {epochs}",
              "batch_size = 256"]
    return "\n".join(lines) + "\n"


MEASURE = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
           "stdout=subprocess.DEVNULL); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_of(args: list) -> float:
    """Peak resident memory (MB) of `args` run as the only child of a fresh process (the
    children's ru_maxrss is a running maximum, so each measurement gets its own parent)."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *map(str, args)], check=True,
                         capture_output=True, text=True).stdout
    return int(out.split()[-1]) / 1024


def cut(source: Path, target: Path, snapshots: int) -> None:
    from aeviz import trajectory

    run = trajectory.load(source)
    trajectory.Trajectory(**{**{f.name: getattr(run, f.name)
                               for f in dataclasses.fields(run)},
                            "epoch": run.epoch[:snapshots], "step": run.step[:snapshots],
                            "loss": run.loss[:snapshots], "codes": run.codes[:snapshots],
                            "weights": [w[:snapshots] for w in run.weights],
                            "biases": [b[:snapshots] for b in run.biases]}).save(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="a folder to keep (and reuse) the runs in")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="aeviz-memory-"))
    folder.mkdir(exist_ok=True)
    aeviz = [sys.executable, "-m", "aeviz"]
    full = folder / f"long-{args.epochs}.npz"
    if not full.exists():
        (folder / "long.toml").write_text(experiment(args.epochs))
        subprocess.run([*aeviz, "train", folder / "long.toml", "-o", full, "-q"], check=True)
    half = folder / f"half-{args.epochs}.npz"
    if not half.exists():
        cut(full, half, args.epochs // 2 + 1)
    tiny = folder / "tiny.npz"
    if not tiny.exists():
        (folder / "tiny.toml").write_text(experiment(3).replace("n = 1000", "n = 10"))
        subprocess.run([*aeviz, "train", folder / "tiny.toml", "-o", tiny, "-q"], check=True)
    from threadpoolctl import threadpool_info

    print("BLAS:", ", ".join(f"{i['internal_api']} {i.get('architecture', '')}"
                             for i in threadpool_info()))
    peaks = {}
    for name, path in (("tiny", tiny), ("half", half), ("full", full)):
        size = path.stat().st_size / 1e6
        peaks[name] = peak_of([*aeviz, "render", str(path), "-o", str(folder / f"{name}.mp4"),
                               "-q"])
        print(f"{name:5s} {size:7.1f} MB trajectory: render peak {peaks[name]:6.0f} MB "
              f"({peaks[name] / peaks['tiny']:.2f}x the tiny run's)")


if __name__ == "__main__":
    main()
