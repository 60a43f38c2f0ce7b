"""A small kit for declaring settings and checking a TOML table against them.

A setting is a dataclass field with a default and a check. A check takes the TOML value and
returns the value to store (tuples for arrays) or raises Invalid saying what is wrong and what is
allowed. `build` walks a table against a dataclass's fields, so an unknown or mistyped key, a
wrong type or an out-of-range value always gets the same message: dotted key, problem, what is
allowed. A dataclass may add cross-field rules in a `resolved()` method, run after its fields.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import field, fields
from typing import Any

from aeviz.errors import AevizError, SettingError
from aeviz.text import math_problem, printable, shown_as, stored_texts
from aeviz.text import problem as text_problem

Check = Callable[[Any], Any]


class Invalid(ValueError):
    """Raised by a check: what is wrong with one value and what is allowed."""


def shown(value: Any) -> str:
    """A TOML value as a message shows it: `number 8.5`, `string "big"`, `array`; long or
    unprintable text is escaped and shortened, so a message stays one readable line."""
    kind = {bool: "boolean", int: "integer", float: "number", str: "string"}.get(type(value))
    if kind is None:
        if value is None:
            return "None"
        if isinstance(value, (list, tuple)):
            return "array"
        return "table" if isinstance(value, dict) else f"a Python {type(value).__name__}"
    if kind == "string":
        return f'string "{clipped(value)}"'
    if kind == "integer" and value.bit_length() > 100:  # repr of a huge int is slow or refused
        return f"integer of about {int(value.bit_length() * 0.30103)} digits"
    return f"{kind} {value!r}"


def clipped(value: str, limit: int = 60) -> str:
    """`value` for a message: unprintable characters as \\uXXXX, at most `limit` characters."""
    return printable(value, limit)


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


# Said where a whole number came as a decimal of whole value ("epochs = 1e9" refused as "got
# number 1000000000.0" read as nonsense to a lecturer): how TOML tells the two apart.
AS_DIGITS = "written as digits alone (a point or an exponent makes a TOML decimal)"


def integer(*, minimum: int | None = None, maximum: int | None = None) -> Check:
    """A whole number within the given bounds."""
    def check(value: Any) -> int:
        if isinstance(value, float) and value.is_integer():  # 1e9 or 8.0: a decimal in TOML
            raise Invalid(f"must be a whole number {AS_DIGITS}, got {shown(value)}")
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"must be a whole number, got {shown(value)}")
        # (a number of 4,000 digits echoed whole made a 4,053-character message line)
        got = value if value.bit_length() <= 100 else shown(value)
        if minimum is not None and value < minimum:
            raise Invalid(f"must be >= {minimum}, got {got}")
        if maximum is not None and value > maximum:
            raise Invalid(f"must be <= {maximum}, got {got}")
        return value
    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"must be true or false, got {shown(value)}")
    return value


def text(value: Any) -> str:
    """A string that can be saved as UTF-8, read back and printed (see `aeviz.text`): no lone
    surrogates, no control characters but tab and newline (TOML refuses them raw), at most
    MAX_TEXT characters."""
    if not isinstance(value, str):
        raise Invalid(f"must be a string, got {shown(value)}")
    found = text_problem(value, math=False)
    if found:
        raise Invalid(found)
    return value


def drawn_text(value: Any) -> str:
    """Text drawn in a clip (a caption): `text`, and math between $ signs that matplotlib can
    lay out, so a mistake is found by `validate`, not halfway through a render. A tab is a
    space (matplotlib's fonts draw it as a missing glyph's box)."""
    found = math_problem(text(value))
    if found:
        raise Invalid(found)
    return value.replace("\t", " ")


def drawn_line(value: Any) -> str:
    """A one-line text drawn in a clip (a title, a run's label): as `drawn_text`, with a line
    break drawn as a space (a title has one line; its second was drawn over the subtitle)."""
    return drawn_text(value).replace("\n", " ")


def visibly(value: str) -> str:
    """`value` for a message, with what does not show as itself as \\uXXXX: invisible
    characters ("a\\u200bb"), spaces other than the plain one (a no-break space) and
    combining marks (an accent after its letter), so two names a message says differ
    are seen to differ."""
    def shown(c: str) -> str:
        kind = unicodedata.category(c)
        return (f"\\u{ord(c):04x}" if kind in ("Cf", "Mn") or (kind == "Zs" and c != " ")
                else c)
    return "".join(map(shown, clipped(value)))


def run_labels(value: Any) -> tuple[str, ...]:
    """The names of a comparison's runs, one each: drawn lines, no two shown alike (two runs
    of one name share a color and a key entry; "$\\alpha$" and "α" are shown alike)."""
    labels = array_of(drawn_line, min_len=1)(value)
    shown = [shown_as(label) for label in labels]
    for position, label in enumerate(shown):
        if label in shown[:position]:
            first = shown.index(label)
            named = (f'"{clipped(labels[first])}" twice' if labels[first] == labels[position]
                     else f'"{visibly(labels[first])}" and "{visibly(labels[position])}", both '
                     f'shown as "{clipped(label)}",')
            raise Invalid(f"names {named} (entries {first + 1} and {position + 1}); give each "
                          "run its own label")
    return labels


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


# The frame sizes that lay out cleanly, measured on the digits run and the four-optimizer
# comparison: landscape from 4:3 to 8:1, from 320x180 up and, narrower than 16:9, from 800 px
# wide (at 320x200, 640x480 and 1200x1200 a comparison's run names and loss title are cut;
# portrait frames cut legends and titles or put them over labels; smaller or flatter frames
# squeeze the panels to nothing). Shapes as (width, height) ratios of whole numbers: exact.
MIN_WIDTH, MIN_HEIGHT, MAX_SIDE = 320, 180, 7680
NARROWEST, WIDE, FLATTEST = (4, 3), (16, 9), (8, 1)
MIN_WIDTH_BELOW_WIDE = 800
SIZES_ALLOWED = (f"at least {MIN_WIDTH}x{MIN_HEIGHT} ({MIN_WIDTH_BELOW_WIDE} wide if narrower "
                 f"than 16:9), each side at most {MAX_SIDE}, landscape from 4:3 to 8:1")


def _at_least_as_wide(width: int, height: int, shape: tuple[int, int]) -> bool:
    return width * shape[1] >= height * shape[0]


def size_allowed(width: int, height: int) -> bool:
    """Whether a frame of `width` x `height` pixels lays out cleanly (see SIZES_ALLOWED)."""
    return (MIN_WIDTH <= width <= MAX_SIDE and MIN_HEIGHT <= height
            and _at_least_as_wide(width, height, NARROWEST)
            and width * FLATTEST[1] <= height * FLATTEST[0]
            and (_at_least_as_wide(width, height, WIDE) or width >= MIN_WIDTH_BELOW_WIDE))


def size_text(value: Any) -> str:
    """"1280x720" (see SIZES_ALLOWED), stored in that canonical form."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", value) if isinstance(value, str) else None
    if not match:
        raise Invalid(f'must be WIDTHxHEIGHT such as "1280x720", got {shown(value)}')
    width, height = int(match[1]), int(match[2])
    if not size_allowed(width, height):
        raise Invalid(f"got {width}x{height}; a frame must be {SIZES_ALLOWED}")
    return f"{width}x{height}"


