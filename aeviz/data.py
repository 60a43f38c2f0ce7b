"""Training data: sampled from multivariate normal clusters, or read from a .csv / .npy file."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aeviz.config import Experiment
from aeviz.files import special_kind


@dataclass(frozen=True)
class Dataset:
    x: np.ndarray            # [N, D] float64, normalized
    labels: np.ndarray       # [N] int, cluster or class index; -1 where there is none
    label_names: tuple[str, ...]


def load_data(exp: Experiment) -> Dataset:
    """The experiment's training data, normalized as `data.normalize` says."""
    if exp.data.clusters:
        x, labels, names = sample_clusters(exp)
    elif exp.data.file.lower().endswith(".csv"):
        x, labels, names = read_csv(exp)
    else:
        x, labels, names = read_npy(exp)
    if x.shape[1] != exp.model.layers[0]:
        raise exp.error("model.layers", f"first layer (input) has {exp.model.layers[0]} neurons "
                        f"but {exp.data.file} has {x.shape[1]} numeric columns; they must match")
    if not np.isfinite(x).all():
        raise exp.error("data.file", f"{exp.data.file} contains NaN or infinite values")
    return Dataset(normalize(x, exp.data.normalize), labels, names)


def sample_clusters(exp: Experiment) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
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


def read_csv(exp: Experiment) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Numeric columns become features; `label_column` (any values) becomes the labels."""
    path = _data_path(exp)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if row]
    if len(rows) < 2:
        raise exp.error("data.file", f"{path} needs a header row and at least one data row")
    header, body = rows[0], rows[1:]
    label_column = exp.data.label_column
    if label_column is not None and label_column not in header:
        raise exp.error("data.label_column", f'no column "{label_column}" in {path} '
                        f"(columns: {', '.join(header)})")
    features = [i for i, name in enumerate(header)
                if name != label_column and _is_numeric_column(body, i)]
    if not features:
        raise exp.error("data.file", f"{path} has no numeric columns")
    x = np.array([[float(row[i]) for i in features] for row in body])
    if label_column is None:
        return x, np.full(len(body), -1), ()
    values = [row[header.index(label_column)] for row in body]
    names = tuple(dict.fromkeys(values))  # in order of first appearance
    labels = np.array([names.index(v) for v in values])
    return x, labels, names


def _is_numeric_column(rows: list[list[str]], column: int) -> bool:
    try:
        for row in rows:
            float(row[column])
    except (ValueError, IndexError):
        return False
    return True


def read_npy(exp: Experiment) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    path = _data_path(exp)
    try:
        x = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as error:
        raise exp.error("data.file", f"{path} is not a readable .npy array ({error})") from None
    if x.ndim != 2 or not np.issubdtype(x.dtype, np.number) or len(x) == 0:
        raise exp.error("data.file", f"{path} must hold a non-empty N x D numeric array, "
                        f"got shape {x.shape} of {x.dtype}")
    return x.astype(float), np.full(len(x), -1), ()


def normalize(x: np.ndarray, how: str) -> np.ndarray:
    """Scale data into about [-1, 1] so tanh/sigmoid outputs can reach it."""
    if how == "global":
        # One factor for all features keeps the clusters' shapes, as the original program did.
        scale = np.abs(x).max()
        return x / scale if scale > 0 else x.copy()
    if how == "minmax":
        low, high = x.min(axis=0), x.max(axis=0)
        span = np.where(high > low, high - low, 1.0)
        return 2 * (x - low) / span - 1
    return x.copy()
