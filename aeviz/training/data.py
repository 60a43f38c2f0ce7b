"""Training data: sampled from multivariate normal clusters, or read from a .csv / .npy file."""

from __future__ import annotations

import codecs
import csv
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aeviz.errors import AevizError
from aeviz.files import special_kind
from aeviz.limits import (
    MAX_CLASS_NAME,
    MAX_CLUSTER_DIMENSION,
    MAX_CSV_BYTES,
    MAX_DATA_VALUES,
    MAX_FEATURES,
    MAX_MAGNITUDE,
    MAX_SAMPLES,
    MAX_TRAINABLE,
    npy_header,
    size_text,
    too_many,
)
from aeviz.settings import Experiment
from aeviz.text import MAX_TEXT, names_problem


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
    if x.dtype not in (np.float32, np.float64):
        # Integers (pixels as uint8), booleans and other floats: converted before any
        # arithmetic, which in their own type would wrap (abs(-128) is -128 in int8) or fail.
        x = x.astype(exp.train.dtype)
    if not math.isfinite(largest_magnitude(x)):
        raise exp.error("data.file", f"{exp.data.file} contains NaN or infinite values")
    with np.errstate(over="ignore", invalid="ignore"):
        x = normalize(x, exp.data.normalize)
    check_trainable(exp, x)
    check_names(exp, names, features)
    return Dataset(x.astype(exp.train.dtype, copy=False), labels, names, features)


def check_names(exp: Experiment, label_names: tuple[str, ...],
                features: tuple[str, ...]) -> None:
    """Class and column names are drawn and printed: refused here, where they are read, if they
    hold control characters or math that cannot be drawn (see `aeviz.text`)."""
    label_key = "data.label_file" if exp.data.label_file else "data.label_column"
    for key, names, what, longest in ((label_key, label_names, "class name", MAX_CLASS_NAME),
                                      ("data.file", features, "column name", MAX_TEXT)):
        found = names_problem(names, what, longest)
        if found:  # (the file the names came from: a label file's class names are its own)
            source = exp.data.label_file if key == "data.label_file" else exp.data.file
            raise exp.error(key, f"{source}: {found}")


def input_paths(exp: Experiment) -> list[Path]:
    """The files an experiment reads besides its own: the data file and the label file."""
    files = [exp.data.file, exp.data.label_file]
    return [exp.base_dir / name for name in files if name]


def check_trainable(exp: Experiment, x: np.ndarray) -> None:
    """Normalized data whose squares and sums the training precision holds, or one line
    saying why not."""
    largest = largest_magnitude(x)
    if math.isnan(largest):  # normalizing overflowed (minmax of values near the float limit)
        largest = math.inf
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
        if len(cluster.mean) > MAX_CLUSTER_DIMENSION:
            raise exp.error(f"{key}.mean", f"{len(cluster.mean):,} dimensions; sampled clusters "
                            f"have at most {MAX_CLUSTER_DIMENSION:,} (wider data: data.file)")
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
    _check_not_empty(exp, "data.file", path)
    return path


def _check_not_empty(exp: Experiment, key: str, path: Path) -> None:
    """An empty file holds no data; and a "regular" file of size 0 may be one that waits for
    data (/proc/kmsg): refused before it is opened, never a hang."""
    if path.stat().st_size == 0:
        raise exp.error(key, f"{path} is empty")


# A CSV number: plain ASCII decimal, as written by programs (no `1_000`, no digits of other
# scripts, which Python's float() accepts); nan and inf are read, then refused as not finite.
_NUMBER = re.compile(r"[ \t]*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|(?i:nan|inf|infinity))"
                     r"[ \t]*", re.ASCII)


def read_csv(exp: Experiment) -> tuple[np.ndarray, np.ndarray, tuple[str, ...],
                                        tuple[str, ...]]:
    """Numeric columns become features; `label_column` (any values) becomes the labels.
    Returns x, labels, label names and the feature columns' names.

    Read as a stream, row by row, into an array sized by the file's line count (an upper
    bound on its rows: the pages past the last row are never touched), so memory is about
    the size of the data as numbers, not of the text and its Python objects."""
    path = _data_path(exp)
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise exp.error("data.file", f"{path} is {size_text(size)}; aeviz reads CSV files of at "
                        f"most {size_text(MAX_CSV_BYTES)}")
    try:
        with open(path, encoding="utf-8-sig", errors="strict", newline="") as handle:
            return _parse_csv(exp, path, csv.reader(_lines(exp, path, handle)),
                              _line_count(path))
    except UnicodeDecodeError:
        raise exp.error("data.file", _not_utf8(path)) from None
    except csv.Error as error:
        raise exp.error("data.file", f"{path} is not a readable CSV file ({error})") from None
    except OSError as error:
        raise exp.error("data.file", f"{path}: cannot read: {error.strerror}") from None


