"""Fuzzing the data door and the batch command with Hypothesis (strategies in tests/strategies.py).

The property: whatever the files, aeviz reads the data or refuses it in one line (an
AevizError in the API; exit status 2 and one line on the command line), never a traceback,
never a hang or a runaway allocation (generous outer limits on a subprocess, not timing
assertions), and nothing written on a refusal.

Deterministic in CI (derandomized, a fixed number of examples); for a longer local run:
AEVIZ_FUZZ_SCALE=20 pytest tests/test_fuzz_inputs.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aeviz.errors import AevizError
from aeviz.settings import load_experiment
from aeviz.training.data import load_data
from tests.conftest import tiny_text
from tests.strategies import SHARDS, batch_folders, csv_files, label_files, npy_files

SCALE = int(os.environ.get("AEVIZ_FUZZ_SCALE", "1"))
MEMORY_LIMIT = 1 << 30   # bytes of address space a command may take: the 1 GB
TIME_LIMIT = 120         # seconds: a hang guard, far above what any example takes


def fuzz(examples: int):
    return settings(max_examples=examples * SCALE, deadline=None, derandomize=True,
                    database=None, suppress_health_check=list(HealthCheck))


def data_experiment(folder: Path, file: str, columns: int, **data) -> Path:
    path = folder / "e.toml"
    path.write_text(tiny_text(data={"clusters": None, "file": file, **data},
                              model={"layers": [columns, 2, columns]}))
    return path


def read_or_refuse(path: Path) -> str:
    """Load the experiment's data: "read" (then it is trainable) or "refused" in one line."""
    try:
        data = load_data(load_experiment(path))
    except AevizError as error:
        assert "\n" not in str(error) and str(error), repr(str(error))
        return "refused"
    assert data.x.ndim == 2 and data.x.dtype == np.float32 and np.isfinite(data.x).all()
    assert len(data.labels) == len(data.x)
    return "read"


@fuzz(60)
@given(csv=csv_files())
def test_any_csv_is_read_or_refused_in_one_line(csv):
    content, columns, label = csv
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "d.csv").write_bytes(content)
        read_or_refuse(data_experiment(Path(folder), "d.csv", columns, label_column=label))


@fuzz(60)
@given(content=npy_files())
def test_any_npy_is_read_or_refused_in_one_line(content):
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "x.npy").write_bytes(content)
        read_or_refuse(data_experiment(Path(folder), "x.npy", 3))


@fuzz(40)
@given(labels=label_files(4))
def test_any_label_file_is_read_or_refused_in_one_line(labels):
    with tempfile.TemporaryDirectory() as folder:
        np.save(Path(folder) / "x.npy", np.ones((4, 3)))
        (Path(folder) / "y.npy").write_bytes(labels)
        read_or_refuse(data_experiment(Path(folder), "x.npy", 3, label_file="y.npy"))


def aeviz(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`aeviz ARGS` in a subprocess held to MEMORY_LIMIT and TIME_LIMIT."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run([sys.executable, "-m", "aeviz", *args], cwd=cwd, capture_output=True,
                          text=True, errors="replace", timeout=TIME_LIMIT, preexec_fn=limit)


def assert_exit_0_or_2(result: subprocess.CompletedProcess, folder: Path,
                       inputs: set[str]) -> None:
    assert result.returncode in (0, 2), (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    if result.returncode == 2:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, (
            result.stderr)
        written = {os.fsdecode(name) for name in os.listdir(folder)} - inputs
        assert not written, written


@pytest.mark.slow
@fuzz(6)
@given(csv=csv_files(), npy=npy_files(), use_csv=st.booleans())
def test_train_exits_0_or_2_and_writes_nothing_on_refusal(csv, npy, use_csv):
    content, columns, label = csv
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if use_csv:
            (folder / "d.csv").write_bytes(content)
            data_experiment(folder, "d.csv", columns, label_column=label)
        else:
            (folder / "d.npy").write_bytes(npy)
            data_experiment(folder, "d.npy", 3)
        inputs = {os.fsdecode(name) for name in os.listdir(folder)}
        result = aeviz("train", "e.toml", "-o", "run.npz", "-q", cwd=folder)
        assert_exit_0_or_2(result, folder, inputs)
        if result.returncode == 0:
            import aeviz as api

            assert len(api.load(folder / "run.npz")) >= 2


@pytest.mark.slow
@fuzz(6)
@given(files=batch_folders(), shard=SHARDS)
def test_batch_exits_0_or_2_and_a_dry_run_writes_nothing(files, shard):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "ex").mkdir()
        for file_name, text in files.items():
            try:
                (folder / "ex" / file_name).write_text(text)
            except OSError:  # a name the file system refuses (too long): not an input
                pass
        inputs = {os.fsdecode(name) for name in os.listdir(folder)}
        listing = sorted(os.listdir(folder / "ex"))
        result = aeviz("batch", "ex", "-o", "out", "--dry-run", "--shard", shard, cwd=folder)
        assert_exit_0_or_2(result, folder, inputs)
        assert sorted(os.listdir(folder / "ex")) == listing and not (folder / "out").exists()
