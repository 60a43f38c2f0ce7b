"""`aeviz demo`: the built-in experiment trained and rendered."""

from __future__ import annotations

from pathlib import Path

import click

from aeviz import api
from aeviz.cli.errors import AevizCommand
from aeviz.cli.flags import RENDER_ORDER, quiet_option, render_flags
from aeviz.cli.render import render_to
from aeviz.cli.train import train_and_save
from aeviz.settings import load_default


@click.command(cls=AevizCommand,
               epilog=RENDER_ORDER.replace("built-in default", "built-in experiment's value"))
@click.option("-o", "--output", default="demo.mp4", show_default=True,
              type=click.Path(dir_okay=False), help="A clip (.mp4, .webm, .gif, .webp) or a "
              "still (.png, .pdf, .svg); the trajectory is saved beside it as .npz.")
@render_flags(defaults=load_default().render)
@quiet_option
def demo(output: str, quiet: bool, **flags) -> None:
    """Train the built-in experiment (the original program's default) and render it."""
    exp = api.experiment()
    api.check_render_request(exp, output, flags)
    recorded = str(Path(output).with_suffix(".npz"))
    train_and_save(exp, recorded, quiet)
    render_to([recorded], output, flags, quiet)
