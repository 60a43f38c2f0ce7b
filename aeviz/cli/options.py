"""The pieces of the command line that every command shares: how user errors are printed,
flag types and callbacks, the render flags, the progress bar and the `info` text."""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from aeviz.errors import AevizError, SettingError
from aeviz.settings import ALIGN_NAMES, PACE_NAMES, SCALE_NAMES, THEME_NAMES, RenderOptions
from aeviz.settings.fields import clipped
from aeviz.settings.overrides import parse_assignment
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
            raise UserError(f"--set {clipped(text, 100)}: {error}") from None
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
        numbers = (index.strip(), count.strip())
        if not (all(n.isascii() and n.isdigit() and len(n) < 10 for n in numbers)
                and 1 <= int(index) <= int(count)):
            raise UserError(f"--shard: must be I/N with 1 <= I <= N, such as 1/4; got {value!r}")
        return int(index), int(count)


set_option = click.option(
    "--set", "overrides", multiple=True, metavar="KEY=VALUE", callback=_assignments,
    help="Override an experiment key, e.g. --set train.learning_rate=0.01 (repeatable).")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")


# Said once, at the end of the help of every command that takes the render flags.
RENDER_ORDER = ("Which value wins: a flag, else the experiment's [render] table (a trajectory "
                "keeps it), else the built-in default shown with each flag.")


# What the [render] keys without a value default to (a TOML file cannot write "unset").
UNSET_MEANS = {"title": "the experiment's title", "epochs": "all",
               "labels": "label keys, else what differs", "pull": "off",
               "ellipses": "on for a VAE"}


def unset_render_keys(options: RenderOptions) -> str:
    """A TOML comment naming the [render] keys left unset and what they mean, for validate."""
    unset = [f"{name} ({means})" for name, means in UNSET_MEANS.items()
             if getattr(options, name) is None]
    return f"# not set: {', '.join(unset)}\n" if unset else ""


def _default(name: str, defaults: RenderOptions | None = None) -> str:
    """A [render] key's default as its flag takes it, for the flag's help: the built-in one,
    or that of `defaults` (the demo's experiment)."""
    value = getattr(defaults, name) if defaults is not None else \
        RenderOptions.__dataclass_fields__[name].default
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ",".join(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def render_flag_table(defaults: RenderOptions | None = None) -> dict[str, Any]:
    """One click option per [render] key, by key: the one table `render`, `view`, `demo` and
    `figure` take their render flags from (`defaults`: what the help shows as default)."""
    def default(name: str) -> str:
        return _default(name, defaults)

    return {
        "fps": click.option("--fps", type=int, help=f"Frames per second [{default('fps')}]."),
        "size": click.option("--size", help=f"WIDTHxHEIGHT in pixels [{default('size')}]."),
        "theme": click.option("--theme", type=click.Choice(THEME_NAMES),
                              help=f"Colors; dark for projectors [{default('theme')}]."),
        "panels": click.option("--panels", callback=_comma_list, help="Panels in order, of "
                               f"code,loss,weights,recon,decoder [{default('panels')}]."),
        "epochs": click.option("--epochs", help="Show only epochs FIRST:LAST, either may be "
                               f"left out [{UNSET_MEANS['epochs']}]."),
        "every": click.option("--every", type=int,
                              help=f"Use every K-th snapshot [{default('every')}]."),
        "duration": click.option("--duration", type=float, help="Fit the clip to SECONDS; 0: "
                                 f"one frame per snapshot [{default('duration')}]."),
        "pace": click.option("--pace", type=click.Choice(PACE_NAMES), help="Clip time per "
                             f"epoch: even, or log so early epochs get more [{default('pace')}]."),
        "hold": click.option("--hold", type=float,
                             help=f"Freeze the last frame for SECONDS [{default('hold')}]."),
        "title": click.option("--title", help=f"Title [{UNSET_MEANS['title']}]."),
        "caption": click.option("--caption", help="A few sentences shown under the panels of "
                                "a clip, still or .html page [none]."),
        "log_loss": click.option("--log-loss/--no-log-loss", default=None,
                                 help=f"Log scale for the loss [{default('log_loss')}]."),
        "align": click.option("--align", type=click.Choice(ALIGN_NAMES), help="procrustes: "
                              f"remove the code plane's spin and flips [{default('align')}]."),
        "trails": click.option("--trails", type=int, help="Each point trails its last K "
                               f"positions [{default('trails')}]."),
        "smooth": click.option("--smooth", type=int, help="N interpolated frames between "
                               f"snapshots [{default('smooth')}]."),
        "pca": click.option("--pca/--no-pca", default=None, help="The PCA (2 components) "
                            f"error as a dashed line [{default('pca')}]."),
        "pca_ghost": click.option("--pca-ghost/--no-pca-ghost", default=None, help="Also the "
                                  "PCA projection, faint, fitted onto the codes "
                                  f"[{default('pca_ghost')}]."),
        "labels": click.option("--labels", callback=_comma_list, help="Names of the runs, "
                               f"comma-separated [{UNSET_MEANS['labels']}]."),
        "future": click.option("--future/--no-future", default=None, help="The loss curve not "
                               "yet reached, faint; off keeps a still from telling the end "
                               f"[{default('future')}]."),
        "scales": click.option("--scales", type=click.Choice(SCALE_NAMES), help="shared: one "
                               "code scale and one weight color scale for all runs; own: each "
                               "run its own; follow: limits grow with the values, frame by "
                               f"frame (for a blow-up) [{default('scales')}]."),
        "pull": click.option("--pull/--no-pull", default=None, help="Arrows: where the "
                             "reconstruction error pulls each code (-d loss/d code) "
                             f"[{UNSET_MEANS['pull']}]."),
        "ellipses": click.option("--ellipses/--no-ellipses", default=None, help="A VAE's "
                                 "one-sigma ellipses around some codes "
                                 f"[{UNSET_MEANS['ellipses']}]."),
    }


# The flags that mean nothing for a handout (it has no frames or size in pixels; of the
# panels it reads only whether the decoder is among them).
CLIP_ONLY = ("fps", "size", "epochs", "every", "duration", "pace", "hold", "trails",
             "smooth", "pca_ghost")


def render_flags(function=None, *, only: tuple[str, ...] | None = None,
                 defaults: RenderOptions | None = None):
    """The render options of `render`, `view`, `demo` (and, `only` some, `figure`): one flag
    per [render] key, from `render_flag_table`."""
    def decorate(function):
        table = render_flag_table(defaults)
        for name in reversed(list(only or table)):
            function = table[name](function)
        return function
    return decorate(function) if function is not None else decorate


def note_printer(quiet: bool):
    """Where notes for the user go: stderr, unless --quiet."""
    def note(message: str) -> None:
        if not quiet:
            click.echo(f"note: {message}", err=True)
    return note


class Progress:
    """A progress bar on stderr, only when stderr is a terminal (never in logs or CI)."""

    def __init__(self, label: str, quiet: bool = False, eta: bool = True):
        self.label, self.enabled, self.bar = label, not quiet and sys.stderr.isatty(), None
        self.eta = eta  # click's own estimate of the time left

    def __call__(self, done: int, total: int, item: str | None = None) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr,
                                         item_show_func=lambda shown: shown,
                                         show_eta=self.eta)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos, item)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


