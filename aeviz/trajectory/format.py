"""The .npz trajectory: the one contract between `aeviz train` and everything that reads runs.

Keys (all present; loadable with np.load(path, allow_pickle=False)):
  format          "aeviz-trajectory"
  format_version  1
  config          the resolved experiment as TOML text
  meta            JSON text: aeviz and numpy versions, created, seed, stop_reason
                  (epochs | converged | diverged | interrupted), wall_seconds, ...
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
"""

from __future__ import annotations

import json
import sys
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from aeviz.errors import AevizError
from aeviz.files import atomic_path, check_readable
from aeviz.settings import RenderOptions, stored_render_options
from aeviz.trajectory import checks
from aeviz.trajectory.archive import RawArray, write_archive

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FORMAT = "aeviz-trajectory"
FORMAT_VERSION = 2  # the newest this aeviz reads; a run is written with the oldest that fits
VARIATIONAL_VERSION = 2
STOP_REASONS = checks.STOP_REASONS
_PER_RUN_KEYS = ("format", "format_version", "config", "meta", "x", "labels", "label_names",
                 "layer_sizes", "activations", "epoch", "step", "loss", "codes", "step_loss")


@dataclass
class Trajectory:
    """A recorded training run, as arrays in memory."""

    config: str
    meta: dict
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

    @property
    def variational(self) -> bool:
        return self.logvar_weights is not None

    @cached_property
    def experiment(self) -> dict[str, Any]:
        """The resolved experiment as a plain dict (title, model, train, ...)."""
        return tomllib.loads(self.config)

    @property
    def title(self) -> str:
        return self.experiment.get("title", "")

    @property
    def code_layer(self) -> int:
        return int(self.experiment["model"]["code_layer"])

    @property
    def stop_reason(self) -> str:
        return self.meta.get("stop_reason", "epochs")

    # Typed reads of what the renderer shows, so no reader spells the config's or meta's keys.
    @property
    def optimizer(self) -> str:
        """The optimizer's name as configured: "sgd", "momentum", "rmsprop" or "adam"."""
        return self.experiment["train"]["optimizer"]

    @property
    def learning_rate(self) -> float:
        return self.experiment["train"]["learning_rate"]

    @property
    def batch_size(self) -> int:
        return self.experiment["train"]["batch_size"]

    @property
    def epsilon(self) -> float:
        """The RMSE that stops training early; 0 when there is none."""
        return self.experiment["train"].get("epsilon", 0.0)

    @property
    def steps_per_epoch(self) -> int:
        """Optimizer steps in one epoch; 0 when the run did not record it."""
        return self.meta.get("steps_per_epoch") or 0

    @property
    def diverged_at(self) -> int | None:
        """The epoch whose loss was no longer finite, for a diverged run."""
        return self.meta.get("diverged_at")

    def moment(self, snapshot: int) -> str:
        """How the header, `train`, `info` and `batch` all name a snapshot (`moment_name`)."""
        return moment_name(int(self.epoch[snapshot]), int(self.step[snapshot]),
                           self.steps_per_epoch)

    def feature_name(self, index: int) -> str:
        """The name of input feature `index` (from 0): the CSV's column, else "x1", "x2"..."""
        if len(self.feature_names) == self.x.shape[1]:
            return self.feature_names[index]
        return f"x{index + 1}"

    @property
    def label_title(self) -> str | None:
        """The label column's name (a legend's title), for data read from a CSV."""
        return self.experiment.get("data", {}).get("label_column")

    @property
    def image_shape(self) -> tuple[int, int] | None:
        """(height, width) when the samples are images (`data.image_shape`), else None."""
        shape = self.experiment.get("data", {}).get("image_shape")
        return (int(shape[0]), int(shape[1])) if shape else None

    @property
    def render_options(self) -> RenderOptions:
        """The experiment's [render] table: what `aeviz render` flags go on top of."""
        return stored_render_options(self.experiment.get("render", {}))

    def __len__(self) -> int:
        return len(self.epoch)

    def summary(self) -> dict[str, Any]:
        """What `aeviz info` shows: the run's set-up and outcome in plain values."""
        exp, meta = self.experiment, self.meta
        train = exp.get("train", {})
        counts = np.bincount(self.labels[self.labels >= 0]) if (self.labels >= 0).any() else []
        return {
            "title": self.title,
            "layers": list(self.layer_sizes),
            "code_layer": self.code_layer,
            "activations": list(self.activations),
            "optimizer": train.get("optimizer"),
            "hyperparameters": {k: train.get(k) for k in (
                "learning_rate", "batch_size", "epochs", "epsilon", "beta1", "beta2", "eps",
                "seed")},
            # The objective's other settings, where the run has them (see training.objectives).
            "objective": {**{k: train[k] for k in ("weight_decay", "noise", "masking",
                                                   "code_l1", "beta") if k in train},
                          **({"variational": True} if self.variational else {})},
            "final_terms": ({name: float(value) for name, value in
                             zip(self.term_names, self.terms[-1])} if self.terms is not None
                            else {}),
            "samples": len(self.x),
            "dimensions": int(self.x.shape[1]),
            "clusters": {name: int(n) for name, n in zip(
                self.label_names or [str(i) for i in range(len(counts))], counts)},
            "snapshots": len(self),
            "epochs": [int(self.epoch[0]), int(self.epoch[-1])],
            "ends_at": self.moment(len(self) - 1),
            "stop_reason": self.stop_reason,
            "first_rmse": float(self.loss[0]),
            "final_rmse": float(self.loss[-1]),
            "wall_seconds": meta.get("wall_seconds"),
            "aeviz_version": meta.get("aeviz_version"),
            "created": meta.get("created"),
        }

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
    version = VARIATIONAL_VERSION if "W_logvar" in snapshots else 1
    term_names = tuple(getattr(run, "term_names", ()))
    write_archive(path, {
        "format": np.array(FORMAT), "format_version": np.array(version),
        "config": np.array(run.config), "meta": np.array(json.dumps(run.meta)),
        "x": np.asarray(run.x, np.float32), "labels": run.labels,
        "label_names": np.array(run.label_names, dtype=str),
        "feature_names": np.array(run.feature_names, dtype=str),
        "layer_sizes": np.array(run.layer_sizes),
        "activations": np.array(run.activations, dtype=str),
        "epoch": run.epoch, "step": run.step, "loss": run.loss, "step_loss": run.step_loss,
        **({"term_names": np.array(term_names, dtype=str)} if term_names else {}),
        **snapshots,
    })


