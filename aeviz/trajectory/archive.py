"""Writing .npz archives member by member, from arrays in memory or from raw files on disk.

An .npz is a zip of .npy files. Writing it ourselves, rather than with np.savez, lets a member's
data be copied in from a file that training appended to snapshot by snapshot (memory stays flat
however long the run), and gives every member a fixed time stamp, so the same arrays make the
same bytes. np.load(path, allow_pickle=False) reads the result.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest date: no clock in the bytes
COPY_CHUNK = 1 << 22


class RawArray(NamedTuple):
    """An array whose C-ordered bytes are the first `shape x dtype` bytes of a file."""

    path: Path
    dtype: np.dtype
    shape: tuple[int, ...]


def write_archive(path: str | Path, members: dict[str, np.ndarray | RawArray]) -> None:
    """Write `members` as the .npz file at `path` (which the caller makes atomic)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for key, value in members.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=FIXED_TIME)
            with archive.open(info, "w", force_zip64=True) as member:
                if isinstance(value, RawArray):
                    _copy_raw(value, member)
                else:
                    np.lib.format.write_array(member, np.asanyarray(value),
                                              allow_pickle=False)


def _copy_raw(raw: RawArray, member) -> None:
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(raw.dtype)),
              "fortran_order": False, "shape": raw.shape}
    np.lib.format.write_array_header_1_0(member, header)
    remaining = int(np.prod(raw.shape, dtype=np.int64)) * np.dtype(raw.dtype).itemsize
    with open(raw.path, "rb") as source:
        while remaining > 0:
            chunk = source.read(min(COPY_CHUNK, remaining))
            if not chunk:
                raise OSError(f"{raw.path}: shorter than the array it should hold")
            member.write(chunk)
            remaining -= len(chunk)

