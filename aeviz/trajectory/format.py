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

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from aeviz.errors import AevizError
from aeviz.files import atomic_path, check_readable
from aeviz.limits import MAX_TRAJECTORY_BYTES, size_text
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
from aeviz.trajectory.meta import STOP_REASONS, Meta, meta_from_dict, meta_from_json

FORMAT = "aeviz-trajectory"
# The version of the arrays' layout; bump it when the arrays change meaning. Keys of the
# experiment that change what a run means declare their own version (`setting(..., since=N)`),
# and a run is written with the newest version among the keys it uses.
ARRAYS_VERSION = 1
FORMAT_VERSION = newest_version(Experiment, ARRAYS_VERSION)  # the newest this aeviz reads
__all__ = ["FORMAT", "FORMAT_VERSION", "STOP_REASONS", "Meta", "Trajectory", "load",
           "moment_name", "write_trajectory"]


@dataclass
class Trajectory:
    """A recorded training run: its arrays (mapped from the file when loaded), the experiment
    it was trained from (`experiment`, from the stored `config` text) and what training reported
    about it (`meta`)."""

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
    codes: np.ndarray
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    step_loss: np.ndarray
    feature_names: tuple[str, ...] = ()
    term_names: tuple[str, ...] = ()
    terms: np.ndarray | None = None            # [T, K]
    logvar_weights: np.ndarray | None = None   # [T, 2, in], variational runs
    logvar_biases: np.ndarray | None = None    # [T, 2]
    path: str = field(default="", compare=False)
    # What loading dropped (keys another aeviz version wrote): one line each, for the CLI.
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.meta, Mapping):  # as training reports it
            self.meta = meta_from_dict(self.meta)

    def __repr__(self) -> str:
        """One line (the dataclass's would print every array: 47 KB in a notebook)."""
        where = f" from {self.path}" if self.path else ""
        return (f"<aeviz Trajectory {self.title!r}: {len(self)} snapshots, {len(self.x)} "
                f"samples, layers {'-'.join(map(str, self.layer_sizes))}{where}>")

    @property
    def variational(self) -> bool:
        return self.logvar_weights is not None

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

    def feature_name(self, index: int) -> str:
        """The name of input feature `index` (from 0): the CSV's column, else "x1", "x2"..."""
        if len(self.feature_names) == self.x.shape[1]:
            return self.feature_names[index]
        return f"x{index + 1}"

    def __len__(self) -> int:
        return len(self.epoch)

    def release(self) -> None:
        """Let go of the per-snapshot data read so far: a loaded run's large arrays are mapped
        from its file, and their pages return to the file cache (read again when touched).
        A run in memory is left alone."""
        for array in (self.codes, *self.weights, *self.biases):
            release(array)

    def summary(self) -> dict[str, Any]:
        """What `aeviz info` shows: the run's set-up and outcome in plain values (and the
        objective's other settings and final terms, for runs that have them)."""
        exp, meta = self.experiment, self.meta
        train = exp.train
        labelled = self.labels[self.labels >= 0]
        counts = np.bincount(labelled) if len(labelled) else []
        return {
            "title": exp.title,
            "layers": list(self.layer_sizes),
            "code_layer": exp.code_layer,
            "activations": list(self.activations),
            "optimizer": train.optimizer,
            "hyperparameters": {k: getattr(train, k) for k in (
                "learning_rate", "batch_size", "epochs", "epsilon", "beta1", "beta2", "eps",
                "seed")},
            "samples": len(self.x),
            "dimensions": int(self.x.shape[1]),
            "clusters": {name: int(n) for name, n in zip(
                self.label_names or [str(i) for i in range(len(counts))], counts)},
            "snapshots": len(self),
            "epochs": [int(self.epoch[0]), int(self.epoch[-1])],
            "ends_at": self.moment(len(self) - 1),
            "stop_reason": meta.stop_reason,
            "first_rmse": float(self.loss[0]),
            "final_rmse": float(self.loss[-1]),
            "wall_seconds": meta.wall_seconds,
            "aeviz_version": meta.aeviz_version,
            "created": meta.created,
        } | self._objective_summary()

    def _objective_summary(self) -> dict[str, Any]:
        """The objective's other settings and final terms; nothing for a plain run."""
        train = self.experiment.train
        objective = {k: getattr(train, k) for k in ("weight_decay", "noise", "masking",
                                                    "code_l1", "beta")
                     if getattr(train, k) is not None}
        if self.variational:
            objective["variational"] = True
        if not objective and self.terms is None:
            return {}
        return {"objective": objective, "final_terms": (
            {name: float(value) for name, value in zip(self.term_names, self.terms[-1])}
            if self.terms is not None else {})}

    def save(self, path: str | Path) -> None:
        """Write the .npz atomically: a crash never leaves a broken file at `path`."""
        arrays = {"codes": self.codes}
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            arrays[f"W{i}"], arrays[f"b{i}"] = w, b
        for key, array in (("terms", self.terms), ("W_logvar", self.logvar_weights),
                           ("b_logvar", self.logvar_biases)):
            if array is not None:
                arrays[key] = array
        with atomic_path(path) as temp:
            write_trajectory(temp, self, arrays)


