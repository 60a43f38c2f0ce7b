"""Shared fixtures: tiny experiments that train in milliseconds."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from click.testing import CliRunner

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

TINY = """\
title = "tiny"

[data]
seed = 1

[[data.clusters]]
n = 20
mean = [0.5, 0.0, 0.2]
std = 0.1

[[data.clusters]]
n = 20
mean = [-0.5, 0.3, 0.0]
cov = [[0.02, 0, 0], [0, 0.02, 0], [0, 0, 0.02]]

[model]
layers = [3, 4, 2, 4, 3]
activation = "tanh"

[train]
optimizer = "adam"
learning_rate = 0.01
batch_size = 8
epochs = 12
seed = 3
"""


@pytest.fixture
def tiny_toml(tmp_path: Path) -> Path:
    """A small valid experiment file; tests edit its text to make bad ones."""
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    return path


@pytest.fixture
def run_cli():
    """Invoke the aeviz CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    from aeviz.cli import cli

    def invoke(*args: str):
        return CliRunner().invoke(cli, [str(a) for a in args], prog_name="aeviz",
                                  catch_exceptions=False)
    return invoke


@pytest.fixture(scope="session")
def tiny_run_path(tmp_path_factory) -> Path:
    """A recorded trajectory of the tiny experiment (13 snapshots), trained once per session."""
    from aeviz.config import experiment_from_dict, parse_toml
    from aeviz.train import train

    folder = tmp_path_factory.mktemp("run")
    exp = experiment_from_dict(parse_toml(TINY, "tiny.toml"), "tiny.toml")
    path = folder / "tiny.npz"
    train(exp).save(path)
    return path
