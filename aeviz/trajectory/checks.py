"""Every key of a trajectory checked before use, in the order that keeps reading cheap: the
declared headers first (dtype kinds, dimensions, shapes that agree across members), before any
array's data is read; then the values (finite where they must be, ordered snapshots, labels
that index their names), a block at a time. The stored experiment and meta are checked by the
schema that made them (see `format`). Each failure is one line naming the file and the key."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from aeviz.errors import AevizError
from aeviz.settings.names import ACTIVATION_NAMES

# key -> (dtype kinds allowed, dimensions); the W{i}, b{i} follow the same rule as "W", "b".
LAYOUT = {
    "format": ("U", 0), "format_version": ("iu", 0), "config": ("U", 0), "meta": ("U", 0),
    "x": ("f", 2), "labels": ("iu", 1), "label_names": ("U", 1), "layer_sizes": ("iu", 1),
    "activations": ("U", 1), "epoch": ("iu", 1), "step": ("iu", 1), "loss": ("f", 1),
    "codes": ("f", 3), "W": ("f", 3), "b": ("f", 2), "step_loss": ("f", 1),
    "feature_names": ("U", 1),
}
OPTIONAL = ("feature_names",)  # older trajectories lack it
PER_RUN = tuple(key for key in LAYOUT if key not in ("W", "b"))
MAX_LAYERS = 64


class Declared(Protocol):
    """What a member's .npy header declares (an archive Member, or an array)."""

    shape: tuple[int, ...]
    dtype: np.dtype

    @property
    def ndim(self) -> int: ...


def check_keys(path: str, members: dict[str, Declared]) -> None:
    """Every per-run key present, with the dtype kind and dimensions it must have."""
    for key in PER_RUN:
        if key not in members and key not in OPTIONAL:
            raise AevizError(f"{path}: missing key {key!r} (incomplete or damaged trajectory)")
    _check_kinds(path, members, {key: key for key in PER_RUN if key in members})


def check_layer_keys(path: str, members: dict[str, Declared], n_layers: int) -> None:
    """W0.., b0.. present for each of `n_layers` weight layers, with the right kinds."""
    keys = {f"{kind}{i}": kind for i in range(n_layers) for kind in "Wb"}
    for key in keys:
        if key not in members:
            raise AevizError(f"{path}: missing key {key!r} (incomplete or damaged trajectory)")
    _check_kinds(path, members, keys)


def _check_kinds(path: str, members: dict[str, Declared], keys: dict[str, str]) -> None:
    for key, rule in keys.items():
        kinds, ndim = LAYOUT[rule]
        member = members[key]
        if member.dtype.kind not in kinds or member.ndim != ndim:
            what = {"U": "text", "f": "floats", "iu": "integers"}[kinds]
            raise AevizError(f"{path}: {key}: expected {ndim}-D {what}, got {member.ndim}-D "
                             f"{member.dtype} (a damaged or foreign trajectory)")


def check_layers(path: str, sizes: np.ndarray, activations: np.ndarray, x: Declared) -> None:
    """An autoencoder's layer sizes, fitting the data, with a known activation per layer."""
    if not 3 <= len(sizes) <= MAX_LAYERS or (sizes < 1).any() or sizes[0] != sizes[-1]:
        raise AevizError(f"{path}: layer_sizes: {sizes[:MAX_LAYERS + 1].tolist()} is not an "
                         f"autoencoder's (3 to {MAX_LAYERS} layers, all >= 1, first = last)")
    if x.shape[0] == 0 or x.shape[1] != sizes[0]:
        raise AevizError(f"{path}: x: shape {x.shape} does not fit an input layer of "
                         f"{sizes[0]}")
    unknown = sorted(set(activations.tolist()) - set(ACTIVATION_NAMES))
    if unknown or len(activations) != len(sizes) - 1:
        raise AevizError(f"{path}: activations: expected {len(sizes) - 1} of "
                         f"{', '.join(ACTIVATION_NAMES)}; got {activations[:8].tolist()}")


def check_shapes(path: str, members: dict[str, Declared], sizes: tuple[int, ...]) -> None:
    """Every per-snapshot and per-sample array agrees with the others' counts and the layers,
    from the declared shapes alone."""
    snapshots, samples = members["epoch"].shape[0], members["x"].shape[0]
    expected = {"step": (snapshots,), "loss": (snapshots,), "codes": (snapshots, samples, 2),
                "labels": (samples,)}
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        expected[f"W{i}"] = (snapshots, n_out, n_in)
        expected[f"b{i}"] = (snapshots, n_out)
    for key, shape in expected.items():
        if members[key].shape != shape:
            raise AevizError(f"{path}: damaged trajectory ({key} has shape "
                             f"{members[key].shape}, expected {shape})")
    if snapshots == 0:
        raise AevizError(f"{path}: the trajectory has no snapshots")


def check_finite(path: str, key: str, blocks) -> None:
    """No NaN or infinity among the values `blocks` yields (an array's values, block by block)."""
    for block in blocks:
        if not np.isfinite(block).all():
            raise AevizError(f"{path}: {key}: holds NaN or infinite values")


def check_errors(path: str, loss: np.ndarray) -> None:
    """An RMSE is never negative (a square root): a log loss axis has no place for one. (The
    objective's other terms are not checked: a KL divergence near 0 may round below it.)"""
    if loss.size and loss.min() < 0:
        raise AevizError(f"{path}: loss: holds negative values (an RMSE is at least 0)")


def check_order(path: str, epoch: np.ndarray, step: np.ndarray) -> None:
    """Snapshots in strictly increasing step order and increasing epoch order."""
    if len(step) > 1 and not (np.diff(step) > 0).all():
        raise AevizError(f"{path}: step: snapshots are not in strictly increasing step order")
    if len(epoch) and ((np.diff(epoch) < 0).any() or epoch[0] < 0):
        raise AevizError(f"{path}: epoch: snapshots are not in increasing epoch order")


def check_labels(path: str, labels: np.ndarray, names: np.ndarray) -> None:
    """Each label -1 (none) or an index into the names; without names, below the number of
    samples (a label per sample at most), so counting them never allocates more than that."""
    if not len(labels):
        return
    bound = len(names) if len(names) else len(labels)
    if labels.min() < -1 or labels.max() >= bound:
        allowed = (f"index label_names ({len(names)} names)" if len(names) else
                   f"be below the number of samples ({len(labels)}) when there are no "
                   "label_names")
        raise AevizError(f"{path}: labels: values must be -1 (none) or {allowed}")
