"""WebM (VP9) encoder settings against MP4, on the reference trajectory (301 snapshots, 600
points) at 1280x720, measured side by side in one run:

    python tests/perf/bench_webm.py [SECONDS]

For each VP9 setting: the render's seconds and its ratio to MP4's (target <= 2x), the file's
size against MP4's, its PSNR against the drawn frames (of the MP4 at CRF 18, near-lossless),
and whether a second render gives the same bytes (required). SECONDS: the clip's duration
(default 4, which keeps the slow settings bearable; the clip default is 12).
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference import reference_experiment  # noqa: E402

from aeviz.renderer import render, writers  # noqa: E402
from aeviz.settings import RenderOptions  # noqa: E402
from aeviz.training.loop import train  # noqa: E402

COMMON = ["-an", "-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-crf", str(writers.WEBM_CRF),
          "-b:v", "0", "-g", "250", "-flags", "+bitexact", "-fflags", "+bitexact"]
CANDIDATES = {
    "before: good, cpu-used 5, 1 thread": ["-deadline", "good", "-cpu-used", "5",
                                          "-threads", "1", "-row-mt", "0"],
    "good, cpu-used 5, 2 tile threads": ["-deadline", "good", "-cpu-used", "5", "-threads",
                                         "2", "-tile-columns", "1", "-row-mt", "0"],
    "realtime, cpu-used 8, 1 thread": ["-deadline", "realtime", "-cpu-used", "8",
                                       "-threads", "1", "-row-mt", "0"],
    "chosen: realtime, cpu-used 5, 1 thread": None,  # aeviz's WebmWriter
}


def psnr(clip: Path, reference: Path) -> str:
    """The clip's average PSNR (dB) against the reference's frames, by ffmpeg."""
    import subprocess

    result = subprocess.run(
        [writers.ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(clip), "-i", str(reference),
         "-lavfi", "[0:v]format=yuv420p[a];[1:v]format=yuv420p[b];[a][b]psnr", "-f", "null",
         "-"], capture_output=True, text=True)
    found = [part for part in result.stderr.split() if part.startswith("average:")]
    return found[-1].split(":")[1] + " dB" if found else "?"


def timed_render(run, path: Path, options: RenderOptions) -> tuple[float, str]:
    started = time.perf_counter()
    render([run], path, options)
    return time.perf_counter() - started, hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    from threadpoolctl import threadpool_info

    print("BLAS:", ", ".join(f"{i['internal_api']} {i.get('architecture', '')}"
                             for i in threadpool_info()))
    run = train(reference_experiment())
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 4.0
    options = RenderOptions(duration=duration, hold=0.0)
    chosen = writers.WebmWriter.output_args
    with tempfile.TemporaryDirectory() as folder:
        mp4_seconds, _ = timed_render(run, Path(folder) / "a.mp4", options)
        print(f"clip of {duration:g} s at 30 fps, 1280x720")
        mp4_size = (Path(folder) / "a.mp4").stat().st_size
        print(f"{'MP4 (x264 veryfast)':40s} {mp4_seconds:6.1f} s  1.00x  "
              f"{mp4_size / 1e6:5.2f} MB")
        for name, args in CANDIDATES.items():
            writers.WebmWriter.output_args = (chosen if args is None else
                                              lambda self, a=args: [*COMMON, *a, "-f", "webm"])
            path = Path(folder) / "a.webm"
            seconds, first = timed_render(run, path, options)
            size = path.stat().st_size
            quality = psnr(path, Path(folder) / "a.mp4")
            _, second = timed_render(run, path, options)
            print(f"{name:40s} {seconds:6.1f} s  {seconds / mp4_seconds:4.2f}x  "
                  f"{size / 1e6:5.2f} MB ({size / mp4_size:4.2f}x MP4)  {quality}  "
                  f"{'same bytes on rerun' if first == second else 'DIFFERENT BYTES ON RERUN'}")
        writers.WebmWriter.output_args = chosen


if __name__ == "__main__":
    main()