def epoch_range(value: Any) -> str:
    """"A:B", "A:" or ":B" (first and last epoch shown), stored in that canonical form."""
    match = re.fullmatch(r"\s*(\d*)\s*:\s*(\d*)\s*", value) if isinstance(value, str) else None
    if not match or not (match[1] or match[2]):
        raise Invalid(f'must be FIRST:LAST epochs such as "0:200" or "100:", got {shown(value)}')
    if match[1] and match[2] and int(match[1]) > int(match[2]):
        raise Invalid(f"first epoch {match[1]} is after last epoch {match[2]}")
    return f"{match[1]}:{match[2]}"


def setting(default: Any, check: Check, *, required: bool = False, since: int = 1) -> Any:
    """Declare a field: its default and its check (run on values read from TOML).

    `since`: for a key that changes what a recorded run means (a new kind of model), the
    trajectory format version that introduced it. A run that sets it to anything but its
    default is saved with that version, so an older aeviz refuses it rather than misreading it;
    a run that leaves it alone keeps the older version (see `format_version_of`).
    """
    return field(default=default, metadata={"check": check, "required": required,
                                            "since": since})


def optional(check: Check) -> Check:
    """`check`, or None (JSON's null) for "not known"."""
    def checker(value: Any) -> Any:
        return None if value is None else check(value)
    return checker


def table(cls: type) -> Any:
    """Declare a nested [table] field, built from {} when the table is left out."""
    return field(default=None, metadata={"check": lambda value: build(cls, value),
                                         "required": False, "table": cls})


