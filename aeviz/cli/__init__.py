"""The `aeviz` command line: thin wiring from flags to config, trainer, renderer and batch.

Flag names live in this package and nowhere else: the rest of aeviz names settings
(`render.size`), and a setting error about a value that came from a flag is reworded here to
name the flag (`--size`, see `options`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from aeviz import __version__, api
from aeviz.cli.batch import batch as batch_command
from aeviz.cli.figure import figure as figure_command
from aeviz.cli.info import info as info_command
from aeviz.cli.options import (
    RENDER_ORDER,
    AevizGroup,
    Progress,
    TrainingStatus,
    note_printer,
    quiet_option,
    render_flags,
    set_option,
    unset_render_keys,
)
from aeviz.errors import AevizError, out_of_memory
from aeviz.files import check_writable, write_text_atomic
from aeviz.settings import (
    Experiment,
    RenderOptions,
    default_experiment_text,
    load_default,
    load_experiment,
)
from aeviz.signals import exit_status, handle_stop_signals

if TYPE_CHECKING:  # numpy is imported where it is used (`init` and `validate` do without)
    from aeviz.training.recorder import Saved
    from aeviz.trajectory import Trajectory


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


@cli.command()
@click.argument("path", default="experiment.toml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: str, force: bool) -> None:
    """Write a commented experiment template to PATH (default: experiment.toml)."""
    if Path(path).exists() and not force:
        raise AevizError(f"{path}: already exists (use --force to overwrite)")
    check_writable(path)
    write_text_atomic(path, default_experiment_text())
    click.echo(f"wrote {path}; train it with: aeviz train {path}")


@cli.command()
@click.argument("experiment", type=click.Path(dir_okay=False))
@set_option
def validate(experiment: str, overrides: dict) -> None:
    """Check EXPERIMENT and print it with every default filled in: the values train, render
    and batch will use (a flag of render still beats the [render] table). A comparison file
    is checked with the experiments beside it that it names."""
    from aeviz.settings.comparison import is_comparison, read_toml, validated_comparison
    from aeviz.training.data import load_data

    if is_comparison(read_toml(experiment) or {}):
        if overrides:
            raise AevizError(f"{experiment}: --set changes experiments; this is a comparison")
        click.echo(validated_comparison(experiment), nl=False)
        return
    exp = load_experiment(experiment, overrides)
    data = load_data(exp)  # data files are part of the experiment: check they read and fit
    warn_about_range(exp, data.x)
    click.echo(exp.to_toml() + unset_render_keys(exp.render), nl=False)  # [render] is last


@cli.command()
@click.argument("experiment", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Trajectory to write (default: EXPERIMENT's name with .npz, here).")
@set_option
@quiet_option
def train(experiment: str, output: str | None, overrides: dict, quiet: bool) -> None:
    """Train EXPERIMENT (a TOML file) and record its trajectory (.npz)."""
    from aeviz.training.data import input_paths

    exp = api.experiment(experiment, overrides)
    output = output or Path(experiment).with_suffix(".npz").name
    check_writable(output, inputs=[experiment, *input_paths(exp)])
    train_and_save(exp, output, quiet)


def train_and_save(exp: Experiment, output: str, quiet: bool) -> Saved:
    """Load the data and say if the network cannot reach its range; train with a progress bar
    on a terminal, streaming the trajectory to `output` (written atomically); print the
    summary line. Exits with the signal's status if a stop signal came (the run is saved)."""
    from aeviz.signals import stop_requested
    from aeviz.training.advice import divergence_advice
    from aeviz.training.data import load_data
    from aeviz.training.loop import train_to_file

    check_writable(output)
    data = load_data(exp)
    if not quiet:
        warn_about_range(exp, data.x)
    with Progress("training", quiet, eta=False) as progress:
        status = TrainingStatus(progress)
        run = train_to_file(exp, output, on_epoch=status.epoch, on_step=status.step, data=data)
    del data  # (its memory is not needed by what follows: a demo's render)
    if not quiet:
        meta = run.meta
        if meta["stop_reason"] == "diverged":
            click.echo(f"warning: training diverged at epoch {meta['diverged_at']} (the loss "
                       f"or weights stopped being finite); the trajectory ends at "
                       f"{run.ends_at}. {divergence_advice(exp)}", err=True)
        click.echo(f"{exp.source}: ends at {run.ends_at}, final RMSE {run.loss[-1]:.4g}, "
                   f"stopped: {meta['stop_reason']}, {run.snapshots} snapshots -> {output} "
                   f"({meta['wall_seconds']:.1f} s)")
    if run.stop_reason == "interrupted" or stop_requested():
        sys.exit(exit_status())
    return run


