"""`aeviz figure`: code planes at chosen epochs above the loss curve, for handouts."""

from __future__ import annotations

import click

from aeviz import api
from aeviz.cli.options import AevizCommand, _comma_list


@click.command(cls=AevizCommand)
@click.argument("runs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="OUT.pdf, OUT.svg or OUT.png.")
@click.option("--at", help="Moments, comma-separated: epochs, fractions of the run (0.5) and "
              "last (default: 0,0.1,0.3,last).")
@click.option("--width", type=click.FloatRange(min=1, max=40), help="Width in inches "
              "(default 6.3, a page's text width); fonts keep their size in points.")
@click.option("--theme", type=click.Choice(["light", "dark"]), help="light (default) or dark.")
@click.option("--labels", callback=_comma_list,
              help="Names of the runs, comma-separated (default: their titles).")
@click.option("--title", help="A title above the figure (default: none; captions are "
              "usually the document's).")
@click.option("--log-loss/--no-log-loss", default=None, help="Log scale for the loss.")
@click.option("--align", type=click.Choice(["none", "procrustes"]),
              help="procrustes: remove the code plane's spin and flips between epochs.")
@click.option("--pca/--no-pca", default=None, help="The PCA (2 components) error, dashed.")
@click.option("--future/--no-future", default=None,
              help="Draw the loss curves past the last chosen moment (default: on).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def figure(runs: tuple[str, ...], output: str, at: str | None, width: float | None,
           quiet: bool, **flags) -> None:
    """A handout figure of RUNS: a row of code planes at chosen epochs (one row per run) on
    the clip's fixed scales, above the loss curve with those epochs marked.

    aeviz figure run.npz -o fig.pdf --at 0,10,50,last
    """
    def note(message: str) -> None:
        if not quiet:
            click.echo(f"note: {message}", err=True)

    api.figure(list(runs), output, at, width=width, notify=note, **flags)
    if not quiet:
        click.echo(f"wrote {output}")
