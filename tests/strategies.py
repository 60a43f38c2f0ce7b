"""Hypothesis strategies for aeviz's inputs, shared by the fuzz properties (add yours beside
these): what a user (or an attacker) can hand it.

Each strategy is biased toward valid input (at least a third of its examples are accepted,
which the `outcomes` fixture of tests/conftest.py asserts), and the rest are near misses: one
key, cell, byte or member wrong. The properties live beside the behaviour they guard (data
files in tests/test_data.py, experiment files in tests/test_config.py, trajectories in
tests/test_trajectory_checks.py, ...) and hold aeviz to its promise on both branches: an
accepted input gives the right result; a refused one gets one line (exit status 2), no
traceback, nothing written. The example counts come from the Hypothesis profile
(tests/conftest.py), the only knob.
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st

from aeviz.settings.fields import size_allowed


def _font_characters(categories: str, exclude: str = "") -> list[str]:
    """The characters of these Unicode categories (first letters: "LN") that DejaVu Sans, the
    font matplotlib ships and aeviz draws with, has a glyph for: what a valid drawn text holds
    (CJK and most emoji are refused at the door)."""
    import unicodedata
    from pathlib import Path

    import matplotlib
    from matplotlib.ft2font import FT2Font

    font = Path(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")
    return [chr(code) for code in sorted(FT2Font(str(font)).get_charmap())
            if unicodedata.category(chr(code)) in categories.split() and chr(code) not in exclude]


LETTERS = "Lu Ll Lt Lm Lo Nd Nl No"
DRAWN_LETTERS = st.sampled_from(_font_characters(LETTERS))


def examples(share: float) -> settings:
    """A property's share of the profile's examples: an expensive property (one that trains,
    renders or starts a process per example) runs fewer, in the same proportion under every
    profile."""
    return settings(max_examples=max(2, round(settings.default.max_examples * share)))


# --- values -----------------------------------------------------------------------------------

# Text as hostile as TOML and the API can carry: control characters, DEL, lone surrogates
# (API only), math between dollars, very long runs.
HOSTILE_TEXT = st.one_of(
    st.text(max_size=12),
    st.text(st.characters(codec="utf-8"), max_size=12),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x9F), max_size=6),
    st.sampled_from(["$\\alpha_$", "$x^2$", "$", "$$", "\\$5", "\u007f", "\ufeff", "a\nb",
                     "x" * 5000, "$\\frac{1}{$", "\u202e", "\U0001f600", ""]),
)
TOML_SCALARS = st.one_of(
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    HOSTILE_TEXT.filter(lambda s: not any("\ud800" <= c <= "\udfff" for c in s)),
)
TOML_VALUES = st.recursive(
    TOML_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=3)),
    max_leaves=12,
)
# What the Python API may be handed: TOML's values, and what TOML has no word for.
API_VALUES = st.one_of(
    TOML_VALUES, st.none(), HOSTILE_TEXT, st.sets(st.integers(), max_size=2),
    st.builds(np.int64, st.integers(-(2**63), 2**63 - 1)), st.builds(np.float32, st.floats()),
    st.builds(np.array, st.lists(st.integers(0, 9), max_size=3)),
    st.tuples(st.integers(), st.integers()),
)


# --- experiments --------------------------------------------------------------------------------

BASE_EXPERIMENT: dict[str, Any] = {
    "title": "fuzz",
    "data": {"seed": 1, "clusters": [
        {"n": 6, "mean": [0.5, 0.0, 0.2], "std": 0.1},
        {"n": 6, "mean": [-0.5, 0.3, 0.0], "cov": [[0.02, 0, 0], [0, 0.02, 0], [0, 0, 0.02]]},
    ]},
    "model": {"layers": [3, 4, 2, 4, 3], "activation": "tanh"},
    "train": {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 4, "epochs": 2,
              "seed": 3},
    "record": {"every": 1},
    "render": {"size": "320x180", "duration": 0.5, "hold": 0},
}
VALID_CHOICES = {
    ("model", "activation"): ["identity", "sigmoid", "tanh", "relu", "leaky_relu"],
    ("train", "optimizer"): ["sgd", "momentum", "rmsprop", "adam"],
    ("data", "normalize"): ["global", "minmax", "none"],
    ("render", "theme"): ["light", "dark"],
    ("render", "pace"): ["linear", "log"],
    ("render", "align"): ["none", "procrustes"],
}


def _leaves(document: Any, path: tuple = ()) -> list[tuple]:
    """Every path to a leaf (or a whole table or array) of a nested document."""
    found = [path] if path else []
    if isinstance(document, dict):
        for key, value in document.items():
            found += _leaves(value, path + (key,))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += _leaves(value, path + (index,))
    return found


@st.composite
def valid_experiments(draw) -> dict:
    """Experiments that validate: the base with valid choices and sizes drawn."""
    document = copy.deepcopy(BASE_EXPERIMENT)
    for (table, key), choices in VALID_CHOICES.items():
        document[table][key] = draw(st.sampled_from(choices))
    document["train"]["batch_size"] = draw(st.integers(1, 12))
    document["train"]["learning_rate"] = draw(st.floats(1e-4, 1.0))
    document["title"] = draw(st.text(DRAWN_LETTERS, min_size=1, max_size=20))
    return document


@st.composite
def mutated_experiments(draw) -> dict:
    """A valid experiment as it is (half the time), or with one or two keys replaced (by a
    valid choice of another key, or any TOML value), added or removed."""
    document = draw(valid_experiments())
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        paths = _leaves(document)
        path = draw(st.sampled_from(paths))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "add", "remove"]))
        if action == "replace":
            choices = [choice for choices in VALID_CHOICES.values() for choice in choices]
            parent[path[-1]] = draw(st.one_of(st.sampled_from(choices), TOML_VALUES))
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(TOML_VALUES)
        elif isinstance(parent, dict):
            parent.pop(path[-1])
    return document


@dataclass(frozen=True)
class ExperimentText:
    """An experiment file's bytes, and the experiment they hold when they are valid as drawn
    (None for a near miss, which may validate or not)."""
    content: bytes
    document: dict | None


@st.composite
def experiment_texts(draw) -> ExperimentText:
    """TOML bytes of a valid experiment (half the time), else of a mutated one or of a valid
    one mangled as text: a BOM, cut short, bytes inserted or flipped, UTF-16, nested deep."""
    from aeviz.settings.tomlwriter import dump_toml

    kind = draw(st.sampled_from(["valid", "valid", "mutated", "mangled"]))
    document = draw(valid_experiments() if kind != "mutated" else mutated_experiments())
    try:
        text = dump_toml(document)
    except (TypeError, ValueError):
        text = json.dumps(document)
    data = text.encode("utf-8", "surrogatepass")
    if kind == "valid":
        if draw(st.booleans()):
            data = b"\xef\xbb\xbf" + data  # a BOM, as Windows editors write: read as UTF-8
        return ExperimentText(data, document)
    mangle = "none" if kind == "mutated" else draw(st.sampled_from(
        ["cut", "insert", "flip", "utf16", "deep"]))
    if mangle == "cut":
        data = data[:draw(st.integers(0, len(data)))]
    elif mangle == "insert":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    elif mangle == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    elif mangle == "utf16":
        data = text.encode("utf-16", "surrogatepass")
    elif mangle == "deep":
        depth = draw(st.sampled_from([9, 100, 3000]))
        data += f"\nx = {'[' * depth}{']' * depth}\n".encode()
    return ExperimentText(data, None)


# --- --set strings --------------------------------------------------------------------------

KNOWN_KEYS = ["title", "train.epochs", "train.learning_rate", "train.optimizer",
              "data.clusters[1].n", "data.clusters[2].mean", "model.layers", "render.size",
              "render.title", "record.every", "data.clusters[0].n", "model.activation"]


GOOD_ASSIGNMENTS = ["train.epochs=3", 'title="hello $x^2$"', "render.size=320x180",
                    "data.clusters[1].n=7", "train.optimizer=sgd", "model.activation=relu",
                    "data.clusters[2].mean=[0.1, 0.2, 0.3]", "render.title=plain words",
                    "train.learning_rate=1e-3", "record.every = 2"]


# Frame sizes (width, height) that lay out cleanly, small enough to draw fast: from the
# least (320x180; narrower than 16:9 from 800 wide, 4:3 at 800x600) to the flattest (8:1).
ALLOWED_SIZES = st.tuples(st.integers(320, 960), st.integers(180, 600)).filter(
    lambda size: size_allowed(*size))
# Sizes refused: too small, too narrow (portrait, square, under 16:9 and 800 wide), too flat.
REFUSED_SIZES = st.one_of(
    st.tuples(st.integers(1, 319), st.integers(1, 7680)),
    st.tuples(st.integers(1, 7680), st.integers(1, 179)),
    st.tuples(st.integers(320, 7680), st.integers(180, 7680)).filter(
        lambda size: not size_allowed(*size)))

# Keys --set may change on the tiny experiment, each with the values it takes.
SETTABLE = {
    "title": st.text(DRAWN_LETTERS, min_size=1, max_size=20),
    "train.epochs": st.integers(1, 100),
    "train.learning_rate": st.floats(1e-4, 1.0),
    "train.optimizer": st.sampled_from(VALID_CHOICES["train", "optimizer"]),
    "model.activation": st.sampled_from(VALID_CHOICES["model", "activation"]),
    "render.size": st.builds(lambda size: f"{size[0]}x{size[1]}", ALLOWED_SIZES),
    "render.theme": st.sampled_from(VALID_CHOICES["render", "theme"]),
    "record.every": st.integers(1, 5),
    "data.clusters[1].n": st.integers(1, 50),
    "data.clusters[1].std": st.floats(0.01, 2.0),
}


@dataclass(frozen=True)
class SetString:
    """What follows --set, and the key and value it sets when it is valid as drawn (else
    None: a near miss, which may apply or not)."""
    text: str
    key: str | None = None
    value: Any = None


@st.composite
def set_strings(draw) -> SetString:
    """A valid assignment to a key the tiny experiment has (half the time; the value as TOML
    or, for a string, as a bare word, spaces around `=` or not), a known good one, or what a
    user may mistype: known and unknown keys, any value text."""
    kind = draw(st.sampled_from(["valid", "valid", "good", "other"]))
    if kind == "valid":
        key = draw(st.sampled_from(sorted(SETTABLE)))
        value = draw(SETTABLE[key])
        # A string as a bare word where it reads as no other TOML value ("0" is an integer).
        bare = isinstance(value, str) and value.isalnum() and value[0].isalpha() and (
            value not in ("true", "false", "inf", "nan"))
        shown = value if bare and draw(st.booleans()) else json.dumps(value, ensure_ascii=False)
        return SetString(f"{key}{draw(st.sampled_from(['=', ' = ']))}{shown}", key, value)
    if kind == "good":
        return SetString(draw(st.sampled_from(GOOD_ASSIGNMENTS)))
    key = draw(st.one_of(
        st.sampled_from(KNOWN_KEYS),
        st.text(st.sampled_from("ab.[]0-9_ "), max_size=20),
        st.builds(lambda n: "a." * n + "b", st.sampled_from([1, 5, 9, 40_000])),
        st.text(max_size=15),
    ))
    value = draw(st.one_of(
        st.builds(lambda v: json.dumps(v), st.one_of(st.integers(), st.floats(), st.text())),
        st.text(max_size=20),
        st.sampled_from(["[1, 2", "{a = 1}", "[" * 2000, "1e999", "nan", "true", '"\\u007f"',
                         "0x10", "1_000", "'$\\alpha_$'"]),
    ))
    separator = draw(st.sampled_from(["=", "=", " = ", ""]))
    return SetString(f"{key}{separator}{value}")


# --- trajectories -------------------------------------------------------------------------------

MEMBER_DTYPES = ["<f4", "<f8", "<i8", "<i4", "|u1", "|b1", "<U5", "<c8", ">f4", "|S3", "<m8"]


@st.composite
def foreign_arrays(draw) -> np.ndarray:
    """Any small array a tampered trajectory might hold in place of a member."""
    dtype = np.dtype(draw(st.sampled_from(MEMBER_DTYPES)))
    shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))
    values = np.arange(int(np.prod(shape, dtype=np.int64))).reshape(shape)
    kind = draw(st.sampled_from(["count", "huge", "nan", "negative"]))
    if kind == "huge":
        values = values * 10**9
    elif kind == "negative":
        values = -values - 1
    if dtype.kind in "US":
        return values.astype(str).astype(dtype)
    if kind == "nan" and dtype.kind in "fc":
        return np.full(shape, np.nan, dtype)
    return values.astype(dtype)


@dataclass(frozen=True)
class TamperedRun:
    """A trajectory's members, and whether only their values changed within what a run may
    hold (then aeviz must take it; else it may take it or refuse it)."""
    arrays: dict[str, np.ndarray]
    valid: bool


@st.composite
def tampered_runs(draw, arrays: dict[str, np.ndarray]) -> TamperedRun:
    """The members of a valid trajectory with a float member scaled by a positive factor
    (half the time: still a run), or with one or two replaced, reshaped, edited or gone."""
    arrays = dict(arrays)
    if draw(st.booleans()):
        key = draw(st.sampled_from([key for key in sorted(arrays)
                                    if arrays[key].dtype.kind == "f"]))
        arrays[key] = (arrays[key] * draw(st.floats(0.25, 4))).astype(arrays[key].dtype)
        return TamperedRun(arrays, True)
    for _ in range(draw(st.integers(1, 2))):
        key = draw(st.sampled_from(sorted(arrays)))
        action = draw(st.sampled_from(["foreign", "drop", "slice", "scale", "text", "retype"]))
        value = arrays[key]
        if action == "foreign":
            arrays[key] = draw(foreign_arrays())
        elif action == "drop":
            arrays.pop(key)
        elif action == "slice" and value.ndim:
            arrays[key] = value[:draw(st.integers(0, max(len(value) - 1, 0)))]
        elif action == "scale" and value.dtype.kind in "iuf":
            with np.errstate(all="ignore"):  # overflowing is the point
                arrays[key] = value * draw(st.sampled_from([-1, 0, 10**6, 10**12]))
        elif action == "text" and value.dtype.kind == "U" and value.ndim == 0:
            text = str(value)
            at = draw(st.integers(0, len(text)))
            insert = draw(st.one_of(HOSTILE_TEXT.filter(
                lambda s: not any("\ud800" <= c <= "\udfff" for c in s)), st.sampled_from([
                    "\n[render]\nfps = 24\n", "\nglow = 1\n", '"', "[", "{", "\n[[x]]\n",
                    "\"stop_reason\": \"bored\", ", "null", "[" * 3000])))
            arrays[key] = np.array(text[:at] + insert + text[at:])
        elif action == "retype" and value.dtype.kind in "iuf":
            arrays[key] = value.astype(draw(st.sampled_from(["<f8", "<i2", "|u1", "<f2"])))
    return TamperedRun(arrays, False)


@dataclass(frozen=True)
class DamagedZip:
    """A trajectory's bytes, and whether they are still a whole zip of its members."""
    content: bytes = field(repr=False)
    whole: bool


