"""Data sources: clusters, CSV with a label column, .npy; normalization."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given

from aeviz.errors import AevizError
from aeviz.limits import MAX_CLASS_NAME
from aeviz.settings import load_experiment
from aeviz.training.data import load_data, normalize
from aeviz.training.loop import train
from tests.conftest import TINY_EXPERIMENT, tiny_text
from tests.helpers import IMAGES, data_experiment, image_experiment, read_or_refuse, train_error
from tests.strategies import csv_files, label_files, npy_files

IRIS_TOML = """
[data]
file = "iris.csv"
label_column = "species"
normalize = "minmax"
[model]
layers = [4, 3, 2, 3, 4]
"""


def test_normalizations():
    x = np.array([[2.0, -4.0], [1.0, 0.0]])
    np.testing.assert_array_equal(normalize(x.copy(), "global"), x / 4)
    np.testing.assert_array_equal(normalize(x.copy(), "minmax"), [[1, -1], [-1, 1]])
    np.testing.assert_array_equal(normalize(x.copy(), "none"), x)


def test_cluster_sizes_and_means(tmp_path):
    first, second = TINY_EXPERIMENT["data"]["clusters"]
    clusters = [{**first, "n": 2000}, second]
    path = tmp_path / "big.toml"
    path.write_text(tiny_text(data={"normalize": "none", "clusters": clusters}))
    data = load_data(load_experiment(path))
    assert data.x.shape == (2020, 3) and data.label_names == ("cluster 1", "cluster 2")
    np.testing.assert_allclose(data.x[:2000].mean(axis=0), [0.5, 0.0, 0.2], atol=0.01)
    np.testing.assert_allclose(data.x[:2000].std(axis=0), [0.1] * 3, atol=0.01)


def test_csv_with_label_column(tmp_path):
    (tmp_path / "iris.csv").write_text("a,b,c,d,species\n1,2,3,4,x\n2,3,4,5,y\n3,3,3,3,x\n")
    (tmp_path / "iris.toml").write_text(IRIS_TOML)
    data = load_data(load_experiment(tmp_path / "iris.toml"))
    assert data.label_names == ("x", "y") and data.labels.tolist() == [0, 1, 0]
    np.testing.assert_array_equal(data.x[:, 0], [-1, 0, 1])


def test_csv_errors(tmp_path):
    (tmp_path / "iris.toml").write_text(IRIS_TOML)
    with pytest.raises(AevizError, match=r"iris.toml: data.file: no such file: .*iris.csv$"):
        load_data(load_experiment(tmp_path / "iris.toml"))
    (tmp_path / "iris.csv").write_text("a,b,kind\n1,2,x\n")
    with pytest.raises(AevizError) as caught:
        load_data(load_experiment(tmp_path / "iris.toml"))
    assert str(caught.value).endswith(
        'data.label_column: no column "species" in ' f"{tmp_path / 'iris.csv'} "
        "(columns: a, b, kind)")
    with pytest.raises(AevizError, match=r"model.layers: first layer \(input\) has 4 neurons but"
                                         r" iris.csv has 2 numeric columns; they must match"):
        load_data(load_experiment(tmp_path / "iris.toml", ["data.label_column='kind'"]))


def test_npy_file(tmp_path):
    np.save(tmp_path / "x.npy", np.arange(12.0).reshape(3, 4))
    (tmp_path / "e.toml").write_text('[data]\nfile = "x.npy"\n[model]\nlayers = [4, 2, 4]\n')
    data = load_data(load_experiment(tmp_path / "e.toml"))
    assert data.x.shape == (3, 4) and data.labels.tolist() == [-1, -1, -1]
    np.save(tmp_path / "x.npy", np.array([{"a": 1}], dtype=object))
    with pytest.raises(AevizError, match=r"e.toml: data.file: .*x.npy must hold a non-empty "
                       r"N x D array of numbers \(booleans, integers or floats\), got shape "
                       r"\(1,\) of object \(Python objects\)$"):
        load_data(load_experiment(tmp_path / "e.toml"))


# The data door: what an attack pass found, each with the exact line it now gets.

def npy_experiment(tmp_path, x, normalize="global", **data) -> str:
    """An experiment on the array `x` saved as x.npy (layers sized to its columns)."""
    np.save(tmp_path / "x.npy", x)
    columns = x.shape[1] if x.ndim == 2 else 3
    (tmp_path / "e.toml").write_text(tiny_text(
        data={"clusters": None, "file": "x.npy", "normalize": normalize, **data},
        model={"layers": [columns, 2, columns]}))
    return tmp_path / "e.toml"


def data_error(path, *settings) -> str:
    with pytest.raises(AevizError) as caught:
        load_data(load_experiment(path, list(settings)))
    return str(caught.value).removeprefix(f"{path}: ")


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int64", "uint64", "bool",
                                   "float16", ">f8"])
@pytest.mark.parametrize("normalize", ["global", "minmax", "none"])
def test_integer_and_other_numeric_data_train(tmp_path, dtype, normalize):
    """README's MNIST recipe: pixels as uint8 with normalize = "global" (a casting error in
    the division before); integers are converted to the training dtype before arithmetic."""
    x = (np.arange(24).reshape(6, 4) // 3 % 2 if dtype == "bool" else
         np.arange(24).reshape(6, 4) * 5).astype(dtype)
    data = load_data(load_experiment(npy_experiment(tmp_path, x, normalize)))
    assert data.x.dtype == np.float32
    expected = x.astype(np.float64)
    if normalize == "global":
        expected = expected / np.abs(expected).max()
    elif normalize == "minmax":
        low, high = expected.min(axis=0), expected.max(axis=0)
        expected = 2 * (expected - low) / (high - low) - 1
    np.testing.assert_allclose(data.x, expected, rtol=1e-6)


def test_int8_data_of_minus_128_is_normalized(tmp_path):
    """abs(-128) is -128 in int8: the scale was negative and the data left as they were."""
    data = load_data(load_experiment(npy_experiment(tmp_path, np.full((5, 3), -128, np.int8))))
    np.testing.assert_array_equal(data.x, -np.ones((5, 3)))


@pytest.mark.parametrize("x, shown", [
    (np.ones((4, 3), np.complex128), "(4, 3) of complex128 (complex numbers)"),
    (np.ones((4, 3), "m8[s]"), "(4, 3) of timedelta64[s] (time spans)"),
    (np.ones((4, 3), "M8[D]"), "(4, 3) of datetime64[D] (dates)"),
    (np.full((4, 3), "1"), "(4, 3) of <U1 (text)"),
    (np.zeros((4, 3), "i4,i4"), "(4, 3) of [('f0', '<i4'), ('f1', '<i4')] (records)"),
    (np.ones((4, 3, 2)), "(4, 3, 2) of float64"),
    (np.ones(4), "(4,) of float64"),
    (np.ones((0, 3)), "(0, 3) of float64"),
])
def test_data_that_is_not_an_array_of_numbers_is_refused(tmp_path, x, shown):
    path = npy_experiment(tmp_path, x)
    assert data_error(path) == (
        f"data.file: {tmp_path / 'x.npy'} must hold a non-empty N x D array of numbers "
        f"(booleans, integers or floats), got shape {shown}")


@pytest.mark.parametrize("shape, problem", [
    ((10, 10**9), "1,000,000,000 columns; aeviz takes at most 100,000"),
    ((100_000, 5_000), "500,000,000 values; aeviz takes at most 125,000,000"),
])
def test_every_dimension_is_bounded_before_reading(tmp_path, shape, problem):
    path = npy_experiment(tmp_path, np.ones((2, 3)))
    with open(tmp_path / "x.npy", "wb") as handle:  # a header only: no data behind it
        np.lib.format.write_array_header_1_0(handle, {"descr": "<f8", "fortran_order": False,
                                                      "shape": shape})
    assert data_error(path) == (f"data.file: {tmp_path / 'x.npy'} declares shape {shape}: "
                                f"{problem}")


def label_experiment(tmp_path) -> str:
    return npy_experiment(tmp_path, np.ones((6, 3)), label_file="y.npy")


def test_a_label_file_header_of_a_trillion_rows_is_refused_unread(tmp_path):
    path = label_experiment(tmp_path)
    with open(tmp_path / "y.npy", "wb") as handle:
        np.lib.format.write_array_header_1_0(handle, {"descr": "<i8", "fortran_order": False,
                                                      "shape": (10**12,)})
    assert data_error(path) == (f"data.label_file: {tmp_path / 'y.npy'} has "
                                "1,000,000,000,000 labels but x.npy has 6 rows; they must match")


def test_a_zip_as_label_file_is_refused(tmp_path):
    path = label_experiment(tmp_path)
    np.savez(tmp_path / "y.npy", labels=np.arange(6))
    (tmp_path / "y.npy.npz").rename(tmp_path / "y.npy")
    assert data_error(path).startswith(  # (then the zip's version bytes, by Python version)
        f"data.label_file: {tmp_path / 'y.npy'} is not a readable .npy array (the magic string "
        "is not correct; expected b'\\x93NUMPY', got b'PK\\x03\\x04")


def test_label_strings_are_bounded(tmp_path):
    path = label_experiment(tmp_path)
    np.save(tmp_path / "y.npy", np.array(["a" * 1001] * 6))
    assert data_error(path) == (f"data.label_file: {tmp_path / 'y.npy'} holds strings of up "
                                "to 1,001 characters; a class name may have at most 1,000")


def test_a_cluster_of_100000_dimensions_is_refused_before_sampling(tmp_path):
    (tmp_path / "e.toml").write_text(tiny_text(data={"clusters": [
        {"n": 10, "mean": [0.0] * 100_000, "std": 1.0}]}, model={"layers": [100_000, 2, 100_000]}))
    assert data_error(tmp_path / "e.toml") == (
        "data.clusters[1].mean: 100,000 dimensions; sampled clusters have at most 1,000 (wider "
        "data: data.file)")


def csv_experiment(tmp_path, text: str, **data) -> str:
    (tmp_path / "d.csv").write_text(text, encoding="utf-8")
    (tmp_path / "e.toml").write_text(tiny_text(
        data={"clusters": None, "file": "d.csv", **data}, model={"layers": [2, 2, 2]}))
    return tmp_path / "e.toml"


def test_a_csv_row_missing_its_label_cell(tmp_path):
    path = csv_experiment(tmp_path, "a,b,kind\n1,2,x\n3,4\n", label_column="kind")
    assert data_error(path) == (f'data.file: {tmp_path / "d.csv"}: row 3 has no "kind" cell '
                                "(it has 2 of the header's 3)")


def test_a_csv_field_over_the_field_limit(tmp_path):
    path = csv_experiment(tmp_path, "a,b\n1," + "2" * 131_073 + "\n")
    assert data_error(path) == (f"data.file: {tmp_path / 'd.csv'} is not a readable CSV file "
                                "(field larger than field limit (131072))")


@pytest.mark.parametrize("number", ["1_000", "\u0661\u0662", "\uff11", "0x10", "1e", "--1",
                                    "\u00a01", "1,5", ""])
def test_only_plain_ascii_decimal_numbers_are_numbers(tmp_path, number):
    """Python's float() takes `1_000`, Arabic-Indic and full-width digits, and non-ASCII
    spaces; a CSV number is plain ASCII decimal."""
    path = csv_experiment(tmp_path, f'a,b\n1,2\n3,"{number}"\n')
    shown = repr(number)
    assert data_error(path) == (
        f'data.file: {tmp_path / "d.csv"}: column "b" is not numeric (row 3: {shown}); remove '
        "it, or name it in data.label_column to color the points by it")


@pytest.mark.parametrize("number, value", [
    ("1", 1.0), ("-2.5", -2.5), ("+.5", 0.5), ("3.", 3.0), ("1e3", 1000.0), ("2.5E-1", 0.25),
    (" 7 ", 7.0), ("\t8", 8.0)])
def test_plain_numbers_read_as_python_reads_them(tmp_path, number, value):
    path = csv_experiment(tmp_path, f'a,b\n1,2\n1,"{number}"\n', normalize="none")
    assert load_data(load_experiment(path)).x[1, 1] == value


@pytest.mark.slow  # (tracemalloc slows the parse down)
def test_csv_is_read_in_memory_about_the_size_of_its_numbers(tmp_path):
    """Row by row into one array: no list of strings per cell (which took ten times the
    file's size)."""
    import tracemalloc

    rng = np.random.default_rng(0)
    values = rng.uniform(-1, 1, (20_000, 8))
    lines = ["a,b,c,d,e,f,g,h,kind"] + [",".join(f"{v:.9f}" for v in row) + f",k{i % 3}"
                                        for i, row in enumerate(values)]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "e.toml").write_text(tiny_text(
        data={"clusters": None, "file": "d.csv", "label_column": "kind", "normalize": "none"},
        model={"layers": [8, 2, 8]}, train={"dtype": "float64"}))
    exp = load_experiment(tmp_path / "e.toml")
    tracemalloc.start()
    data = load_data(exp)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    np.testing.assert_allclose(data.x, values, atol=1e-9)
    assert peak < 3 * values.nbytes  # the array, labels, and a copy at most


