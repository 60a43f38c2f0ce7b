"""Redraw every picture of the README's gallery with the current renderer.

Run from the repository's root: `python examples/gallery/redraw.py`. It trains the examples it
needs into a temporary folder (a few seconds each) and overwrites the PNGs beside this file;
`viewer.png` is the scrubbing viewer, driven under Agg as tests/test_viewer.py does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import aeviz  # noqa: E402
from aeviz.renderer.viewer import Viewer  # noqa: E402
from aeviz.settings import RenderOptions  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent
GALLERY = EXAMPLES / "gallery"
OPTIMIZERS = ["sgd", "momentum", "rmsprop", "adam"]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        runs = {}
        for name in ["seed-default", "iris", "linear-vs-pca", "too-high-learning-rate",
                     "digits"] + [f"optimizers-{o}" for o in OPTIMIZERS]:
            path = Path(folder) / f"{name}.npz"
            aeviz.train(EXAMPLES / f"{name}.toml").save(path)
            runs[name] = aeviz.load(path)
        draw(runs)


def draw(runs: dict) -> None:
    """Each picture, as the README describes it."""
    aeviz.render(runs["seed-default"], GALLERY / "seed-default.png", epoch=60)
    aeviz.render([runs[f"optimizers-{o}"] for o in OPTIMIZERS],
                 GALLERY / "optimizers-comparison.png", epoch=100)
    aeviz.render(runs["iris"], GALLERY / "iris-dark.png", theme="dark")
    aeviz.render(runs["linear-vs-pca"], GALLERY / "linear-vs-pca.png")
    aeviz.render(runs["seed-default"], GALLERY / "trails-reconstruction.png", epoch=70,
                 size="960x540", trails=10, panels=["code", "loss", "recon"])
    # Mini-batch 11 of 13: the codes have run off to about -750 on limits that followed them.
    aeviz.render(runs["too-high-learning-rate"], GALLERY / "divergence-batches.png",
                 epoch=11 / 13)
    aeviz.render(runs["digits"], GALLERY / "digits.png")
    draw_viewer(runs["seed-default"], GALLERY / "viewer.png", frame=120)


def draw_viewer(run, output: Path, frame: int) -> None:
    """The window `aeviz view` opens (960x520 panels and the controls), at `frame`."""
    figure = Figure(figsize=(9.6, 5.8), dpi=100)
    FigureCanvasAgg(figure)
    viewer = Viewer([run], RenderOptions(size="960x520"), figure)
    viewer.slider.set_val(frame)
    figure.savefig(output, dpi=100)


if __name__ == "__main__":
    main()
