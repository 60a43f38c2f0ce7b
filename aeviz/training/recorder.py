"""Where training's snapshots go: a list in memory, or files on disk streamed as training goes.

Both take `append(snapshot)` and say the step of the last one they hold (`last_step`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from aeviz.files import AtomicFile
from aeviz.training.model import split_params
from aeviz.trajectory import write_trajectory
from aeviz.trajectory.archive import RawArray


class MemoryRecord(list):
    """Snapshots kept in a list, in step order."""

    @property
    def last_step(self) -> int | None:
        return self[-1].step if self else None


class StreamingRecord:
    """Snapshots appended to one raw file per array (codes, W0.., b0..) in a temporary folder
    beside the output, so memory does not grow with the epochs; `close` zips them with the
    run's other arrays into the .npz and renames it into place.

    A snapshot counts once all its arrays are written: should Ctrl-C cut an append short,
    `close` copies only the bytes of the complete ones.
    """

    def __init__(self, path: str | Path, layer_sizes: Sequence[int]):
        self.layer_sizes = tuple(layer_sizes)
        self.target = AtomicFile(path)  # checks up front that `path` can be written
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.target.path.stem}.parts.",
                                            dir=self.target.path.parent))
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
        arrays = {"codes": snapshot.codes} | {f"W{i}": w for i, w in enumerate(weights)} | {
            f"b{i}": b for i, b in enumerate(biases)} | (snapshot.extras or {})
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

    def close(self, run: Any) -> None:
        """Write the .npz: `run` gives the per-run arrays (config, meta, x, ..., step_loss;
        see `write_trajectory`); this record gives epoch, step, loss and the snapshots."""
        for handle in self.files.values():
            handle.flush()
        count = len(self.step)
        snapshots = {key: RawArray(self.folder / key, np.dtype(np.float32), (count, *shape))
                     for key, shape in self.shapes.items()}
        run.epoch, run.step, run.loss = (np.array(self.epoch[:count]), np.array(self.step),
                                         np.array(self.loss[:count]))
        write_trajectory(self.target.temp, run, snapshots)
        self.target.commit()

    def discard(self) -> None:
        """Remove the temporary files (after `close`, or instead of it)."""
        for handle in self.files.values():
            try:
                handle.close()
            except OSError:  # a full disk fails the flush; the parts are removed anyway
                pass
        shutil.rmtree(self.folder, ignore_errors=True)
        self.target.discard()

    def _file(self, key: str, shape: tuple[int, ...]):
        if key not in self.files:
            self.shapes[key] = tuple(shape)
            self.files[key] = open(self.folder / key, "wb")
        return self.files[key]
