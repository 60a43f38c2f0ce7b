"""What a page packs for retraining (aeviz/renderer/page/playground.py): knobs that refuse what
the schema refuses, the cost bound of live training, the scripts safe inside the page."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from aeviz.renderer.page.playground import (
    KNOBS,
    LIVE_MADDS,
    epoch_cost,
    playground_data,
    playground_script,
)
from aeviz.renderer.page.template import asset, shared_script
from aeviz.settings import (
    ACTIVATION_NAMES,
    OPTIMIZER_NAMES,
    Model,
    Record,
    Train,
    load_default,
    load_experiment,
)
from aeviz.settings.fields import build

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

TABLES = {"model": Model, "train": Train, "record": Record}
REQUIRED = {"model": {"layers": [4, 6, 2, 5, 4]}, "train": {}, "record": {}}


def accepted(key: str, value) -> bool:
    table, name = key.split(".")
    try:
        build(TABLES[table], dict(REQUIRED[table], **{name: value}))
    except ValueError:
        return False
    return True


def test_every_knob_is_a_key_of_the_schema():
    for knob in KNOBS:
        table, name = knob["key"].split(".")
        assert name in {field.name for field in dataclasses.fields(TABLES[table])}, knob
    choices = {knob["key"]: knob["choices"] for knob in KNOBS if knob["kind"] == "choice"}
    assert choices == {"train.optimizer": list(OPTIMIZER_NAMES),
                       "model.activation": list(ACTIVATION_NAMES),
                       "model.output_activation": list(ACTIVATION_NAMES)}


@pytest.mark.parametrize("knob", [k for k in KNOBS if k["kind"] in ("number", "integer")],
                         ids=lambda knob: knob["key"])
def test_a_knobs_bounds_are_the_schemas(knob):
    # At each bound the page draws, the schema draws the same line.
    key = knob["key"]
    if "above" in knob:
        assert not accepted(key, knob["above"]) and accepted(key, knob["above"] + 1e-9)
    if "minimum" in knob:
        assert accepted(key, knob["minimum"]) and not accepted(key, knob["minimum"] - 1)
    if "below" in knob:
        assert not accepted(key, knob["below"]) and accepted(key, knob["below"] - 1e-9)
    if knob["kind"] == "integer":
        assert not accepted(key, 2.5)


def test_live_training_is_offered_for_the_demo_iris_digits_and_the_vae():
    from aeviz.training.data import load_data

    experiments = [load_default(), load_experiment(EXAMPLES / "iris.toml"),
                   load_experiment(EXAMPLES / "digits.toml"),
                   load_experiment(EXAMPLES / "vae-vs-ae-vae.toml")]
    costs = [epoch_cost(len(load_data(exp).x), list(exp.model.layers), exp.code_layer,
                        bool(exp.model.variational)) for exp in experiments]
    assert costs[0] == 3 * 400 * (4 * 6 + 6 * 2 + 2 * 5 + 5 * 4)
    assert costs[3] == 3 * 1797 * (64 * 64 + 64 * 16 + 16 * 2 + 2 * 16 + 16 * 64 + 64 * 64
                                   + 16 * 2)  # the log-variance layer too
    assert max(costs) <= LIVE_MADDS
    # MNIST-sized data (20000 x 784 through 784-256-64-2-64-256-784) is far beyond.
    assert epoch_cost(20000, [784, 256, 64, 2, 64, 256, 784], 3, False) > 100 * LIVE_MADDS


def test_a_comparison_page_does_not_retrain():
    assert set(playground_data([object(), object()], None)) == {"off"}


def test_the_scripts_cannot_end_the_pages_script_element():
    script = playground_script(asset, shared_script())
    assert not re.search(r"</script|<!--", script, re.I)
    source = re.match(r'"use strict";\nconst AEVIZ_WORKER_SOURCE = (".*?");\n', script).group(1)
    worker = json.loads(source)
    assert "aevizTrainer" in worker and "self.onmessage" in worker
    assert worker.index("const aevizActivations") < worker.index("const aevizNet")
