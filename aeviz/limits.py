"""The sizes aeviz accepts, checked up front: a mistake (`epochs = 10000000` with a snapshot
every epoch, a cluster of 1e9 points, a file that claims gigabytes) gets one line with the
number before anything is allocated, never a MemoryError or a machine that runs out later."""

from __future__ import annotations

import os
from typing import Any

GB = 1e9
MAX_TRAJECTORY_BYTES = int(2 * GB)   # a recorded run; a lecture clip needs far less
MAX_SAMPLES = 1_000_000              # training points (a code plane shows a few thousand)
MAX_CSV_BYTES = int(0.5 * GB)        # a CSV data file
MAX_FEATURES = 100_000               # columns of the data (MNIST has 784)
MAX_DATA_VALUES = 125_000_000        # rows x columns of the data: 0.5 GB as float32
MAX_CLUSTER_DIMENSION = 1_000        # sampled clusters (their covariance is D x D)
MAX_CLASS_NAME = 1_000               # characters of one class name (a CSV label cell, a label
                                     # file's string, a stored run's): a legend entry, not prose
MAX_MAGNITUDE = 1e30                 # data values: codes are stored as float32 (< 3.4e38)
# Normalized data values that training can square and sum without overflowing, per precision.
MAX_TRAINABLE = {"float64": MAX_MAGNITUDE, "float32": 1e15}
MAX_FRAMES = 200_000                 # frames of one clip (about 1.9 hours at 30 fps)
# Pixels of one frame: 4K UHD. The figure's buffers and the encoder's grow with it (a VP9
# encoder took 6.4 GB at 7680x7680); a fixed cap refuses the same sizes on every machine.
MAX_PIXELS = 3840 * 2160
TRAINING_MEMORY_FACTOR = 2           # the record, and its stacked copy when saved


def available_memory() -> int | None:
    """Bytes of memory free for a new allocation (Linux's MemAvailable), None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def size_text(n_bytes: float) -> str:
    """1234567 -> "1.2 MB": sizes in messages."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{int(n_bytes)} bytes"


def too_many(count: int, limit: int, what: str) -> str:
    """The problem text for a count over its limit, or "" when within it."""
    return f"{count:,} {what}; aeviz takes at most {limit:,}" if count > limit else ""


def npy_header(handle) -> tuple[tuple[int, ...], Any]:
    """The shape and dtype a .npy stream declares, read without reading its data."""
    import numpy as np

    version = np.lib.format.read_magic(handle)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(handle)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(handle)
    else:
        raise ValueError(f"unsupported .npy version {version}")
    return shape, dtype
