"""The `aeviz` command line: one module per command, each thin wiring from flags to the API.

Flag names live in this package and nowhere else: the rest of aeviz names settings
(`render.size`), and a setting error about a value that came from a flag is reworded here to
name the flag (`--size`, see `errors`). The shared pieces are split by job: `errors` (how a
mistake is printed), `flags` (the flags several commands take), `progress` (notes, progress
bars, training's status line).
"""

from __future__ import annotations

import os
import sys
import warnings

import click

from aeviz.cli import batch, demo, figure, info, init, render, train, validate, view
from aeviz.cli.errors import AevizGroup
from aeviz.errors import out_of_memory
from aeviz.signals import handle_stop_signals
from aeviz.text import printable
from aeviz.version import __version__


@click.group(cls=AevizGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aeviz")
def cli() -> None:
    """Make the learning of an autoencoder visible.

    \b
    aeviz demo                   the whole pipeline on the built-in experiment
    aeviz init exp.toml          write a commented experiment to start from
    aeviz train exp.toml         train it and record every epoch into exp.npz
    aeviz render exp.npz -o clip.mp4      (or .gif, or .png --epoch N)
    aeviz figure exp.npz -o fig.pdf --at 0,10,50,last     for handouts
    aeviz view exp.npz           scrub through it in a window
    aeviz batch examples/ -o clips/       every experiment of a folder, incrementally
    """


for command in (demo.demo, init.init, train.train, validate.validate, render.render, view.view,
                batch.batch, figure.figure, info.info):
    cli.add_command(command)


# matplotlib's own backends (matplotlib.rcsetup's list): matplotlib refuses any other name in
# MPLBACKEND with a traceback when imported, but aeviz draws with Agg whatever it says.
MATPLOTLIB_BACKENDS = frozenset((
    "gtk3agg", "gtk3cairo", "gtk4agg", "gtk4cairo", "macosx", "nbagg", "notebook", "qtagg",
    "qtcairo", "qt5agg", "qt5cairo", "tkagg", "tkcairo", "webagg", "wx", "wxagg", "wxcairo",
    "agg", "cairo", "pdf", "pgf", "ps", "svg", "template", "inline"))


def drop_unknown_backend() -> None:
    """Forget an MPLBACKEND that names no backend: drawing uses Agg anyway, and `view` picks a
    window backend itself (and says so when none can open)."""
    backend = os.environ.get("MPLBACKEND")
    if backend is not None and not (backend.lower() in MATPLOTLIB_BACKENDS
                                    or backend.startswith("module://")):
        del os.environ["MPLBACKEND"]


def warning_as_note(message, category, filename, lineno, file=None, line=None) -> None:
    """A library's warning (matplotlib: "Glyph 26085 missing from font(s) DejaVu Sans" for a
    title in a script the font lacks) as one note line, not its source file and code line."""
    click.echo(f"note: {printable(message)}", err=True)


def main() -> None:
    """Console-script entry point."""
    handle_stop_signals()
    warnings.showwarning = warning_as_note
    drop_unknown_backend()
    try:
        cli(prog_name="aeviz")
    except (MemoryError, RuntimeError, ImportError) as error:
        problem = out_of_memory(error)
        if not problem:
            raise
        click.echo(f"Error: {problem}", err=True)
        sys.exit(2)
