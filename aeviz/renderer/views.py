"""A trajectory prepared for drawing: its timeline, and its state at any fractional snapshot."""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from aeviz.errors import AevizError, SettingError
from aeviz.renderer.geometry import align_sequence, pca
from aeviz.trajectory import Trajectory

if TYPE_CHECKING:
    from aeviz.settings import RenderOptions

RELEASE_EVERY = 32  # states between letting go of the mapped snapshots read so far


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
        self.timeline = (run.step / run.meta.steps_per_epoch if run.meta.steps_per_epoch
                         else run.epoch.astype(float))
        self.codes = align_sequence(run.codes) if align == "procrustes" else run.codes
        self.states = 0  # how many states were asked for (see RELEASE_EVERY)

    @cached_property
    def pca(self) -> tuple[float, np.ndarray]:
        """RMSE of the best rank-2 linear reconstruction of the data, and its projection."""
        return pca(self.run.x)

    def __len__(self) -> int:
        return len(self.run)

    def largest_weights(self, biases: bool = True) -> np.ndarray:
        """The largest |weight or bias| of each snapshot (`biases` false: of the weights
        alone), read a block of snapshots at a time (memory does not grow with the number of
        snapshots)."""
        arrays = drawn_parameters(self.run, biases)
        block = max(1, (1 << 22) // (4 * sum(a[0].size for a in arrays)))
        largest = np.empty(len(self), np.float64)
        for start in range(0, len(self), block):
            stop = min(start + block, len(self))
            largest[start:stop] = np.max([np.abs(a[start:stop].reshape(stop - start, -1))
                                          .max(axis=1) for a in arrays], axis=0)
            self.run.release()
        return largest

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
        self.states += 1
        if self.states % RELEASE_EVERY == 0:
            run.release()  # a loaded run's snapshots are mapped: keep only what is drawn now
        here = float(at(self.timeline))
        return State(index, low, here, float(at(run.loss)), at(self.codes),
                     [at(w) for w in run.weights], [at(b) for b in run.biases],
                     finished=position is not None and position > self.timeline[-1])

    def step_label(self, snapshot: int) -> str:
        """"epoch 12", or "epoch 1, batch 3/13" for a within-epoch snapshot."""
        return self.run.moment(snapshot)


def run_views(runs: list[Trajectory], options: RenderOptions) -> list[RunView]:
    """The runs prepared for drawing, named by `options.labels` (default: their `label` keys,
    or what differs between their experiments, see `naming`)."""
    from aeviz.renderer.naming import default_labels

    names = options.labels or (default_labels(runs) if len(runs) > 1 else [None])
    if len(names) != len(runs):
        raise SettingError("render.labels", f"got {len(names)} names for {len(runs)} runs; "
                           "give one per run, comma-separated")
    if len(runs) > 1:
        check_classes_alike([Classes.of(run) for run in runs])
    return [RunView(run, label, options.align) for run, label in zip(runs, names)]


class Classes(NamedTuple):
    """What a comparison checks of each run's data: the file it is named by, each sample's
    class (-1: none) and the classes' names. From a run, or (`aeviz validate`) from an
    experiment's data before training."""
    file: str
    labels: np.ndarray
    label_names: tuple[str, ...]

    @classmethod
    def of(cls, run: Trajectory) -> Classes:
        return cls(run.path or "", run.labels, tuple(run.label_names))


def check_classes_alike(runs: list[Classes]) -> None:
    """Refuse runs whose data name one class value differently ("setosa" in one, "left" in
    the other), or have classes beside runs without: a comparison keys the classes once, for
    all its planes (clip, handout, page alike), and would name one run's points with another's
    classes."""
    from aeviz.text import printable

    def named(run: Classes) -> dict[int, str | None]:
        names = run.label_names
        return {int(v): names[v] if v < len(names) else None
                for v in np.unique(run.labels) if v >= 0}

    def file(run: Classes) -> str:
        return printable(os.path.basename(run.file) or "run", 60)

    def shown(run: Classes) -> str:
        names = ", ".join(run.label_names[:4]) + (", ..." if len(run.label_names) > 4 else "")
        return f"{file(run)} ({printable(names or 'unnamed', 80)})"

    first = named(runs[0])
    for run in runs[1:]:
        other = named(run)
        if bool(first) != bool(other):  # unlabeled points would take the color of class 1
            with_classes, without = (runs[0], run) if first else (run, runs[0])
            raise AevizError(
                f"{shown(with_classes)} has classes and {file(without)} has none, and a "
                "comparison keys the classes once for all its runs; compare runs of the same "
                "data, or render each run alone")
        differing = [value for value in sorted(first.keys() & other.keys())
                     if first[value] != other[value]]
        if differing:  # the same names in another order differ too: colors go by number
            value = differing[0]
            raise AevizError(
                f"{shown(runs[0])} and {shown(run)} name their classes differently (class "
                f"{value + 1} is {printable(repr(first[value]), 40)} in one, "
                f"{printable(repr(other[value]), 40)} in the other), and a comparison keys the "
                "classes once for all its runs; compare runs of the same data, or render each "
                "run alone")


def drawn_parameters(run, biases: bool = True) -> list[np.ndarray]:
    """The arrays [snapshots, ...] the weight graph colors: weights, biases and a VAE's
    log-variance layer (one color scale for all of them); `biases` false: the weights only."""
    if not biases:
        return list(run.weights) + ([run.logvar_weights] if run.variational else [])
    extra = [run.logvar_weights, run.logvar_biases] if run.variational else []
    return list(run.weights) + list(run.biases) + extra


def weight_magnitudes(views: list[RunView], percentile: float = 99.5,
                      ) -> tuple[float, float, float]:
    """Over every weight and bias of every snapshot of every run: the `percentile` of their
    magnitudes (exactly np.percentile's), the largest at the first snapshot, and the largest
    of all.

    Read a block of snapshots at a time, keeping only the largest values the percentile
    needs (0.5% of them), so memory does not grow with the number of snapshots.
    """
    arrays_of = [drawn_parameters(view.run) for view in views]
    count = sum(len(view) * sum(a[0].size for a in arrays)
                for view, arrays in zip(views, arrays_of))
    virtual = (count - 1) * np.true_divide(percentile, 100)  # as np.percentile places it
    keep = count - int(np.floor(virtual))  # the values at and above its lower neighbour
    top = np.empty(0, np.float32)
    for view, arrays in zip(views, arrays_of):
        block = max(1, (1 << 22) // (4 * sum(a[0].size for a in arrays)))
        for start in range(0, len(view), block):
            magnitudes = np.abs(np.concatenate(
                [a[start:start + block].reshape(-1) for a in arrays]))
            merged = np.concatenate([top, magnitudes])
            top = np.partition(merged, len(merged) - keep)[-keep:] if len(merged) > keep else merged
            view.run.release()
    first = max(float(np.abs(a[0]).max()) for arrays in arrays_of for a in arrays)
    low, high = np.partition(top, 1)[:2] if len(top) > 1 else (top[0], top[0])
    return _percentile_between(low, high, virtual - np.floor(virtual)), first, float(top.max())


def _percentile_between(low: np.ndarray, high: np.ndarray, fraction: float) -> float:
    """np.percentile's interpolation between the neighbours `low` and `high` at `fraction`,
    computed by np.percentile itself: asked of [low, high, high, ...] at a percentile that
    places the same fraction exactly (numpy's own rounding and dtypes then apply)."""
    for length in range(2, 64):
        asked = float(fraction) * 100 / (length - 1)
        for _ in range(6):  # from a few ulps below the guess to a few above
            asked = float(np.nextafter(asked, -np.inf))
        for _ in range(12):
            if (length - 1) * np.true_divide(asked, 100) == fraction:
                return float(np.percentile(np.array([low] + [high] * (length - 1)), asked))
            asked = float(np.nextafter(asked, np.inf))
    raise ArithmeticError(f"no percentile places {fraction!r} exactly")
