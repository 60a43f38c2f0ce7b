"""The flags several commands share: --set, --quiet, --shard and the render flags (one per
[render] key, from one table)."""

from __future__ import annotations

from typing import Any

import click

from aeviz.cli.errors import UserError
from aeviz.errors import AevizError
from aeviz.settings import ALIGN_NAMES, PACE_NAMES, SCALE_NAMES, THEME_NAMES, RenderOptions
from aeviz.settings.fields import clipped
from aeviz.settings.overrides import parse_assignment


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
               "ellipses": "on for a VAE",
               "log_loss": "log where the losses drawn span more than 10x"}


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
                                 help="Log scale for the loss "
                                 f"[{UNSET_MEANS['log_loss']}]."),
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
             "smooth")


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
