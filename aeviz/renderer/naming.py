"""Short names for runs shown side by side, and the title they share.

A run is named by its experiment's `label` key; failing that, by what differs between the
runs' experiments ("sgd, lr 0.1"); failing that, by its title.
"""

from __future__ import annotations

import os
from typing import Any

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
    """The dotted keys whose values are not the same in every run's experiment."""
    tables = [_flat(run.experiment.to_dict()) for run in runs]
    keys = list(dict.fromkeys(key for table in tables for key in table))
    return [key for key in keys if any(t.get(key) != tables[0].get(key) for t in tables)]


def _describe(key: str, value: Any) -> str:
    name = key.rsplit(".", 1)[-1]
    if isinstance(value, str):
        return value
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{_SHORT.get(name, name)} {shown}"


def default_labels(runs: list[Trajectory]) -> list[str]:
    """Each run's short name: its `label` key, else what differs, else its title or file."""
    keys = [key for key in differing_keys(runs) if not key.startswith("data.clusters")]
    labels = []
    for run in runs:
        table = _flat(run.experiment.to_dict())
        derived = ", ".join(_describe(key, table[key]) for key in keys[:LABEL_KEYS]
                            if key in table)
        fallback = run.title or os.path.splitext(os.path.basename(run.path))[0] or "run"
        labels.append(run.experiment.label or derived or fallback)
    if len(set(labels)) < len(labels):  # not telling them apart: the titles, then the files
        labels = [run.title or run.path for run in runs]
    return labels


def shared_title(runs: list[Trajectory], labels: list[str]) -> str:
    """The runs' common title ("Optimizers" from "Optimizers: SGD, ..."), else their labels."""
    heads = {(run.title or "").partition(":")[0].strip() for run in runs}
    if len(heads) == 1 and "" not in heads:
        return heads.pop()
    return " vs ".join(labels)


def comparison_details(runs: list[Trajectory]) -> str:
    """The header's second line for several runs: what they share and what differs."""
    keys = differing_keys(runs)
    if not keys:
        return f"{len(runs)} runs of the same experiment"
    names = list(dict.fromkeys(key.split("[")[0] for key in keys))
    leaves = [name.rsplit(".", 1)[-1] for name in names]
    if len(set(leaves)) == len(leaves):  # "optimizer" reads better than "train.optimizer"
        names = leaves
    return f"{len(runs)} runs; only {', '.join(names)} differ"
