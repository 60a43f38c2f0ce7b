"""How the command line reports a user's mistake: one line on stderr (`Error: ...`), exit
status 2, naming the flag a bad value came from; click's own usage errors the same way."""

from __future__ import annotations

from typing import Any

import click

from aeviz.errors import AevizError, SettingError
from aeviz.signals import exit_status
from aeviz.text import printable


class UserError(click.ClickException):
    """A user error as Click prints it: `Error: <one line>` on stderr, exit status 2."""

    exit_code = 2


class AevizCommand(click.Command):
    """A command whose AevizErrors become UserErrors, naming the flag a bad value came from."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingError as error:
            raise UserError(printable(_name_the_flag(error, ctx.params))) from None
        except AevizError as error:
            raise UserError(printable(str(error))) from None


class AevizGroup(click.Group):
    """Click's own usage errors (a mistyped option) as one line too, with a pointer to --help."""

    command_class = AevizCommand

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            where = error.ctx.command_path if error.ctx else ctx.command_path
            raise UserError(printable(f"{error.format_message()} (see '{where} --help')")) from None
        except KeyboardInterrupt:
            click.echo("Aborted.", err=True)
            raise click.exceptions.Exit(exit_status()) from None


def _name_the_flag(error: SettingError, params: dict) -> str:
    """`--set train.epochs: ...`, `--size: ...`: the flag a setting's bad value came from."""
    for key in params.get("overrides") or {}:
        if error.key == key or error.key.startswith((f"{key}.", f"{key}[")):
            return f"--set {key}: {error.problem}"
        if key.startswith((f"{error.key}.", f"{error.key}[")):  # a table the option made up
            return f"--set {key}: {error.key}: {error.problem}"
    name = error.key.removeprefix("render.")
    if name in params and params[name] is not None and name != "overrides":
        return f"--{name.replace('_', '-')}: {error.problem}"
    return str(error)