def test_a_label_of_many_digits_is_a_name(tmp_path):
    """Found by the fuzz tests: int() of a label of 65,536 digits passes Python's limit on
    digits (a ValueError); a label is a class number only up to 255."""
    path = csv_experiment(tmp_path, f"a,b,kind\n1,2,{'9' * 65_536}\n3,4,007\n",
                          label_column="kind")
    assert data_error(path) == ('data.label_column: d.csv: class name 1 ("99999999999999999999'
                                '9999999999999999999\u2026") is 65,536 characters long; at most '
                                "1,000")
    short = csv_experiment(tmp_path, f"a,b,kind\n1,2,{'9' * 1000}\n3,4,007\n",
                           label_column="kind")
    data = load_data(load_experiment(short))
    assert data.label_names == ("9" * 1000, "007") and data.labels.tolist() == [0, 1]


def test_a_class_name_has_one_limit_whichever_door_it_comes_by(tmp_path):
    """A CSV's label cell and a label file's string: both at most MAX_CLASS_NAME characters
    (the CSV door took 4,096 and the label file 1,000)."""
    assert MAX_CLASS_NAME == 1_000
    name = "k" * (MAX_CLASS_NAME + 1)
    path = csv_experiment(tmp_path, f"a,b,kind\n1,2,{name}\n3,4,007\n", label_column="kind")
    assert data_error(path) == ('data.label_column: d.csv: class name 1 ("kkkkkkkkkkkkkkkkkkkk'
                                'kkkkkkkkkkkkkkkkkkk\u2026") is 1,001 characters long; at most '
                                "1,000")
    path = label_experiment(tmp_path)
    np.save(tmp_path / "y.npy", np.array([name, "b"] * 3))
    assert data_error(path) == (f"data.label_file: {tmp_path / 'y.npy'} holds strings of up "
                                "to 1,001 characters; a class name may have at most 1,000")
    np.save(tmp_path / "y.npy", np.array([name[1:], "b"] * 3))
    assert load_data(load_experiment(path)).label_names == (name[1:], "b")


