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
from aeviz.files import decode_text, read_user_file
from aeviz.settings.fields import build, build_leniently, nesting_depth
from aeviz.settings.overrides import apply_overrides
from aeviz.settings.schema import Experiment
from aeviz.text import printable
from aeviz.text import problem as text_problem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_EXPERIMENT = "default.toml"
MAX_TOML_BYTES = 1_000_000  # an experiment is a page of text; a trajectory's config the same
MAX_TOML_DEPTH = 8          # tables and arrays nest 3 deep in an experiment ([[data.clusters]].cov)


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
    if not exp.title:  # the file's name is the title, drawn: it must be drawable
        found = text_problem(Path(source).stem, lines=False)
        if found:
            raise AevizError(f"{printable(source)}: title (the file's name, as no title is "
                             f"set) {found}; set title or rename the file")
    return dataclasses.replace(exp, title=exp.title or Path(source).stem, source=source,
                               base_dir=base_dir)


def parse_toml(text: str, source: str) -> dict:
    """A TOML document, bounded: at most MAX_TOML_BYTES of text, nested at most MAX_TOML_DEPTH
    deep (deeper nesting is refused, never a RecursionError)."""
    if len(text) > MAX_TOML_BYTES:
        raise AevizError(f"{source}: {len(text):,} characters; an experiment may hold at most "
                         f"{MAX_TOML_BYTES:,}")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AevizError(f"{source}: invalid TOML: {error}") from None
    except RecursionError:
        raise AevizError(f"{source}: invalid TOML: nested too deeply; tables and arrays may "
                         f"nest at most {MAX_TOML_DEPTH} deep") from None
    except ValueError:  # Python refuses integers of more than 4300 digits
        raise AevizError(f"{source}: invalid TOML: an integer of more than 4,300 digits; "
                         "numbers in an experiment are far shorter") from None
    if nesting_depth(document) > MAX_TOML_DEPTH:
        raise AevizError(f"{source}: tables and arrays nest {nesting_depth(document)} deep; "
                         f"an experiment nests at most {MAX_TOML_DEPTH} deep")
    return document


def read_toml_file(path: str | Path, missing: str = "no such file") -> dict:
    """The parsed TOML file at `path`, through the one door for user files (a regular file,
    bounded, strict UTF-8)."""
    data = read_user_file(path, MAX_TOML_BYTES, missing, "TOML file")
    if data[:4] == b"PK\x03\x04":  # a zip archive: an .npz
        raise AevizError(f"{path}: that is a trajectory; train takes an experiment .toml "
                         f"(to render it: aeviz render {path})")
    return parse_toml(decode_text(data, str(path), "TOML file"), str(path))


Overrides = Mapping[str, Any] | Iterable[str]


def load_experiment(path: str | Path, overrides: Overrides = ()) -> Experiment:
    """Read an experiment file, set `overrides` ({"train.epochs": 5} or ["train.epochs=5"])
    and validate it."""
    path = Path(path)
    found = text_problem(str(path), lines=False, math=False)
    if found:  # the name is stored in the run and printed: refused before any training
        raise AevizError(f"{printable(path)}: the experiment file's name {found}; rename the "
                         "file")
    raw = read_toml_file(path, missing="no such experiment file")
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


def stored_experiment(text: str, source: str) -> tuple[Experiment, tuple[str, ...]]:
    """The resolved experiment a trajectory stores (its `config`), built through the schema.

    Leniently: keys this aeviz does not know (written by another version) are dropped and named
    in the returned note; a key it knows is checked as strictly as in an experiment file, and a
    key an older version did not write takes its default.
    """
    raw = parse_toml(text, f"{source}: config")
    exp, notes = build_leniently(Experiment, raw, f"{source}: config")
    return dataclasses.replace(exp, source=source), notes
