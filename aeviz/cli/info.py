"""`aeviz info`: what trajectories hold; one in detail, several as a table."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from aeviz import api
from aeviz.cli.errors import AevizCommand
from aeviz.cli.progress import note_printer
from aeviz.settings.names import OPTIMIZER_SETTINGS
from aeviz.text import printable, printable_lines

if TYPE_CHECKING:  # numpy is imported only when a run is read
    from aeviz.trajectory import Summary

TITLE_WIDTH = 32  # characters of a title in the table


@click.command(cls=AevizCommand)
@click.argument("runs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON, for scripts: an object for one run, a list for several.")
def info(runs: tuple[str, ...], as_json: bool) -> None:
    """Describe trajectories: set-up, data, snapshots, outcome (several: one line each)."""
    described = []
    for path in runs:
        run = api.load(path)
        for line in run.notes:  # keys another aeviz version wrote, dropped
            note_printer(quiet=False)(line)
        described.append((path, Path(path).stat().st_size, run.summary()))
    if as_json:
        plain = [{**summary.to_dict(), "file": path, "file_bytes": size}
                 for path, size, summary in described]
        # Strict JSON: a value that is not a finite number is null, never `Infinity`.
        click.echo(json.dumps(_finite(plain[0] if len(runs) == 1 else plain), indent=2,
                              allow_nan=False))
    else:
        # Texts from the file (names, versions, paths) never reach the terminal raw.
        click.echo(printable_lines(describe(*described[0][1:]) if len(runs) == 1
                                   else table(described)))


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def describe(file_bytes: int, summary: Summary) -> str:
    """A trajectory's summary as aligned "key  value" lines for people."""
    hp = summary.hyperparameters
    clusters = ", ".join(f"{name} ({n})" for name, n in summary.clusters.items())
    converged = summary.stop_reason == "converged"
    objective = ", ".join(f"{k} {v:g}" if not isinstance(v, bool) else k
                          for k, v in summary.objective.items()) + "".join(
        f"; final {k} {v:.4g}" for k, v in summary.final_terms.items())
    lines = [
        ("title", summary.title),
        ("layers", " - ".join(map(str, summary.layers))
         + f"  (code layer {summary.code_layer})"),
        ("activations", ", ".join(summary.activations)),
        ("optimizer", ", ".join([
            summary.optimizer, f"learning rate {hp.learning_rate:g}", f"batch {hp.batch_size}",
            *(f"{name} {getattr(hp, name):g}"
              for name in OPTIMIZER_SETTINGS.get(summary.optimizer, ())),
            f"seed {hp.seed}"])),
        ("data", f"{summary.samples} samples in {summary.dimensions}-D"
                 + (f"; {clusters}" if clusters else "")),
        ("snapshots", f"{summary.snapshots}, epoch {summary.epochs[0]} to "
                      f"{summary.ends_at} (at most {hp.epochs} epochs)"),
        ("stopped", summary.stop_reason + (f" (epsilon {hp.epsilon:g})" if converged
                                           else "")),
        ("RMSE", f"first {summary.first_rmse:.4g}, final {summary.final_rmse:.4g}"),
        *([("objective", objective)] if summary.objective else []),
        ("file", f"{file_bytes / 1e6:.2f} MB, written by aeviz "
                 f"{summary.aeviz_version} on {summary.created}"),
    ]
    width = max(len(key) for key, _ in lines)
    return "\n".join(f"{key.ljust(width)}  {value}" for key, value in lines)


def table(described: list[tuple[str, int, Summary]]) -> str:
    """One aligned line per trajectory, for comparing runs at a glance."""
    header = ("file", "title", "layers", "optimizer", "lr", "epochs", "snapshots", "stopped",
              "final RMSE")
    rows = [header] + [(
        printable(path), printable(_shorten(s.title)), "-".join(map(str, s.layers)), s.optimizer,
        f"{s.hyperparameters.learning_rate:g}", str(s.epochs[1]), str(s.snapshots),
        s.stop_reason, f"{s.final_rmse:.4g}") for path, _, s in described]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {"lr", "epochs", "snapshots", "final RMSE"}
    return "\n".join("  ".join(cell.rjust(width) if name in numeric else cell.ljust(width)
                               for cell, width, name in zip(row, widths, header)).rstrip()
                     for row in rows)


def _shorten(title: str) -> str:
    return title if len(title) <= TITLE_WIDTH else title[:TITLE_WIDTH - 1] + "…"
