"""The .npz trajectory: the one contract between `aeviz train` and everything that reads runs.

Keys (all present; loadable with np.load(path, allow_pickle=False)):
  format          "aeviz-trajectory"
  format_version  1 (see FORMAT_VERSION: a reader refuses a newer one)
  config          the resolved experiment as TOML text
  meta            JSON text: aeviz and numpy versions, created, seed, stop_reason
                  (epochs | converged | diverged | interrupted), wall_seconds, ... (`Meta`)
  x               [N, D] float32, the normalized training data
  labels          [N] int, cluster or class of each sample, -1 where there is none
  label_names     [K] str, the name of each label value (may be empty)
  feature_names   [D] str, the name of each input feature, a CSV's column names (may be
                  empty; optional: older trajectories lack it)
  layer_sizes     [L]
  activations     [L-1] activation name per weight layer
  epoch           [T] epoch of each snapshot (0 = before training)
  step            [T] optimizer steps taken at each snapshot
  loss            [T] RMSE over all of x with that snapshot's weights
  codes           [T, N, 2] float32, code-layer activations of every sample
  W0..W{L-2}      [T, out, in] float32 weights;  b0..b{L-2}  [T, out] float32 biases
  step_loss       [S] MSE of every mini-batch
Only in runs whose objective has more than the reconstruction error (optional):
  term_names      [K] str, the objective's other terms ("code_l1", "kl")
  terms           [T, K] float32, each term over all of x at each snapshot
Only in variational runs (format_version 2: older readers refuse them, rather than draw a VAE
as a plain autoencoder):
  W_logvar        [T, 2, in] float32, b_logvar [T, 2]: the code layer's log-variance half

Members are stored uncompressed; loading maps the large ones in place (np.memmap, read-only),
so a trajectory costs memory only for what is drawn. `config` comes back as an `Experiment`
and `meta` as a `Meta`, both through the settings schema.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from aeviz.errors import AevizError
from aeviz.files import atomic_path, check_readable, check_writable
from aeviz.limits import MAX_CLASS_NAME, MAX_TRAJECTORY_BYTES, size_text
from aeviz.settings import Experiment, stored_experiment
from aeviz.settings.fields import format_version_of, newest_version
from aeviz.text import checked_names
from aeviz.trajectory import checks
from aeviz.trajectory.archive import (
    RawArray,
    blocks,
    read_directory,
    read_member,
    release,
    write_archive,
)
from aeviz.trajectory.meta import STOP_REASONS, Meta, meta_from_json

FORMAT = "aeviz-trajectory"
# The version of the arrays' layout; bump it when the arrays change meaning. Keys of the
# experiment that change what a run means declare their own version (`setting(..., since=N)`),
# and a run is written with the newest version among the keys it uses.
ARRAYS_VERSION = 1
FORMAT_VERSION = newest_version(Experiment, ARRAYS_VERSION)  # the newest this aeviz reads
__all__ = ["FORMAT", "FORMAT_VERSION", "STOP_REASONS", "LogVar", "Meta", "RunRecord",
           "Summary", "Trajectory", "load", "moment_name", "snapshot_members",
           "write_trajectory"]


# Every array's key, defined once: the writers (`write_trajectory`, the streaming record) and
# `load` name arrays only through these.
CODES, TERMS, TERM_NAMES = "codes", "terms", "term_names"
LOGVAR_WEIGHTS, LOGVAR_BIASES = "W_logvar", "b_logvar"


def weights_key(layer: int) -> str:
    return f"W{layer}"


def biases_key(layer: int) -> str:
    return f"b{layer}"


Array = np.ndarray | RawArray  # in memory, or a raw file training streamed snapshots into


def snapshot_members(codes: Array, weights: Sequence[Array], biases: Sequence[Array],
                     terms: Array | None = None, logvar_weights: Array | None = None,
                     logvar_biases: Array | None = None) -> dict[str, Array]:
    """The per-snapshot arrays by key, in the order they are stored: codes, W0.., b0.., and
    the optional ones a run has (terms; W_logvar, b_logvar)."""
    members = {CODES: codes} | {weights_key(i): w for i, w in enumerate(weights)} | {
        biases_key(i): b for i, b in enumerate(biases)}
    for key, array in ((TERMS, terms), (LOGVAR_WEIGHTS, logvar_weights),
                       (LOGVAR_BIASES, logvar_biases)):
        if array is not None:
            members[key] = array
    return members


@dataclass(frozen=True, eq=False)
class RunRecord:
    """What training produces and a trajectory holds, besides the per-snapshot arrays: the
    experiment it was trained from (`config`, TOML text), what training reported (`meta`), the
    data, the network's shape and a value per snapshot (`epoch`, `step`, `loss`) and per step.

    Training makes it before the snapshots are counted (epoch, step and loss empty) and the
    record holding the snapshots fills those in when it closes; a streamed run is returned as
    this record, a run in memory or loaded as a `Trajectory`, which adds the arrays.
    """

    config: str
    meta: Meta
    x: np.ndarray
    labels: np.ndarray
    label_names: tuple[str, ...]
    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    epoch: np.ndarray
    step: np.ndarray
    loss: np.ndarray
    step_loss: np.ndarray
    feature_names: tuple[str, ...] = ()
    term_names: tuple[str, ...] = ()  # the objective's other terms ("code_l1", "kl"), if any
    path: str = ""  # the file it was written to or read from

    def __len__(self) -> int:
        return len(self.epoch)

    @cached_property
    def experiment(self) -> Experiment:
        """The resolved experiment the run was trained from."""
        return stored_experiment(self.config, self.path or "run")[0]

    @property
    def title(self) -> str:
        return self.experiment.title

    @property
    def code_layer(self) -> int:
        return self.experiment.code_layer

    @property
    def stop_reason(self) -> str:
        return self.meta.stop_reason

    def moment(self, snapshot: int) -> str:
        """How the header, `train`, `info` and `batch` all name a snapshot (`moment_name`)."""
        return moment_name(int(self.epoch[snapshot]), int(self.step[snapshot]),
                           self.meta.steps_per_epoch)

    @property
    def ends_at(self) -> str:
        """The last snapshot's name ("epoch 12")."""
        return self.moment(len(self) - 1)

    def feature_name(self, index: int) -> str:
        """The name of input feature `index` (from 0): the CSV's column, else "x1", "x2"..."""
        if len(self.feature_names) == self.x.shape[1]:
            return self.feature_names[index]
        return f"x{index + 1}"


