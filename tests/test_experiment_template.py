"""`aeviz init`'s template names every key an experiment may set, and `validate` prints every
value training will use, defaults that depend on other keys (AdamW's weight decay) included."""

from __future__ import annotations

import dataclasses
import re

import pytest

from aeviz.settings import Experiment, default_experiment_text
from aeviz.training.optim import make_optimizer

from .conftest import tiny_text


def keys_of(cls, prefix=""):
    for field in dataclasses.fields(cls):
        if field.name in ("source", "base_dir"):
            continue
        nested = field.metadata.get("table") or field.metadata.get("tables")
        if nested is not None and field.name != "clusters":
            yield from keys_of(nested, f"{field.name}.")
        else:
            yield prefix + field.name


@pytest.mark.parametrize("key", sorted(keys_of(Experiment)))
def test_the_template_names_every_key(key):
    table, _, name = key.rpartition(".")
    text = default_experiment_text()
    section = text.split(f"\n[{table}]")[1].split("\n[")[0] if table else text.split("\n[")[0]
    assert re.search(rf"(^|\W){name}\b", section), f"{key} is not named in `aeviz init`'s text"


def test_validate_shows_adamws_weight_decay(run_cli, tmp_path):
    (tmp_path / "e.toml").write_text(tiny_text(train={"optimizer": "adamw"}))
    result = run_cli("validate", tmp_path / "e.toml")
    assert result.exit_code == 0
    assert "\nweight_decay = 0.01\n" in result.stdout
    (tmp_path / "again.toml").write_text(result.stdout)  # what validate shows trains the same
    from aeviz.settings import load_experiment

    first, again = (load_experiment(tmp_path / name) for name in ("e.toml", "again.toml"))
    assert first.train == again.train and first.train.decay == 0.01


def test_a_set_weight_decay_is_kept_for_adamw(tmp_path):
    import numpy as np

    from aeviz.settings import load_experiment

    (tmp_path / "e.toml").write_text(tiny_text(train={"optimizer": "adamw",
                                                      "weight_decay": 0.0}))
    exp = load_experiment(tmp_path / "e.toml")
    assert exp.train.decay == 0.0
    assert make_optimizer(np.zeros(3), exp.train) is not None