def test_a_csv_line_of_millions_of_cells_is_refused_unsplit(tmp_path, monkeypatch):
    from aeviz.training import data

    monkeypatch.setattr(data, "MAX_CSV_LINE", 1000)
    path = csv_experiment(tmp_path, "a,b\n" + "1," * 600 + "1\n")
    assert data_error(path) == (f"data.file: {tmp_path / 'd.csv'}: line 2 is longer than 1,000 "
                                "characters; aeviz reads CSV lines up to that")


@pytest.mark.parametrize("labels, message", [
    (np.arange(59), "y.npy has 59 labels but x.npy has 60 rows; they must match"),
    (np.zeros(60), "y.npy must hold a 1-D array of integers or strings, got shape (60,) of "
                   "float64"),
    (np.array([{"a": 1}] * 60, dtype=object), "y.npy must hold a 1-D array of integers or "
                                              "strings, got shape (60,) of object (Python "
                                              "objects)"),
])
def test_bad_label_file(tmp_path, labels, message):
    path = image_experiment(tmp_path, labels)
    with pytest.raises(AevizError, match="e.toml: data.label_file: .*" + re.escape(message)):
        train(load_experiment(path))


def test_label_values_keep_their_numbers_and_strings_their_order(tmp_path):
    run = train(load_experiment(image_experiment(tmp_path)))  # classes 3, 4, 5, 6
    assert run.labels[:5].tolist() == [3, 4, 5, 6, 3]
    assert run.label_names == ("0", "1", "2", "3", "4", "5", "6")
    words = np.array(["cat", "dog"] * 30)
    run = train(load_experiment(image_experiment(tmp_path, words)))
    assert run.labels[:3].tolist() == [0, 1, 0] and run.label_names == ("cat", "dog")


