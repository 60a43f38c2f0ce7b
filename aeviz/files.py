"""Atomic file writes: a crash or Ctrl-C never leaves a half-written output behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from aeviz.errors import AevizError


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds.

    The temporary file keeps the final suffix, so tools that pick a format by extension
    (ffmpeg, Pillow) see the right one.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise AevizError(f"{path}: cannot write: folder {folder} does not exist")
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=folder
        )
    except OSError as error:
        raise AevizError(f"{path}: cannot write: {error.strerror}") from None
    os.close(handle)
    temp = Path(temp_name)
    os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
    try:
        yield temp
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
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
