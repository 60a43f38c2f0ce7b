"""Scene building on inputs whose drawing work used to grow without bound, against a plain
small run measured in the same process (target: each within a few times the plain one):

    python tests/perf/bench_bounds.py

  title2000      a 2,000-character title (was 61 s: the text re-measured one cut at a time)
  batch500       a 500-digit batch size in the header (was 80 s)
  names3000      six feature names of 3,000 characters, weights and recon panels (minutes)
  labels1000     1,000 classes (was 3.7 s; past 50 classes there is no legend)
  labels100k     100,000 classes (never finished)
  pca10x12000    PCA of 10 samples x 12,000 features (was 167 s and 5.7 GB)
  recon5000      5,000 features in the reconstruction panel
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import aeviz  # noqa: E402
from aeviz import trajectory  # noqa: E402
from aeviz.renderer.frames import Frame  # noqa: E402
from aeviz.renderer.scene import Scene  # noqa: E402
from aeviz.renderer.views import RunView  # noqa: E402
from aeviz.settings import RenderOptions  # noqa: E402
from aeviz.settings.tomlwriter import dump_toml  # noqa: E402


def csv(path: Path, x: np.ndarray, labels=None, header=None) -> str:
    header = header or [f"f{i}" for i in range(x.shape[1])]
    lines = [",".join(header + (["label"] if labels is not None else []))]
    lines += [",".join(f"{v:.4f}" for v in row) + (f",{labels[i]}" if labels is not None else "")
              for i, row in enumerate(x)]
    path.write_text("\n".join(lines) + "\n")
    return path.name


def run(folder: Path, name: str, data: dict, layers: list[int], title: str = "t"):
    document = {"title": title, "data": data, "model": {"layers": layers, "activation": "tanh"},
                "train": {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 8,
                          "epochs": 1, "seed": 1}}
    (folder / f"{name}.toml").write_text(dump_toml(document))
    aeviz.train(str(folder / f"{name}.toml")).save(folder / f"{name}.npz")
    return trajectory.load(folder / f"{name}.npz")


def seconds(loaded, **options) -> float:
    start = time.perf_counter()
    view = RunView(loaded)
    scene = Scene([view], RenderOptions(**options), (0, float(view.timeline[-1])))
    scene.draw(Frame(float(view.timeline[-1]), (float(len(view) - 1),)))
    return time.perf_counter() - start


def main() -> None:
    rng = np.random.default_rng(0)
    clusters = {"seed": 1, "clusters": [{"n": 40, "mean": [0.5, 0, 0.2], "std": 0.1}]}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        plain = run(folder, "plain", clusters, [3, 2, 3])
        batch = run(folder, "batch", clusters, [3, 2, 3])
        cases = {
            "title2000": (run(folder, "title", clusters, [3, 2, 3], "W" * 2000), {}),
            "batch500": (batch, {}),
            "names3000": (run(folder, "names", {"file": csv(
                folder / "n.csv", rng.normal(size=(40, 6)),
                header=[f"f{i}" + "x" * 3000 for i in range(6)])}, [6, 2, 6]),
                {"panels": ("code", "loss", "weights", "recon")}),
            "labels1000": (run(folder, "l1k", {"file": csv(
                folder / "l1k.csv", rng.normal(size=(2000, 3)),
                [f"c{i % 1000}" for i in range(2000)]), "label_column": "label"}, [3, 2, 3]),
                {}),
            "labels100k": (run(folder, "l100k", {"file": csv(
                folder / "l100k.csv", rng.normal(size=(100_000, 3)),
                [f"c{i}" for i in range(100_000)]), "label_column": "label"}, [3, 2, 3]), {}),
            "pca10x12000": (run(folder, "wide", {"file": csv(
                folder / "w.csv", rng.normal(size=(10, 12_000)))}, [12_000, 2, 12_000]), {}),
            "recon5000": (run(folder, "r5k", {"file": csv(
                folder / "r.csv", rng.normal(size=(20, 5000)))}, [5000, 2, 5000]),
                {"panels": ("code", "loss", "recon")}),
        }
        reference = seconds(plain)
        print(f"plain run: {reference:.2f} s")
        for case, (loaded, options) in cases.items():
            kind = type(loaded)
            stored = kind.batch_size
            if case == "batch500":  # as a tampered file says
                kind.batch_size = property(lambda self: 10**500)
            try:
                took = seconds(loaded, **options)
            finally:
                kind.batch_size = stored
            print(f"{case:12s} {took:6.2f} s  {took / reference:5.1f}x plain")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
        print(f"peak memory of the whole run: {peak:.0f} MB")


if __name__ == "__main__":
    main()
