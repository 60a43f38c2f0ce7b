"""The pieces of the command line that every command shares: how user errors are printed,
flag types and callbacks, the render flags, the progress bar and the `info` text."""

from __future__ import annotations

import sys
from typing import Any

import click

from aeviz.config import ALIGN_NAMES, THEME_NAMES
from aeviz.errors import AevizError, SettingError
from aeviz.overrides import parse_assignment
from aeviz.signals import exit_status


class UserError(click.ClickException):
    """A user error as Click prints it: `Error: <one line>` on stderr, exit status 2."""

    exit_code = 2


class AevizCommand(click.Command):
    """A command whose AevizErrors become UserErrors, naming the flag a bad value came from."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingError as error:
            raise UserError(_name_the_flag(error, ctx.params)) from None
        except AevizError as error:
            raise UserError(str(error)) from None


class AevizGroup(click.Group):
    """Click's own usage errors (a mistyped option) as one line too, with a pointer to --help."""

    command_class = AevizCommand

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            where = error.ctx.command_path if error.ctx else ctx.command_path
            raise UserError(f"{error.format_message()} (see '{where} --help')") from None
        except KeyboardInterrupt:
            click.echo("Aborted.", err=True)
            raise click.exceptions.Exit(exit_status()) from None


def _name_the_flag(error: SettingError, params: dict) -> str:
    """`--set train.epochs: ...`, `--size: ...`: the flag a setting's bad value came from."""
    for key in params.get("overrides") or {}:
        if error.key == key or error.key.startswith((f"{key}.", f"{key}[")):
            return f"--set {key}: {error.problem}"
    name = error.key.removeprefix("render.")
    if name in params and params[name] is not None and name != "overrides":
        return f"--{name.replace('_', '-')}: {error.problem}"
    return str(error)


def _assignments(ctx: click.Context, param: click.Parameter, texts: tuple[str, ...]) -> dict:
    """--set KEY=VALUE (repeatable) -> {KEY: VALUE typed as TOML}."""
    overrides = {}
    for text in texts:
        try:
            key, value = parse_assignment(text)
        except AevizError as error:
            raise UserError(f"--set {text}: {error}") from None
        overrides[key] = value
    return overrides


def _comma_list(ctx: click.Context, param: click.Parameter, text: str | None) -> list | None:
    """"a, b,c" -> ["a", "b", "c"]."""
    return None if text is None else [item.strip() for item in text.split(",")]


class ShardType(click.ParamType):
    """"I/N" -> (I, N) with 1 <= I <= N."""

    name = "I/N"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        index, _, count = str(value).partition("/")
        if not (index.strip().isdigit() and count.strip().isdigit()
                and 1 <= int(index) <= int(count)):
            raise UserError(f"--shard: must be I/N with 1 <= I <= N, such as 1/4; got {value!r}")
        return int(index), int(count)


set_option = click.option(
    "--set", "overrides", multiple=True, metavar="KEY=VALUE", callback=_assignments,
    help="Override an experiment key, e.g. --set train.learning_rate=0.01 (repeatable).")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")


def render_flags(function):
    """The render options of `render`, `view` and `demo`: one flag per [render] key."""
    flags = [
        click.option("--fps", type=int, help="Frames per second (default 30)."),
        click.option("--size", help="WIDTHxHEIGHT in pixels (default 1280x720)."),
        click.option("--theme", type=click.Choice(THEME_NAMES), help="light (default) or dark."),
        click.option("--panels", callback=_comma_list,
                     help="Panels to show, in order: code,loss,weights,recon."),
        click.option("--epochs", help="Show only epochs FIRST:LAST (either may be left out)."),
        click.option("--every", type=int, help="Use every K-th snapshot."),
        click.option("--duration", type=float, help="Fit the clip to SECONDS (frames chosen "
                     "evenly)."),
        click.option("--hold", type=float, help="Freeze the last frame for SECONDS."),
        click.option("--title", help="Title (default: the experiment's title)."),
        click.option("--log-loss/--no-log-loss", default=None, help="Log scale for the loss."),
        click.option("--align", type=click.Choice(ALIGN_NAMES),
                     help="procrustes: remove the code plane's spin and flips between frames."),
        click.option("--trails", type=int, help="Each point trails its last K positions."),
        click.option("--smooth", type=int, help="N interpolated frames between snapshots."),
        click.option("--pca/--no-pca", default=None,
                     help="The PCA (2 components) error as a dashed line (default: on)."),
        click.option("--pca-ghost/--no-pca-ghost", default=None,
                     help="Also the PCA projection, faint, fitted onto the codes."),
        click.option("--labels", callback=_comma_list,
                     help="Names of the runs, comma-separated (default: their titles)."),
    ]
    for flag in reversed(flags):
        function = flag(function)
    return function


class Progress:
    """A progress bar on stderr, only when stderr is a terminal (never in logs or CI)."""

    def __init__(self, label: str, quiet: bool = False):
        self.label, self.enabled, self.bar = label, not quiet and sys.stderr.isatty(), None

    def __call__(self, done: int, total: int, item: str | None = None) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr,
                                         item_show_func=lambda shown: shown)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos, item)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def describe(summary: dict[str, Any]) -> str:
    """A trajectory's summary (plus `file_bytes`) as aligned "key  value" lines for people."""
    hp = summary["hyperparameters"]
    clusters = ", ".join(f"{name} ({n})" for name, n in summary["clusters"].items())
    converged = summary["stop_reason"] == "converged"
    lines = [
        ("title", summary["title"]),
        ("layers", " - ".join(map(str, summary["layers"]))
         + f"  (code layer {summary['code_layer']})"),
        ("activations", ", ".join(summary["activations"])),
        ("optimizer", f"{summary['optimizer']}, learning rate {hp['learning_rate']:g}, batch "
                      f"{hp['batch_size']}, beta1 {hp['beta1']:g}, beta2 {hp['beta2']:g}, "
                      f"eps {hp['eps']:g}, seed {hp['seed']}"),
        ("data", f"{summary['samples']} samples in {summary['dimensions']}-D"
                 + (f"; {clusters}" if clusters else "")),
        ("snapshots", f"{summary['snapshots']}, epochs {summary['epochs'][0]} to "
                      f"{summary['epochs'][1]} (at most {hp['epochs']})"),
        ("stopped", summary["stop_reason"] + (f" (epsilon {hp['epsilon']:g})" if converged
                                              else "")),
        ("RMSE", f"first {summary['first_rmse']:.4g}, final {summary['final_rmse']:.4g}"),
        ("file", f"{summary['file_bytes'] / 1e6:.2f} MB, written by aeviz "
                 f"{summary['aeviz_version']} on {summary['created']}"),
    ]
    width = max(len(key) for key, _ in lines)
    return "\n".join(f"{key.ljust(width)}  {value}" for key, value in lines)
