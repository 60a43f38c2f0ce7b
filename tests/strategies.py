"""Hypothesis strategies for aeviz's input boundaries: what a user (or an attacker) can hand it.

Each strategy makes the files of one kind of input, valid ones and near misses: data files
(CSV text, .npy arrays and headers), label files, batch folders and `--shard` strings. The fuzz
tests (tests/test_fuzz_inputs.py) hold aeviz to its promise on them: exit status 0 or 2, one
line and no traceback, nothing written on a refusal.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
from hypothesis import strategies as st

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


# Texts an experiment puts on a page (title, caption, run labels): anything, and the fragments
# that end or open a script or a comment in HTML, in any case.
PAGE_TEXTS = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(["</script>", "</SCRIPT ", "<!--", "-->", "<script>", "&amp;",
                              "\u2028", "\"'", "<img src=x onerror=alert(1)>", "@@DATA@@",
                              "\\u003c", "x"]), min_size=1, max_size=5).map("".join),
)