@st.composite
def damaged_zips(draw, data: bytes) -> DamagedZip:
    """A trajectory's zip written again (two times in three: its members in another order,
    stored as aeviz writes them, since it refuses compressed ones), or with zip-level damage:
    flipped bytes (often in a header), truncation, a spliced copy, a patched directory
    field."""
    if draw(st.sampled_from([True, True, False])):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(name, archive.read(name)) for name in archive.namelist()]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, member in draw(st.permutations(members)):
                archive.writestr(name, member)
        return DamagedZip(buffer.getvalue(), True)
    kind = draw(st.sampled_from(["flip", "cut", "splice", "central", "local"]))
    data = bytearray(data)
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] ^= draw(st.integers(1, 255))
    elif kind == "cut":
        data = data[:draw(st.integers(0, len(data)))]
    elif kind == "splice":
        start = draw(st.integers(0, len(data) - 1))
        data = data[:start] + data[draw(st.integers(0, len(data) - 1)):]
    else:
        signature = b"PK\x01\x02" if kind == "central" else b"PK\x03\x04"
        places = [i for i in range(len(data) - 4) if data[i:i + 4] == signature]
        at = draw(st.sampled_from(places)) + draw(st.integers(4, 45))
        field = draw(st.sampled_from([b"\xff\xff", b"\x00\x00", b"\x01\x00", b"\x08\x00",
                                      b"\xff\xff\xff\x7f", b"\x00\x00\x00\x80"]))
        data[at:at + len(field)] = field
    return DamagedZip(bytes(data), False)


