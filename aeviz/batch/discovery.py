"""Which experiments a batch makes: TOML files and folders of them, split into experiments and
comparisons, and shared among CI jobs by a stable hash of each name."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from aeviz.errors import AevizError
from aeviz.files import special_kind


def find_experiments(paths: Iterable[str]) -> list[Path]:
    """TOML files named directly, and those directly inside named folders, sorted by name:
    experiments and comparisons (`split_comparisons` tells them apart)."""
    found: list[Path] = []
    for text in paths:
        path = Path(text)
        try:
            found += _experiments_at(path)
        except OSError as error:  # a name too long, a loop of links, a folder not readable
            raise AevizError(f"{shown(path)}: cannot read: {error.strerror or error}") from None
    by_name: dict[str, Path] = {}
    for path in found:
        if shown(path) != str(path):
            raise AevizError(f"{shown(path)}: the file name is not UTF-8 text; rename it (the "
                             "name becomes the names of its outputs)")
        kind = special_kind(path)
        if kind:  # never opened: reading a FIFO would wait for a writer forever
            raise AevizError(f"{path}: cannot read: it is {kind}, not a file")
        other = by_name.setdefault(path.stem, path)
        if other != path and other.resolve() != path.resolve():
            raise AevizError(f"{path}: two experiments are named {path.stem!r} (also {other}); "
                             "their outputs would overwrite each other")
    return sorted(by_name.values(), key=lambda p: p.stem)


def _experiments_at(path: Path) -> list[Path]:
    if path.is_dir():
        inside = sorted(path.glob("*.toml"))
        if not inside:
            raise AevizError(f"{shown(path)}: no .toml experiments in this folder")
        return inside
    if path.is_file():
        if path.suffix.lower() != ".toml":
            raise AevizError(f"{shown(path)}: not an experiment (expected a .toml file or a "
                             "folder)")
        return [path]
    try:
        os.stat(path)  # the reason, if there is one beyond its absence (a loop, a long name)
    except FileNotFoundError:
        raise AevizError(f"{shown(path)}: no such file or folder") from None
    kind = special_kind(path)  # named directly, a FIFO or a device said "no such file"
    raise AevizError(f"{shown(path)}: cannot read: "
                     + (f"it is {kind}, not a file" if kind else "not a regular file"))


def shown(path: Path) -> str:
    """A path as text that can be printed: bytes of a file name that are not UTF-8 (which
    Python keeps as lone surrogates) as escapes, \\xff."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def shard_of(name: str, count: int) -> int:
    """The shard (1..count) an experiment belongs to, from a stable hash of its name alone:
    adding or removing experiments never moves the others to another shard (and its cache)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % count + 1


def split_comparisons(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(experiments, comparisons): a comparison is a file with a [compare] table. A file that
    does not parse counts as an experiment, whose loading then says what is wrong."""
    from aeviz.settings.comparison import is_comparison, read_toml

    comparisons = [path for path in paths if is_comparison(read_toml(path) or {})]
    return [path for path in paths if path not in comparisons], comparisons


def shard(paths: list[Path], index: int, count: int) -> list[Path]:
    """The experiments of shard `index` of `count`: the shards together cover all once."""
    return [path for path in paths if shard_of(path.stem, count) == index]
