"""Frame writers: MP4, WebM, animated WebP and GIF through the ffmpeg that imageio-ffmpeg
ships, PNG through imageio (PDF and SVG stills are `vector`'s, pages are `page`'s).

Each is shaped like matplotlib's movie writers (setup / grab_frame / finish), but is fed RGBA
bytes of a fixed size rather than a figure, so it knows nothing of what a frame shows. Output
goes to a temporary file beside the target and is renamed onto it only when the writer
finished cleanly.
"""

from __future__ import annotations

import queue
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from aeviz.errors import AevizError
from aeviz.files import AtomicFile, atomic_path
from aeviz.signals import deferred

if TYPE_CHECKING:
    from aeviz.settings import RenderOptions

# Pinned so that the same frames give byte-identical files: x264's output depends on its thread
# count, which by default follows the machine's cores.
ENCODER_THREADS = 1
WEBM_CRF = 32
WEBP_QUALITY = ["-lossless", "0", "-quality", "75", "-pix_fmt", "yuv420p"]


def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as error:
        raise AevizError(f"cannot find ffmpeg (it comes with the imageio-ffmpeg package: "
                         f"pip install imageio-ffmpeg): {error}") from None


def _ffmpeg_reading_frames(size: tuple[int, int], fps: float) -> list[str]:
    """An ffmpeg command line up to its first input: raw RGBA frames on standard input."""
    width, height = size
    return [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{width}x{height}", "-r", f"{fps:g}",
            "-i", "pipe:0"]


def _reason(stderr: bytes, returncode: int) -> str:
    """ffmpeg's last error line, which names the problem; else its exit status."""
    lines = stderr.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else f"exit status {returncode}"


class FFmpegWriter:
    """Streams frames into an ffmpeg process that encodes while the next frame is drawn."""

    def __init__(self, path: str | Path, size: tuple[int, int], fps: float):
        self.path, self.size, self.fps = Path(path), size, fps
        self._output: AtomicFile | None = None
        self._process: subprocess.Popen | None = None
        self._log = None
        self._feeder: threading.Thread | None = None
        self._broken = False

    def output_args(self) -> list[str]:
        raise NotImplementedError

    def extra_inputs(self) -> list[str]:
        return []

    def setup(self) -> None:
        self._log = tempfile.TemporaryFile()  # a file, not a pipe: ffmpeg can never block on it
        # Deferred: a signal inside Popen would lose ffmpeg's pid, and ffmpeg would go on
        # writing a temporary file that abort() cannot know of.
        with deferred():
            self._output = AtomicFile(self.path)
            command = [*_ffmpeg_reading_frames(self.size, self.fps), *self.extra_inputs(),
                       *self.output_args(), str(self._output.temp)]
            self._process = subprocess.Popen(command, stdin=subprocess.PIPE,
                                             stdout=subprocess.DEVNULL, stderr=self._log)
        # A thread feeds the pipe: the write waits for ffmpeg to take 3.7 MB (at 720p), and
        # meanwhile the next frame is drawn. Two frames in flight bound the memory.
        self._frames: queue.Queue = queue.Queue(maxsize=2)
        self._feeder = threading.Thread(target=self._feed, daemon=True)
        self._feeder.start()

    def _feed(self) -> None:
        while (frame := self._frames.get()) is not None:
            try:
                self._process.stdin.write(frame)
            except (BrokenPipeError, OSError):
                self._broken = True

    def grab_frame(self, rgba: memoryview | bytes) -> None:
        if self._broken:
            self._fail()
        self._frames.put(bytes(rgba))  # a copy: the canvas buffer is redrawn right away

    def finish(self) -> None:
        self._frames.put(None)
        self._feeder.join()
        if not self._broken:
            self._process.stdin.close()
        if self._broken or self._process.wait() != 0:
            self._fail()
        self._log.close()
        self._output.commit()

    def abort(self) -> None:
        """Stop ffmpeg and remove the temporary file (after an error or Ctrl-C)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._feeder is not None and self._feeder.is_alive():
            while not self._frames.empty():  # unblock the feeder, then let it end
                self._frames.get_nowait()
            self._frames.put(None)
            self._feeder.join()
        if self._output is not None:
            self._output.discard()

    def _fail(self) -> None:
        self._process.wait()
        self._log.seek(0)
        reason = _reason(self._log.read(), self._process.returncode)
        self.abort()
        raise AevizError(f"{self.path}: ffmpeg failed: {reason}")


class Mp4Writer(FFmpegWriter):
    """H.264 in yuv420p with the index up front (+faststart): plays in browsers and slides."""

    def output_args(self) -> list[str]:
        # veryfast: as small a file as "medium" for these flat drawings, in half the time.
        return ["-an", "-c:v", "libx264", "-preset", "veryfast", "-tune", "animation",
                "-crf", "18", "-pix_fmt", "yuv420p", "-threads", str(ENCODER_THREADS),
                "-movflags", "+faststart", "-f", "mp4"]


class WebmWriter(FFmpegWriter):
    """VP9 in WebM, for web slides and course pages."""

    def output_args(self) -> list[str]:
        # Constant quality (-b:v 0 with -crf); one thread and no row threading, so that the
        # same frames give the same bits; bitexact keeps the muxer's random ids and dates out.
        # The realtime deadline at cpu-used 5 encodes these drawings about 8x faster than
        # "good" (as fast as x264 veryfast) at the same PSNR, in a file about 17% larger
        # (tests/perf/bench_webm.py); "good" at cpu-used 5 to 8 gives identical, slow output,
        # and a second thread (tiles or row-mt) saves nothing on two busy cores.
        return ["-an", "-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-crf", str(WEBM_CRF),
                "-b:v", "0", "-deadline", "realtime", "-cpu-used", "5", "-g", "250",
                "-threads", str(ENCODER_THREADS), "-row-mt", "0",
                "-flags", "+bitexact", "-fflags", "+bitexact", "-f", "webm"]


class WebpWriter(FFmpegWriter):
    """An animated WebP that loops forever: a GIF's stand-in (about 15% smaller here)."""

    def output_args(self) -> list[str]:
        return ["-an", "-c:v", "libwebp_anim", *WEBP_QUALITY, "-loop", "0",
                "-flags", "+bitexact", "-fflags", "+bitexact", "-f", "webp"]


