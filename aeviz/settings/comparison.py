"""Comparison files: several experiments' runs side by side, as one clip made by `aeviz batch`.

    title = "Four optimizers, one plateau"
    [compare]
    runs = ["optimizers-sgd", "optimizers-momentum", "optimizers-rmsprop", "optimizers-adam"]
    labels = ["SGD", "Momentum", "RMSProp", "Adam"]
    [render]                  # the keys of an experiment's [render] table
    duration = 10

A file is a comparison when it has a [compare] table. Its runs are named by their experiment
files' names without .toml: experiments of the same batch, else files beside the comparison.
Declared like the experiment schema (see `schema`), so mistakes get the same messages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aeviz.errors import AevizError, SettingError
from aeviz.settings.fields import (
    Invalid,
    array_of,
    build,
    drawn_line,
    run_labels,
    setting,
    suggestion,
    table,
    text,
)
from aeviz.settings.schema import RenderOptions, _plain
from aeviz.settings.tomlwriter import dump_toml

if TYPE_CHECKING:
    from aeviz.settings.schema import Experiment

TOML_SUFFIX = ".toml"


def experiment_name(value: Any) -> str:
    """An experiment named by its file's name without .toml ("optimizers-sgd")."""
    name = text(value)
    if "/" in name or "\\" in name or name.lower().endswith(TOML_SUFFIX) or not name.strip():
        stem = Path(name).stem if name.strip() else "optimizers-sgd"
        raise Invalid(f'must name an experiment by its file name without folder or .toml, '
                      f'such as "{stem}"; got "{name}"')
    return name


@dataclass(frozen=True)
class Compare:
    """Which runs are compared, and what they are called in the clip."""

    runs: tuple[str, ...] = setting((), array_of(experiment_name, min_len=2), required=True)
    labels: tuple[str, ...] | None = setting(None, run_labels)

    def resolved(self) -> Compare:
        repeated = sorted({name for name in self.runs if self.runs.count(name) > 1})
        if repeated:
            raise SettingError("runs", f'names "{repeated[0]}" twice; each run once')
        if self.labels is not None and len(self.labels) != len(self.runs):
            raise SettingError("labels", f"has {len(self.labels)} labels for "
                               f"{len(self.runs)} runs; give one per run, in the same order")
        return self


@dataclass(frozen=True)
class Comparison:
    """A whole comparison file, resolved: every default filled in."""

    title: str | None = setting(None, drawn_line)  # not set: the runs' shared title
    compare: Compare = table(Compare)
    render: RenderOptions = table(RenderOptions)
    source: str = field(default="comparison", compare=False)
    base_dir: Path = field(default=Path("."), compare=False)

    def resolved(self) -> Comparison:
        if self.render.labels is not None:
            raise SettingError("render.labels", "a comparison names its runs with "
                               "compare.labels")
        return self

    @property
    def name(self) -> str:
        return Path(self.source).stem

    @property
    def options(self) -> RenderOptions:
        """How the clip is drawn: the [render] table, with the title and labels filled in."""
        return dataclasses.replace(self.render, title=self.render.title or self.title,
                                   labels=self.compare.labels)

    def to_toml(self) -> str:
        return dump_toml(_plain(self))


def is_comparison(raw: dict) -> bool:
    """A parsed TOML document is a comparison when it has a [compare] table."""
    return "compare" in raw


def read_toml(path: str | Path) -> dict | None:
    """The parsed document, or None if it cannot be read (loading it then says why)."""
    from aeviz.settings.experiments import read_toml_file

    try:
        return read_toml_file(path)
    except AevizError:
        return None


def comparison_from_dict(raw: dict, source: str, base_dir: Path = Path(".")) -> Comparison:
    """Validate a parsed comparison; raises SettingError naming `source` and the key."""
    try:
        made = build(Comparison, raw)
    except SettingError as error:
        raise error.in_file(source) from None
    return dataclasses.replace(made, source=source, base_dir=base_dir)


def load_comparison(path: str | Path) -> Comparison:
    """Read and validate a comparison file."""
    from aeviz.settings.experiments import read_toml_file

    path = Path(path)
    raw = read_toml_file(path, missing="no such comparison file")
    return comparison_from_dict(raw, str(path), path.parent)


def find_runs(comparison: Comparison, batch: dict[str, Path], where: str = "in this batch",
              ) -> list[Path]:
    """The experiment file of each run, looked up among `batch` (name -> file), else beside
    the comparison; a name that is neither, or that is a comparison, is a SettingError."""
    beside = {path.stem: path for path in sorted(comparison.base_dir.glob(f"*{TOML_SUFFIX}"))}
    known = {**beside, **batch}
    found = []
    for name in comparison.compare.runs:
        path = known.get(name)
        if path is None:
            candidates = [n for n in known if n != comparison.name]
            raise SettingError("compare.runs", f'no experiment named "{name}" {where}'
                               + suggestion(name, candidates), comparison.source)
        if is_comparison(read_toml(path) or {}):
            raise SettingError("compare.runs", f'"{name}" is a comparison itself; a '
                               "comparison compares experiments", comparison.source)
        found.append(path)
    return found


def validated_comparison(path: str | Path,
                         check_data: Callable[[list[Experiment]], None] | None = None) -> str:
    """What `aeviz validate` prints for a comparison: the file resolved, and the experiment
    files beside it that its runs name (each checked too; then, by `check_data`, their data
    side by side, which a later stage reads)."""
    from aeviz.settings.experiments import load_experiment

    comparison = load_comparison(path)
    runs = find_runs(comparison, {}, "beside it")
    experiments = []
    for run in runs:
        try:
            experiments.append(load_experiment(run))
        except AevizError as error:
            raise AevizError(f"{comparison.source}: run {run.stem}: {error}") from None
    if check_data is not None:
        try:
            check_data(experiments)
        except AevizError as error:
            raise AevizError(f"{comparison.source}: {error}") from None
    unset = [f"{name} ({means})" for name, means, value in (
        ("title", "the runs' shared title", comparison.title or comparison.render.title),
        ("labels", "the runs' label keys, else what differs", comparison.compare.labels),
        ("render.epochs", "all", comparison.render.epochs)) if value is None]
    files = "".join(f"#       {run}\n" for run in runs).replace("#      ", "# runs:", 1)
    return (comparison.to_toml() + files
            + (f"# not set: {', '.join(unset)}\n" if unset else ""))