def test_image_shape_must_match_the_input(tmp_path):
    path = image_experiment(tmp_path, text=IMAGES.replace("[3, 4]", "[3, 5]"))
    with pytest.raises(AevizError, match=re.escape(
            "e.toml: data.image_shape: 3 x 5 = 15 pixels, but the input layer has 12 neurons; "
            "they must match")):
        load_experiment(path)


def test_csv_with_a_byte_order_mark(run_cli, tmp_path):
    text = csv_bytes_experiment(tmp_path, "\ufeffkind,a,b,c\nx,1,2,3\ny,2,3,1\nx,3,1,2\n".encode(),
                          label_column="kind")
    (tmp_path / "exp.toml").write_text(text)
    result = run_cli("train", tmp_path / "exp.toml", "-o", tmp_path / "out.npz", "-q")
    assert result.exit_code == 0, result.output
    with np.load(tmp_path / "out.npz") as run:
        assert run["label_names"].tolist() == ["x", "y"]


def test_csv_that_is_not_utf8_names_the_byte(run_cli, tmp_path):
    text = csv_bytes_experiment(tmp_path, "a,b,c\n1,2,3\n# café\n".encode("latin-1"))
    assert train_error(run_cli, tmp_path, text) == (
        f"data.file: {tmp_path / 'd.csv'} is not UTF-8 text (byte 0xe9 at offset 17, line 3); "
        "save it as UTF-8\n")


