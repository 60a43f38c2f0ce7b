"""Every key of a trajectory checked before use: declared sizes before anything is read, then
dtypes and shapes, finite values where they must be finite, increasing steps, known names, a
config and a meta that hold what the renderer reads. Each failure is one line naming the file
and the key: a tampered or foreign .npz never reaches a traceback."""

from __future__ import annotations

import json
import math
import zipfile
from typing import Any

import numpy as np

from aeviz.errors import AevizError
from aeviz.limits import MAX_TRAJECTORY_BYTES, npy_header, size_text
from aeviz.settings.names import ACTIVATION_NAMES, OPTIMIZER_NAMES

STOP_REASONS = ("epochs", "converged", "diverged", "interrupted")
MAX_MEMBERS = 1000
# key -> (dtype kinds allowed, dimensions); the W{i}, b{i} follow the same rule as "W", "b".
LAYOUT = {
    "format": ("U", 0), "format_version": ("iu", 0), "config": ("U", 0), "meta": ("U", 0),
    "x": ("f", 2), "labels": ("iu", 1), "label_names": ("U", 1), "layer_sizes": ("iu", 1),
    "activations": ("U", 1), "epoch": ("iu", 1), "step": ("iu", 1), "loss": ("f", 1),
    "codes": ("f", 3), "W": ("f", 3), "b": ("f", 2), "step_loss": ("f", 1),
}


def check_declared_sizes(path: str, limit: int = MAX_TRAJECTORY_BYTES) -> None:
    """Read only the .npy headers of the archive: refuse one whose arrays claim more than
    `limit` bytes (a decompression bomb), before any array is read."""
    total = 0
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise AevizError(f"{path}: not an aeviz trajectory ({len(members)} arrays)")
        for info in members:
            key = info.filename.removesuffix(".npy")
            with archive.open(info) as member:
                try:
                    shape, dtype = npy_header(member)
                except ValueError as error:
                    raise AevizError(f"{path}: {key}: not a readable array ({error})") from None
            if dtype.hasobject:
                raise AevizError(f"{path}: {key}: holds Python objects, which aeviz never "
                                 "loads (allow_pickle=False)")
            total += math.prod(shape) * dtype.itemsize
            if total > limit:
                raise AevizError(f"{path}: {key}: declares {shape} of {dtype} "
                                 f"({size_text(math.prod(shape) * dtype.itemsize)}); a "
                                 f"trajectory may hold at most {size_text(limit)}: refused "
                                 "before reading it")


def check_arrays(path: str, arrays: dict[str, np.ndarray], n_layers: int) -> None:
    """dtype kinds and dimensions of every key the trajectory must hold."""
    keys = {key: key for key in LAYOUT if key not in ("W", "b")}
    keys.update({f"{kind}{i}": kind for i in range(n_layers) for kind in "Wb"})
    for key, rule in keys.items():
        kinds, ndim = LAYOUT[rule]
        array = arrays[key]
        if array.dtype.kind not in kinds or array.ndim != ndim:
            what = {"U": "text", "f": "floats", "iu": "integers"}[kinds]
            raise AevizError(f"{path}: {key}: expected {ndim}-D {what}, got {array.ndim}-D "
                             f"{array.dtype} (a damaged or foreign trajectory)")


def check_layers(path: str, arrays: dict[str, np.ndarray]) -> None:
    """An autoencoder's layer sizes, fitting the data, with a known activation per layer."""
    sizes = arrays["layer_sizes"]
    if len(sizes) < 3 or (sizes < 1).any() or sizes[0] != sizes[-1]:
        raise AevizError(f"{path}: layer_sizes: {sizes.tolist()} is not an autoencoder's "
                         "(at least 3 layers, all >= 1, first = last)")
    if len(arrays["x"]) == 0 or arrays["x"].shape[1] != sizes[0]:
        raise AevizError(f"{path}: x: shape {arrays['x'].shape} does not fit an input layer of "
                         f"{sizes[0]}")
    unknown = sorted(set(arrays["activations"].tolist()) - set(ACTIVATION_NAMES))
    if unknown or len(arrays["activations"]) != len(sizes) - 1:
        raise AevizError(f"{path}: activations: expected {len(sizes) - 1} of "
                         f"{', '.join(ACTIVATION_NAMES)}; got {arrays['activations'].tolist()}")


