"""`aeviz render`: trajectories into a clip, a still or a page."""

from __future__ import annotations

from pathlib import Path

import click

from aeviz import api
from aeviz.cli.errors import AevizCommand
from aeviz.cli.flags import RENDER_ORDER, quiet_option, render_flags
from aeviz.cli.progress import Progress, note_printer
from aeviz.errors import AevizError
from aeviz.text import printable


@click.command(cls=AevizCommand, epilog=RENDER_ORDER)
@click.argument("runs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="A clip (.mp4, .webm, .gif, .webp) or a still (.png, .pdf, .svg), by its "
              "name (default: the first run's name with .mp4).")
@render_flags
@click.option("--epoch", type=float, help="For a still (.png, .pdf, .svg): the epoch to show, "
              "at the nearest recorded snapshot (default: the last); in epochs completed, "
              "as the loss axis counts them (epoch 1, batch 3/13 is 0.23).")
@quiet_option
def render(runs: tuple[str, ...], output: str | None, epoch: float | None, quiet: bool,
           **flags) -> None:
    """Render trajectories (.npz) into a clip: code plane, loss and weight graph.

    Several runs are drawn side by side, synchronized by epoch, with their loss curves in one
    panel: aeviz render sgd.npz adam.npz -o optimizers.mp4
    """
    from aeviz.renderer.formats import FORMATS

    clips = [run for run in runs[1:] if Path(run).suffix.lower() in FORMATS]
    if clips and output is None and not Path(clips[-1]).exists():
        raise AevizError(f"{clips[-1]}: no such trajectory; to write the clip there, give "
                         f"it with -o: aeviz render {' '.join(runs[:-1])} -o {clips[-1]}")
    render_to(list(runs), output or Path(runs[0]).with_suffix(".mp4").name, flags, quiet,
              epoch)


def render_to(runs: list, output: str, flags: dict, quiet: bool,
              epoch: float | None = None) -> None:
    """Render through the API with a progress bar; print the notes and the summary line."""
    frames = [0]

    def on_frame(done: int, total: int) -> None:
        frames[0] = total
        progress(done, total)

    with Progress("rendering", quiet) as progress:
        api.render(runs, output, epoch=epoch, notify=note_printer(quiet), on_frame=on_frame,
                   **flags)
    if not quiet:
        size = Path(output).stat().st_size
        click.echo(printable(f"{output}: {frames[0]} frame{'s' if frames[0] != 1 else ''}, "
                             f"{size / 1e6:.1f} MB"))
