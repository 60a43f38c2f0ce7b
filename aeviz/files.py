"""Atomic file writes: a crash or Ctrl-C never leaves a half-written output behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from aeviz.errors import AevizError


class AtomicFile:
    """A temporary file beside `path` that becomes `path` on commit() and vanishes on discard().

    The temporary name keeps the final suffix, so tools that pick a format by extension (ffmpeg,
    Pillow) see the right one.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        check_writable(self.path)
        try:
            handle, temp_name = tempfile.mkstemp(
                prefix=f".{self.path.stem}.", suffix=f".tmp{self.path.suffix}",
                dir=self.path.parent)
        except OSError as error:
            raise AevizError(f"{self.path}: cannot write: {error.strerror}") from None
        os.close(handle)
        self.temp = Path(temp_name)
        os.chmod(self.temp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions

    def commit(self) -> None:
        os.replace(self.temp, self.path)

    def discard(self) -> None:
        self.temp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds."""
    target = AtomicFile(path)
    try:
        yield target.temp
        target.commit()
    except BaseException:
        target.discard()
        raise


def check_writable(path: str | os.PathLike) -> None:
    """Fail early, before any long work, if `path` could not be written."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise AevizError(f"{path}: cannot write: it is a folder")
    if not folder.is_dir():
        raise AevizError(f"{path}: cannot write: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise AevizError(f"{path}: cannot write: folder {folder} is not writable")


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write `text` to `path` atomically."""
    with atomic_path(path) as temp:
        temp.write_text(text, encoding="utf-8")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
