"""The .npz archive itself: written member by member, read member by member in place.

An .npz is a zip of .npy files. Writing it ourselves, rather than with np.savez, lets a member's
data be copied in from a file that training appended to snapshot by snapshot (memory stays flat
however long the run), and gives every member a fixed time stamp, so the same arrays make the
same bytes. np.load(path, allow_pickle=False) reads the result.

Members are stored uncompressed, so reading needs no unpacking: `read_directory` checks every
member once against the zip's directory and its own local header (stored, not encrypted, sizes
consistent, unique names, no two members sharing bytes) and reads its .npy header, so each
array's shape and dtype are known before any data is read; `read_member` then maps the data
where it lies (np.memmap) or, for small members, reads it.
"""

from __future__ import annotations

import io
import math
import mmap
import os
import struct
import tokenize
import zipfile
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import numpy as np

from aeviz.errors import AevizError

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



MAX_MEMBERS = 1000
MAX_NPY_HEADER = 1 << 16  # numpy writes headers of a few hundred bytes
MAPPED_FROM = 1 << 20     # members of this many bytes or more are mapped, smaller ones read
MAX_TEXT_BYTES = 1 << 26  # text members (config, names) are small; 64 MB is generous
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # the zip format's local file header


class Member(NamedTuple):
    """One array of the archive: where its data lies and what its .npy header declares."""

    key: str
    offset: int                # of the array's first data byte in the file
    shape: tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