# --- manifests ----------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=10,
)


@dataclass(frozen=True)
class ManifestBytes:
    """A batch manifest's bytes, and whether they still say what the valid one says."""
    content: bytes
    intact: bool


@st.composite
def manifest_bytes(draw, valid: dict) -> ManifestBytes:
    """The valid manifest written again (half the time: any indentation and key order, a
    row key added), or with a field or an output's entry replaced, any JSON, any bytes."""
    kind = draw(st.sampled_from(["intact"] * 5 + ["field", "entry", "json", "bytes", "deep"]))
    if kind == "intact":
        row = st.dictionaries(st.sampled_from(["rmse", "epochs", "note"]),
                              st.one_of(st.integers(), st.floats(allow_nan=False),
                                        st.text(max_size=8)), max_size=2)
        manifest = {**valid, **draw(row)}
        return ManifestBytes(json.dumps(manifest, indent=draw(st.sampled_from([None, 1, 4])),
                                        sort_keys=draw(st.booleans())).encode(), True)
    if kind == "field":
        manifest = dict(valid)
        manifest[draw(st.sampled_from(sorted(manifest) + ["extra"]))] = draw(JSON_VALUES)
        return ManifestBytes(json.dumps(manifest).encode(), False)
    if kind == "entry":
        manifest = json.loads(json.dumps(valid))
        name = draw(st.sampled_from(sorted(manifest["outputs"])))
        manifest["outputs"][name][draw(st.sampled_from(["bytes", "sha256"]))] = draw(JSON_VALUES)
        return ManifestBytes(json.dumps(manifest).encode(), False)
    if kind == "json":
        return ManifestBytes(json.dumps(draw(JSON_VALUES)).encode(), False)
    if kind == "deep":
        depth = draw(st.sampled_from([5, 50, 5000, 100_000]))
        return ManifestBytes(("[" * depth + "]" * depth).encode(), False)
    return ManifestBytes(draw(st.binary(max_size=64)), False)

