"""Hypothesis strategies for aeviz's inputs, shared by the fuzz tests (add yours beside these).

Profiles: "ci" (the default: a fixed seed and a bounded number of examples, so the suite is
deterministic and quick) and "long" (HYPOTHESIS_PROFILE=long, for local runs that search
harder). Deadlines are off everywhere: the guards against hangs are outer limits, never
timing assertions.

Hypothesis strategies for aeviz's input boundaries: what a user (or an attacker) can hand it.

Each strategy makes the files of one kind of input, valid ones and near misses: data files
(CSV text, .npy arrays and headers), label files, batch folders and `--shard` strings. The fuzz
tests (tests/test_fuzz_inputs.py) hold aeviz to its promise on them: exit status 0 or 2, one
line and no traceback, nothing written on a refusal. At the end: TOML values of any type for
the keys of the objectives, the VAE and the decoder and pull drawings
(tests/test_fuzz_objectives.py).
"""

from __future__ import annotations

import copy
import io
import json
import os
import zipfile
from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True,
                          database=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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
    "render": {"size": "160x90", "duration": 0.5, "hold": 0},
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
    document["train"]["batch_size"] = draw(st.integers(1, 20))
    document["train"]["learning_rate"] = draw(st.floats(1e-4, 1.0))
    document["title"] = draw(st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs"]),
                                      max_size=20))
    return document


@st.composite
def mutated_experiments(draw) -> dict:
    """A valid experiment with one to three keys replaced, added or removed."""
    document = draw(valid_experiments())
    for _ in range(draw(st.integers(1, 3))):
        paths = _leaves(document)
        path = draw(st.sampled_from(paths))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "add", "remove"]))
        if action == "replace":
            parent[path[-1]] = draw(TOML_VALUES)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(TOML_VALUES)
        elif isinstance(parent, dict):
            parent.pop(path[-1])
    return document


@st.composite
def experiment_texts(draw) -> bytes:
    """TOML bytes: valid or mutated experiments, then perhaps mangled as text."""
    from aeviz.settings.tomlwriter import dump_toml

    document = draw(valid_experiments() if draw(st.booleans()) else mutated_experiments())
    try:
        text = dump_toml(document)
    except (TypeError, ValueError):
        text = json.dumps(document)
    data = text.encode("utf-8", "surrogatepass")
    mangle = draw(st.sampled_from(["none"] * 6 + ["bom", "cut", "insert", "flip", "utf16",
                                                  "deep"]))
    if mangle == "bom":
        data = b"\xef\xbb\xbf" + data
    elif mangle == "cut":
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
    return data


# --- --set strings --------------------------------------------------------------------------

KNOWN_KEYS = ["title", "train.epochs", "train.learning_rate", "train.optimizer",
              "data.clusters[1].n", "data.clusters[2].mean", "model.layers", "render.size",
              "render.title", "record.every", "data.clusters[0].n", "model.activation"]


GOOD_ASSIGNMENTS = ["train.epochs=3", 'title="hello $x^2$"', "render.size=320x180",
                    "data.clusters[1].n=7", "train.optimizer=sgd", "model.activation=relu",
                    "data.clusters[2].mean=[0.1, 0.2, 0.3]", "render.title=plain words",
                    "train.learning_rate=1e-3", "record.every = 2"]


@st.composite
def set_strings(draw) -> str:
    """What a user may type after --set: known and unknown keys, any value text."""
    if draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(GOOD_ASSIGNMENTS))
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
    return f"{key}{separator}{value}"


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


