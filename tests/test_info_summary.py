"""`aeviz info`: a typed summary of a run, printed for people or as strict JSON."""

from __future__ import annotations

import json

import pytest

from aeviz.cli import info as info_command
from aeviz.trajectory import Summary


def strict(text: str):
    def refuse(constant):
        raise AssertionError(f"not JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


def test_the_summary_is_typed(run):
    summary = run.summary()
    assert isinstance(summary, Summary)
    assert summary.hyperparameters.learning_rate == 0.01 and summary.layers == (3, 4, 2, 4, 3)
    assert summary.snapshots == len(run) == 13 and summary.ends_at == "epoch 12"


def test_json_is_strict_and_says_what_the_summary_says(run_cli, run):
    result = run_cli("info", "--json", run.path)
    said = strict(result.stdout)
    assert said["hyperparameters"]["learning_rate"] == 0.01
    assert said["epochs"] == [0, 12] and said["file"] == run.path
    assert "objective" not in said  # a plain run


@pytest.mark.parametrize("value, expected", [
    (float("inf"), None), (float("-inf"), None), (float("nan"), None), (1.5, 1.5),
    ({"kl": float("inf"), "l1": [0.5, float("nan")]}, {"kl": None, "l1": [0.5, None]}),
])
def test_json_writes_values_that_are_not_finite_as_null(value, expected):
    assert info_command._finite(value) == expected
    json.dumps(info_command._finite(value), allow_nan=False)