# Cells a CSV may hold: numbers as programs write them (each read as float() reads it), numbers
# Python's float() takes but aeviz must not, and text, quotes and sizes that parsers trip on.
NUMBER_CELLS = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.floats(-1000, 1000, width=32).map(repr),
    st.sampled_from(["1e3", "-2.5E-1", ".5", "3.", "+7", " 1 ", "\t2"]),
)
HOSTILE_CELLS = st.one_of(
    st.sampled_from(["1_000", "\u0661\u0662", "\uff11", "0x10", "nan", "inf", "-inf", "1e999",
                     "", " ", '"', "1,5", "\u00a01", "1e", "--1", "\x00", "\r", "a\nb"]),
    st.text(max_size=12),
    st.integers(1, 3).map(lambda k: "9" * (131_072 * k // 2)),  # around the field limit
)
LABEL_CELLS = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,5}", fullmatch=True)  # names, not numbers


def _csv_line(cells: list[str]) -> str:
    return ",".join(f'"{c}"' if any(ch in c for ch in ',"\n\r') and '"' not in c else c
                    for c in cells)


@dataclass(frozen=True)
class CsvFile:
    """A CSV data file: its bytes, the feature columns an experiment on it declares, its label
    column (or None), and the numbers aeviz must read from it (None for a near miss, which
    may be read or refused)."""
    content: bytes
    columns: int
    label: str | None
    expected: np.ndarray | None


@st.composite
def csv_files(draw) -> CsvFile:
    """A valid CSV (a header, 1 to 6 rows of numbers, perhaps a label column, a BOM, CRLF),
    or (one time in three) the same with one thing wrong: a hostile cell, a row short or
    long by a cell, stray bytes, no rows."""
    columns = draw(st.integers(1, 4))
    label = draw(st.sampled_from([None, "kind"]))
    label_at = None if label is None else draw(st.integers(0, columns))
    rows = draw(st.lists(st.lists(NUMBER_CELLS, min_size=columns, max_size=columns),
                         min_size=1, max_size=6))
    expected = np.array([[float(cell) for cell in row] for row in rows])
    lines = [[f"c{i}" for i in range(columns)], *rows]
    if label_at is not None:
        for line in lines:
            line.insert(label_at, label if line is lines[0] else draw(LABEL_CELLS))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    flaw = draw(st.sampled_from(["none", "none", "none", "none", "cell", "short", "long",
                                 "bytes", "rows"]))
    if flaw != "none":
        expected = None
    if flaw == "cell":
        row = draw(st.sampled_from(lines[1:]))
        row[draw(st.integers(0, len(row) - 1))] = draw(HOSTILE_CELLS)
    elif flaw == "short":
        draw(st.sampled_from(lines[1:])).pop()
    elif flaw == "long":
        draw(st.sampled_from(lines[1:])).append(draw(NUMBER_CELLS))
    elif flaw == "rows":
        del lines[1:]
    text = newline.join(_csv_line(line) for line in lines) + draw(st.sampled_from([newline, ""]))
    content = draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + text.encode("utf-8",
                                                                          "surrogatepass")
    if flaw == "bytes":
        at = draw(st.integers(0, len(content)))
        content = content[:at] + draw(st.binary(min_size=1, max_size=4)) + content[at:]
    return CsvFile(content, columns, label, expected)


# Element types: those a data file may hold (each with a range of values it holds exactly in
# float32), and the others.
DATA_DTYPES = {"f4": (-1000, 1000), "f8": (-1000, 1000), ">f8": (-1000, 1000),
               "f2": (-1000, 1000), "i1": (-128, 127), "u1": (0, 255), "i8": (-1000, 1000),
               "u8": (0, 1000), "?": (0, 1)}
OTHER_DTYPES = ["c16", "m8[s]", "M8[D]", "U3", "S2", "O", "i4,i4"]


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=array.dtype.hasobject)
    return buffer.getvalue()


