"""`aeviz info`: what trajectories hold; one in detail, several as a table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from aeviz import api
from aeviz.cli.options import AevizCommand, describe
from aeviz.text import printable, printable_lines

TITLE_WIDTH = 32  # characters of a title in the table


@click.command(cls=AevizCommand)
@click.argument("runs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON, for scripts: an object for one run, a list for several.")
def info(runs: tuple[str, ...], as_json: bool) -> None:
    """Describe trajectories: set-up, data, snapshots, outcome (several: one line each)."""
    summaries = []
    for path in runs:
        run = api.load(path)
        for line in run.notes:  # keys another aeviz version wrote, dropped
            click.echo(f"note: {printable(line)}", err=True)
        summaries.append({**run.summary(), "file": path, "file_bytes": Path(path).stat().st_size})
    if as_json:
        click.echo(json.dumps(summaries[0] if len(runs) == 1 else summaries, indent=2))
    else:
        # Texts from the file (names, versions, paths) never reach the terminal raw.
        click.echo(printable_lines(describe(summaries[0]) if len(runs) == 1
                                   else table(summaries)))


def table(summaries: list[dict[str, Any]]) -> str:
    """One aligned line per trajectory, for comparing runs at a glance."""
    header = ("file", "title", "layers", "optimizer", "lr", "epochs", "snapshots", "stopped",
              "final RMSE")
    rows = [header] + [(
        s["file"], _shorten(s["title"]), "-".join(map(str, s["layers"])), s["optimizer"],
        f"{s['hyperparameters']['learning_rate']:g}", str(s["epochs"][1]), str(s["snapshots"]),
        s["stop_reason"], f"{s['final_rmse']:.4g}") for s in summaries]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {"lr", "epochs", "snapshots", "final RMSE"}
    return "\n".join("  ".join(cell.rjust(width) if name in numeric else cell.ljust(width)
                               for cell, width, name in zip(row, widths, header)).rstrip()
                     for row in rows)


def _shorten(title: str) -> str:
    return title if len(title) <= TITLE_WIDTH else title[:TITLE_WIDTH - 1] + "…"
