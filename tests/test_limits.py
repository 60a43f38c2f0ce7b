"""Sized up front: runs, data and clips that would not fit are refused with the number, before
any allocation; data float64 cannot train on is refused with the reason; CSV text is UTF-8."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import numpy as np
import pytest

from aeviz.training import budget
from tests.conftest import tiny_text
from tests.helpers import train_error

GB = 10**9


def test_a_run_over_the_cap_is_refused_with_its_size_and_a_cut(run_cli, tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "available_memory", lambda: 64 * GB)
    text = tiny_text(train={"epochs": 10_000_000}, record={"every": 1})
    assert train_error(run_cli, tmp_path, text) == (
        "record.every: the trajectory would hold 10,000,002 snapshots, about 6.0 GB (at most "
        "2.0 GB); record fewer snapshots (record.every = 4 or more) or lower train.epochs\n")


def test_a_run_over_the_free_memory_is_refused(run_cli, tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "available_memory", lambda: 1 * GB)
    text = tiny_text(train={"epochs": 1_000_000})
    assert train_error(run_cli, tmp_path, text) == (
        "record.every: the trajectory would hold 1,000,002 snapshots, about 596.0 MB (training "
        "needs about 1.7 GB, 1.0 GB is free); record fewer snapshots (record.every = 2 or more) "
        "or lower train.epochs\n")


def test_the_estimate_counts_what_train_writes(tiny_run_path):
    from aeviz.settings import experiment_from_dict, parse_toml
    from tests.conftest import TINY

    size = budget.estimate(experiment_from_dict(parse_toml(TINY, "tiny.toml")), 40, 3)
    with np.load(tiny_run_path) as run:
        stored = sum(run[key].nbytes for key in run.files if run[key].dtype.kind != "U")
        assert size.snapshots == len(run["epoch"]) + 1  # the last epoch counted apart
    assert 0.9 < size.total / stored < 1.2


def test_oversized_data_is_refused_before_it_is_made(run_cli, tmp_path):
    clusters = [{"n": 1_000_000_000, "mean": [0, 0, 0], "std": 1.0}]
    assert train_error(run_cli, tmp_path, tiny_text(data={"clusters": clusters})) == (
        "data.clusters: 1,000,000,000 samples in all; aeviz takes at most 1,000,000\n")
    with open(tmp_path / "x.npy", "wb") as handle:  # a header claiming 1e11 rows, no data
        np.lib.format.write_array_header_1_0(handle, {"descr": "<f8", "fortran_order": False,
                                                      "shape": (10**11, 3)})
    text = tiny_text(data={"clusters": None, "file": "x.npy"})
    assert train_error(run_cli, tmp_path, text) == (
        f"data.file: {tmp_path / 'x.npy'} declares shape (100000000000, 3): "
        "100,000,000,000 rows; aeviz takes at most 1,000,000\n")


@pytest.mark.parametrize("flags, message", [
    (["--duration", "3000", "--fps", "120"], "--duration: makes 360,000 frames at 120 fps"),
    (["--hold", "3000", "--fps", "120"], "--hold: makes 361,440 frames in all"),
])
def test_clips_of_too_many_frames_are_refused(run_cli, tiny_run_path, tmp_path, flags, message):
    result = run_cli("render", tiny_run_path, "-o", tmp_path / "x.mp4", *flags)
    assert result.exit_code == 2 and not (tmp_path / "x.mp4").exists()
    assert result.stderr == (f"Error: {message}; a clip may have at most 200,000 (lower fps, "
                             "duration, hold or smooth)\n")


def test_values_float64_cannot_train_on_are_refused_with_the_reason(run_cli, tmp_path):
    np.save(tmp_path / "x.npy", np.random.default_rng(0).normal(size=(30, 3)) * 1e300)
    text = tiny_text(data={"clusters": None, "file": "x.npy", "normalize": "none"})
    assert train_error(run_cli, tmp_path, text) == (
        'data.normalize: with normalize = "none" the data reach 2.33e+300, too large to train '
        'on in float32 arithmetic (at most 1e+15); use "global" or "minmax", or scale the '
        'data\n')
    np.save(tmp_path / "x.npy", np.random.default_rng(0).normal(size=(30, 3)) * 1e25)
    assert train_error(run_cli, tmp_path, text) == (
        'data.normalize: with normalize = "none" the data reach 2.33e+25, too large to train '
        'on in float32 arithmetic (at most 1e+15); use "global" or "minmax", or scale the '
        'data\n')
    clusters = [{"n": 10, "mean": [0, 0, 0], "std": 1e308}]
    assert train_error(run_cli, tmp_path, tiny_text(data={"clusters": clusters})) == (
        "data.clusters[1].std: 1e+308 is too large to train on in float arithmetic (values up "
        "to 1e+30: codes are stored as 32-bit floats)\n")



@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", [0, -1])  # first and last value: min and max both see them
def test_data_with_nan_or_infinity_is_refused(run_cli, tmp_path, bad, where):
    x = np.random.default_rng(0).normal(size=(30, 3))
    x.flat[where] = bad
    np.save(tmp_path / "x.npy", x)
    text = tiny_text(data={"clusters": None, "file": "x.npy"})
    assert train_error(run_cli, tmp_path, text) == (
        "data.file: x.npy contains NaN or infinite values\n")


def test_data_that_overflow_when_normalized_are_refused(run_cli, tmp_path):
    """minmax of values near float32's limit overflows to inf - inf = NaN."""
    x = np.random.default_rng(0).normal(size=(30, 3)).astype(np.float32)
    x[0], x[1] = 3e38, -3e38
    np.save(tmp_path / "x.npy", x)
    text = tiny_text(data={"clusters": None, "file": "x.npy", "normalize": "minmax"})
    assert train_error(run_cli, tmp_path, text) == (
        'data.normalize: with normalize = "minmax" the data reach inf, too large to train '
        'on in float32 arithmetic (at most 1e+15); use "global" or "minmax", or scale the '
        'data\n')