def tables(cls: type) -> Any:
    """Declare an array of tables ([[name]]), stored as a tuple."""
    def check(value: Any) -> tuple:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise Invalid(f"must be an array of tables ([[{cls.__name__.lower()}]] sections)")
        return array_of(lambda item: build(cls, item))(value)
    return field(default=(), metadata={"check": check, "required": False, "tables": cls})


def build(cls: type, values: Any) -> Any:
    """Make a `cls` from a TOML table, checking every key against the field declarations.

    Raises SettingError naming the dotted key, relative to this table.
    """
    if not isinstance(values, dict):
        raise SettingError("", f"must be a table, got {shown(values)}")
    declared = {f.name: f for f in fields(cls) if "check" in f.metadata}
    for name in values:
        if name not in declared:
            key = clipped(name) if isinstance(name, str) else shown(name)
            raise SettingError(key, "unknown key" + suggestion(key, declared))
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


def build_leniently(cls: type, values: Any, where: str) -> tuple[Any, tuple[str, ...]]:
    """`build(cls, values)` of what another aeviz version wrote: keys `cls` does not declare
    are dropped and named in the returned note; a known key is checked as strictly as ever,
    and a bad one is one AevizError naming `where` ("run.npz: config")."""
    known, dropped = known_part(cls, values)
    notes: tuple[str, ...] = ()
    while True:
        try:
            with stored_texts():  # a run recorded before glyphs were checked still loads
                built = build(cls, known)
            break
        except SettingError as error:
            table, _, name = error.key.rpartition(".")
            holder = known.get(table) if isinstance(known, dict) else None
            if error.key not in LATER_RULES or not isinstance(holder, dict) or name not in holder:
                raise AevizError(f"{where}: {error}") from None
            del holder[name]  # a value a later rule refuses: the run loads without it
            notes += (f"{where}: ignored {error.key}, which this aeviz refuses: {error.problem}",)
    if dropped:
        notes += (f"{where}: ignored {', '.join(dropped)} (written by another aeviz version; "
                  "this one does not know them)",)
    return built, notes


# Stored keys whose rule came after runs were recorded with them: a stored value it refuses is
# dropped with a note, not a reason to refuse the run (stored `[render] labels` naming two runs
# alike, refused since).
LATER_RULES = frozenset({"render.labels"})


def known_part(cls: type, values: Any, prefix: str = "") -> tuple[Any, list[str]]:
    """`values` without the keys `cls` does not declare, and those keys (dotted), for reading
    what another aeviz version wrote: its unknown keys are dropped, the rest checked as usual."""
    if not isinstance(values, dict):
        return values, []
    declared = {f.name: f for f in fields(cls) if "check" in f.metadata}
    kept, dropped = {}, []
    for name, value in values.items():
        spec = declared.get(name)
        if spec is None:
            dropped.append(prefix + clipped(str(name)))
        elif spec.metadata.get("table"):
            kept[name], more = known_part(spec.metadata["table"], value, f"{prefix}{name}.")
            dropped += more
        elif spec.metadata.get("tables") and isinstance(value, list):
            kept[name] = []
            for position, item in enumerate(value, start=1):
                item, more = known_part(spec.metadata["tables"], item,
                                        f"{prefix}{name}[{position}].")
                kept[name].append(item)
                dropped += more
        else:
            kept[name] = value
    return kept, dropped


def nesting_depth(value: Any) -> int:
    """How deep tables and arrays nest in `value` (a scalar: 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, dict):
            stack += [(item, depth + 1) for item in node.values()]
        elif isinstance(node, (list, tuple)):
            stack += [(item, depth + 1) for item in node]
    return deepest


def format_version_of(value: Any, base: int = 1) -> int:
    """The trajectory format version a resolved settings object needs: `base`, or the newest
    `since` among the keys it sets to other than their defaults."""
    version = base
    if dataclasses.is_dataclass(value):
        for spec in fields(value):
            item = getattr(value, spec.name)
            if spec.metadata.get("since", 1) > version and item != spec.default:
                version = spec.metadata["since"]
            version = max(version, format_version_of(item, version))
    elif isinstance(value, tuple):
        version = max((format_version_of(item, version) for item in value), default=version)
    return version


def newest_version(cls: type, base: int = 1) -> int:
    """The newest format version any key of `cls` (tables included) was introduced in."""
    version = base
    for spec in fields(cls):
        version = max(version, spec.metadata.get("since", 1))
        nested = spec.metadata.get("table") or spec.metadata.get("tables")
        if nested:
            version = max(version, newest_version(nested, version))
    return version
