"""`aeviz validate`: an experiment (or a comparison) checked, every default filled in."""

from __future__ import annotations

import click

from aeviz import api
from aeviz.cli.errors import AevizCommand
from aeviz.cli.flags import set_option, unset_render_keys
from aeviz.cli.progress import warning_printer
from aeviz.errors import AevizError


@click.command(cls=AevizCommand)
@click.argument("experiment", type=click.Path(dir_okay=False))
@set_option
def validate(experiment: str, overrides: dict) -> None:
    """Check EXPERIMENT and print it with every default filled in: the values train, render
    and batch will use (a flag of render still beats the [render] table). A comparison file
    is checked with the experiments beside it that it names."""
    if overrides and api.is_comparison(experiment):
        raise AevizError(f"{experiment}: --set changes experiments; this is a comparison")
    checked = api.validate(experiment, overrides, notify=warning_printer(quiet=False))
    if isinstance(checked, str):  # a comparison, as its TOML
        click.echo(checked, nl=False)
    else:
        click.echo(checked.to_toml() + unset_render_keys(checked.render), nl=False)