def _header_only(shape: tuple, descr: str) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False,
                                                  "shape": shape})
    return buffer.getvalue()


@st.composite
def data_arrays(draw, columns: int) -> np.ndarray:
    """An N x `columns` array of numbers of a type aeviz reads, 1 to 6 rows, values it can
    train on."""
    dtype = draw(st.sampled_from(sorted(DATA_DTYPES)))
    low, high = DATA_DTYPES[dtype]
    size = columns * draw(st.integers(1, 6))
    values = draw(st.lists(st.integers(low, high) if dtype != "f4" else
                           st.floats(low, high, width=32), min_size=size, max_size=size))
    return np.array(values).reshape(-1, columns).astype(dtype)


@st.composite
def other_arrays(draw) -> np.ndarray:
    """An array of a type a data file may not hold, of any small shape."""
    dtype = np.dtype(draw(st.sampled_from(OTHER_DTYPES)))
    shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))
    if dtype.kind == "O":
        array = np.empty(shape, object)
        array[...] = None
        return array
    if dtype.kind in "US":
        return np.full(shape, "1", dtype)
    return np.zeros(shape, dtype)


@dataclass(frozen=True)
class NpyFile:
    """A data .npy: its bytes, and the array aeviz must read from it (None for a near miss)."""
    content: bytes
    expected: np.ndarray | None


@st.composite
def npy_files(draw, columns: int = 3) -> NpyFile:
    """A valid N x `columns` array, or (one time in three) a near miss: another column count,
    NaN or infinity, another element type or shape, a header that claims more than the file
    holds, a cut or mangled file, a zip."""
    flaw = draw(st.sampled_from(["none"] * 8 + ["columns", "nan", "type", "shape", "header",
                                                "cut", "zip", "junk"]))
    if flaw == "none":
        array = draw(data_arrays(columns))
        return NpyFile(_npy(array), array)
    if flaw == "columns":
        return NpyFile(_npy(draw(data_arrays(draw(st.sampled_from([1, columns + 1]))))), None)
    if flaw == "nan":
        array = draw(data_arrays(columns)).astype("f8")
        array.flat[draw(st.integers(0, array.size - 1))] = draw(st.sampled_from(
            [np.nan, np.inf, -np.inf, 1e300]))
        return NpyFile(_npy(array), None)
    if flaw == "type":
        return NpyFile(_npy(draw(other_arrays())), None)
    if flaw == "shape":
        return NpyFile(_npy(draw(data_arrays(columns)).reshape(draw(st.sampled_from(
            [(-1,), (1, -1, 1)])))), None)
    if flaw == "header":
        shape = tuple(draw(st.lists(st.sampled_from([0, 1, 3, 10**6, 10**9, 10**12, -1]),
                                    min_size=0, max_size=3)))
        return NpyFile(_header_only(shape, draw(st.sampled_from(["<f8", "<i1", "<c16", "|O",
                                                                  "<U5"]))), None)
    if flaw == "cut":
        content = _npy(draw(data_arrays(columns)))
        return NpyFile(content[:draw(st.integers(0, len(content) - 1))], None)
    if flaw == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("x.npy", _npy(np.ones((3, 3))))
        return NpyFile(buffer.getvalue(), None)
    return NpyFile(b"\x93NUMPY" + draw(st.binary(max_size=40)), None)


