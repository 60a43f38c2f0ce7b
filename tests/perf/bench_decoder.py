"""What the decoder panel costs per frame, against a plain frame of the same run, measured side
by side in one run (target: at most 2x):

    python tests/perf/bench_decoder.py

  demo    the built-in experiment (4-D clusters, 400 samples): panels code, loss, weights
          against code, loss, weights, decoder (a sheet on the first two principal axes)
  digits  examples/digits.toml (1,797 8x8 images): code, loss, weights, recon against code,
          decoder, loss, recon (the 15 x 15 mosaic)

Each frame is drawn by blitting at 1280x720, as `aeviz render` draws it; the time per frame is
the best of three passes over 120 frames spread over the run. Says which BLAS kernel ran.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info

from aeviz.renderer.frames import Frame
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_default, load_experiment
from aeviz.training.loop import train

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FRAMES, PASSES = 120, 3


def per_frame(run, panels: tuple[str, ...]) -> float:
    """Seconds per blitted frame (best pass), after a first frame that draws the background."""
    view = RunView(run)
    end = float(view.timeline[-1])
    scene = Scene([view], RenderOptions(panels=panels), (0, end))
    indexes = np.linspace(0, len(view) - 1, FRAMES)
    frames = [Frame(float(np.interp(i, np.arange(len(view)), view.timeline)), (float(i),))
              for i in indexes]
    scene.draw(frames[0])
    best = np.inf
    for _ in range(PASSES):
        started = time.perf_counter()
        for frame in frames:
            scene.draw(frame)
        best = min(best, (time.perf_counter() - started) / FRAMES)
    return best


def main() -> None:
    kernels = {info.get("internal_api"): info.get("architecture") for info in threadpool_info()}
    print(f"BLAS: {kernels}")
    demo = train(load_default())
    digits = train(load_experiment(EXAMPLES / "digits.toml", ["train.epochs=40"]))
    cases = [("demo", demo, ("code", "loss", "weights"), ("code", "loss", "weights", "decoder")),
             ("digits", digits, ("code", "loss", "weights", "recon"),
              ("code", "decoder", "loss", "recon"))]
    for name, run, plain, with_decoder in cases:
        base, decoder = per_frame(run, plain), per_frame(run, with_decoder)
        print(f"{name:7s} plain {1000 * base:6.1f} ms/frame   with decoder "
              f"{1000 * decoder:6.1f} ms/frame   ratio {decoder / base:.2f}x (target <= 2x)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
