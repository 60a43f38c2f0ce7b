"""A batch experiment's manifest, NAME.json: what its outputs were made from, and what they are.

"Done" means done: an experiment is up to date only when its manifest parses and has the right
shape, its hash matches what the outputs would be made from now, its run was not interrupted,
and every output it lists exists with the recorded size and content hash. The manifest is
written last, atomically, and removed before an experiment is redone, so no state of the folder
ever calls a half-made output finished.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aeviz.errors import AevizError
from aeviz.files import read_user_file, write_text_atomic
from aeviz.settings.fields import nesting_depth

UP_TO_DATE = "up to date"
MAX_MANIFEST_BYTES = 1_000_000  # a manifest lists a few outputs: a few hundred bytes
MAX_MANIFEST_DEPTH = 4


def file_digest(path: Path) -> str:
    """The sha256 of a file's content, read in chunks (clips can be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def describe_outputs(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """{file name: {"bytes": size, "sha256": digest}} for the outputs just written."""
    return {path.name: {"bytes": path.stat().st_size, "sha256": file_digest(path)}
            for path in paths}


def write_manifest(path: Path, digest: str, outputs: list[Path], row: dict[str, Any]) -> None:
    """Record a finished experiment: its input hash, its outputs, its table row. Call last."""
    manifest = {"hash": digest, "outputs": describe_outputs(outputs), **row}
    # A link planted at NAME.json is replaced, never written through (as the outputs are).
    write_text_atomic(path, json.dumps(manifest, indent=1) + "\n", follow_links=False)


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest if it parses and has the right shape; None otherwise (then: redo).

    Read through the door for user files (a regular file, bounded: a FIFO or a link to a
    device is "damaged", never a hang), decoded strictly, nested at most a few levels."""
    try:
        manifest = json.loads(read_user_file(path, MAX_MANIFEST_BYTES).decode("utf-8"))
    except (AevizError, ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(manifest, dict) or nesting_depth(manifest) > MAX_MANIFEST_DEPTH:
        return None
    if not isinstance(manifest.get("hash"), str) or not isinstance(
            manifest.get("stop_reason", ""), str):
        return None
    outputs = manifest.get("outputs")
    if not isinstance(outputs, dict) or not outputs or not all(
            isinstance(entry, dict) and _whole(entry.get("bytes"))
            and isinstance(entry.get("sha256"), str) for entry in outputs.values()):
        return None
    return manifest


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


CHANGED = "changed (experiment, data, render options or aeviz version)"


def redo_reason(manifest_path: Path, digest: str, expected: list[Path],
                changed: Callable[[dict], str] = lambda manifest: CHANGED) -> str:
    """Why an experiment must be redone, or UP_TO_DATE; `changed(manifest)` says what changed
    when the hash differs."""
    if not manifest_path.exists():
        if any(path.exists() for path in expected):
            return "unfinished last time (outputs without a manifest)"
        return "new (no manifest)"
    manifest = read_manifest(manifest_path)
    if manifest is None:
        return "manifest unreadable or damaged"
    if manifest["hash"] != digest:
        # Another --format asks for outputs the last run did not make: said so, by name.
        new = [path.name for path in expected if path.name not in manifest["outputs"]]
        if new:
            return (f"another format: {', '.join(new)} not made last time (it made "
                    f"{', '.join(sorted(manifest['outputs']))})")
        return changed(manifest)
    if manifest.get("stop_reason") == "interrupted":
        return "interrupted last time"
    recorded = manifest["outputs"]
    for path in expected:
        entry = recorded.get(path.name)
        if entry is None or not path.is_file():
            return f"output missing: {path.name}"
        if path.stat().st_size != entry["bytes"] or file_digest(path) != entry["sha256"]:
            return f"output damaged: {path.name} differs from the manifest"
    return UP_TO_DATE
