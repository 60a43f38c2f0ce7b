"""Shared fixtures (tiny experiments that train in milliseconds), the Hypothesis profiles and
the tally of a fuzz property's outcomes."""

from __future__ import annotations

import copy
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, settings

from aeviz.settings import load_experiment
from aeviz.settings.tomlwriter import dump_toml
from aeviz.training.loop import train

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

# The one knob of the fuzz tests: the Hypothesis profile. "ci", the default, is deterministic
# (a fixed seed, no example database) and bounded; `pytest --hypothesis-profile=long` searches
# harder. Each property runs a share of the profile's examples (tests/strategies.py:
# `examples`). Deadlines are off: the guards against hangs are outer limits, never timings;
# function-scoped fixtures are shared by a property's examples on purpose (`outcomes`).
_QUIET = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
          HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True,
                          database=None, suppress_health_check=_QUIET)
settings.register_profile("long", max_examples=1000, deadline=None,
                          suppress_health_check=_QUIET)
settings.load_profile("ci")

# The tiny experiment: 40 samples in 3-D, trained for 12 epochs of 5 mini-batches.
TINY_EXPERIMENT = {
    "title": "tiny",
    "data": {"seed": 1, "clusters": [
        {"n": 20, "mean": [0.5, 0.0, 0.2], "std": 0.1},
        {"n": 20, "mean": [-0.5, 0.3, 0.0], "cov": [[0.02, 0, 0], [0, 0.02, 0], [0, 0, 0.02]]},
    ]},
    "model": {"layers": [3, 4, 2, 4, 3], "activation": "tanh"},
    "train": {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 8, "epochs": 12,
              "seed": 3},
}


def tiny_text(**changes: Any) -> str:
    """The tiny experiment's TOML text with keys replaced or added, table by table.

    `tiny_text(train={"epochs": 5, "optimizer": "sgd"}, render={"size": "320x180"})`; a key
    set to None is left out, and a value that is not a dict (`title="x"`) replaces it whole.
    """
    document = copy.deepcopy(TINY_EXPERIMENT)
    for name, value in changes.items():
        if isinstance(value, dict):
            value = {**document.get(name, {}), **value}
            value = {key: item for key, item in value.items() if item is not None}
        document[name] = value
    return dump_toml(document)


TINY = tiny_text()  # the text, for tests that edit it as text


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
    from aeviz.settings import experiment_from_dict, parse_toml
    from aeviz.training.loop import train

    folder = tmp_path_factory.mktemp("run")
    exp = experiment_from_dict(parse_toml(TINY, "tiny.toml"), "tiny.toml")
    path = folder / "tiny.npz"
    train(exp).save(path)
    return path


@pytest.fixture(scope="session")
def two_runs(tiny_run_path, tmp_path_factory):
    """The tiny run, and a shorter one trained with SGD: a comparison of unequal lengths."""
    from aeviz import trajectory
    from aeviz.settings import load_experiment
    from aeviz.training.loop import train

    long = trajectory.load(tiny_run_path)
    exp_path = tmp_path_factory.mktemp("short") / "short.toml"
    exp_path.write_text(tiny_text(train={"epochs": 5, "optimizer": "sgd"}))
    return long, train(load_experiment(exp_path))


@pytest.fixture
def run(tiny_run_path):
    """The tiny run, loaded."""
    from aeviz import trajectory

    return trajectory.load(tiny_run_path)


@pytest.fixture(scope="module")
def scratch():
    """A folder the examples of one property share (tmp_path is per test, not per example)."""
    with tempfile.TemporaryDirectory(prefix="aeviz-fuzz-") as name:
        yield Path(name)


FAST = TINY.replace("epochs = 12", "epochs = 3") + '\n[render]\nsize = "320x180"\nfps = 5\n'


# A wide network on 8x8 images in ten classes, like examples/digits.toml: elided layers,
# long layer labels, a mixed activation list and an image strip.
WIDE_IMAGES = {
    "title": "wide",
    "data": {"file": "x.npy", "label_file": "y.npy", "normalize": "none", "image_shape": [8, 8]},
    "model": {"layers": [64, 64, 16, 2, 16, 64, 64],
              "activation": ["tanh", "tanh", "identity", "tanh", "tanh", "sigmoid"]},
    "train": {"epochs": 2},
}


@pytest.fixture(scope="module")
def wide_image_run(tmp_path_factory):
    """A trajectory of the wide network on 200 random 8x8 images of classes 0 to 9."""
    folder = tmp_path_factory.mktemp("wide")
    rng = np.random.default_rng(0)
    np.save(folder / "x.npy", rng.uniform(0, 1, (200, 64)).astype(np.float32))
    np.save(folder / "y.npy", np.arange(200) % 10)
    (folder / "e.toml").write_text(dump_toml(WIDE_IMAGES))
    return train(load_experiment(folder / "e.toml"))


class Outcomes:
    """What a fuzz property's examples came to: "accepted" (read, trained, drawn: then checked
    to be right) or "refused" (one line). Each is also a Hypothesis event, which
    `--hypothesis-show-statistics` shows."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def accepted(self) -> None:
        self._count("accepted")

    def refused(self) -> None:
        self._count("refused")

    def _count(self, outcome: str) -> None:
        event(outcome)
        self.counts[outcome] += 1


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, for `outcomes` to see whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def outcomes(request):
    """The tally of one fuzz property; at its end at least a third of the examples must have
    been accepted, so that the accept branch's checks really run."""
    tally = Outcomes()
    yield tally
    if request.node.report_call.failed:  # the failure says more than the tally
        return
    total = sum(tally.counts.values())
    assert total and tally.counts["accepted"] * 3 >= total, (
        f"{tally.counts['accepted']} of {total} examples accepted: the strategy must be "
        "biased toward valid input (at least a third)")
