"""Overriding keys of a parsed experiment: `train.learning_rate`, `data.clusters[2].n`.

Array entries are numbered from 1, as the messages about `[[data.clusters]]` number them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from aeviz.errors import AevizError, SettingError
from aeviz.settings.fields import clipped, shown

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_KEY_LENGTH = 200  # characters of a dotted key (the longest real one is about 30)
MAX_KEY_STEPS = 8     # tables and array entries a key walks through (at most 4 in an experiment)
_STEP = re.compile(r"([^.\[\]]+)|\[(-?\d+)\]")
_KEY = re.compile(r"[^.\[\]]+(\.[^.\[\]]+|\[-?\d+\])*")


def parse_assignment(text: str) -> tuple[str, Any]:
    """"KEY=VALUE" -> (KEY, VALUE typed as TOML); a bare word that is not TOML is a string."""
    key, sep, value_text = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise AevizError("expected KEY=VALUE, such as train.learning_rate=0.01")
    try:
        value = tomllib.loads(f"v = {value_text}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        value = value_text.strip()  # a bare word; too deep an array is checked as a string
    return key, value


def apply_overrides(raw: dict, overrides: Mapping[str, Any] | Iterable[str]) -> None:
    """Set each dotted key of `overrides` in the parsed TOML document `raw`, in place.

    `overrides` maps keys to values ({"train.epochs": 5}) or is a list of "KEY=VALUE" texts.
    Missing tables on the way are created; a problem is a SettingError naming the key.
    """
    if isinstance(overrides, (str, bytes)) or not isinstance(overrides, (Mapping, Iterable)):
        raise AevizError(f"overrides: expected a dict such as {{\"train.epochs\": 5}} or a "
                         f'list such as ["train.epochs=5"], got {shown(overrides)}')
    if not isinstance(overrides, Mapping):
        texts = list(overrides)
        wrong = [item for item in texts if not isinstance(item, str)]
        if wrong:
            raise AevizError('overrides: a list holds "KEY=VALUE" texts such as '
                             f'"train.epochs=5", got {shown(wrong[0])}')
        overrides = dict(parse_assignment(text) for text in texts)
    for key, value in overrides.items():
        if not isinstance(key, str):
            raise AevizError(f"overrides: keys are dotted names such as \"train.epochs\", got "
                             f"{shown(key)}")
        container, slot = _walk(raw, key)
        container[slot] = toml_value(key, value)
    _drop_stale_words(raw, overrides)


def _drop_stale_words(raw: dict, overrides: Mapping[str, Any]) -> None:
    """A title and caption describe the file as written ("noisy inputs", "std 0.3"): once an
    override changes what is trained (any key outside [render]), they are dropped rather than
    left to state a setting the run no longer has, unless the overrides give them too."""
    if not any(key.split(".")[0].split("[")[0] not in ("render", "title") for key in overrides):
        return
    if "title" not in overrides:
        raw.pop("title", None)
    render = raw.get("render")
    if isinstance(render, dict) and "render.caption" not in overrides:
        render.pop("caption", None)


def toml_value(key: str, value: Any) -> Any:
    """`value` as TOML data: numpy scalars and arrays become Python numbers and lists, tuples
    lists; what TOML cannot hold (None, a set, an object) is a SettingError naming `key`."""
    if hasattr(value, "dtype") and hasattr(value, "tolist"):  # numpy, without importing it
        if value.dtype.kind not in "biuf" and not (value.dtype.kind == "U" and value.ndim == 0):
            raise SettingError(key, f"must be text, a number, a boolean or an array of them, "
                               f"got a numpy {value.dtype} value")
        value = value.tolist()
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [toml_value(key, item) for item in value]
    if isinstance(value, Mapping):
        return {name: toml_value(key, item) for name, item in value.items()}
    raise SettingError(key, f"must be text, a number, a boolean, an array or a table, got "
                       f"{shown(value)}")


def _walk(raw: dict, key: str) -> tuple[Any, Any]:
    """(container, slot) that `key` names in `raw`, creating missing tables on the way."""
    if len(key) > MAX_KEY_LENGTH or key.count(".") + key.count("[") >= MAX_KEY_STEPS:
        raise SettingError(clipped(key, 40), f"too long a key ({len(key):,} characters); keys "
                           "are table.key or table.array[N].key")
    if not _KEY.fullmatch(key):
        raise SettingError(clipped(key, 100), "cannot read this key (write it as table.key or "
                           "table.array[N].key)")
    key_text = clipped(key, 100)  # as messages show it: one line
    parts = _STEP.findall(key)
    steps = [(name, None) if name else (None, int(index)) for name, index in parts]
    node: Any = raw
    walked = ""
    for (name, index), (next_name, _) in zip(steps, steps[1:]):
        container, slot = _slot(node, name, index, key_text, walked)
        walked += f"[{index}]" if name is None else (f".{name}" if walked else name)
        if isinstance(container, dict):
            node = container.setdefault(slot, {} if next_name is not None else [])
        else:
            node = container[slot]
    name, index = steps[-1]
    return _slot(node, name, index, key_text, walked)


def _slot(node: Any, name: str | None, index: int | None, key: str,
          walked: str) -> tuple[Any, Any]:
    """A table entry (by name) or an array entry (by index from 1) of `node`, checked."""
    walked = clipped(walked, 100)
    if name is not None:
        if not isinstance(node, dict):
            raise SettingError(key, f"{walked} is not a table, so it has no entry {name!r}")
        return node, name
    if not isinstance(node, list):
        raise SettingError(key, f"{walked} is not an array")
    if not 1 <= index <= len(node):
        count = f"{len(node)} entries, [1] to [{len(node)}]" if node else "no entries"
        hint = " (entries are numbered from 1)" if index == 0 else ""
        raise SettingError(key, f"no entry [{index}]{hint}: {walked} has {count}")
    return node, index - 1
