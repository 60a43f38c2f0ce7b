"""A trajectory prepared for drawing: its timeline, and its state at any fractional snapshot."""

from __future__ import annotations

from functools import cached_property
from typing import NamedTuple

import numpy as np

from aeviz.renderer.geometry import align_sequence, pca
from aeviz.trajectory import Trajectory


class State(NamedTuple):
    """What one frame shows of one run."""

    index: float                 # fractional snapshot index
    snapshot: int                # the snapshot at or before it
    position: float              # epoch on the timeline
    loss: float
    codes: np.ndarray            # [N, 2]
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    finished: bool               # past the run's last snapshot


class RunView:
    """Read-only drawing helpers around one Trajectory."""

    def __init__(self, run: Trajectory, label: str | None = None, align: str = "none"):
        self.run = run
        self.label = label or run.title or "run"
        # Within-epoch snapshots sit between whole epochs on the timeline.
        self.timeline = (run.step / run.steps_per_epoch if run.steps_per_epoch
                         else run.epoch.astype(float))
        self.codes = align_sequence(run.codes) if align == "procrustes" else run.codes

    @cached_property
    def pca(self) -> tuple[float, np.ndarray]:
        """RMSE of the best rank-2 linear reconstruction of the data, and its projection."""
        return pca(self.run.x)

    def __len__(self) -> int:
        return len(self.run)

    def state(self, index: float, position: float | None = None) -> State:
        """The run at a fractional snapshot index, interpolated linearly between snapshots."""
        low = int(np.floor(index))
        fraction = index - low
        high = min(low + 1, len(self) - 1)

        def at(series: np.ndarray) -> np.ndarray:
            if fraction == 0:
                return series[low]
            return (1 - fraction) * series[low] + fraction * series[high]

        run = self.run
        here = float(at(self.timeline))
        return State(index, low, here, float(at(run.loss)), at(self.codes),
                     [at(w) for w in run.weights], [at(b) for b in run.biases],
                     finished=position is not None and position > self.timeline[-1])

    def step_label(self, snapshot: int) -> str:
        """"epoch 12", or "epoch 1, batch 3/13" for a within-epoch snapshot."""
        return self.run.moment(snapshot)