def _parse_csv(exp: Experiment, path: Path, reader, lines: int):
    header = next((row for row in reader if row), None)
    if header is None:
        raise exp.error("data.file", f"{path} needs a header row and at least one data row")
    if len(header) > MAX_FEATURES + 1:
        raise exp.error("data.file", f"{path} has "
                        f"{too_many(len(header), MAX_FEATURES + 1, 'columns')}")
    label_column = exp.data.label_column
    if label_column is not None and label_column not in header:
        raise exp.error("data.label_column", f'no column "{label_column}" in {path} '
                        f"(columns: {', '.join(header)})")
    features = [i for i, name in enumerate(header) if name != label_column]
    if not features:
        raise exp.error("data.file", f"{path} has no numeric columns")
    label_at = None if label_column is None else header.index(label_column)
    if too_many(lines * len(features), MAX_DATA_VALUES, "values"):
        raise exp.error("data.file", f"{path} has {lines:,} lines of {len(features):,} numbers: "
                        f"{too_many(lines * len(features), MAX_DATA_VALUES, 'values')}")
    x = np.empty((max(lines, 1), len(features)))
    label_texts: list[str] = []
    rows = 0
    for row in reader:
        if not row:
            continue
        if rows == MAX_SAMPLES:
            raise exp.error("data.file", f"{path} has more than {MAX_SAMPLES:,} rows; aeviz takes "
                            f"at most {MAX_SAMPLES:,}")
        for position, column in enumerate(features):
            text = row[column] if column < len(row) else None
            if text is None or not _NUMBER.fullmatch(text):
                value = "(missing)" if text is None else repr(text[:40] + (
                    "..." if len(text) > 40 else ""))
                raise exp.error("data.file", f'{path}: column "{header[column]}" is not numeric '
                                f"(row {rows + 2}: {value}); remove it, or name it in "
                                "data.label_column to color the points by it")
            x[rows, position] = float(text)
        if label_at is not None:
            if label_at >= len(row):
                raise exp.error("data.file", f'{path}: row {rows + 2} has no "{label_column}" '
                                f"cell (it has {len(row)} of the header's {len(header)})")
            if not row[label_at].strip():  # a class with no name: its points would go unkeyed
                raise exp.error("data.file", f'{path}: row {rows + 2} has an empty '
                                f'"{label_column}" cell; every row needs its class, a name or '
                                "a number")
            label_texts.append(row[label_at])
        rows += 1
    if rows == 0:
        raise exp.error("data.file", f"{path} needs a header row and at least one data row")
    feature_names = tuple(header[i] for i in features)
    x = x[:rows]
    if label_column is None:
        return x, np.full(rows, -1), (), feature_names
    labels, names = label_indices(label_texts)
    return x, labels, names, feature_names


def _lines(exp: Experiment, path: Path, handle) -> Iterator[str]:
    """The file's lines, each read only up to MAX_CSV_LINE characters: a file of one line
    of millions of cells is refused before it becomes a list of millions of strings."""
    number = 0
    while line := handle.readline(MAX_CSV_LINE + 1):
        number += 1
        if len(line) > MAX_CSV_LINE:
            raise exp.error("data.file", f"{path}: line {number:,} is longer than "
                            f"{MAX_CSV_LINE:,} characters; aeviz reads CSV lines up to that")
        yield line


def _line_count(path: Path) -> int:
    """Line breaks in the file, plus one: at least its number of CSV rows."""
    newlines = returns = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            newlines += chunk.count(b"\n")
            returns += chunk.count(b"\r")
    return max(newlines, returns) + 1