def check_shapes(run) -> None:
    """Every per-snapshot and per-sample array agrees with the others' counts and the layers."""
    snapshots, samples = len(run.epoch), len(run.x)
    expected = {"loss": (snapshots,), "step": (snapshots,), "codes": (snapshots, samples, 2),
                "labels": (samples,)}
    for i, (n_in, n_out) in enumerate(zip(run.layer_sizes, run.layer_sizes[1:])):
        expected[f"W{i}"] = (snapshots, n_out, n_in)
        expected[f"b{i}"] = (snapshots, n_out)
    actual = {"loss": run.loss.shape, "step": run.step.shape, "codes": run.codes.shape,
              "labels": run.labels.shape}
    for i, (w, b) in enumerate(zip(run.weights, run.biases)):
        actual[f"W{i}"], actual[f"b{i}"] = w.shape, b.shape
    for key, shape in expected.items():
        if actual[key] != shape:
            raise AevizError(f"{run.path}: damaged trajectory ({key} has shape {actual[key]}, "
                             f"expected {shape})")
    if snapshots == 0:
        raise AevizError(f"{run.path}: the trajectory has no snapshots")


def check_values(path: str, arrays: dict[str, np.ndarray], n_layers: int) -> None:
    """What the renderer relies on: finite numbers, ordered snapshots, sane layer sizes."""
    finite = ["x", "loss", "codes", *(f"{k}{i}" for i in range(n_layers) for k in "Wb")]
    for key in finite:
        if not np.isfinite(arrays[key]).all():
            raise AevizError(f"{path}: {key}: holds NaN or infinite values")
    if len(arrays["step"]) > 1 and not (np.diff(arrays["step"]) > 0).all():
        raise AevizError(f"{path}: step: snapshots are not in strictly increasing step order")
    if len(arrays["epoch"]) and ((np.diff(arrays["epoch"]) < 0).any() or arrays["epoch"][0] < 0):
        raise AevizError(f"{path}: epoch: snapshots are not in increasing epoch order")
    labels, names = arrays["labels"], arrays["label_names"]
    if len(labels) and (labels.min() < -1 or (len(names) and labels.max() >= len(names))):
        raise AevizError(f"{path}: labels: values must be -1 (none) or index label_names "
                         f"({len(names)} names)")


def check_meta(path: str, meta: Any) -> None:
    """`meta` is a JSON object with a known stop reason and integer counters."""
    if not isinstance(meta, dict):
        raise AevizError(f"{path}: meta: expected a JSON object, got {type(meta).__name__}")
    if meta.get("stop_reason", "epochs") not in STOP_REASONS:
        raise AevizError(f"{path}: meta: unknown stop_reason {meta['stop_reason']!r} "
                         f"(one of {', '.join(STOP_REASONS)})")
    for key in ("steps_per_epoch", "diverged_at", "epochs_run"):
        value = meta.get(key)
        if value is not None and (not isinstance(value, int) or value < 0):
            raise AevizError(f"{path}: meta: {key} must be a whole number >= 0, got {value!r}")


def check_config(path: str, config: Any, layer_sizes: tuple[int, ...]) -> None:
    """The resolved experiment holds what the renderer reads, with the right types."""
    model = config.get("model") if isinstance(config, dict) else None
    train = config.get("train") if isinstance(config, dict) else None
    if not isinstance(model, dict) or not isinstance(train, dict):
        raise AevizError(f"{path}: config: needs [model] and [train] tables")
    code = model.get("code_layer")
    if not isinstance(code, int) or not 0 < code < len(layer_sizes) - 1 or (
            layer_sizes[code] != 2):
        raise AevizError(f"{path}: config: model.code_layer {code!r} is not a hidden layer of "
                         f"2 neurons in {list(layer_sizes)}")
    checks = {
        "optimizer": lambda v: v in OPTIMIZER_NAMES,
        "learning_rate": lambda v: _number(v) and v > 0,
        "batch_size": lambda v: isinstance(v, int) and v >= 1,
        "epsilon": lambda v: _number(v) and v >= 0,
    }
    for key, ok in checks.items():
        if (key in train or key != "epsilon") and not ok(train.get(key)):
            raise AevizError(f"{path}: config: train.{key} {train.get(key)!r} is not valid")
    for key, kind in (("title", str), ("render", dict)):
        if key in config and not isinstance(config[key], kind):
            raise AevizError(f"{path}: config: {key} has the wrong type")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def parse_meta(path: str, text: str) -> dict:
    """The `meta` key's JSON text as a checked dict."""
    try:
        meta = json.loads(text)
    except ValueError as error:
        raise AevizError(f"{path}: meta: not JSON ({error})") from None
    check_meta(path, meta)
    return meta