def warn_about_range(exp: Experiment, x) -> None:
    """The output activation cannot reach the data: say so on stderr (not an error)."""
    from aeviz.training.advice import range_warning

    warning = range_warning(exp, x)
    if warning:
        click.echo(warning, err=True)


def load_runs(paths: tuple[str, ...], flags: dict) -> tuple[list[Trajectory], RenderOptions]:
    """The trajectories, and the render options: the first run's [render] table, then flags."""
    runs = api.runs_of(paths)
    for run in runs:
        for line in run.notes:  # keys another aeviz version wrote, dropped
            click.echo(f"note: {line}", err=True)
    return runs, api.options_of(runs, flags)


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
        click.echo(f"{output}: {frames[0]} frame{'s' if frames[0] != 1 else ''}, "
                   f"{size / 1e6:.1f} MB")


@cli.command(epilog=RENDER_ORDER)
@click.argument("runs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="A clip (.mp4, .webm, .gif, .webp) or a still (.png, .pdf, .svg), by its "
              "name (default: the first run's name with .mp4).")
@render_flags
@click.option("--epoch", type=float, help="For a still (.png, .pdf, .svg): the epoch to show, "
              "at the nearest recorded snapshot (default: the last).")
@quiet_option
def render(runs: tuple[str, ...], output: str | None, epoch: float | None, quiet: bool,
           **flags) -> None:
    """Render trajectories (.npz) into a clip: code plane, loss and weight graph.

    Several runs are drawn side by side, synchronized by epoch, with their loss curves in one
    panel: aeviz render sgd.npz adam.npz -o optimizers.mp4
    """
    from aeviz.renderer import FORMATS

    clips = [run for run in runs[1:] if Path(run).suffix.lower() in FORMATS]
    if clips and output is None and not Path(clips[-1]).exists():
        raise AevizError(f"{clips[-1]}: no such trajectory; to write the clip there, give "
                         f"it with -o: aeviz render {' '.join(runs[:-1])} -o {clips[-1]}")
    output = output or Path(runs[0]).with_suffix(".mp4").name
    render_to(list(runs), output, flags, quiet, epoch)


@cli.command(epilog=RENDER_ORDER)
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
    show_window(*load_runs(runs, flags), notify=note)


@cli.command(epilog=RENDER_ORDER.replace("built-in default", "built-in experiment's value"))
@click.option("-o", "--output", default="demo.mp4", show_default=True,
              type=click.Path(dir_okay=False), help="A clip (.mp4, .webm, .gif, .webp) or a "
              "still (.png, .pdf, .svg); the trajectory is saved beside it as .npz.")
@render_flags(defaults=load_default().render)
@quiet_option
def demo(output: str, quiet: bool, **flags) -> None:
    """Train the built-in experiment (the original program's default) and render it."""
    from aeviz import trajectory
    from aeviz.renderer import check_request

    exp = load_default()
    options = api.options_on(exp.render, flags)
    check_request(output, options)
    check_writable(output)
    recorded = str(Path(output).with_suffix(".npz"))
    train_and_save(exp, recorded, quiet)
    render_to([trajectory.load(recorded)], output, flags, quiet)


cli.add_command(batch_command, "batch")
cli.add_command(figure_command, "figure")
cli.add_command(info_command, "info")


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


def main() -> None:
    """Console-script entry point."""
    handle_stop_signals()
    drop_unknown_backend()
    try:
        cli(prog_name="aeviz")
    except (MemoryError, RuntimeError, ImportError) as error:
        problem = out_of_memory(error)
        if not problem:
            raise
        click.echo(f"Error: {problem}", err=True)
        sys.exit(2)
