"""Where training's snapshots go: a list in memory, or files on disk streamed as training goes.

Both records take `append(snapshot)`, say the step of the last one they hold (`last_step`), and
`close(run)` once training is over, with the run's `RunRecord` (made before its snapshots were
counted): the memory record closes into a `Trajectory`; the streaming one writes the .npz and
closes into the record, its epochs, steps and losses filled in and its `path` set.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from aeviz.errors import AevizError
from aeviz.files import atomic_path, check_writable
from aeviz.signals import deferred
from aeviz.training.model import split_params
from aeviz.trajectory import (
    LogVar,
    RunRecord,
    Trajectory,
    snapshot_members,
    write_trajectory,
)
from aeviz.trajectory.archive import RawArray

PARTS = ".parts."  # in the name of the hidden folder a streaming record writes into
NAME_IN_PARTS = 100  # characters of the output's name kept in that folder's name


class MemoryRecord:
    """Snapshots kept in a list, in step order."""

    def __init__(self) -> None:
        self.snapshots: list = []

    @property
    def last_step(self) -> int | None:
        return self.snapshots[-1].step if self.snapshots else None

    def __len__(self) -> int:
        return len(self.snapshots)

    def append(self, snapshot) -> None:
        self.snapshots.append(snapshot)

    def extend(self, snapshots) -> None:
        self.snapshots.extend(snapshots)

    def close(self, run: RunRecord) -> Trajectory:
        """The recorded run as a Trajectory in memory."""
        snapshots = self.snapshots
        weights, biases = split_params(np.stack([s.params for s in snapshots]),
                                       run.layer_sizes)
        first = snapshots[0]  # a regularized or variational run's terms and log-variance layer
        return Trajectory(
            **_fields(run, epoch=np.array([s.epoch for s in snapshots]),
                      step=np.array([s.step for s in snapshots]),
                      loss=np.array([s.rmse for s in snapshots])),
            codes=np.stack([s.codes for s in snapshots]),
            weights=[np.ascontiguousarray(w) for w in weights],
            biases=[np.ascontiguousarray(b) for b in biases],
            terms=None if first.terms is None else np.stack([s.terms for s in snapshots]),
            logvar=None if first.logvar_weights is None else LogVar(
                np.stack([s.logvar_weights for s in snapshots]),
                np.stack([s.logvar_biases for s in snapshots])))


class StreamingRecord:
    """Snapshots appended to one raw file per array (codes, W0.., b0..) in a hidden folder
    beside the output (`.NAME.parts.PID.XXXX`), so memory does not grow with the epochs;
    `close` zips them with the run's other arrays into the .npz and renames it into place.

    A snapshot counts once all its arrays are written: should Ctrl-C cut an append short,
    `close` copies only the bytes of the complete ones. The folder is removed by `discard`
    on every way out; one left by a process that was killed is removed by the next record
    made beside the same output (see `remove_stale_parts`).
    """

    def __init__(self, path: str | Path, layer_sizes: Sequence[int]):
        self.layer_sizes = tuple(layer_sizes)
        check_writable(path)  # up front, before training
        self.path = Path(path)
        beside = Path(os.path.realpath(path)) if self.path.is_symlink() else self.path
        remove_stale_parts(beside)
        with deferred():  # a signal here would leave a folder nobody knows of
            try:
                self.folder = Path(tempfile.mkdtemp(prefix=parts_prefix(beside.stem),
                                                    dir=beside.parent))
            except OSError as error:
                raise AevizError(f"{path}: cannot write: {error.strerror}") from None
        self.files: dict[str, Any] = {}
        self.shapes: dict[str, tuple[int, ...]] = {}
        self.epoch: list[int] = []
        self.step: list[int] = []
        self.loss: list[float] = []

    @property
    def last_step(self) -> int | None:
        return self.step[-1] if self.step else None

    def __len__(self) -> int:
        return len(self.step)

    def append(self, snapshot) -> None:
        weights, biases = split_params(snapshot.params, self.layer_sizes)
        arrays = snapshot_members(snapshot.codes, weights, biases, snapshot.terms,
                                  snapshot.logvar_weights, snapshot.logvar_biases)
        for key, array in arrays.items():
            data = np.ascontiguousarray(array, np.float32)
            handle = self._file(key, array.shape)
            handle.seek(len(self.step) * data.nbytes)  # over the rest of an append cut short
            handle.write(data.data)
        # Counted last: an append cut short leaves the counts as they were.
        self.epoch.append(snapshot.epoch)
        self.loss.append(snapshot.rmse)
        self.step.append(snapshot.step)

    def extend(self, snapshots) -> None:
        for snapshot in snapshots:
            self.append(snapshot)

    def close(self, run: RunRecord) -> RunRecord:
        """Write the .npz of `run` with this record's snapshots; the record as saved."""
        for handle in self.files.values():
            handle.flush()
        count = len(self.step)
        snapshots = {key: RawArray(self.folder / key, np.dtype(np.float32), (count, *shape))
                     for key, shape in self.shapes.items()}
        saved = RunRecord(**_fields(run, epoch=np.array(self.epoch[:count]),
                                    step=np.array(self.step[:count]),
                                    loss=np.array(self.loss[:count]), path=str(self.path)))
        # Made only now, so that a process killed while training leaves no temporary file,
        # only the parts folder, which the next run removes.
        with atomic_path(self.path) as temp:
            write_trajectory(temp, saved, snapshots)
        return saved

    def discard(self) -> None:
        """Remove the parts folder (after `close`, or instead of it): an existing file at the
        output stays as it was unless `close` replaced it."""
        for handle in self.files.values():
            try:
                handle.close()
            except OSError:  # a full disk fails the flush; the parts are removed anyway
                pass
        shutil.rmtree(self.folder, ignore_errors=True)

    def _file(self, key: str, shape: tuple[int, ...]):
        if key not in self.files:
            self.shapes[key] = tuple(shape)
            self.files[key] = open(self.folder / key, "wb")
        return self.files[key]


def _fields(run: RunRecord, **changes: Any) -> dict[str, Any]:
    """The fields of `run` (not a deep copy, as dataclasses.asdict would make), with `changes`."""
    return {field.name: getattr(run, field.name)
            for field in dataclasses.fields(RunRecord)} | changes


def parts_prefix(stem: str, pid: int | None = None) -> str:
    """The start of the name of a parts folder for the output named `stem` (".NAME.parts.PID.",
    the name cut to 100 characters, so that the folder's name stays within 255)."""
    return f".{stem[:NAME_IN_PARTS]}{PARTS}{os.getpid() if pid is None else pid}."


def remove_stale_parts(output: Path) -> None:
    """Remove the hidden parts folders beside `output` that a process which no longer runs
    left behind (killed by SIGKILL, or by the OOM killer, before it could clean up)."""
    start = f".{output.stem[:NAME_IN_PARTS]}{PARTS}"
    for folder in output.parent.glob(f"{glob_escape(start)}*"):
        pid = folder.name[len(start):].split(".")[0]
        if folder.is_dir() and not folder.is_symlink() and pid.isdigit() and not (
                _running(int(pid))):
            shutil.rmtree(folder, ignore_errors=True)


def glob_escape(text: str) -> str:
    """`text` matched literally by Path.glob (a name may hold `*`, `?` or `[`)."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def _running(pid: int) -> bool:
    """Whether a process with this id exists (it may belong to another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return False
    return True