def test_what_train_writes_render_draws(run_cli, tmp_path):
    """Large data, no normalization, a linear network: it diverges, and still renders."""
    np.save(tmp_path / "x.npy", np.random.default_rng(0).normal(size=(30, 3)) * 1e25)
    (tmp_path / "exp.toml").write_text(tiny_text(
        data={"clusters": None, "file": "x.npy", "normalize": "none"},
        model={"activation": "identity"},
        train={"epochs": 5, "optimizer": "sgd", "dtype": "float64"}))
    trained = run_cli("train", tmp_path / "exp.toml", "-o", tmp_path / "run.npz")
    assert trained.exit_code == 0 and "diverged" in trained.output
    rendered = run_cli("render", tmp_path / "run.npz", "-o", tmp_path / "run.png", "--size",
                       "320x180")
    assert rendered.exit_code == 0, rendered.output


@pytest.mark.parametrize("size, kind", [("7680x4800", "webm"), ("3841x2160", "png")])
def test_frames_past_the_pixel_cap_are_refused(run_cli, tiny_run_path, tmp_path, size, kind):
    out = tmp_path / f"x.{kind}"
    result = run_cli("render", tiny_run_path, "-o", out, "--size", size)
    width, height = map(int, size.split("x"))
    assert result.exit_code == 2 and list(tmp_path.iterdir()) == []
    assert result.stderr == (f"Error: --size: {size} is {width * height:,} pixels; a frame "
                             "may have at most 8,294,400 (3840x2160, or any allowed WIDTHxHEIGHT "
                             "with no more pixels)\n")


def test_a_pdf_past_the_file_size_limit_is_one_line_and_nothing_written(tiny_run_path,
                                                                        tmp_path):
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (8_000, resource.RLIM_INFINITY))

    out = tmp_path / "out" / "x.pdf"
    out.parent.mkdir()
    result = subprocess.run([sys.executable, "-m", "aeviz", "render", str(tiny_run_path),
                             "-o", str(out)], capture_output=True, text=True,
                            preexec_fn=limit, env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 2
    assert result.stderr == f"Error: {out}: cannot write: File too large\n"
    assert list(out.parent.iterdir()) == []
