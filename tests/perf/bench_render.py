"""Rendering speed on the reference trajectory (301 snapshots, 600 points, layers
[6, 8, 2, 8, 6]) at 1280x720, measured side by side in one run:

    python tests/perf/bench_render.py

  aeviz      `aeviz render` of all 301 frames to MP4
  (a)        what a user would write instead: matplotlib's FuncAnimation updating the artists
             of the same three panels, saved with FFMpegWriter (timed on 60 frames)
  (b)        the floor: encoding pre-drawn frames alone with aeviz's MP4 settings

the lecture features against a plain render of one run (target: within 2x per frame)

  comparison  three reference runs (Adam, RMSProp, SGD) side by side
  trails      --trails 10 --smooth 2

and the peak memory of renders of 100 and 301 frames (it must not grow with frames).

`--large` (or after the above): the large training workload's trajectory (tests/perf/large.py:
20000 x 784 images, 6 snapshots) rendered to MP4 with the image reconstruction strip (target
<= 5 s, <= 700 MB), and the per-frame time of a 70,000-point code plane against the
600-point reference (target <= 2x).
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import large  # noqa: E402
from bench_train import timed_process  # noqa: E402
from reference import reference_experiment  # noqa: E402

from aeviz.renderer import render  # noqa: E402
from aeviz.renderer.frames import plan_frames  # noqa: E402
from aeviz.renderer.scene import Scene  # noqa: E402
from aeviz.renderer.views import RunView  # noqa: E402
from aeviz.renderer.writers import Mp4Writer, ffmpeg_exe  # noqa: E402
from aeviz.settings import RenderOptions  # noqa: E402
from aeviz.training.loop import train  # noqa: E402

FUNCANIMATION_FRAMES = 60
REPEATS = 3


def funcanimation(run, path: Path, frames: int) -> None:
    """The straightforward matplotlib way: FuncAnimation + FFMpegWriter, full redraws."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.animation import FFMpegWriter, FuncAnimation
    from matplotlib.collections import LineCollection

    matplotlib.rcParams["animation.ffmpeg_path"] = ffmpeg_exe()
    fig, (ax_code, ax_loss, ax_w) = plt.subplots(1, 3, figsize=(12.8, 7.2), dpi=100)
    scatter = ax_code.scatter(run.codes[0, :, 0], run.codes[0, :, 1], c=run.labels, s=8,
                              cmap="tab10")
    ax_code.set_xlim(run.codes[..., 0].min(), run.codes[..., 0].max())
    ax_code.set_ylim(run.codes[..., 1].min(), run.codes[..., 1].max())
    ax_code.set_aspect("equal", adjustable="datalim")
    ax_loss.plot(run.epoch, run.loss, alpha=0.3)
    (line,) = ax_loss.plot([], [])
    (marker,) = ax_loss.plot([], [], "o")
    sizes = run.layer_sizes
    pos = [np.column_stack([np.full(n, i), np.arange(n) - (n - 1) / 2])
           for i, n in enumerate(sizes)]
    segments = [[pos[i][a], pos[i + 1][b]] for i in range(len(sizes) - 1)
                for b in range(sizes[i + 1]) for a in range(sizes[i])]
    edges = LineCollection(segments, cmap="RdBu_r")
    edges.set_clim(-2, 2)
    ax_w.add_collection(edges)
    neurons = ax_w.scatter(*np.concatenate(pos).T, s=200, c=np.zeros(sum(sizes)),
                           cmap="RdBu_r", vmin=-2, vmax=2, zorder=3)
    ax_w.set_xlim(-0.5, len(sizes) - 0.5)
    ax_w.set_ylim(-5, 5)
    fig.colorbar(neurons, ax=ax_w)
    title = fig.suptitle("")

    def update(i):
        scatter.set_offsets(run.codes[i])
        line.set_data(run.epoch[:i + 1], run.loss[:i + 1])
        marker.set_data([run.epoch[i]], [run.loss[i]])
        w = np.concatenate([run.weights[k][i].ravel() for k in range(len(sizes) - 1)])
        edges.set_array(w)
        edges.set_linewidths(np.abs(w) * 2)
        b = np.concatenate([np.zeros(sizes[0])] + [bb[i] for bb in run.biases])
        neurons.set_array(b)
        title.set_text(f"epoch {run.epoch[i]}")
        return scatter, line, marker, edges, neurons, title

    animation = FuncAnimation(fig, update, frames=frames, blit=True)
    animation.save(str(path), writer=FFMpegWriter(fps=30))
    plt.close(fig)