@dataclass(frozen=True, eq=False)
class LogVar:
    """A variational run's code layer's log-variance half, at every snapshot."""

    weights: np.ndarray  # [T, 2, in]
    biases: np.ndarray   # [T, 2]


@dataclass(frozen=True, eq=False, kw_only=True)
class Trajectory(RunRecord):
    """A recorded training run: the record with its per-snapshot arrays (mapped from the file
    when loaded)."""

    codes: np.ndarray                 # [T, N, 2]
    weights: list[np.ndarray]         # [T, out, in] per layer
    biases: list[np.ndarray]          # [T, out] per layer
    terms: np.ndarray | None = None   # [T, K], K = len(term_names)
    logvar: LogVar | None = None      # variational runs
    # What loading dropped (keys another aeviz version wrote): one line each, for the CLI.
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        """One line (the dataclass's would print every array: 47 KB in a notebook)."""
        where = f" from {self.path}" if self.path else ""
        return (f"<aeviz Trajectory {self.title!r}: {len(self)} snapshots, {len(self.x)} "
                f"samples, layers {'-'.join(map(str, self.layer_sizes))}{where}>")

    @property
    def variational(self) -> bool:
        return self.logvar is not None

    @property
    def logvar_weights(self) -> np.ndarray | None:
        return None if self.logvar is None else self.logvar.weights

    @property
    def logvar_biases(self) -> np.ndarray | None:
        return None if self.logvar is None else self.logvar.biases

    def release(self) -> None:
        """Let go of the per-snapshot data read so far: a loaded run's large arrays are mapped
        from its file, and their pages return to the file cache (read again when touched).
        A run in memory is left alone."""
        for array in (self.codes, *self.weights, *self.biases):
            release(array)

    def summary(self) -> Summary:
        """What `aeviz info` shows: the run's set-up and outcome."""
        return Summary.of(self)

    def snapshot_members(self) -> dict[str, np.ndarray]:
        return snapshot_members(self.codes, self.weights, self.biases, self.terms,
                                self.logvar_weights, self.logvar_biases)

    def save(self, path: str | Path) -> None:
        """Write the .npz atomically: a crash never leaves a broken file at `path`. As the
        command line does, an output that is a folder or a special file, or the file this run
        was read from or trained from (its experiment, its data), is refused first."""
        check_writable(path, inputs=self.inputs())
        with atomic_path(path) as temp:
            write_trajectory(temp, self, self.snapshot_members())

    def inputs(self) -> list[str]:
        """The files this run was read from or trained from: its trajectory, its experiment
        file and that file's data files (a save never overwrites them)."""
        found = [self.path] if self.path else []
        source = self.meta.source
        if not source or not Path(source).is_file():  # not trained from a file (a dict, text)
            return found
        data = self.experiment.data
        return found + [source] + [str(Path(source).parent / name)
                                   for name in (data.file, data.label_file) if name]