def moment_name(epoch: int, step: int, steps_per_epoch: int) -> str:
    """"epoch 12", or "epoch 1, batch 3/13" for a snapshot taken within an epoch."""
    within = step - (epoch - 1) * steps_per_epoch
    if steps_per_epoch and epoch > 0 and within < steps_per_epoch:
        return f"epoch {epoch}, batch {within}/{steps_per_epoch}"
    return f"epoch {epoch}"


def load(path: str | Path) -> Trajectory:
    """Read and check a trajectory; any problem is an AevizError naming the file and the key.

    The sizes the arrays declare are checked before any is read, and every key before it is
    used (see `checks`).
    """
    name = str(path)
    check_readable(path)
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
        if magic != b"PK\x03\x04":  # every .npz is a zip archive
            raise AevizError(f"{name}: not an aeviz trajectory (not an .npz archive; make one "
                             "with `aeviz train`)")
        checks.check_declared_sizes(name)
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except AevizError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        # np.load raises these for other files, truncated archives and pickled objects.
        reason = str(error) if isinstance(error, ValueError) else "not an .npz archive"
        raise AevizError(f"{name}: not an aeviz trajectory ({reason})") from None
    if "format" not in arrays or arrays["format"].dtype.kind != "U" or (
            str(arrays["format"]) != FORMAT):
        raise AevizError(f'{name}: not an aeviz trajectory (no format key "{FORMAT}"; '
                         "write one with `aeviz train`)")
    version = arrays.get("format_version", np.array(-1))
    if version.dtype.kind not in "iu" or version.ndim != 0:
        raise AevizError(f"{name}: format_version: expected a whole number, got {version}")
    if int(version) > FORMAT_VERSION:
        raise AevizError(f"{name}: format_version {int(version)} is newer than this aeviz "
                         f"reads ({FORMAT_VERSION}); upgrade aeviz")
    missing = [key for key in _PER_RUN_KEYS if key not in arrays]
    if missing:
        raise AevizError(f"{name}: missing key {missing[0]!r} (incomplete or damaged trajectory)")
    checks.check_arrays(name, arrays, 0)  # the keys every run has, before reading any
    checks.check_layers(name, arrays)
    layer_sizes = tuple(int(n) for n in arrays["layer_sizes"])
    n_layers = max(len(layer_sizes) - 1, 0)
    missing = [f"{kind}{i}" for i in range(n_layers) for kind in "Wb"
               if f"{kind}{i}" not in arrays]
    if missing:
        raise AevizError(f"{name}: missing key {missing[0]!r} (incomplete or damaged trajectory)")
    checks.check_arrays(name, arrays, n_layers)
    trajectory = Trajectory(
        config=str(arrays["config"]), meta=checks.parse_meta(name, str(arrays["meta"])),
        x=arrays["x"], labels=arrays["labels"].astype(int),
        label_names=tuple(str(s) for s in arrays["label_names"]),
        feature_names=tuple(str(s) for s in arrays.get("feature_names", ())),
        layer_sizes=layer_sizes,
        activations=tuple(str(s) for s in arrays["activations"]),
        epoch=arrays["epoch"], step=arrays["step"], loss=arrays["loss"],
        codes=arrays["codes"],
        weights=[arrays[f"W{i}"] for i in range(n_layers)],
        biases=[arrays[f"b{i}"] for i in range(n_layers)],
        step_loss=arrays["step_loss"], path=name,
        **_objective_arrays(name, arrays, layer_sizes))
    checks.check_shapes(trajectory)
    checks.check_values(name, arrays, n_layers)
    try:
        config = trajectory.experiment
    except tomllib.TOMLDecodeError as error:
        raise AevizError(f"{name}: config: not valid TOML ({error})") from None
    checks.check_config(name, config, layer_sizes)
    return trajectory


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
        found |= {"term_names": tuple(str(s) for s in names), "terms": terms}
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