@dataclass(frozen=True)
class LabelFile:
    """A label .npy: its bytes, and the labels it holds when aeviz must take them (else None)."""
    content: bytes
    expected: list | None


@st.composite
def label_files(draw, samples: int) -> LabelFile:
    """`samples` labels, as class numbers (0 to 255), other integers or printable strings; or
    (one time in three) a near miss: a label too many or too few, none, another type."""
    flaw = draw(st.sampled_from(["none"] * 6 + ["length", "length", "type"]))
    length = samples if flaw != "length" else draw(st.sampled_from([0, samples - 1,
                                                                    samples + 1]))
    if flaw == "type":
        return LabelFile(draw(st.one_of(st.builds(_npy, other_arrays()),
                                        st.builds(lambda n: n.content, npy_files()))), None)
    kind = draw(st.sampled_from(["classes", "integers", "strings"]))
    if kind == "strings":
        values = draw(st.lists(LABEL_CELLS, min_size=length, max_size=length))
        array = np.array(values, dtype=f"U{max([1, *map(len, values)])}")
    else:
        top = 255 if kind == "classes" else 2**62
        values = draw(st.lists(st.integers(-top * (kind == "integers"), top), min_size=length,
                               max_size=length))
        array = np.array(values, np.int64).reshape(-1)
    return LabelFile(_npy(array), values if flaw == "none" else None)


# A file name in a batch folder: plain, long, dotted, or (as bytes) not UTF-8.
NAMES = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True),
    st.integers(200, 260).map(lambda n: "n" * n),
    st.sampled_from(["a.b", "-x", "x y", "über", "\u00b2"]),
    st.binary(min_size=1, max_size=6).filter(lambda b: b"/" not in b and b"\0" not in b
                                             and b not in (b".", b"..")).map(
        lambda b: b.decode("utf-8", "surrogateescape")),
)


@dataclass(frozen=True)
class BatchFolder:
    """{file name: TOML text} for a batch folder, a --shard value, and whether both are valid
    as drawn (then the dry run must list every experiment of the shard)."""
    files: dict[str, str]
    shard: str
    valid: bool


@st.composite
def batch_folders(draw) -> BatchFolder:
    """Tiny experiments under plain names and perhaps a comparison of two of them, with a
    valid shard (two times in three); or experiments valid or broken, comparisons of names that
    may not exist, names of every kind and any --shard text."""
    from tests.conftest import tiny_text

    # (two in three valid: the invalid branch's --shard text is refused most of the time, and
    # a tally of a few examples at half and half fell under a third accepted)
    if draw(st.integers(0, 2)) > 0:
        names = draw(st.lists(st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True),
                              min_size=1, max_size=3, unique=True))
        files = {f"{name}.toml": tiny_text(train={"epochs": 1, "seed": draw(st.integers(1, 9))})
                 for name in names}
        if len(names) > 1 and draw(st.booleans()):
            files["zz-compare.toml"] = f'[compare]\nruns = ["{names[0]}", "{names[1]}"]\n'
        count = draw(st.integers(1, 4))
        return BatchFolder(files, f"{draw(st.integers(1, count))}/{count}", True)
    texts = st.sampled_from([
        tiny_text(train={"epochs": 1}, render={"size": "320x180", "fps": 5}),
        tiny_text(train={"epochs": "x"}),
        "[compare]\nruns = [\"a\", \"b\"]\n",
        "not = [toml",
        "",
    ])
    files = draw(st.dictionaries(NAMES.map(lambda n: f"{n}.toml"), texts, min_size=1,
                                 max_size=3))
    return BatchFolder(files, draw(SHARDS), False)


SHARDS = st.one_of(
    st.tuples(st.integers(0, 5), st.integers(0, 5)).map(lambda t: f"{t[0]}/{t[1]}"),
    st.sampled_from(["\u00b2/3", "1/\u0663", "1/" + "9" * 400, "1/", "/", "a/b", " 1/2 ",
                     "1/2/3", "-1/2", ""]),
    st.text(max_size=6),
)


# Render options (tests/test_render.py).
PANELS = ("code", "loss", "weights", "recon")