@dataclass(frozen=True)
class Hyperparameters:
    """The optimizer's settings and the training's bounds, as `info` shows them."""

    learning_rate: float
    batch_size: int
    epochs: int       # at most
    epsilon: float    # the RMSE that counts as converged
    beta1: float
    beta2: float
    eps: float
    dampening: float  # Momentum's (beta1 unless given)
    seed: int


@dataclass(frozen=True)
class Summary:
    """What `aeviz info` shows of a run: its set-up and outcome in plain values."""

    title: str
    layers: tuple[int, ...]
    code_layer: int
    activations: tuple[str, ...]
    optimizer: str
    hyperparameters: Hyperparameters
    samples: int
    dimensions: int
    clusters: dict[str, int]         # label name -> samples
    snapshots: int
    epochs: tuple[int, int]          # first and last recorded
    ends_at: str
    stop_reason: str
    first_rmse: float
    final_rmse: float
    wall_seconds: float | None
    aeviz_version: str | None
    created: str | None
    objective: dict[str, Any] = field(default_factory=dict)  # settings of the other terms
    final_terms: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, run: Trajectory) -> Summary:
        exp, meta = run.experiment, run.meta
        train = exp.train
        labelled = run.labels[run.labels >= 0]
        counts = np.bincount(labelled) if len(labelled) else []
        objective = {k: getattr(train, k) for k in ("weight_decay", "noise", "masking",
                                                    "code_l1", "beta")
                     if getattr(train, k) is not None}
        if run.variational:
            objective["variational"] = True
        return cls(
            title=exp.title, layers=tuple(run.layer_sizes), code_layer=exp.code_layer,
            activations=tuple(run.activations), optimizer=train.optimizer,
            hyperparameters=Hyperparameters(**{
                f.name: getattr(train.resolved(), f.name)
                for f in dataclasses.fields(Hyperparameters)}),
            samples=len(run.x), dimensions=int(run.x.shape[1]),
            clusters={name: int(n) for name, n in zip(
                run.label_names or [str(i) for i in range(len(counts))], counts)},
            snapshots=len(run), epochs=(int(run.epoch[0]), int(run.epoch[-1])),
            ends_at=run.ends_at, stop_reason=meta.stop_reason,
            first_rmse=float(run.loss[0]), final_rmse=float(run.loss[-1]),
            wall_seconds=meta.wall_seconds, aeviz_version=meta.aeviz_version,
            created=meta.created, objective=objective,
            final_terms={} if run.terms is None else {
                name: float(value) for name, value in zip(run.term_names, run.terms[-1])})

    def to_dict(self) -> dict[str, Any]:
        """As JSON holds it (the objective's keys only for runs that have one)."""
        plain = dataclasses.asdict(self)
        plain["layers"], plain["activations"] = list(self.layers), list(self.activations)
        plain["epochs"] = list(self.epochs)
        if not self.objective and not self.final_terms:
            del plain["objective"], plain["final_terms"]
        return plain


def write_trajectory(path: str | Path, run: RunRecord, snapshots: Mapping[str, Array]) -> None:
    """Write the .npz of `run` with its per-snapshot arrays `snapshots` (`snapshot_members`:
    arrays in memory, or raw files streamed during training)."""
    write_archive(path, {
        "format": np.array(FORMAT),
        "format_version": np.array(format_version(run.config)),
        "config": np.array(run.config), "meta": np.array(run.meta.to_json()),
        "x": np.asarray(run.x, np.float32), "labels": run.labels,
        "label_names": np.array(run.label_names, dtype=str),
        "feature_names": np.array(run.feature_names, dtype=str),
        "layer_sizes": np.array(run.layer_sizes),
        "activations": np.array(run.activations, dtype=str),
        "epoch": run.epoch, "step": run.step, "loss": run.loss, "step_loss": run.step_loss,
        **({TERM_NAMES: np.array(run.term_names, dtype=str)} if run.term_names else {}),
        **snapshots,
    })


def format_version(config: str) -> int:
    """The format version a run of the experiment `config` (TOML text) is written with: the
    arrays' version, or newer where it uses a key that came later (see `setting(since=)`)."""
    try:
        experiment = stored_experiment(config, "run")[0]
    except AevizError:  # not an experiment this aeviz reads: nothing newer in it either
        return ARRAYS_VERSION
    return format_version_of(experiment, ARRAYS_VERSION)


