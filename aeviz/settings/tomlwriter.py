"""TOML text from plain data: the resolved experiment that `aeviz validate` prints and every
trajectory stores."""

from __future__ import annotations

import json
from typing import Any


def dump_toml(document: dict) -> str:
    """TOML text for a document of tables, arrays of tables and scalar or array values.

    Small on purpose: experiments hold nothing else, and arrays stay on one line
    (`mean = [0.5, 0.0]`), which reads far better than a general writer's one item per line.
    """
    lines: list[str] = []
    _dump_table(document, "", lines)
    return "\n".join(lines).lstrip("\n") + "\n"


def _dump_table(table: dict, name: str, lines: list[str]) -> None:
    def is_table(v: Any) -> bool:
        return isinstance(v, dict)

    def is_table_array(v: Any) -> bool:
        return isinstance(v, list) and bool(v) and all(isinstance(i, dict) for i in v)

    lines += [f"{key} = {_toml_value(value)}" for key, value in table.items()
              if not is_table(value) and not is_table_array(value)]
    for key, value in table.items():
        path = f"{name}.{key}" if name else key
        if is_table(value):
            lines += ["", f"[{path}]"]
            _dump_table(value, path, lines)
        elif is_table_array(value):
            for item in value:
                lines += ["", f"[[{path}]]"]
                _dump_table(item, path, lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML
    return "[" + ", ".join(_toml_value(item) for item in value) + "]"