def write_trajectory(path: str | Path, run: Trajectory | Any,
                     snapshots: dict[str, np.ndarray | RawArray]) -> None:
    """Write the .npz of `run` (a Trajectory, or anything with its per-run attributes:
    config, meta, x, labels, ..., epoch, step, loss, step_loss) with the per-snapshot arrays
    `snapshots` (codes, W0.., b0..), which may be raw files streamed during training."""
    meta = run.meta if isinstance(run.meta, Meta) else meta_from_dict(run.meta)
    term_names = tuple(getattr(run, "term_names", ()))
    write_archive(path, {
        "format": np.array(FORMAT),
        "format_version": np.array(format_version(run.config)),
        "config": np.array(run.config), "meta": np.array(meta.to_json()),
        "x": np.asarray(run.x, np.float32), "labels": run.labels,
        "label_names": np.array(run.label_names, dtype=str),
        "feature_names": np.array(run.feature_names, dtype=str),
        "layer_sizes": np.array(run.layer_sizes),
        "activations": np.array(run.activations, dtype=str),
        "epoch": run.epoch, "step": run.step, "loss": run.loss, "step_loss": run.step_loss,
        **({"term_names": np.array(term_names, dtype=str)} if term_names else {}),
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
    for key in ("x", "loss", "codes", *(f"{k}{i}" for i in range(n_layers) for k in "Wb")):
        checks.check_finite(name, key, blocks(name, members[key]))
    arrays = {key: read_member(name, member) for key, member in members.items()
              if key not in small}
    checks.check_order(name, arrays["epoch"], arrays["step"])
    checks.check_labels(name, arrays["labels"], small["label_names"])
    meta, meta_notes = meta_from_json(str(small["meta"]), name)
    experiment, notes = stored_experiment(str(small["config"]), name)
    _check_experiment(name, experiment, layer_sizes, small["activations"])
    trajectory = Trajectory(
        config=str(small["config"]), meta=meta,
        x=arrays["x"], labels=arrays["labels"].astype(int),
        label_names=checked_names((str(s) for s in small["label_names"]),
                                  f"{name}: label_names"),
        feature_names=checked_names((str(s) for s in arrays.get("feature_names", ())),
                                    f"{name}: feature_names"),
        layer_sizes=layer_sizes,
        activations=tuple(str(s) for s in small["activations"]),
        epoch=arrays["epoch"], step=arrays["step"], loss=arrays["loss"],
        codes=arrays["codes"],
        weights=[arrays[f"W{i}"] for i in range(n_layers)],
        biases=[arrays[f"b{i}"] for i in range(n_layers)],
        step_loss=arrays["step_loss"], path=name, notes=notes + meta_notes,
        **_objective_arrays(name, arrays, layer_sizes))
    trajectory.__dict__["experiment"] = experiment  # checked above; the cached property's value
    return trajectory


def _check_file(name: str) -> None:
    """A regular file of at most MAX_TRAJECTORY_BYTES that starts like a zip archive."""
    try:
        with open(name, "rb") as handle:
            info = os.fstat(handle.fileno())
            magic = handle.read(4) if stat.S_ISREG(info.st_mode) else b""
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


def _objective_arrays(name: str, arrays: dict[str, np.ndarray],
                      layer_sizes: tuple[int, ...]) -> dict[str, Any]:
    """The optional arrays of regularized and variational runs, checked against the others."""
    found: dict[str, Any] = {}
    snapshots = len(arrays["epoch"])
    if "term_names" in arrays or "terms" in arrays:
        names, terms = arrays.get("term_names"), arrays.get("terms")
        if names is None or terms is None or names.dtype.kind != "U" or names.ndim != 1 or (
                terms.dtype.kind != "f" or terms.shape != (snapshots, len(names))):
            raise AevizError(f"{name}: terms: expected term_names [K] and terms "
                             f"[{snapshots}, K] floats (a damaged trajectory)")
        found |= {"term_names": checked_names((str(s) for s in names), f"{name}: term_names"),
                  "terms": terms}
    if "W_logvar" in arrays or "b_logvar" in arrays:
        weight, bias = arrays.get("W_logvar"), arrays.get("b_logvar")
        inputs = [n_in for n_in, n_out in zip(layer_sizes, layer_sizes[1:]) if n_out == 2]
        if weight is None or bias is None or weight.dtype.kind != "f" or (
                bias.dtype.kind != "f") or weight.ndim != 3 or weight.shape[:2] != (
                snapshots, 2) or weight.shape[2] not in inputs or bias.shape != (snapshots, 2):
            raise AevizError(f"{name}: W_logvar, b_logvar: expected [{snapshots}, 2, in] and "
                             f"[{snapshots}, 2] floats (a damaged trajectory)")
        if not (np.isfinite(weight).all() and np.isfinite(bias).all()):
            raise AevizError(f"{name}: W_logvar: holds NaN or infinite values")
        found |= {"logvar_weights": weight, "logvar_biases": bias}
    return found
