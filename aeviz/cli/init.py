"""`aeviz init`: a commented experiment to start from."""

from __future__ import annotations

from pathlib import Path

import click

from aeviz.cli.errors import AevizCommand
from aeviz.errors import AevizError
from aeviz.files import check_writable, write_text_atomic
from aeviz.settings import default_experiment_text


@click.command(cls=AevizCommand)
@click.argument("path", default="experiment.toml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: str, force: bool) -> None:
    """Write a commented experiment template to PATH (default: experiment.toml)."""
    if Path(path).exists() and not force:
        raise AevizError(f"{path}: already exists (use --force to overwrite)")
    check_writable(path)
    write_text_atomic(path, default_experiment_text())
    click.echo(f"wrote {path}; train it with: aeviz train {path}")