def _not_utf8(path: Path) -> str:
    """Where the file stops being UTF-8: the byte, its offset and its line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, line = 0, 1
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 16):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                start = error.start + offset - len(decoder.getstate()[0])
                handle.seek(start)
                byte = handle.read(1)[0]
                handle.seek(0)
                line = handle.read(start).count(b"\n") + 1
                return (f"{path} is not UTF-8 text (byte 0x{byte:02x} at offset {start}, line "
                        f"{line}); save it as UTF-8")
            offset += len(chunk)
    return f"{path} is not UTF-8 text (it ends inside a character); save it as UTF-8"


# The element types a data file may hold: booleans, integers and real floats.
MAX_CSV_LINE = 8_000_000  # characters: 100,000 columns of 80 characters each
_DATA_KINDS = {"b": "booleans", "i": "integers", "u": "integers", "f": "floats"}


def read_npy(exp: Experiment) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """An N x D array of numbers (booleans, integers or floats), checked by its header before
    any of it is read."""
    path = _data_path(exp)
    try:
        with open(path, "rb") as handle:
            shape, dtype = npy_header(handle)  # before reading: a header may claim terabytes
            _check_data_header(exp, path, shape, dtype)
            handle.seek(0)
            x = np.lib.format.read_array(handle, allow_pickle=False)
    except AevizError:
        raise
    except (ValueError, OSError, EOFError) as error:
        raise exp.error("data.file", f"{path} is not a readable .npy array ({error})") from None
    if exp.data.label_file is None:
        return x, np.full(len(x), -1), ()
    labels, names = label_indices(read_label_file(exp, len(x)))
    return x, labels, names


def _check_data_header(exp: Experiment, path: Path, shape: tuple, dtype: np.dtype) -> None:
    """Refuse, before reading, data that is not a non-empty N x D array of numbers of sizes
    aeviz takes."""
    if len(shape) != 2 or dtype.kind not in _DATA_KINDS or dtype.fields is not None or (
            0 in shape):
        raise exp.error("data.file", f"{path} must hold a non-empty N x D array of numbers "
                        f"(booleans, integers or floats), got shape {shape} of {_kind(dtype)}")
    rows, columns = shape
    for count, limit, what in ((rows, MAX_SAMPLES, "rows"), (columns, MAX_FEATURES, "columns"),
                               (rows * columns, MAX_DATA_VALUES, "values")):
        if too_many(count, limit, what):
            raise exp.error("data.file", f"{path} declares shape {shape}: "
                            f"{too_many(count, limit, what)}")


def _kind(dtype: np.dtype) -> str:
    """A dtype in words, for messages: "complex128 (complex numbers)"."""
    kinds = {"c": "complex numbers", "m": "time spans", "M": "dates", "O": "Python objects",
             "U": "text", "S": "bytes", "V": "records"}
    return f"{dtype} ({kinds[dtype.kind]})" if dtype.kind in kinds else str(dtype)


def read_label_file(exp: Experiment, samples: int) -> np.ndarray:
    """`data.label_file`: a .npy of N integers or strings, one per row of the data."""
    path = exp.base_dir / exp.data.label_file
    kind = special_kind(path)
    if kind:
        raise exp.error("data.label_file", f"{path} is {kind}, not a file")
    if not path.is_file():
        raise exp.error("data.label_file", f"no such file: {path}")
    _check_not_empty(exp, "data.label_file", path)
    try:
        with open(path, "rb") as handle:
            shape, dtype = npy_header(handle)
            if len(shape) != 1 or dtype.kind not in "iuU" or dtype.fields is not None:
                raise exp.error("data.label_file", f"{path} must hold a 1-D array of integers "
                                f"or strings, got shape {shape} of {_kind(dtype)}")
            if shape[0] != samples:
                raise exp.error("data.label_file", f"{path} has {shape[0]:,} labels but "
                                f"{exp.data.file} has {samples:,} rows; they must match")
            if dtype.kind == "U" and dtype.itemsize // 4 > MAX_CLASS_NAME:
                # (before reading: the header's width bounds every string; each is checked
                # after, as a CSV's class names are, by `check_names`)
                raise exp.error("data.label_file", f"{path} holds strings of up to "
                                f"{dtype.itemsize // 4:,} characters; a class name may have at "
                                f"most {MAX_CLASS_NAME:,}")
            handle.seek(0)
            return np.lib.format.read_array(handle, allow_pickle=False)
    except AevizError:
        raise
    except (ValueError, OSError, EOFError) as error:
        raise exp.error("data.label_file", f"{path} is not a readable .npy array "
                        f"({error})") from None


def label_indices(values: list | np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Each sample's label index, and the name of each index.

    Class numbers 0..255 (as ints or digit strings) are their own index, so a class keeps its
    color whichever classes a data set holds; other labels are numbered in order of first
    appearance.
    """
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "iu" and values.size and 0 <= values.min() <= values.max() < 256:
            numbers = values.astype(int)  # (as below, without a string for each sample)
            return numbers, tuple(str(n) for n in range(numbers.max() + 1))
        values = values.tolist()
    texts = [str(v) for v in values]
    if all(t.isascii() and t.isdigit() and len(t) <= 3 and int(t) < 256 for t in texts):
        numbers = np.array([int(t) for t in texts])
        return numbers, tuple(str(n) for n in range(numbers.max() + 1))
    names = tuple(dict.fromkeys(texts))
    index = {name: i for i, name in enumerate(names)}
    return np.array([index[t] for t in texts]), names


def largest_magnitude(x: np.ndarray) -> float:
    """max |x|, NaN if x holds a NaN, inf if an infinity: from x's min and max, which need no
    data-sized temporary as np.abs(x) does (for MNIST-sized data, 60 MB of fresh memory whose
    first touch took a tenth of a second or more of every run)."""
    if x.size == 0:
        return 0.0
    return max(-float(x.min()), float(x.max()))  # both NaN where x holds one: max keeps it


def normalize(x: np.ndarray, how: str) -> np.ndarray:
    """Scale data into about [-1, 1] so tanh/sigmoid outputs can reach it.

    Works on x in place where it can ("global", "none") and returns it: x is the freshly
    loaded data, and for MNIST-sized sets a copy would double the memory it takes.
    """
    if how == "global":
        # One factor for all features keeps the clusters' shapes, as the original program did.
        scale = largest_magnitude(x)
        if scale > 0:
            x /= x.dtype.type(scale)
        return x
    if how == "minmax":
        low, high = x.min(axis=0), x.max(axis=0)
        span = np.where(high > low, high - low, 1.0)
        return 2 * (x - low) / span - 1
    return x
