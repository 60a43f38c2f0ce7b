"""Training data: sampled from multivariate normal clusters, or read from a .csv / .npy file."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aeviz.files import special_kind
from aeviz.limits import (
    MAX_CSV_BYTES,
    MAX_MAGNITUDE,
    MAX_SAMPLES,
    MAX_TRAINABLE,
    npy_header,
    size_text,
    too_many,
)
from aeviz.settings import Experiment


@dataclass(frozen=True)
class Dataset:
    x: np.ndarray            # [N, D] normalized, in the training precision (train.dtype)
    labels: np.ndarray       # [N] int, cluster or class index; -1 where there is none
    label_names: tuple[str, ...]
    feature_names: tuple[str, ...] = ()  # a CSV's column names; empty for other data


def load_data(exp: Experiment) -> Dataset:
    """The experiment's training data, normalized as `data.normalize` says."""
    features: tuple[str, ...] = ()
    if exp.data.clusters:
        x, labels, names = sample_clusters(exp)
    elif exp.data.file.lower().endswith(".csv"):
        x, labels, names, features = read_csv(exp)
    else:
        x, labels, names = read_npy(exp)
    if x.shape[1] != exp.model.layers[0]:
        raise exp.error("model.layers", f"first layer (input) has {exp.model.layers[0]} neurons "
                        f"but {exp.data.file} has {x.shape[1]} numeric columns; they must match")
    if not np.isfinite(x).all():
        raise exp.error("data.file", f"{exp.data.file} contains NaN or infinite values")
    with np.errstate(over="ignore", invalid="ignore"):
        x = normalize(x, exp.data.normalize)
    check_trainable(exp, x)
    return Dataset(x.astype(exp.train.dtype, copy=False), labels, names, features)


def check_trainable(exp: Experiment, x: np.ndarray) -> None:
    """Normalized data whose squares and sums the training precision holds, or one line
    saying why not."""
    largest = float(np.abs(x).max()) if np.isfinite(x).all() else math.inf
    limit = MAX_TRAINABLE[exp.train.dtype]
    if largest > limit:
        raise exp.error("data.normalize", f'with normalize = "{exp.data.normalize}" the data '
                        f"reach {largest:.3g}, too large to train on in {exp.train.dtype} "
                        f'arithmetic (at most {limit:g}); use "global" or "minmax", or scale '
                        "the data")


def check_clusters(exp: Experiment) -> None:
    """Before sampling: not more points than aeviz takes, values float64 can square."""
    total = sum(cluster.n for cluster in exp.data.clusters)
    if too_many(total, MAX_SAMPLES, "samples in all"):
        raise exp.error("data.clusters", too_many(total, MAX_SAMPLES, "samples in all"))
    for index, cluster in enumerate(exp.data.clusters, start=1):
        key = f"data.clusters[{index}]"
        if max(map(abs, cluster.mean)) > MAX_MAGNITUDE:
            raise exp.error(f"{key}.mean", _too_large(max(map(abs, cluster.mean))))
        if cluster.cov is None and (cluster.std or 0.0) > MAX_MAGNITUDE:
            raise exp.error(f"{key}.std", _too_large(cluster.std))
        if cluster.cov is not None and max(abs(v) for row in cluster.cov for v in row) > (
                MAX_MAGNITUDE ** 2):  # a variance: the square of a spread
            raise exp.error(f"{key}.cov", _too_large(max(abs(v) for row in cluster.cov
                                                         for v in row)))


def _too_large(value: float) -> str:
    return (f"{value:.3g} is too large to train on in float arithmetic (values up to "
            f"{MAX_MAGNITUDE:g}: codes are stored as 32-bit floats)")


def sample_clusters(exp: Experiment) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    check_clusters(exp)
    rng = np.random.default_rng(exp.data.seed)
    parts, labels = [], []
    for index, cluster in enumerate(exp.data.clusters):
        mean = np.array(cluster.mean)
        if cluster.cov is not None:
            cov = np.array(cluster.cov)
        else:
            cov = np.eye(len(mean)) * cluster.std**2
        # "eigh" tolerates the singular (semi-definite) covariances the checks allow.
        parts.append(rng.multivariate_normal(mean, cov, size=cluster.n, method="eigh"))
        labels.append(np.full(cluster.n, index))
    names = tuple(f"cluster {i + 1}" for i in range(len(exp.data.clusters)))
    return np.concatenate(parts), np.concatenate(labels), names


def data_path(exp: Experiment) -> Path | None:
    """The experiment's data file, or None when it samples clusters."""
    return exp.base_dir / exp.data.file if exp.data.file else None


def _data_path(exp: Experiment) -> Path:
    path = data_path(exp)
    kind = special_kind(path)
    if kind:
        raise exp.error("data.file", f"{path} is {kind}, not a file")
    if not path.is_file():
        raise exp.error("data.file", f"no such file: {path}")
    return path


