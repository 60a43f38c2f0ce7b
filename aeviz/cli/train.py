"""`aeviz train`: an experiment file trained into a trajectory (.npz)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aeviz import api
from aeviz.cli.errors import AevizCommand
from aeviz.cli.flags import quiet_option, set_option
from aeviz.cli.progress import Progress, TrainingStatus, divergence_warning, warning_printer
from aeviz.settings import Experiment
from aeviz.signals import exit_status, stop_requested
from aeviz.text import printable


@click.command(cls=AevizCommand)
@click.argument("experiment", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Trajectory to write (default: EXPERIMENT's name with .npz, here).")
@set_option
@quiet_option
def train(experiment: str, output: str | None, overrides: dict, quiet: bool) -> None:
    """Train EXPERIMENT (a TOML file) and record its trajectory (.npz)."""
    exp = api.experiment(Path(experiment), overrides)  # always a file's path
    train_and_save(exp, output or Path(experiment).with_suffix(".npz").name, quiet)


def train_and_save(exp: Experiment, output: str, quiet: bool) -> None:
    """Train with a progress bar on a terminal, streaming the trajectory to `output`; print
    the summary line. Exits with the signal's status if a stop signal came (the run is
    saved)."""
    with Progress("training", quiet, eta=False) as progress:
        status = TrainingStatus(progress)
        run = api.train_to_file(exp, output, notify=warning_printer(quiet),
                                on_epoch=status.epoch, on_step=status.step)
    if not quiet:
        if run.stop_reason == "diverged":
            click.echo(divergence_warning(run, exp), err=True)
        click.echo(printable(f"{exp.source}: ends at {run.ends_at}, final RMSE "
                   f"{run.loss[-1]:.4g}, stopped: {run.stop_reason}, {len(run)} snapshots -> "
                   f"{output} ({run.meta.wall_seconds:.1f} s)"))
    if run.stop_reason == "interrupted" or stop_requested():
        sys.exit(exit_status())
