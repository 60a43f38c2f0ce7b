"""Atomic file writes: a crash or Ctrl-C never leaves a half-written output behind.

Outputs are regular files. An existing folder, FIFO, device or socket at an output's path is
refused before any work, and so is the input itself. A symbolic link is followed: its target is
written (atomically, beside the target), and the link stays.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from aeviz.errors import AevizError
from aeviz.limits import size_text
from aeviz.signals import deferred


class AtomicFile:
    """A temporary file beside `path` that becomes `path` on commit() and vanishes on discard().

    The temporary name keeps the final suffix, so tools that pick a format by extension (ffmpeg,
    Pillow) see the right one, and at most 100 characters of the name, so that it stays within
    the 255 a file name may have.
    """

    def __init__(self, path: str | os.PathLike, follow_links: bool = True):
        # `follow_links` False: a link at `path` is replaced, not written through (the files a
        # batch names itself in its output folder, as its outputs are published).
        self.path = _through_link(Path(path)) if follow_links else Path(path)
        if follow_links or not self.path.is_symlink():
            check_writable(path)
        with deferred():  # a Ctrl-C here would leave a temporary file nobody knows of
            try:
                handle, temp_name = tempfile.mkstemp(
                    prefix=f".{self.path.stem[:100]}.", suffix=f".tmp{self.path.suffix}",
                    dir=self.path.parent)
            except OSError as error:
                raise AevizError(f"{self.path}: cannot write: {error.strerror}") from None
            os.close(handle)
            self.temp = Path(temp_name)
        os.chmod(self.temp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions

    def commit(self) -> None:
        try:
            os.replace(self.temp, self.path)
        except OSError as error:
            self.discard()
            raise AevizError(f"{self.path}: cannot write: {error.strerror}") from None

    def discard(self) -> None:
        self.temp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, follow_links: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds."""
    with deferred():
        target = AtomicFile(path, follow_links)
    try:
        yield target.temp
    except OSError as error:  # a full disk, a quota: one line, and the old file stays
        target.discard()
        raise AevizError(f"{path}: cannot write: {error.strerror or error}") from None
    except BaseException:
        target.discard()
        raise
    target.commit()


def special_kind(path: str | os.PathLike) -> str:
    """What `path` is if it exists and is not a regular file ("a folder", "a FIFO", ...)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return ""
    for test, kind in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return ""


def check_readable(path: str | os.PathLike, missing: str = "no such file") -> Path:
    """`path` as a Path if it is a regular file; one line saying what it is otherwise. Never
    opens it, so a FIFO cannot block."""
    path = Path(path)
    kind = special_kind(path)
    if kind:
        raise AevizError(f"{path}: cannot read: it is {kind}, not a file")
    if not path.is_file():
        raise AevizError(f"{path}: {missing}")
    return path


def read_user_file(path: str | os.PathLike, limit: int, missing: str = "no such file",
                   what: str = "file") -> bytes:
    """The bytes of the user's file at `path`: a regular file (a FIFO, device, socket or folder
    is one line, never a hang or an endless read) of at most `limit` bytes, checked before
    reading and again while reading (a file that grows meanwhile)."""
    path = check_readable(path, missing)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise AevizError(f"{path}: cannot read: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):  # swapped for something else since the check
            raise AevizError(f"{path}: cannot read: not a regular file")
        if info.st_size > limit:
            raise AevizError(f"{path}: {size_text(info.st_size)}; a {what} may hold at most "
                             f"{size_text(limit)}")
        try:
            data = handle.read(limit + 1)
        except OSError as error:
            raise AevizError(f"{path}: cannot read: {error.strerror or error}") from None
    if data is None:  # a "regular" file that would block (/proc/kmsg): nothing to read now
        raise AevizError(f"{path}: cannot read: it has no data to read now (a special file "
                         "that waits for data, not a file)")
    if len(data) > limit:
        raise AevizError(f"{path}: more than {size_text(limit)}; a {what} may hold at most "
                         f"{size_text(limit)}")
    return data


BOMS = {b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16", b"\xef\xbb\xbf": "UTF-8"}


def decode_text(data: bytes, source: str, what: str = "text file") -> str:
    """`data` decoded strictly as UTF-8 (a leading UTF-8 byte order mark is dropped); anything
    else is one line saying where the first bad byte is and how to fix it."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # Notepad's UTF-8 mark: harmless, and TOML readers refuse it
    elif data[:2] in BOMS:
        raise AevizError(f"{source}: cannot read: saved as {BOMS[data[:2]]} (it starts with a "
                         f"byte order mark); a {what} is UTF-8: save it as UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise AevizError(f"{source}: cannot read: not UTF-8 text (byte {error.start + 1}, line "
                         f"{line}); a {what} is UTF-8: save it as UTF-8") from None


def _through_link(path: Path) -> Path:
    """A symbolic link's target (outputs are written through links); other paths as they are."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def output_path(value: object) -> Path:
    """An output given as a str or a path, as a Path; anything else is one line."""
    if not isinstance(value, (str, os.PathLike)) or isinstance(value, bytes) or isinstance(
            os.fspath(value), bytes):
        raise AevizError(f"output: expected the path of a file to write, got "
                         f"{type(value).__name__}")
    return Path(value)


def check_writable(path: str | os.PathLike, inputs: Iterable[str | os.PathLike] = ()) -> None:
    """Fail early, before any long work, if `path` could not be written as a regular file, or
    is one of `inputs`."""
    path = output_path(path)
    try:  # a name over 255 bytes, a loop of links: one line, as for the write itself
        target = _through_link(path)
        same = [source for source in inputs if target.exists() and Path(source).exists()
                and os.path.samefile(target, source)]
    except OSError as error:
        raise AevizError(f"{path}: cannot write: {error.strerror or error}") from None
    folder = target.parent if str(target.parent) else Path(".")
    kind = special_kind(target)
    if kind:
        raise AevizError(f"{path}: cannot write: it is {kind}; outputs are regular files")
    for source in same:
        raise AevizError(f"{path}: cannot write: it is the input {source}; choose "
                         "another output")
    if not folder.is_dir():
        raise AevizError(f"{path}: cannot write: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise AevizError(f"{path}: cannot write: folder {folder} is not writable")


def write_text_atomic(path: str | os.PathLike, text: str, follow_links: bool = True) -> None:
    """Write `text` to `path` atomically (through a link at `path`, unless `follow_links` is
    False: then the link is replaced)."""
    with atomic_path(path, follow_links) as temp:
        temp.write_text(text, encoding="utf-8")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