def read_directory(path: str) -> dict[str, Member]:
    """Every member of the .npz at `path`, checked against its declared header; any problem is
    one line naming the file and the member."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, struct.error, OverflowError) as error:
        # NotImplementedError: a directory entry that asks for a newer zip version.
        raise AevizError(f"{path}: not an aeviz trajectory (a damaged archive: {error})") from None
    if len(infos) > MAX_MEMBERS:
        raise AevizError(f"{path}: not an aeviz trajectory ({len(infos)} arrays)")
    repeated = [name for name, count in Counter(i.filename for i in infos).items() if count > 1]
    if repeated:
        raise AevizError(f"{path}: {repeated[0].removesuffix('.npy')}: stored twice in the "
                         "archive (a damaged or tampered trajectory)")
    size = os.path.getsize(path)
    members, spans = {}, []
    with open(path, "rb") as handle:
        for info in infos:
            member, span = _checked_member(path, handle, info, size)
            members[member.key] = member
            spans.append(span)
    spans.sort()
    for (_, end, key), (start, _, other) in zip(spans, spans[1:]):
        if start < end:
            raise AevizError(f"{path}: {other}: overlaps {key} in the archive (a damaged or "
                             "tampered trajectory)")
    return members


def _checked_member(path: str, handle, info: zipfile.ZipInfo,
                    size: int) -> tuple[Member, tuple[int, int, str]]:
    key = info.filename.removesuffix(".npy")
    where = f"{path}: {key[:60]}"
    if not info.filename.endswith(".npy"):
        raise AevizError(f"{where}: not an array (.npy) member: not an aeviz trajectory")
    if info.flag_bits & 0x1:
        raise AevizError(f"{where}: encrypted; aeviz trajectories are never encrypted")
    if info.compress_type != zipfile.ZIP_STORED:
        raise AevizError(f"{where}: compressed (zip method {info.compress_type}); aeviz "
                         "trajectories are stored uncompressed (write them with aeviz train)")
    if not (0 <= info.header_offset and 0 <= info.file_size == info.compress_size):
        raise AevizError(f"{where}: its sizes in the zip directory disagree (a damaged archive)")
    handle.seek(info.header_offset)
    local = handle.read(_LOCAL_HEADER.size)
    if len(local) < _LOCAL_HEADER.size:
        raise AevizError(f"{where}: its zip header lies past the end of the file (truncated?)")
    (signature, _, _, flags, method, _, _, _, _, _,
     name_length, extra_length) = _LOCAL_HEADER.unpack(local)
    name = handle.read(name_length)
    if signature != b"PK\x03\x04" or name != info.filename.encode("utf-8", "replace") and (
            name != info.filename.encode("cp437", "replace")):
        raise AevizError(f"{where}: its zip header does not match the zip directory (a damaged "
                         "archive)")
    if flags & 0x1 or method != zipfile.ZIP_STORED:
        raise AevizError(f"{where}: its zip header says compressed or encrypted; aeviz "
                         "trajectories are stored uncompressed")
    start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    if start + info.file_size > size:
        raise AevizError(f"{where}: declares {info.file_size} bytes, past the end of the file "
                         "(truncated?)")
    handle.seek(start)
    head = io.BytesIO(handle.read(min(info.file_size, MAX_NPY_HEADER)))
    try:
        version = np.lib.format.read_magic(head)
        if version not in ((1, 0), (2, 0)):
            raise ValueError(f"unsupported .npy version {version}")
        read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                else np.lib.format.read_array_header_2_0)
        shape, fortran_order, dtype = read(head)
    except (ValueError, TypeError, SyntaxError, struct.error, EOFError, tokenize.TokenError,
            RecursionError, MemoryError) as error:  # numpy parses the header as Python
        reason = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        raise AevizError(f"{where}: not a readable array ({reason})") from None
    if dtype.hasobject:
        raise AevizError(f"{where}: holds Python objects, which aeviz never loads "
                         "(allow_pickle=False)")
    if any(not isinstance(n, int) or n < 0 for n in shape):
        raise AevizError(f"{where}: declares the shape {shape}: not an array's")
    member = Member(key, start + head.tell(), tuple(shape), dtype, fortran_order)
    if head.tell() + member.nbytes != info.file_size:
        raise AevizError(f"{where}: declares {shape} of {dtype} ({member.nbytes} bytes) in "
                         f"{info.file_size - head.tell()} bytes of data (a damaged or tampered "
                         "trajectory)")
    return member, (info.header_offset, start + info.file_size, key[:60])


def read_member(path: str, member: Member) -> np.ndarray:
    """The array's data: mapped in place (read-only) when large, read into memory when small.

    A mapped array's pages are read from the file when first touched; `release` drops them
    from the process again (they stay in the system's file cache), so memory does not grow
    with the part of a long run that has been looked at.
    """
    order = "F" if member.fortran_order else "C"
    count = math.prod(member.shape)
    if member.dtype.kind == "U" and member.nbytes > MAX_TEXT_BYTES:
        raise AevizError(f"{path}: {member.key[:60]}: {member.nbytes:,} bytes of text; a "
                         f"trajectory's text members hold at most {MAX_TEXT_BYTES:,}")
    with open(path, "rb") as handle:
        if member.nbytes >= MAPPED_FROM and member.dtype.kind != "U":  # text is read, checked
            start = member.offset - member.offset % mmap.ALLOCATIONGRANULARITY
            mapping = mmap.mmap(handle.fileno(), member.offset + member.nbytes - start,
                                access=mmap.ACCESS_READ, offset=start)
            return np.frombuffer(mapping, member.dtype, count,
                                 member.offset - start).reshape(member.shape, order=order)
        handle.seek(member.offset)
        data = handle.read(member.nbytes)
    array = np.frombuffer(data, member.dtype, count).reshape(member.shape, order=order).copy()
    if array.dtype.kind == "U" and array.size:  # code points past Unicode crash str()
        codes = np.frombuffer(data, np.uint32)
        if codes.max() > 0x10FFFF or ((codes >= 0xD800) & (codes <= 0xDFFF)).any():
            raise AevizError(f"{path}: {member.key[:60]}: holds text that is not Unicode (a "
                             "damaged or tampered trajectory)")
    return array


def release(array: np.ndarray) -> None:
    """Drop the pages of a mapped array (see `read_member`) from this process's memory; they
    are read again when next touched. Arrays in memory are left alone."""
    base = array
    while isinstance(base, np.ndarray) and base.base is not None:
        base = base.base
    if isinstance(base, memoryview):
        base = base.obj
    if isinstance(base, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
        base.madvise(mmap.MADV_DONTNEED)


def blocks(path: str, member: Member, block_bytes: int = 1 << 22):
    """The array's values in file order, as 1-D arrays of at most `block_bytes` each, read
    (not mapped), so checking every value costs one block of memory."""
    itemsize = member.dtype.itemsize
    per_block = max(block_bytes // max(itemsize, 1), 1)
    remaining = math.prod(member.shape)
    with open(path, "rb") as handle:
        handle.seek(member.offset)
        while remaining > 0:
            count = min(per_block, remaining)
            yield np.frombuffer(handle.read(count * itemsize), member.dtype, count)
            remaining -= count