def best_per_frame(render_once, repeats: int = REPEATS) -> float:
    """Best seconds per frame of `repeats` renders."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        frames = render_once()
        best = min(best, (time.perf_counter() - start) / len(frames))
    return best


def encode_only(frames: list[bytes], count: int, path: Path) -> None:
    writer = Mp4Writer(path, (1280, 720), 30)
    writer.setup()
    for i in range(count):
        writer.grab_frame(frames[i % len(frames)])
    writer.finish()


def peak_memory_mb(frames: int, trajectory: Path, out: Path) -> float:
    """Peak resident memory of a separate process rendering `frames` frames."""
    code = ("import sys, resource; from aeviz import trajectory; from aeviz.renderer import render;"
            "from aeviz.settings import RenderOptions;"
            f"render([trajectory.load({str(trajectory)!r})], {str(out)!r}, "
            f"RenderOptions(duration={frames} / 30));"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    return int(result.stdout.split()[-1]) / 1024


def main() -> None:
    if "--large" not in sys.argv:
        reference_renders()
    large_renders()


def many_points(run, samples: int = 70_000):
    """The reference run with its 600 samples repeated, jittered, to `samples` points."""
    rng = np.random.default_rng(0)
    picks = np.arange(samples) % len(run.x)
    jitter = rng.normal(0, 0.02, (samples, 2)).astype(np.float32)
    return dataclasses.replace(run, x=run.x[picks], labels=run.labels[picks],
                               codes=run.codes[:, picks] + jitter)


def large_renders() -> None:
    run = train(reference_experiment())
    big = many_points(run)
    options = RenderOptions(panels=("code", "loss", "weights"))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        experiment = large.write_experiment(folder)
        subprocess.run([sys.executable, "-m", "aeviz", "train", str(experiment), "-q", "-o",
                        str(folder / "large.npz")], check=True)
        command = [sys.executable, "-m", "aeviz", "render", str(folder / "large.npz"), "-q",
                   "-o", str(folder / "large.mp4")]
        small_frame = big_frame = seconds = megabytes = float("inf")
        for _ in range(REPEATS):
            small_frame = min(small_frame, best_per_frame(
                lambda: render([run], folder / "s.mp4", options), 1))
            big_frame = min(big_frame, best_per_frame(
                lambda: render([big], folder / "b.mp4", options), 1))
            wall, peak = timed_process(command)
            seconds, megabytes = min(seconds, wall), min(megabytes, peak)
    print(f"\nlarge trajectory ({large.SAMPLES} x 784, 6 snapshots, panels code, loss, "
          f"weights, recon): aeviz render to MP4 {seconds:.2f} s (target <= 5 s), "
          f"peak memory {megabytes:.0f} MB (target <= 700 MB)")
    print(f"code plane of 70,000 points      {big_frame * 1000:7.1f} ms/frame, "
          f"{big_frame / small_frame:.2f}x the 600-point one ({small_frame * 1000:.1f} ms; "
          "target <= 2x)")


def reference_renders() -> None:
    run = train(reference_experiment())
    options = RenderOptions()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        frames = plan_frames([RunView(run).timeline], options)

        start = time.perf_counter()
        funcanimation(run, folder / "funcanimation.mp4", FUNCANIMATION_FRAMES)
        theirs = (time.perf_counter() - start) / FUNCANIMATION_FRAMES

        scene = Scene([RunView(run)], options, (0, 300))
        drawn = [bytes(scene.draw(f)) for f in frames[::10]]  # distinct, realistic frames
        # aeviz and the floor take turns, best of three each: a slow spell of a shared
        # machine then hits both alike.
        ours = floor = float("inf")
        for _ in range(REPEATS):
            start = time.perf_counter()
            render([run], folder / "aeviz.mp4", options)
            ours = min(ours, (time.perf_counter() - start) / len(frames))
            start = time.perf_counter()
            encode_only(drawn, len(frames), folder / "floor.mp4")
            floor = min(floor, (time.perf_counter() - start) / len(frames))

        others = [train(reference_experiment(train={"optimizer": name, "learning_rate": lr}))
                  for name, lr in (("rmsprop", 0.005), ("sgd", 0.1))]
        comparison = best_per_frame(lambda: render([run, *others], folder / "c.mp4", options))
        trails = best_per_frame(lambda: render([run], folder / "t.mp4",
                                               RenderOptions(trails=10, smooth=2)))

        run.save(folder / "run.npz")
        memory = {n: peak_memory_mb(n, folder / "run.npz", folder / "m.mp4") for n in (100, 301)}

    print(f"frames: {len(frames)} at 1280x720")
    print(f"aeviz render                     {ours * 1000:7.1f} ms/frame")
    print(f"(a) FuncAnimation + FFMpegWriter {theirs * 1000:7.1f} ms/frame")
    print(f"(b) encoding pre-drawn frames    {floor * 1000:7.1f} ms/frame")
    print(f"aeviz vs (a): {theirs / ours:.1f}x faster (target >= 8x)")
    print(f"aeviz vs (b): {ours / floor:.2f}x the floor (target <= 2x)")
    print(f"comparison of 3 runs             {comparison * 1000:7.1f} ms/frame, "
          f"{comparison / ours:.2f}x a plain render (target <= 2x)")
    print(f"--trails 10 --smooth 2           {trails * 1000:7.1f} ms/frame, "
          f"{trails / ours:.2f}x a plain render (target <= 2x)")
    print(f"peak memory: {memory[100]:.0f} MB for 100 frames, {memory[301]:.0f} MB for 301 "
          "frames")


if __name__ == "__main__":
    main()