class GifWriter(FFmpegWriter):
    """A looping GIF with one palette for the whole clip, made from sample frames.

    ffmpeg's palettegen needs every frame before the first can be written; a palette from a few
    frames spread over the clip keeps memory flat and the colors steady from frame to frame.
    """

    def __init__(self, path: str | Path, size: tuple[int, int], fps: float,
                 palette_frames: Sequence[bytes]):
        super().__init__(path, size, fps)
        self._palette_dir = tempfile.TemporaryDirectory()
        self._palette = Path(self._palette_dir.name) / "palette.png"
        result = subprocess.run(
            [*_ffmpeg_reading_frames(size, fps), "-vf", "palettegen=stats_mode=full",
             "-frames:v", "1", "-update", "1", str(self._palette)],
            input=b"".join(bytes(f) for f in palette_frames), capture_output=True)
        if result.returncode != 0:
            raise AevizError(f"{self.path}: ffmpeg failed making the GIF palette: "
                             f"{_reason(result.stderr, result.returncode)}")

    def extra_inputs(self) -> list[str]:
        return ["-i", str(self._palette)]

    def output_args(self) -> list[str]:
        return ["-lavfi", "[0:v][1:v]paletteuse=dither=sierra2_4a:diff_mode=rectangle",
                "-loop", "0", "-f", "gif"]

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self._palette_dir.cleanup()

    def abort(self) -> None:
        super().abort()
        self._palette_dir.cleanup()


class PngWriter:
    """A single frame as a PNG (for slides and handouts)."""

    def __init__(self, path: str | Path, size: tuple[int, int]):
        self.path, self.size = Path(path), size
        self._frame: np.ndarray | None = None

    def setup(self) -> None:
        pass

    def grab_frame(self, rgba: memoryview | bytes) -> None:
        width, height = self.size
        self._frame = np.frombuffer(bytes(rgba), np.uint8).reshape(height, width, 4)[..., :3]

    def finish(self) -> None:
        import imageio.v3 as iio

        with atomic_path(self.path) as temp:
            iio.imwrite(temp, self._frame, extension=".png")

    def abort(self) -> None:
        pass


class Writer(Protocol):
    """What every writer does, as matplotlib's movie writers do."""

    def setup(self) -> None: ...
    def grab_frame(self, rgba: memoryview | bytes) -> None: ...
    def finish(self) -> None: ...
    def abort(self) -> None: ...


# The writers by the output's suffix: (path, options, palette frames) -> writer; a GIF asks for
# a few frames spread over the clip for its palette, the others never call it.
WRITERS: dict[str, Callable[[str | Path, RenderOptions, Callable[[], list[bytes]]], Writer]] = {
    ".mp4": lambda path, options, palette: Mp4Writer(path, options.pixels, options.fps),
    ".webm": lambda path, options, palette: WebmWriter(path, options.pixels, options.fps),
    ".gif": lambda path, options, palette: GifWriter(path, options.pixels, options.fps,
                                                     palette()),
    ".webp": lambda path, options, palette: WebpWriter(path, options.pixels, options.fps),
    ".png": lambda path, options, palette: PngWriter(path, options.pixels),
}
