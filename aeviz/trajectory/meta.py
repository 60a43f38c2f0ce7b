"""A trajectory's `meta`: what training reports about the run (versions, seeds, why it stopped),
stored as JSON and read back as a frozen dataclass through the same settings kit as the
experiment, leniently (keys from another aeviz version are dropped with a note)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from aeviz.errors import AevizError
from aeviz.settings.fields import (
    build_leniently,
    integer,
    nesting_depth,
    number,
    one_of,
    optional,
    setting,
    table,
    text,
)

STOP_REASONS = ("epochs", "converged", "diverged", "interrupted")
MAX_META_CHARS = 1 << 16
MAX_META_DEPTH = 4


@dataclass(frozen=True)
class Seeds:
    """The seeds a run was made with."""

    data: int | None = setting(None, optional(integer(minimum=0)))
    train: int | None = setting(None, optional(integer(minimum=0)))


@dataclass(frozen=True)
class Meta:
    """What training reports about a run, in the order training writes it."""

    aeviz_version: str | None = setting(None, optional(text))
    numpy_version: str | None = setting(None, optional(text))
    created: str | None = setting(None, optional(text))  # ISO 8601, UTC
    seed: Seeds = table(Seeds)
    source: str | None = setting(None, optional(text))  # the experiment file
    stop_reason: str = setting("epochs", one_of(*STOP_REASONS))
    epochs_run: int | None = setting(None, optional(integer(minimum=0)))
    diverged_at: int | None = setting(None, optional(integer(minimum=0)))  # a diverged run's
    steps_per_epoch: int = setting(0, optional(integer(minimum=0)))  # 0: not recorded
    wall_seconds: float | None = setting(None, optional(number(minimum=0)))
    # The JSON this was read from, written back unchanged (so a loaded run saves bit-identical).
    json: str = field(default="", compare=False, repr=False)

    def to_json(self) -> str:
        if self.json:
            return self.json
        plain = {name: getattr(self, name) for name in self.__dataclass_fields__
                 if name != "json"}
        seed = self.seed or Seeds()
        plain["seed"] = {"data": seed.data, "train": seed.train}
        return json.dumps(plain)


def meta_from_json(text: str, source: str) -> tuple[Meta, tuple[str, ...]]:
    """The `meta` JSON text as a checked Meta, and a note naming the keys it dropped."""
    if len(text) > MAX_META_CHARS:
        raise AevizError(f"{source}: meta: {len(text):,} characters; at most {MAX_META_CHARS:,}")
    try:
        raw = json.loads(text)
    except RecursionError:
        raise AevizError(f"{source}: meta: nested too deeply") from None
    except ValueError as error:
        raise AevizError(f"{source}: meta: not JSON ({error})") from None
    if not isinstance(raw, dict):
        raise AevizError(f"{source}: meta: expected a JSON object, got {type(raw).__name__}")
    if nesting_depth(raw) > MAX_META_DEPTH:
        raise AevizError(f"{source}: meta: nested {nesting_depth(raw)} deep; at most "
                         f"{MAX_META_DEPTH}")
    meta, notes = build_leniently(Meta, raw, f"{source}: meta")
    return Meta(**{name: getattr(meta, name) for name in Meta.__dataclass_fields__
                   if name != "json"}, json=text), notes
