"""Short names for runs shown side by side, and the title they share.

A run is named by its experiment's `label` key; failing that, by what differs between the
runs' experiments ("sgd, lr 0.1"); failing that, by its title.
"""

from __future__ import annotations

import os
from typing import Any

from aeviz.settings.names import OPTIMIZER_SETTINGS
from aeviz.text import shown_as
from aeviz.trajectory import Trajectory

# Keys that name or show a run rather than set it up; they never tell runs apart.
_NOT_SET_UP = ("title", "label", "render")
_SHORT = {"learning_rate": "lr", "batch_size": "batch", "output_activation": "output"}
LABEL_KEYS = 2  # a derived label names at most this many differing keys


def _flat(table: dict, prefix: str = "") -> dict[str, Any]:
    """{"train.optimizer": "sgd", ...}: every leaf of an experiment table by its dotted key."""
    items = {}
    for key, value in table.items():
        if not prefix and key in _NOT_SET_UP:
            continue
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            items.update(_flat(value, f"{name}."))
        else:
            items[name] = value
    return items


def differing_keys(runs: list[Trajectory]) -> list[str]:
    """The dotted keys whose values are not the same in every run's experiment; an
    optimizer's own setting (OPTIMIZER_SETTINGS) only where it differs between runs whose
    optimizers read it (the four optimizers' subtitle named "dampening", which Momentum alone
    reads)."""
    tables = [_flat(run.experiment.to_dict()) for run in runs]
    keys = list(dict.fromkeys(key for table in tables for key in table))

    def differs(key: str) -> bool:
        name, among = key.removeprefix("train."), tables
        if name in OWN_SETTINGS:  # (the runs whose optimizer reads it)
            among = [table for table in tables
                     if name in OPTIMIZER_SETTINGS.get(table.get("train.optimizer"), ())]
        return any(table.get(key) != among[0].get(key) for table in among)

    return [key for key in keys if differs(key)]


OWN_SETTINGS = {name for read in OPTIMIZER_SETTINGS.values() for name in read}


def _shown(value: Any) -> str:
    """A setting's value as a person writes it: 0.1, tanh, tanh/identity, never a repr."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "/".join(_shown(item) for item in value)
    return str(value)


def _describe(key: str, value: Any) -> str:
    name = key.rsplit(".", 1)[-1]
    if isinstance(value, str):
        return value
    if name == "variational":
        return "VAE" if value else "plain AE"
    return f"{_SHORT.get(name, name)} {_shown(value)}"


def default_labels(runs: list[Trajectory]) -> list[str]:
    """Each run's short name: its `label` key, else what differs, else its title or file."""
    keys = [key for key in differing_keys(runs) if not key.startswith("data.clusters")]
    if "model.variational" in keys:  # a VAE beside a plain AE: that is what differs (a
        keys = ["model.variational"]  # VAE's activations and beta follow from it)
    labels = []
    for run in runs:
        table = _flat(run.experiment.to_dict())
        table["model.variational"] = bool(run.experiment.model.variational)  # None: plain
        derived = ", ".join(_describe(key, table[key]) for key in keys[:LABEL_KEYS]
                            if key in table)
        fallback = run.title or os.path.splitext(os.path.basename(run.path))[0] or "run"
        labels.append(run.experiment.label or derived or fallback)
    if not _told_apart(labels):  # the titles, then the files
        titles = [run.title for run in runs]
        files = [os.path.splitext(os.path.basename(run.path))[0] or "run" for run in runs]
        labels = next((names for names in (titles, files) if all(names) and _told_apart(names)),
                      numbered(files))
    return labels


def _told_apart(names: list[str]) -> bool:
    """No two of `names` shown alike ("$\\alpha$" and "α" are; see aeviz.text.shown_as)."""
    return len({shown_as(name) for name in names}) == len(names)


def numbered(names: list[str]) -> list[str]:
    """`names` with each repeated one numbered: a run compared with itself is "run (1)" and
    "run (2)" (two names, two colors), not twice its long title."""
    counts: dict[str, int] = {}
    shown = []
    for name in names:
        counts[name] = counts.get(name, 0) + 1
        shown.append(f"{name} ({counts[name]})" if names.count(name) > 1 else name)
    return shown


def shared_title(runs: list[Trajectory], labels: list[str]) -> str:
    """The runs' common title ("Optimizers" from "Optimizers: SGD, ..."), else their labels."""
    heads = {(run.title or "").partition(":")[0].strip() for run in runs}
    if len(heads) == 1 and "" not in heads:
        return heads.pop()
    return " vs ".join(labels)


# What a setting is called in a sentence ("optimizer and learning rate differ").
SETTING_WORDS = {"learning_rate": "learning rate", "batch_size": "batch size",
                 "output_activation": "output activation", "code_layer": "code layer",
                 "weight_decay": "weight decay", "code_l1": "code L1 penalty",
                 "variational": "variational code", "beta": "KL weight β",
                 "beta1": "β1", "beta2": "β2", "eps": "epsilon of the update",
                 "epsilon": "stop threshold", "clusters": "data", "file": "data file",
                 "label_column": "label column", "label_file": "label file",
                 "normalize": "normalization", "image_shape": "image shape",
                 "every": "snapshot spacing", "batches": "batch snapshots", "dtype": "precision"}


def setting_words(key: str) -> str:
    """A dotted key as words: "train.learning_rate" -> "learning rate"."""
    leaf = key.split("[")[0].rsplit(".", 1)[-1]
    return SETTING_WORDS.get(leaf, leaf.replace("_", " "))


def comparison_detail_forms(runs: list[Trajectory]) -> list[str]:
    """The header's second line for several runs, in words, from long to short (the header
    shows the first that fits): "optimizer, learning rate and noise differ", "optimizer
    and 2 more settings differ", "3 settings differ". Never a cut or raw key."""
    keys = differing_keys(runs)
    if not keys:
        return [f"{len(runs)} runs of the same experiment", "the same experiment"]
    words = list(dict.fromkeys(setting_words(key) for key in keys))
    if len(words) == 1:
        return [f"only the {words[0]} differs", f"{words[0]} differs"]
    listed = ", ".join(words[:-1]) + f" and {words[-1]}"
    forms = [f"{listed} differ"]
    if len(words) > 2:
        forms.append(f"{words[0]} and {len(words) - 1} more settings differ")
    forms.append(f"{len(words)} settings differ")
    return forms


def comparison_details(runs: list[Trajectory]) -> str:
    """The longest form of the header's second line for several runs (see
    comparison_detail_forms)."""
    return comparison_detail_forms(runs)[0]


def lesson_settings(experiment) -> list[str]:
    """What makes a run more than a plain autoencoder, for its header: "VAE, KL weight β
    0.003", "noise 0.3", "masking 0.3", "code L1 0.004", "weight decay 0.004" (those set)."""
    model, train = experiment.model, experiment.train
    shown = []
    if model.variational:
        beta = 1.0 if train.beta is None else train.beta
        shown.append(f"VAE, KL weight β {beta:g}")
    for key, words in (("noise", "input noise std"), ("masking", "masking"),
                       ("code_l1", "code L1"), ("decay", "weight decay")):
        value = getattr(train, key)  # decay: as given, or AdamW's default
        if value:
            shown.append(f"{words} {value:g}")
    return shown