def moment_name(epoch: int, step: int, steps_per_epoch: int) -> str:
    """"epoch 12", or "epoch 1, batch 3/13" for a snapshot taken within an epoch."""
    within = step - (epoch - 1) * steps_per_epoch
    if steps_per_epoch and epoch > 0 and within < steps_per_epoch:
        return f"epoch {epoch}, batch {within}/{steps_per_epoch}"
    return f"epoch {epoch}"


def load(path: str | Path) -> Trajectory:
    """Read and check a trajectory; any problem is an AevizError naming the file and the key.

    Every member is checked against its declared header, and the declared shapes against each
    other, before any array's data is read (see `archive` and `checks`); the large arrays are
    then mapped from the file, not copied.
    """
    name = str(path)
    check_readable(path)
    _check_file(name)
    members = read_directory(name)
    _check_format(name, members)
    checks.check_keys(name, members)
    small = {key: read_member(name, members[key]) for key in (
        "format_version", "config", "meta", "layer_sizes", "activations", "label_names")}
    _check_version(name, small["format_version"])
    checks.check_layers(name, small["layer_sizes"], small["activations"], members["x"])
    layer_sizes = tuple(int(n) for n in small["layer_sizes"])
    n_layers = len(layer_sizes) - 1
    checks.check_layer_keys(name, members, n_layers)
    checks.check_shapes(name, members, layer_sizes)
    finite = ("x", "loss", CODES, *(key(i) for i in range(n_layers)
                                     for key in (weights_key, biases_key)),
              *(key for key in (TERMS, LOGVAR_WEIGHTS, LOGVAR_BIASES) if key in members))
    for key in finite:
        if members[key].dtype.kind == "f":  # other kinds are refused below, by their shapes
            checks.check_finite(name, key, blocks(name, members[key]))
    arrays = {key: read_member(name, member) for key, member in members.items()
              if key not in small}
    checks.check_order(name, arrays["epoch"], arrays["step"])
    checks.check_errors(name, arrays["loss"])
    checks.check_labels(name, arrays["labels"], small["label_names"])
    meta, meta_notes = meta_from_json(str(small["meta"]), name)
    experiment, notes = stored_experiment(str(small["config"]), name)
    _check_experiment(name, experiment, layer_sizes, small["activations"])
    term_names, terms = _terms(name, arrays, experiment)
    trajectory = Trajectory(
        config=str(small["config"]), meta=meta,
        x=arrays["x"], labels=arrays["labels"].astype(int),
        label_names=checked_names((str(s) for s in small["label_names"]),
                                  f"{name}: label_names", longest=MAX_CLASS_NAME),
        feature_names=checked_names((str(s) for s in arrays.get("feature_names", ())),
                                    f"{name}: feature_names"),
        layer_sizes=layer_sizes,
        activations=tuple(str(s) for s in small["activations"]),
        epoch=arrays["epoch"], step=arrays["step"], loss=arrays["loss"],
        step_loss=arrays["step_loss"], term_names=term_names, path=name,
        codes=arrays[CODES],
        weights=[arrays[weights_key(i)] for i in range(n_layers)],
        biases=[arrays[biases_key(i)] for i in range(n_layers)],
        terms=terms, logvar=_logvar(name, arrays, experiment, layer_sizes),
        notes=notes + meta_notes)
    trajectory.__dict__["experiment"] = experiment  # checked above; the cached property's value
    return trajectory


def _check_file(name: str) -> None:
    """A regular file of at most MAX_TRAJECTORY_BYTES that starts like a zip archive."""
    try:  # without blocking: a "regular" file that waits for data (/proc/kmsg) never hangs
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(descriptor)
            magic = (os.read(descriptor, 4) if stat.S_ISREG(info.st_mode)
                     and info.st_size >= 4 else b"")
        finally:
            os.close(descriptor)
    except BlockingIOError:
        magic = b""
    except OSError as error:
        raise AevizError(f"{name}: cannot read: {error.strerror or error}") from None
    if info.st_size > MAX_TRAJECTORY_BYTES:
        raise AevizError(f"{name}: {size_text(info.st_size)}; a trajectory may hold at most "
                         f"{size_text(MAX_TRAJECTORY_BYTES)}")
    if magic != b"PK\x03\x04":  # every .npz is a zip archive
        raise AevizError(f"{name}: not an aeviz trajectory (not an .npz archive; make one "
                         "with `aeviz train`)")


