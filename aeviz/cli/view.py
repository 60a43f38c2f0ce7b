"""`aeviz view`: trajectories in a window, to scrub through."""

from __future__ import annotations

import click

from aeviz import api
from aeviz.cli.errors import AevizCommand
from aeviz.cli.flags import RENDER_ORDER, quiet_option, render_flags
from aeviz.cli.progress import note_printer


@click.command(cls=AevizCommand, epilog=RENDER_ORDER)
@click.argument("runs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@render_flags
@quiet_option
def view(runs: tuple[str, ...], quiet: bool, **flags) -> None:
    """Open RUNS in a window: play/pause, a slider to scrub, arrow keys to step. It shows
    every snapshot, played at --fps; --duration, --pace and --hold shape clips only.

    \b
    right / left   next / previous frame      up / down   10 frames
    space          play or pause              home / end  first / last frame
    """
    from aeviz.renderer.viewer import CLIP_ONLY, show_window

    note = note_printer(quiet)
    ignored = [f"--{name}" for name in CLIP_ONLY if flags.get(name) is not None]
    if ignored:
        note(f"{', '.join(ignored)} shape{'s' if len(ignored) == 1 else ''} a clip's time; "
             "the viewer shows every snapshot, played at --fps")
    loaded = api.runs_of(list(runs), notify=note)
    show_window(loaded, api.options_of(loaded, flags), notify=note)