def read_csv(exp: Experiment) -> tuple[np.ndarray, np.ndarray, tuple[str, ...],
                                        tuple[str, ...]]:
    """Numeric columns become features; `label_column` (any values) becomes the labels.
    Returns x, labels, label names and the feature columns' names."""
    path = _data_path(exp)
    rows = [row for row in csv.reader(io.StringIO(_utf8_text(exp, path), newline="")) if row]
    if too_many(len(rows) - 1, MAX_SAMPLES, "rows"):
        raise exp.error("data.file", f"{path} has {too_many(len(rows) - 1, MAX_SAMPLES, 'rows')}")
    if len(rows) < 2:
        raise exp.error("data.file", f"{path} needs a header row and at least one data row")
    header, body = rows[0], rows[1:]
    label_column = exp.data.label_column
    if label_column is not None and label_column not in header:
        raise exp.error("data.label_column", f'no column "{label_column}" in {path} '
                        f"(columns: {', '.join(header)})")
    features = [i for i, name in enumerate(header) if name != label_column]
    for i in features:
        row = _first_non_numeric(body, i)
        if row is not None:
            value = body[row][i] if i < len(body[row]) else "(missing)"
            raise exp.error("data.file", f'{path}: column "{header[i]}" is not numeric (row '
                            f"{row + 2}: {value!r}); remove it, or name it in "
                            "data.label_column to color the points by it")
    if not features:
        raise exp.error("data.file", f"{path} has no numeric columns")
    x = np.array([[float(row[i]) for i in features] for row in body])
    feature_names = tuple(header[i] for i in features)
    if label_column is None:
        return x, np.full(len(body), -1), (), feature_names
    labels, names = label_indices([row[header.index(label_column)] for row in body])
    return x, labels, names, feature_names


def _utf8_text(exp: Experiment, path: Path) -> str:
    """The file as text: UTF-8, with or without a byte order mark; one line naming the first
    byte that is not."""
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise exp.error("data.file", f"{path} is {size_text(size)}; aeviz reads CSV files of at "
                        f"most {size_text(MAX_CSV_BYTES)}")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise exp.error("data.file", f"{path} is not UTF-8 text (byte 0x{data[error.start]:02x} "
                        f"at offset {error.start}, line {line}); save it as UTF-8") from None


def _first_non_numeric(rows: list[list[str]], column: int) -> int | None:
    """The index of the first row whose value in `column` is not a number, or None."""
    for index, row in enumerate(rows):
        try:
            float(row[column])
        except (ValueError, IndexError):
            return index
    return None


def read_npy(exp: Experiment) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    path = _data_path(exp)
    try:
        with open(path, "rb") as handle:
            shape, _ = npy_header(handle)  # before reading: a header may claim terabytes
        rows = shape[0] if shape else 0
        x = None if too_many(rows, MAX_SAMPLES, "rows") else np.load(path, allow_pickle=False)
    except (ValueError, OSError) as error:
        raise exp.error("data.file", f"{path} is not a readable .npy array ({error})") from None
    if x is None:
        raise exp.error("data.file", f"{path} declares shape {shape}: "
                        f"{too_many(rows, MAX_SAMPLES, 'rows')}")
    if x.ndim != 2 or not np.issubdtype(x.dtype, np.number) or len(x) == 0:
        raise exp.error("data.file", f"{path} must hold a non-empty N x D numeric array, "
                        f"got shape {x.shape} of {x.dtype}")
    if exp.data.label_file is None:
        return x, np.full(len(x), -1), ()
    labels, names = label_indices(read_label_file(exp, len(x)).tolist())
    return x, labels, names


def read_label_file(exp: Experiment, samples: int) -> np.ndarray:
    """`data.label_file`: a .npy of N integers or strings, one per row of the data."""
    path = exp.base_dir / exp.data.label_file
    if not path.is_file():
        raise exp.error("data.label_file", f"no such file: {path}")
    try:
        values = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as error:
        raise exp.error("data.label_file", f"{path} is not a readable .npy array "
                        f"({error})") from None
    if values.ndim != 1 or values.dtype.kind not in "iuU":
        raise exp.error("data.label_file", f"{path} must hold a 1-D array of integers or "
                        f"strings, got shape {values.shape} of {values.dtype}")
    if len(values) != samples:
        raise exp.error("data.label_file", f"{path} has {len(values)} labels but "
                        f"{exp.data.file} has {samples} rows; they must match")
    return values


def label_indices(values: list) -> tuple[np.ndarray, tuple[str, ...]]:
    """Each sample's label index, and the name of each index.

    Class numbers 0..255 (as ints or digit strings) are their own index, so a class keeps its
    color whichever classes a data set holds; other labels are numbered in order of first
    appearance.
    """
    texts = [str(v) for v in values]
    if all(t.isascii() and t.isdigit() and int(t) < 256 for t in texts):
        numbers = np.array([int(t) for t in texts])
        return numbers, tuple(str(n) for n in range(numbers.max() + 1))
    names = tuple(dict.fromkeys(texts))
    index = {name: i for i, name in enumerate(names)}
    return np.array([index[t] for t in texts]), names


def normalize(x: np.ndarray, how: str) -> np.ndarray:
    """Scale data into about [-1, 1] so tanh/sigmoid outputs can reach it.

    Works on x in place where it can ("global", "none") and returns it: x is the freshly
    loaded data, and for MNIST-sized sets a copy would double the memory it takes.
    """
    if how == "global":
        # One factor for all features keeps the clusters' shapes, as the original program did.
        scale = np.abs(x).max()
        if scale > 0:
            x /= x.dtype.type(scale)
        return x
    if how == "minmax":
        low, high = x.min(axis=0), x.max(axis=0)
        span = np.where(high > low, high - low, 1.0)
        return 2 * (x - low) / span - 1
    return x
