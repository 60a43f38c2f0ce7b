"""Tampered and foreign trajectories: one line naming the file and the key, never a traceback,
and a file that claims gigabytes is refused before they are allocated."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from aeviz import trajectory
from aeviz.errors import AevizError
from aeviz.trajectory.checks import check_declared_sizes


def tampered(source: Path, folder: Path, **changes) -> Path:
    """A copy of the trajectory at `source` with keys replaced (None: removed)."""
    with np.load(source, allow_pickle=False) as run:
        arrays = {key: run[key] for key in run.files}
    for key, value in changes.items():
        if value is None:
            arrays.pop(key)
        else:
            arrays[key] = value(arrays) if callable(value) else value
    path = folder / "tampered.npz"
    np.savez(path, **arrays)
    return path


def config_without_model(arrays):
    text = str(arrays["config"])
    start = text.index("[model]")
    return np.array(text[:start] + text[text.index("[train]"):])


CASES = [
    (dict(config=config_without_model), "config: needs [model] and [train] tables"),
    (dict(config=lambda a: np.array(str(a["config"]).replace("code_layer = 2", "code_layer = 1"))),
     "config: model.code_layer 1 is not a hidden layer of 2 neurons in [3, 4, 2, 4, 3]"),
    (dict(config=np.array("title = [")), "config: not valid TOML ("),  # then tomllib's words
    (dict(loss=lambda a: np.where(np.arange(len(a["loss"])) == 3, np.inf, a["loss"])),
     "loss: holds NaN or infinite values"),
    (dict(codes=lambda a: a["codes"] * np.nan), "codes: holds NaN or infinite values"),
    (dict(meta=np.array("[1, 2]")), "meta: expected a JSON object, got list"),
    (dict(meta=np.array("{")), "meta: not JSON (Expecting property name enclosed in double "
                               "quotes: line 1 column 2 (char 1))"),
    (dict(meta=np.array('{"stop_reason": "bored"}')),
     "meta: unknown stop_reason 'bored' (one of epochs, converged, diverged, interrupted)"),
    (dict(x=lambda a: a["x"][:, 0]),
     "x: expected 2-D floats, got 1-D float32 (a damaged or foreign trajectory)"),
    (dict(labels=lambda a: a["labels"].astype(float)),
     "labels: expected 1-D integers, got 1-D float64 (a damaged or foreign trajectory)"),
    (dict(step=lambda a: a["step"][::-1].copy()),
     "step: snapshots are not in strictly increasing step order"),
    (dict(epoch=lambda a: a["epoch"][::-1].copy()),
     "epoch: snapshots are not in increasing epoch order"),
    (dict(activations=np.array(["tanh", "swish", "tanh", "tanh"])),
     "activations: expected 4 of identity, sigmoid, tanh, relu, leaky_relu; got ['tanh', "
     "'swish', 'tanh', 'tanh']"),
    (dict(layer_sizes=np.array([3, 4, 2, 4, 5])),
     "layer_sizes: [3, 4, 2, 4, 5] is not an autoencoder's (at least 3 layers, all >= 1, "
     "first = last)"),
    (dict(labels=lambda a: a["labels"] + 5),
     "labels: values must be -1 (none) or index label_names (2 names)"),
    (dict(W1=None), "missing key 'W1' (incomplete or damaged trajectory)"),
    (dict(format_version=np.array("one")), "format_version: expected a whole number, got one"),
]


@pytest.mark.parametrize("changes, message", CASES)
def test_tampered_trajectories_get_one_line(tiny_run_path, tmp_path, changes, message):
    path = tampered(tiny_run_path, tmp_path, **changes)
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    if message.endswith("("):
        assert str(error.value).startswith(f"{path}: {message}")
    else:
        assert str(error.value) == f"{path}: {message}"


def test_the_cli_says_it_in_one_line(run_cli, tiny_run_path, tmp_path):
    path = tampered(tiny_run_path, tmp_path, meta=np.array("[1, 2]"))
    result = run_cli("render", path, "-o", tmp_path / "x.png")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}: meta: expected a JSON object, got list\n"


def test_object_arrays_are_never_unpickled(tiny_run_path, tmp_path):
    path = tampered(tiny_run_path, tmp_path, x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(AevizError, match=r"x: holds Python objects, which aeviz never loads"):
        trajectory.load(path)


def npy_header(shape: tuple[int, ...]) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False,
                                                  "shape": shape})
    return buffer.getvalue()


def test_a_file_claiming_gigabytes_is_refused_before_reading(tiny_run_path, tmp_path):
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("x.npy", npy_header((1_000_000, 10_000)) + b"\0" * 1000)
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == (f"{path}: x: declares (1000000, 10000) of float64 (80.0 GB); "
                                "a trajectory may hold at most 2.0 GB: refused before reading it")


def test_a_real_decompression_bomb_is_not_unpacked(tmp_path):
    """50 MB of zeros compress to 50 kB; with a 10 MB bound the check allocates next to
    nothing (the arrays are never read)."""
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, x=np.zeros(50_000_000, dtype=np.uint8))
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(AevizError, match=r"x: declares \(50000000,\) of uint8 \(50.0 MB\)"):
            check_declared_sizes(str(path), limit=10_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