def size_texts() -> st.SearchStrategy[str]:
    """--size values: small valid sizes (drawn quickly), shapes refused, sides out of range,
    frames past the pixel cap, and text that is no size at all."""
    valid = ALLOWED_SIZES.map(lambda size: f"{size[0]}x{size[1]}")
    refused = REFUSED_SIZES.map(lambda size: f"{size[0]}x{size[1]}")
    extreme = st.builds(lambda w, h, sep: f"{w}{sep}{h}", st.integers(0, 10**6),
                        st.integers(0, 10**6), st.sampled_from(["x", "X", " x ", "*", ""]))
    capped = st.builds(lambda w, h: f"{w}x{h}", st.integers(2900, 7680), st.integers(2900, 7680))
    return st.one_of(valid, valid, refused, extreme, capped, st.text(max_size=12))


def panel_lists() -> st.SearchStrategy[str]:
    """--panels values: panel names in any order (repeats included), or a stray word."""
    names = st.lists(st.sampled_from(PANELS), min_size=1, max_size=5)
    return st.one_of(names.map(",".join),
                     st.lists(st.sampled_from([*PANELS, "", "codes", " loss "]), min_size=1,
                              max_size=3).map(",".join))


def number_texts(low: float, high: float) -> st.SearchStrategy[str]:
    """A number as typed: mostly in [low, high], sometimes out of it, nan, inf or not one."""
    return st.one_of(st.floats(low, high, allow_nan=False).map(lambda v: f"{v:g}"),
                     st.integers(int(low), int(high)).map(str)
                     if float(low).is_integer() and float(high).is_integer() else st.nothing(),
                     st.sampled_from(["-1", "0", "nan", "inf", "-inf", "1e309", "", "x", "²"]))


def title_texts() -> st.SearchStrategy[str]:
    """Titles: any characters but math delimiters ($: checked when settings are read), up to
    thousands of them."""
    text = st.text(st.characters(exclude_characters="$", exclude_categories=("Cs",)),
                   max_size=40)
    return st.one_of(text, st.builds(lambda t, n: t * n, text, st.integers(1, 200)))


PRINTABLE = st.text(st.sampled_from(_font_characters(
    LETTERS + " Pc Pd Ps Pe Pi Pf Po Zs", exclude="$\\")), min_size=1, max_size=60)


@dataclass(frozen=True)
class RenderFlags:
    """An output's kind (".png", ".mp4", ...), `aeviz render`'s flags, and the frame size
    they draw when they are valid as drawn (None for a near miss: drawn or refused)."""
    kind: str
    args: list[str]
    size: tuple[int, int] | None


@st.composite
def render_flags(draw) -> RenderFlags:
    """Valid flags for a still or a short clip (half the time: a small size, panels, a
    pace, titles, the epochs shown), or any of them as typed: sizes past the caps, stray
    panel names, numbers out of range, any text."""
    kind = draw(st.sampled_from([".png", ".png", ".svg", ".gif", ".mp4"]))
    if draw(st.booleans()):
        width, height = draw(ALLOWED_SIZES)
        flags = {"--size": f"{width}x{height}", **draw(st.fixed_dictionaries({}, optional={
            "--panels": st.lists(st.sampled_from(PANELS), min_size=1, max_size=4,
                                 unique=True).map(",".join),
            "--fps": st.integers(2, 12).map(str),
            "--duration": st.sampled_from(["0", "0.2", "0.3"]),
            "--hold": st.sampled_from(["0", "0.1"]),
            "--title": PRINTABLE,
            "--caption": PRINTABLE,
            "--every": st.integers(1, 3).map(str),
            "--epochs": st.sampled_from(["0:2", "1:", ":1"]),
        }))}
        if kind in (".png", ".svg") and "--epochs" not in flags and draw(st.booleans()):
            flags["--epoch"] = str(draw(st.integers(0, 3)))  # a still's one moment
        return RenderFlags(kind, [a for item in flags.items() for a in item], (width, height))
    flags = draw(st.fixed_dictionaries({}, optional={
        "--size": size_texts(),
        "--panels": panel_lists(),
        "--fps": number_texts(1, 12),
        "--duration": number_texts(0, 0.3),
        "--hold": number_texts(0, 0.2),
        "--title": title_texts(),
        "--caption": title_texts(),
        "--epochs": st.sampled_from(["0:2", "1:", ":1", "2:1", "5:9", "a:b", ":"]),
        "--every": number_texts(1, 4),
        "--epoch": number_texts(-1, 4),
    }))
    return RenderFlags(kind, [a for item in flags.items() for a in item], None)


# Any value a TOML table can hold (no tables: a key's value, not a section).
toml_scalars = st.one_of(
    st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))
toml_values = st.one_of(toml_scalars, st.lists(toml_scalars, max_size=4))

# Numbers near the edges of what each new [train] key allows.
fractions = st.one_of(st.floats(min_value=-0.5, max_value=1.5), st.sampled_from([0, 1, 0.0]))
penalties = st.one_of(st.floats(min_value=-1, max_value=10), st.integers(-2, 3))