def test_non_numeric_columns_are_refused_by_name(run_cli, tmp_path):
    text = csv_bytes_experiment(tmp_path, b"a,b,c,name\n1,2,3,anna\n2,3,4,bob\n")
    assert train_error(run_cli, tmp_path, text) == (
        f'data.file: {tmp_path / "d.csv"}: column "name" is not numeric (row 2: \'anna\'); '
        "remove it, or name it in data.label_column to color the points by it\n")


def csv_bytes_experiment(tmp_path, content: bytes, **data) -> str:
    """The text of an experiment on d.csv holding `content` as given (any bytes)."""
    (tmp_path / "d.csv").write_bytes(content)
    return tiny_text(data={"clusters": None, "file": "d.csv", **data})


@given(csv=csv_files())
def test_any_csv_is_read_right_or_refused_in_one_line(csv, outcomes):
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "d.csv").write_bytes(csv.content)
        data = read_or_refuse(data_experiment(Path(folder), "d.csv", csv.columns,
                                              label_column=csv.label, normalize="none"))
    if data is None:
        assert csv.expected is None, "a valid CSV was refused"
        return outcomes.refused()
    outcomes.accepted()
    assert all(name.strip() for name in data.label_names)  # no class a key names with nothing
    if csv.expected is not None:  # every number as written, every row labelled or not
        np.testing.assert_array_equal(data.x, csv.expected.astype(np.float32))
        assert (data.labels >= 0).all() == (csv.label is not None)


@given(npy=npy_files())
def test_any_npy_is_read_right_or_refused_in_one_line(npy, outcomes):
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "x.npy").write_bytes(npy.content)
        data = read_or_refuse(data_experiment(Path(folder), "x.npy", 3, normalize="none"))
    if data is None:
        assert npy.expected is None, "a valid .npy was refused"
        return outcomes.refused()
    outcomes.accepted()
    if npy.expected is not None:
        np.testing.assert_array_equal(data.x, npy.expected.astype(np.float32))


@given(labels=label_files(4))
def test_any_label_file_is_read_right_or_refused_in_one_line(labels, outcomes):
    with tempfile.TemporaryDirectory() as folder:
        np.save(Path(folder) / "x.npy", np.ones((4, 3)))
        (Path(folder) / "y.npy").write_bytes(labels.content)
        data = read_or_refuse(data_experiment(Path(folder), "x.npy", 3, label_file="y.npy"))
    if data is None:
        assert labels.expected is None, "a valid label file was refused"
        return outcomes.refused()
    outcomes.accepted()
    if labels.expected is not None:  # each sample named by its own label
        assert [data.label_names[i] for i in data.labels] == [str(v) for v in labels.expected]


@pytest.mark.parametrize("cell", ["", "  "])
def test_a_csv_row_with_an_empty_class_name_is_refused(tmp_path, cell):
    """An empty class name was taken: its points had a class the key named with nothing."""
    path = csv_experiment(tmp_path, f"a,b,kind\n1,2,x\n3,4,{cell}\n", label_column="kind")
    assert data_error(path) == (f'data.file: {tmp_path / "d.csv"}: row 3 has an empty "kind" '
                                "cell; every row needs its class, a name or a number")
