"""`aeviz figure`: code planes at chosen epochs above the loss curve, for handouts."""

from __future__ import annotations

import click

from aeviz import api
from aeviz.cli.errors import AevizCommand
from aeviz.cli.flags import CLIP_ONLY, RENDER_ORDER, quiet_option, render_flag_table, render_flags
from aeviz.cli.progress import note_printer
from aeviz.text import printable


@click.command(cls=AevizCommand, epilog=RENDER_ORDER)
@click.argument("runs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="OUT.pdf, OUT.svg or OUT.png.")
@click.option("--at", help="Moments, comma-separated: epochs, fractions of the run (0.5) and "
              "last, each shown at the nearest recorded snapshot (default: 0,0.1,0.3,last; a run "
              "that diverged: its start, its last step before the blow-up and the blow-up's).")
@click.option("--width", type=click.FloatRange(min=1, max=40), help="Width in inches "
              "(default 6.3, a page's text width); fonts keep their size in points.")
@render_flags(only=tuple(name for name in render_flag_table()
                         if name not in CLIP_ONLY and name != "title"))
@click.option("--title", help="A title above the figure (default: none; captions are "
              "usually the document's).")
@quiet_option
def figure(runs: tuple[str, ...], output: str, at: str | None, width: float | None,
           quiet: bool, **flags) -> None:
    """A handout figure of RUNS: a row of code planes at chosen epochs (one row per run) on
    the clip's fixed scales, above the loss curve with those epochs marked. With decoder
    among the panels (--panels code,decoder, or the runs' [render] panels), each run's row
    has below it the decoder's output over a grid of the code plane at those epochs.

    aeviz figure run.npz -o fig.pdf --at 0,10,50,last
    aeviz figure ae.npz vae.npz -o slide.pdf --panels code,decoder
    """
    api.figure(list(runs), output, at, width=width, notify=note_printer(quiet), **flags)
    if not quiet:
        click.echo(printable(f"wrote {output}"))