def objective_keys(values: st.SearchStrategy | None = None) -> st.SearchStrategy[dict]:
    """A [train] table's objective keys: some of noise, masking, code_l1, weight_decay, beta,
    each a plausible number or (with `values`) anything."""
    def pick(default):
        return default if values is None else st.one_of(default, values)
    return st.fixed_dictionaries({}, optional={
        "noise": pick(penalties), "masking": pick(fractions), "code_l1": pick(penalties),
        "weight_decay": pick(penalties), "beta": pick(penalties),
        "optimizer": pick(st.sampled_from(["sgd", "momentum", "rmsprop", "adam", "adamw",
                                           "adamx"]))})


def model_keys(values: st.SearchStrategy | None = None) -> st.SearchStrategy[dict]:
    """A [model] table's `variational` key (and an activation list that may contradict it)."""
    variational = st.booleans() if values is None else st.one_of(st.booleans(), values)
    return st.fixed_dictionaries({}, optional={
        "variational": variational,
        "activation": st.lists(st.sampled_from(["tanh", "identity", "relu", "sigmoid"]),
                               min_size=4, max_size=4)})


def render_keys(values: st.SearchStrategy | None = None) -> st.SearchStrategy[dict]:
    """A [render] table's panels (the decoder among them), pull and ellipses."""
    panel = st.sampled_from(["code", "loss", "weights", "recon", "decoder", "decoders"])
    flag = st.booleans() if values is None else st.one_of(st.booleans(), values)
    return st.fixed_dictionaries({}, optional={
        "panels": st.lists(panel, min_size=0, max_size=5), "pull": flag, "ellipses": flag})
@dataclass(frozen=True)
class ObjectiveKeys:
    """[train], [model] and [render] keys of the objective, the VAE and their drawings, and
    whether they are valid as drawn (then the experiment builds with them as written)."""
    train: dict
    model: dict
    render: dict
    valid: bool


@st.composite
def objective_settings(draw, values: st.SearchStrategy | None = None) -> ObjectiveKeys:
    """Valid keys (half the time: terms in their ranges, a VAE with its KL weight and
    ellipses, the decoder panel, pull arrows), or those of `objective_keys`, `model_keys` and
    `render_keys` (edge numbers, or with `values` anything)."""
    if draw(st.booleans()):
        variational = draw(st.booleans())
        train = draw(st.fixed_dictionaries({}, optional={
            "noise": st.floats(0, 1), "masking": st.floats(0, 0.9), "code_l1": st.floats(0, 1),
            "weight_decay": st.floats(0, 0.1),
            "optimizer": st.sampled_from(["sgd", "momentum", "rmsprop", "adam", "adamw"]),
            **({"beta": st.floats(0, 4)} if variational else {})}))
        model = {"variational": variational}
        if variational and draw(st.booleans()):
            model["activation"] = ["tanh", "identity", "tanh", "identity"]  # the code linear
        render = draw(st.fixed_dictionaries({}, optional={
            "panels": st.lists(st.sampled_from(["code", "loss", "weights", "recon", "decoder"]),
                               min_size=1, max_size=5, unique=True),
            "pull": st.booleans(), **({"ellipses": st.booleans()} if variational else {})}))
        return ObjectiveKeys(train, model, render, True)
    return ObjectiveKeys(draw(objective_keys(values)), draw(model_keys(values)),
                         draw(render_keys(values)), False)


# Texts an experiment puts on a page (title, caption, run labels): the fragments that end or
# open a script or a comment in HTML, in any case, among printable text; and anything at all.
HTML_FRAGMENTS = st.lists(st.sampled_from([
    "</script>", "</SCRIPT ", "<!--", "-->", "<script>", "&amp;", "\u2028", "\"'",
    "<img src=x onerror=alert(1)>", "@@DATA@@", "\\u003c", "x", "$x^2$", " "]),
    min_size=1, max_size=5).map("".join)
# Printable: no control, surrogate, line or paragraph separator, nor a bidirectional control
# (aeviz.text refuses those where a text is read), and math only where it parses.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
PRINTABLE_TEXTS = st.one_of(
    HTML_FRAGMENTS.filter(lambda text: "\u2028" not in text),
    st.text(st.sampled_from(_font_characters(  # what the font draws (others are refused)
        LETTERS + " Mn Mc Me Pc Pd Ps Pe Pi Pf Po Sm Sc Sk So Zs",
        exclude="$\\" + BIDI_CONTROLS)), max_size=30))
PAGE_TEXTS = st.one_of(HTML_FRAGMENTS, st.text(max_size=30))


@dataclass(frozen=True)
class PageTexts:
    """A page's title, caption and run label, and whether all three are printable text that
    a page must show as written (else one may be refused)."""
    title: str
    caption: str
    label: str
    printable: bool


@st.composite
def page_texts(draw) -> PageTexts:
    """Printable texts holding HTML's dangerous fragments (half the time), or any texts."""
    printable = draw(st.booleans())
    texts = PRINTABLE_TEXTS if printable else PAGE_TEXTS
    return PageTexts(draw(texts), draw(texts), draw(texts.filter(str.strip)), printable)

