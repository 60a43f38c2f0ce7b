"""Experiment files: read the TOML, set overrides, validate against the schema.

The schema itself (every key, its default and its check) is in `schema`; the rest of aeviz
imports both through `aeviz.settings`.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from aeviz.errors import AevizError, SettingError
from aeviz.files import check_readable
from aeviz.settings.fields import build
from aeviz.settings.overrides import apply_overrides
from aeviz.settings.schema import Experiment, RenderOptions

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_EXPERIMENT = "default.toml"


def experiment_from_dict(raw: dict, source: str = "experiment",
                         base_dir: Path = Path(".")) -> Experiment:
    """Validate a parsed TOML document; raises SettingError naming `source` and the key."""
    if "compare" in raw:  # a comparison file (see `comparison`), given where a run is wanted
        raise AevizError(f"{source}: a comparison (it has a [compare] table), not an "
                         "experiment: aeviz batch renders it from the runs it names")
    try:
        exp = build(Experiment, raw)
    except SettingError as error:
        raise error.in_file(source) from None
    return dataclasses.replace(exp, title=exp.title or Path(source).stem, source=source,
                               base_dir=base_dir)


def parse_toml(text: str, source: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AevizError(f"{source}: invalid TOML: {error}") from None


Overrides = Mapping[str, Any] | Iterable[str]


def load_experiment(path: str | Path, overrides: Overrides = ()) -> Experiment:
    """Read an experiment file, set `overrides` ({"train.epochs": 5} or ["train.epochs=5"])
    and validate it."""
    path = check_readable(path, missing="no such experiment file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        if path.read_bytes()[:4] == b"PK\x03\x04":  # a zip archive: an .npz
            raise AevizError(f"{path}: that is a trajectory; train takes an experiment .toml "
                             f"(to render it: aeviz render {path})") from None
        raise AevizError(f"{path}: cannot read: not UTF-8 text (an experiment is a .toml "
                         "file)") from None
    except OSError as error:
        raise AevizError(f"{path}: cannot read: {error}") from None
    raw = parse_toml(text, str(path))
    apply_overrides(raw, overrides)
    return experiment_from_dict(raw, str(path), path.parent)


def default_experiment_text() -> str:
    """The embedded default experiment (the original program's default), with its comments."""
    return resources.files("aeviz.settings").joinpath(DEFAULT_EXPERIMENT).read_text(
        encoding="utf-8")


def load_default(overrides: Overrides = ()) -> Experiment:
    """The embedded default experiment, with `overrides` set."""
    raw = parse_toml(default_experiment_text(), "default experiment")
    apply_overrides(raw, overrides)
    return experiment_from_dict(raw, "default experiment")


def stored_render_options(table: Any) -> RenderOptions:
    """A [render] table stored in a trajectory; the defaults where another aeviz version wrote
    options this one does not know."""
    try:
        return build(RenderOptions, table)
    except SettingError:
        return RenderOptions()