class TrainingStatus:
    """Training's progress line: the latest RMSE, samples per second and the time left,
    redrawn at most every REDRAW seconds (mini-batches can come thousands a second)."""

    REDRAW = 0.2

    def __init__(self, progress: Progress, clock=time.perf_counter):
        self.progress, self.clock = progress, clock
        self.started = self.shown = clock()
        self.rmse: float | None = None

    def epoch(self, epoch: int, rmse: float) -> None:
        self.rmse = rmse

    def step(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.shown >= self.REDRAW:
            self.shown = now
            self.progress(done, total, self.text(done, total, now - self.started))

    def text(self, done: int, total: int, seconds: float) -> str:
        """The line shown, such as: RMSE 0.0412  5,310 samples/s  1:23 left."""
        rate = done / max(seconds, 1e-9)
        rmse = "" if self.rmse is None else f"RMSE {self.rmse:.4f}  "
        return f"{rmse}{rate:,.0f} samples/s  {clock_text((total - done) / rate)} left"


def clock_text(seconds: float) -> str:
    """1:05 or 2:03:09: minutes and seconds, hours when needed."""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


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
        ("snapshots", f"{summary['snapshots']}, epoch {summary['epochs'][0]} to "
                      f"{summary['ends_at']} (at most {hp['epochs']} epochs)"),
        ("stopped", summary["stop_reason"] + (f" (epsilon {hp['epsilon']:g})" if converged
                                              else "")),
        ("RMSE", f"first {summary['first_rmse']:.4g}, final {summary['final_rmse']:.4g}"),
        *([("objective", ", ".join(f"{k} {v:g}" if not isinstance(v, bool) else k
                                   for k, v in summary["objective"].items())
                        + "".join(f"; final {k} {v:.4g}"
                                  for k, v in summary.get("final_terms", {}).items()))]
          if summary.get("objective") else []),
        ("file", f"{summary['file_bytes'] / 1e6:.2f} MB, written by aeviz "
                 f"{summary['aeviz_version']} on {summary['created']}"),
    ]
    width = max(len(key) for key, _ in lines)
    return "\n".join(f"{key.ljust(width)}  {value}" for key, value in lines)
