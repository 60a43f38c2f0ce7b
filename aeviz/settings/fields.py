"""A small kit for declaring settings and checking a TOML table against them.

A setting is a dataclass field with a default and a check. A check takes the TOML value and
returns the value to store (tuples for arrays) or raises Invalid saying what is wrong and what is
allowed. `build` walks a table against a dataclass's fields, so an unknown or mistyped key, a
wrong type or an out-of-range value always gets the same message: dotted key, problem, what is
allowed. A dataclass may add cross-field rules in a `resolved()` method, run after its fields.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import field, fields
from typing import Any

from aeviz.errors import SettingError

Check = Callable[[Any], Any]


class Invalid(ValueError):
    """Raised by a check: what is wrong with one value and what is allowed."""


def shown(value: Any) -> str:
    """A TOML value as a message shows it: `number 8.5`, `string "big"`, `array`."""
    kind = {bool: "boolean", int: "integer", float: "number", str: "string"}.get(type(value))
    if kind is None:
        return "array" if isinstance(value, (list, tuple)) else "table"
    return f'string "{value}"' if kind == "string" else f"{kind} {value!r}"


def number(*, above: float | None = None, minimum: float | None = None,
           below: float | None = None) -> Check:
    """A finite float (TOML integers are accepted) within the given bounds."""
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid(f"must be a number, got {shown(value)}")
        try:
            value = float(value)
        except OverflowError:  # an integer too large for a float
            raise Invalid(f"must be a finite number, got {value}") from None
        if not math.isfinite(value):
            raise Invalid(f"must be a finite number, got {value}")
        if above is not None and not value > above:
            raise Invalid(f"must be > {above:g}, got {value:g}")
        if minimum is not None and not value >= minimum:
            raise Invalid(f"must be >= {minimum:g}, got {value:g}")
        if below is not None and not value < below:
            raise Invalid(f"must be < {below:g}, got {value:g}")
        return value
    return check


def integer(*, minimum: int | None = None, maximum: int | None = None) -> Check:
    """A whole number within the given bounds."""
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"must be a whole number, got {shown(value)}")
        if minimum is not None and value < minimum:
            raise Invalid(f"must be >= {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise Invalid(f"must be <= {maximum}, got {value}")
        return value
    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"must be true or false, got {shown(value)}")
    return value


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"must be a string, got {shown(value)}")
    return value


def one_of(*choices: str) -> Check:
    """One of the given names."""
    allowed = ", ".join(f'"{c}"' for c in choices)

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid(f"must be one of {allowed}, got {shown(value)}")
        if value not in choices:
            raise Invalid(f"{shown(value)} is not allowed (allowed: {allowed})")
        return value
    return check


def array_of(item: Check, *, min_len: int = 0) -> Check:
    """A TOML array whose items each pass `item`; stored as a tuple."""
    def check(value: Any) -> tuple:
        if not isinstance(value, (list, tuple)):
            raise Invalid(f"must be an array, got {shown(value)}")
        if len(value) < min_len:
            raise Invalid(f"must have at least {min_len} entries, got {len(value)}")
        result = []
        for position, entry in enumerate(value, start=1):
            try:
                result.append(item(entry))
            except Invalid as error:
                raise Invalid(f"entry {position} {error}") from None
            except SettingError as error:  # an array of tables: [position].key
                raise error.under(f"[{position}]") from None
        return tuple(result)
    return check


def name_or_names(check: Check) -> Check:
    """One name for every layer, or an array with one name per layer."""
    per_layer = array_of(check)

    def checker(value: Any) -> str | tuple:
        return check(value) if isinstance(value, str) else per_layer(value)
    return checker


def size_text(value: Any) -> str:
    """"1280x720" (each side 64 to 7680 pixels), stored in that canonical form."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", value) if isinstance(value, str) else None
    if not match:
        raise Invalid(f'must be WIDTHxHEIGHT such as "1280x720", got {shown(value)}')
    width, height = int(match[1]), int(match[2])
    if min(width, height) < 64 or max(width, height) > 7680:
        raise Invalid(f"sides must be 64 to 7680 pixels, got {width}x{height}")
    return f"{width}x{height}"


def epoch_range(value: Any) -> str:
    """"A:B", "A:" or ":B" (first and last epoch shown), stored in that canonical form."""
    match = re.fullmatch(r"\s*(\d*)\s*:\s*(\d*)\s*", value) if isinstance(value, str) else None
    if not match or not (match[1] or match[2]):
        raise Invalid(f'must be FIRST:LAST epochs such as "0:200" or "100:", got {shown(value)}')
    if match[1] and match[2] and int(match[1]) > int(match[2]):
        raise Invalid(f"first epoch {match[1]} is after last epoch {match[2]}")
    return f"{match[1]}:{match[2]}"


def setting(default: Any, check: Check, *, required: bool = False) -> Any:
    """Declare a field: its default and its check (run on values read from TOML)."""
    return field(default=default, metadata={"check": check, "required": required})


def table(cls: type) -> Any:
    """Declare a nested [table] field, built from {} when the table is left out."""
    return field(default=None, metadata={"check": lambda value: build(cls, value),
                                         "required": False, "table": True})


def tables(cls: type) -> Any:
    """Declare an array of tables ([[name]]), stored as a tuple."""
    def check(value: Any) -> tuple:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise Invalid(f"must be an array of tables ([[{cls.__name__.lower()}]] sections)")
        return array_of(lambda item: build(cls, item))(value)
    return field(default=(), metadata={"check": check, "required": False})


def build(cls: type, values: Any) -> Any:
    """Make a `cls` from a TOML table, checking every key against the field declarations.

    Raises SettingError naming the dotted key, relative to this table.
    """
    if not isinstance(values, dict):
        raise SettingError("", f"must be a table, got {shown(values)}")
    declared = {f.name: f for f in fields(cls) if "check" in f.metadata}
    for name in values:
        if name not in declared:
            raise SettingError(name, "unknown key" + suggestion(name, declared))
    checked = {}
    for name, spec in declared.items():
        if name not in values and spec.metadata["required"]:
            raise SettingError(name, "missing (this key is required)")
        if name not in values and not spec.metadata.get("table"):
            continue
        try:
            checked[name] = spec.metadata["check"](values.get(name, {}))
        except Invalid as error:
            raise SettingError(name, str(error)) from None
        except SettingError as error:
            raise error.under(name) from None
    made = cls(**checked)
    return made.resolved() if hasattr(made, "resolved") else made


def suggestion(name: str, known: Iterable[str]) -> str:
    """" (did you mean X?)" for a near miss, else the list of what is allowed."""
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]}?)"
    return f" (allowed: {', '.join(known)})"