@st.composite
def mutated_members(draw, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The members of a valid trajectory with one or two replaced, reshaped, edited or gone."""
    arrays = dict(arrays)
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
    return arrays


@st.composite
def corrupted_bytes(draw, data: bytes) -> bytes:
    """A file's bytes with zip-level damage: flipped bytes (often in a header), truncation,
    a spliced copy, a patched directory field."""
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
    return bytes(data)


# --- manifests ----------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=10,
)


@st.composite
def manifest_bytes(draw, valid: dict) -> bytes:
    """A batch manifest: the real one with a field replaced, any JSON, or any bytes."""
    kind = draw(st.sampled_from(["field", "entry", "json", "bytes", "deep"]))
    if kind == "field":
        manifest = dict(valid)
        manifest[draw(st.sampled_from(sorted(manifest) + ["extra"]))] = draw(JSON_VALUES)
        return json.dumps(manifest).encode()
    if kind == "entry":
        manifest = json.loads(json.dumps(valid))
        name = draw(st.sampled_from(sorted(manifest["outputs"])))
        manifest["outputs"][name][draw(st.sampled_from(["bytes", "sha256"]))] = draw(JSON_VALUES)
        return json.dumps(manifest).encode()
    if kind == "json":
        return json.dumps(draw(JSON_VALUES)).encode()
    if kind == "deep":
        depth = draw(st.sampled_from([5, 50, 5000, 100_000]))
        return ("[" * depth + "]" * depth).encode()
    return draw(st.binary(max_size=64))

# Cells a CSV may hold: plain numbers, numbers Python's float() takes but aeviz must not, and
# text, quotes and sizes that parsers trip on.
NUMBER_CELLS = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.sampled_from(["1e3", "-2.5E-1", ".5", "3.", "+7", " 1 ", "\t2"]),
)
HOSTILE_CELLS = st.one_of(
    st.sampled_from(["1_000", "\u0661\u0662", "\uff11", "0x10", "nan", "inf", "-inf", "1e999",
                     "", " ", '"', "1,5", "\u00a01", "1e", "--1", "\x00", "\r", "a\nb"]),
    st.text(max_size=12),
    st.integers(1, 3).map(lambda k: "9" * (131_072 * k // 2)),  # around the field limit
)
CELLS = st.one_of(NUMBER_CELLS, NUMBER_CELLS, HOSTILE_CELLS)


def _csv_line(cells: list[str]) -> str:
    return ",".join(f'"{c}"' if any(ch in c for ch in ',"\n\r') and '"' not in c else c
                    for c in cells)


@st.composite
def csv_files(draw) -> tuple[bytes, int, str | None]:
    """(content, the number of feature columns the experiment declares, label column or
    None): a header, rows of cells (some short or long by a cell), maybe a BOM or bad bytes."""
    columns = draw(st.integers(1, 4))
    header = [f"c{i}" for i in range(columns)]
    label = draw(st.sampled_from([None, "kind"]))
    if label is not None:
        header.insert(draw(st.integers(0, columns)), label)
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header) - 1, max_size=len(header) + 1),
                         min_size=0, max_size=6))
    text = "\n".join(_csv_line(row) for row in [header, *rows]) + draw(
        st.sampled_from(["\n", "", "\r\n"]))
    content = text.encode("utf-8", "surrogatepass")
    content = draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + content
    if draw(st.booleans()) and draw(st.booleans()):
        at = draw(st.integers(0, len(content)))
        content = content[:at] + draw(st.binary(min_size=1, max_size=4)) + content[at:]
    return content, columns, label


DTYPES = st.sampled_from(["f4", "f8", ">f8", "f2", "i1", "u1", "i8", "u8", "?", "c16", "m8[s]",
                          "M8[D]", "U3", "S2", "O", "i4,i4"])


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
def arrays(draw, dims: tuple[int, ...] = (2,)) -> np.ndarray:
    dtype = np.dtype(draw(DTYPES))
    ndim = draw(st.sampled_from([*dims, *dims, 0, 1, 3]))
    shape = tuple(draw(st.lists(st.integers(0, 6), min_size=ndim, max_size=ndim)))
    if dtype.kind == "O":
        array = np.empty(shape, object)
        array[...] = None
        return array
    if dtype.kind in "US":
        return np.full(shape, "1", dtype)
    values = draw(st.one_of(st.floats(-300, 300),
                            st.sampled_from([np.nan, np.inf, -np.inf, 1e300])))
    with np.errstate(all="ignore"):
        return np.full(shape, values).astype(dtype) if dtype.fields is None else np.zeros(
            shape, dtype)


@st.composite
def npy_files(draw) -> bytes:
    """The bytes of a data .npy: an array of any dtype and shape, a header that claims more
    than it holds, a cut or mangled file, a zip."""
    kind = draw(st.sampled_from(["array", "array", "header", "cut", "zip", "junk"]))
    if kind == "array":
        return _npy(draw(arrays()))
    if kind == "header":
        shape = tuple(draw(st.lists(st.sampled_from([0, 1, 3, 10**6, 10**9, 10**12, -1]),
                                    min_size=0, max_size=3)))
        return _header_only(shape, draw(st.sampled_from(["<f8", "<i1", "<c16", "|O", "<U5"])))
    if kind == "cut":
        content = _npy(draw(arrays()))
        return content[:draw(st.integers(0, len(content)))]
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("x.npy", _npy(np.ones((3, 3))))
        return buffer.getvalue()
    return b"\x93NUMPY" + draw(st.binary(max_size=40))


@st.composite
def label_files(draw, samples: int) -> bytes:
    """The bytes of a label .npy for `samples` rows: integers or strings of the right length
    or not, other dtypes, lying headers, zips and junk."""
    kind = draw(st.sampled_from(["ints", "strings", "other"]))
    length = draw(st.sampled_from([samples, samples, 0, samples + 1]))
    if kind == "ints":
        values = draw(st.lists(st.integers(-2**62, 2**62), min_size=length, max_size=length))
        return _npy(np.array(values, np.int64).reshape(-1))
    if kind == "strings":
        values = draw(st.lists(st.text(max_size=5), min_size=length, max_size=length))
        return _npy(np.array(values, dtype=f"U{max([1, *map(len, values)])}"))
    return draw(npy_files())


# A file name in a batch folder: plain, long, dotted, or (as bytes) not UTF-8.
NAMES = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True),
    st.integers(200, 260).map(lambda n: "n" * n),
    st.sampled_from(["a.b", "-x", "x y", "über", "\u00b2"]),
    st.binary(min_size=1, max_size=6).filter(lambda b: b"/" not in b and b"\0" not in b
                                             and b not in (b".", b"..")).map(
        lambda b: b.decode("utf-8", "surrogateescape")),
)


@st.composite
def batch_folders(draw) -> dict[str, str]:
    """{file name: TOML text} for a batch folder: tiny experiments (valid or broken), a
    comparison, and names of every kind."""
    from tests.conftest import tiny_text

    texts = st.sampled_from([
        tiny_text(train={"epochs": 1}, render={"size": "160x90", "fps": 5}),
        tiny_text(train={"epochs": "x"}),
        "[compare]\nruns = [\"a\", \"b\"]\n",
        "not = [toml",
        "",
    ])
    return draw(st.dictionaries(NAMES.map(lambda n: f"{n}.toml"), texts, min_size=1,
                                max_size=3))


SHARDS = st.one_of(
    st.tuples(st.integers(0, 5), st.integers(0, 5)).map(lambda t: f"{t[0]}/{t[1]}"),
    st.sampled_from(["\u00b2/3", "1/\u0663", "1/" + "9" * 400, "1/", "/", "a/b", " 1/2 ",
                     "1/2/3", "-1/2", ""]),
    st.text(max_size=6),
)


# Render options (tests/test_render_fuzz.py).
PANELS = ("code", "loss", "weights", "recon")


def size_texts() -> st.SearchStrategy[str]:
    """--size values: small valid sizes (drawn quickly), sides out of range, frames past the
    pixel cap, and text that is no size at all."""
    side = st.integers(64, 400)
    valid = st.builds(lambda w, h: f"{w}x{h}", side, side)
    extreme = st.builds(lambda w, h, sep: f"{w}{sep}{h}", st.integers(0, 10**6),
                        st.integers(0, 10**6), st.sampled_from(["x", "X", " x ", "*", ""]))
    capped = st.builds(lambda w, h: f"{w}x{h}", st.integers(2900, 7680), st.integers(2900, 7680))
    return st.one_of(valid, valid, extreme, capped, st.text(max_size=12))


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
# Texts an experiment puts on a page (title, caption, run labels): anything, and the fragments
# that end or open a script or a comment in HTML, in any case.
PAGE_TEXTS = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(["</script>", "</SCRIPT ", "<!--", "-->", "<script>", "&amp;",
                              "\u2028", "\"'", "<img src=x onerror=alert(1)>", "@@DATA@@",
                              "\\u003c", "x"]), min_size=1, max_size=5).map("".join),
)


SCALE = int(os.environ.get("AEVIZ_FUZZ_SCALE", "1"))


def scaled(examples: int):
    return settings(max_examples=examples * SCALE, deadline=None, derandomize=True,
                    database=None, suppress_health_check=list(HealthCheck))
