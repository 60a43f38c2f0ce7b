"""Data sources: clusters, CSV with a label column, .npy; normalization."""

import numpy as np
import pytest

from aeviz.errors import AevizError
from aeviz.settings import load_experiment
from aeviz.training.data import load_data, normalize
from tests.conftest import TINY_EXPERIMENT, tiny_text

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