def _check_format(name: str, members: dict) -> None:
    member = members.get("format")
    value = read_member(name, member) if member is not None and member.nbytes < 1000 else None
    if value is None or value.dtype.kind != "U" or value.ndim != 0 or str(value) != FORMAT:
        raise AevizError(f'{name}: not an aeviz trajectory (no format key "{FORMAT}"; '
                         "write one with `aeviz train`)")


def _check_version(name: str, version: np.ndarray) -> None:
    if int(version) < 1:
        raise AevizError(f"{name}: format_version: expected a whole number >= 1, got "
                         f"{int(version)}")
    if int(version) > FORMAT_VERSION:
        raise AevizError(f"{name}: written by a newer aeviz (format {int(version)}); this aeviz "
                         f"reads up to {FORMAT_VERSION}: upgrade aeviz")


def _check_experiment(name: str, experiment: Experiment, layer_sizes: tuple[int, ...],
                      activations: np.ndarray) -> None:
    """The stored experiment describes the stored network."""
    if tuple(experiment.model.layers) != layer_sizes:
        raise AevizError(f"{name}: config: model.layers {list(experiment.model.layers)} does "
                         f"not match layer_sizes {list(layer_sizes)}")
    if experiment.model.activations != tuple(activations.tolist()):
        raise AevizError(f"{name}: config: the activations {list(experiment.model.activations)} "
                         f"do not match the stored activations {activations.tolist()}")


def recorded_terms(experiment: Experiment) -> tuple[str, ...]:
    """The names of the terms a run of `experiment` records beside its RMSE, in order (as
    training.objectives.Objective.of(experiment).terms(); a test keeps the two in step)."""
    return ((("code_l1",) if experiment.train.code_l1 else ())
            + (("kl",) if experiment.model.variational else ()))


def _terms(name: str, arrays: dict[str, np.ndarray],
           experiment: Experiment) -> tuple[tuple[str, ...], np.ndarray | None]:
    """The objective's other terms of a regularized run (names and values), checked against
    the snapshots and the stored experiment's objective; none for a plain run. (Their values
    were checked finite above.)"""
    expected = recorded_terms(experiment)
    if TERM_NAMES not in arrays and TERMS not in arrays:
        if expected:
            raise AevizError(f"{name}: {TERMS}: missing, but the stored config's objective "
                             f"records {', '.join(expected)} (a damaged or tampered trajectory)")
        return (), None
    names, terms = arrays.get(TERM_NAMES), arrays.get(TERMS)
    snapshots = len(arrays["epoch"])
    if names is None or terms is None or names.dtype.kind != "U" or names.ndim != 1 or (
            terms.dtype.kind != "f" or terms.shape != (snapshots, len(names))):
        raise AevizError(f"{name}: {TERMS}: expected {TERM_NAMES} [K] and {TERMS} "
                         f"[{snapshots}, K] floats (a damaged trajectory)")
    stored = checked_names((str(s) for s in names), f"{name}: {TERM_NAMES}")
    if stored != expected:
        raise AevizError(f"{name}: {TERM_NAMES}: {', '.join(stored) or 'none'}, but the stored "
                         f"config's objective records {', '.join(expected) or 'none'} (a "
                         "damaged or tampered trajectory)")
    return stored, terms


def _logvar(name: str, arrays: dict[str, np.ndarray], experiment: Experiment,
            layer_sizes: tuple[int, ...]) -> LogVar | None:
    """A variational run's log-variance layer, checked against the snapshots and the layer that
    feeds the code layer; present exactly when the stored experiment is variational."""
    present = LOGVAR_WEIGHTS in arrays or LOGVAR_BIASES in arrays
    if bool(experiment.model.variational) != present:
        raise AevizError(f"{name}: {LOGVAR_WEIGHTS}: " + (
            "present, but the stored config's model is not variational" if present else
            "missing, but the stored config's model.variational is true")
            + " (a damaged or tampered trajectory)")
    if not present:
        return None
    weight, bias = arrays.get(LOGVAR_WEIGHTS), arrays.get(LOGVAR_BIASES)
    snapshots = len(arrays["epoch"])
    feeding = layer_sizes[experiment.code_layer - 1]  # the layer the code layer reads
    if weight is None or bias is None or weight.dtype.kind != "f" or (
            bias.dtype.kind != "f") or weight.shape != (snapshots, 2, feeding) or (
            bias.shape != (snapshots, 2)):
        raise AevizError(f"{name}: {LOGVAR_WEIGHTS}, {LOGVAR_BIASES}: expected [{snapshots}, "
                         f"2, {feeding}] and [{snapshots}, 2] floats (a damaged trajectory)")
    return LogVar(weight, bias)
