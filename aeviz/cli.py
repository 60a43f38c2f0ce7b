"""The `aeviz` command line: thin wiring from options to config, trainer, renderer and batch."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from aeviz import __version__
from aeviz.config import (
    THEME_NAMES,
    Experiment,
    RenderOptions,
    default_experiment_text,
    load_experiment,
    render_options,
)
from aeviz.errors import AevizError
from aeviz.files import check_writable, write_text_atomic

if TYPE_CHECKING:  # the trajectory module pulls in numpy: imported where it is used
    from aeviz.trajectory import Trajectory


class AevizGroup(click.Group):
    """Every user error (ours or click's) is one line on stderr and exit status 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except AevizError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(2)
        except click.ClickException as error:
            hint = ""
            if isinstance(error, click.UsageError) and error.ctx is not None:
                hint = f" (see '{error.ctx.command_path} --help')"
            click.echo(f"Error: {error.format_message()}{hint}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=AevizGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aeviz")
def cli() -> None:
    """Make the learning of an autoencoder visible.

    \b
    aeviz demo                   the whole pipeline on the built-in experiment
    aeviz init exp.toml          write a commented experiment to start from
    aeviz train exp.toml         train it and record every epoch into exp.npz
    aeviz render exp.npz -o clip.mp4      (or .gif, or .png --epoch N)
    aeviz view exp.npz           scrub through it in a window
    aeviz batch examples/ -o clips/       every experiment of a folder, incrementally
    """


set_option = click.option(
    "--set", "overrides", multiple=True, metavar="KEY=VALUE",
    help="Override an experiment key, e.g. --set train.learning_rate=0.01 (repeatable).")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")


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
def validate(experiment: str, overrides: tuple[str, ...]) -> None:
    """Check EXPERIMENT and print it with every default filled in."""
    from aeviz.data import load_data

    exp = load_experiment(experiment, overrides)
    load_data(exp)  # data files are part of the experiment: check they read and fit
    click.echo(exp.to_toml(), nl=False)


@cli.command()
@click.argument("experiment", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Trajectory to write (default: EXPERIMENT's name with .npz, here).")
@set_option
@quiet_option
def train(experiment: str, output: str | None, overrides: tuple[str, ...], quiet: bool) -> None:
    """Train EXPERIMENT (a TOML file) and record its trajectory (.npz)."""
    exp = load_experiment(experiment, overrides)
    output = output or Path(experiment).with_suffix(".npz").name
    run = train_and_save(exp, output, quiet)
    if run.stop_reason == "interrupted":
        sys.exit(130)


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


def train_and_save(exp: Experiment, output: str, quiet: bool) -> Trajectory:
    """Train with a progress bar on a terminal, save atomically, print the summary line."""
    from aeviz.train import train as run_training

    check_writable(output)
    total = exp.train.epochs
    with Progress("training", quiet) as progress:
        run = run_training(exp, on_epoch=lambda epoch, rmse: progress(epoch, total,
                                                                       f"RMSE {rmse:.4f}"))
    run.save(output)
    if not quiet:
        meta = run.meta
        if meta["stop_reason"] == "diverged":
            click.echo(f"warning: training diverged at epoch {meta['diverged_at']} (the loss "
                       f"or weights stopped being finite); the trajectory ends at epoch "
                       f"{meta['epochs_run']}. Try a lower train.learning_rate (now "
                       f"{exp.train.learning_rate:g}).", err=True)
        click.echo(f"{exp.source}: {meta['epochs_run']} epochs, final RMSE {run.loss[-1]:.4g}, "
                   f"stopped: {meta['stop_reason']}, {len(run)} snapshots -> {output} "
                   f"({meta['wall_seconds']:.1f} s)")
    return run


def render_flags(function: Callable) -> Callable:
    """The render options shared by `render` and `demo`; names match the TOML [render] keys."""
    flags = [
        click.option("--fps", type=int, help="Frames per second (default 30)."),
        click.option("--size", help="WIDTHxHEIGHT in pixels (default 1280x720)."),
        click.option("--theme", type=click.Choice(THEME_NAMES), help="light (default) or dark."),
        click.option("--panels", help="Panels to show, in order: code,loss,weights,recon."),
        click.option("--epochs", help="Show only epochs FIRST:LAST (either may be left out)."),
        click.option("--every", type=int, help="Use every K-th snapshot."),
        click.option("--duration", type=float, help="Fit the clip to SECONDS (frames chosen "
                     "evenly)."),
        click.option("--hold", type=float, help="Freeze the last frame for SECONDS."),
        click.option("--title", help="Title (default: the experiment's title)."),
        click.option("--log-loss/--no-log-loss", default=None, help="Log scale for the loss."),
        click.option("--align", type=click.Choice(["none", "procrustes"]),
                     help="procrustes: remove the code plane's spin and flips between frames."),
        click.option("--trails", type=int, help="Each point trails its last K positions."),
        click.option("--smooth", type=int, help="N interpolated frames between snapshots."),
        click.option("--pca/--no-pca", default=None,
                     help="The PCA (2 components) error as a dashed line (default: on)."),
        click.option("--pca-ghost/--no-pca-ghost", default=None,
                     help="Also the PCA projection, faint, fitted onto the codes."),
    ]
    for flag in reversed(flags):
        function = flag(function)
    return function


def collect_render_options(flags: dict, base: RenderOptions | None = None) -> RenderOptions:
    """RenderOptions from the flags that were given, on top of `base`."""
    values = {name: value for name, value in flags.items() if value is not None}
    if "panels" in values:
        values["panels"] = [p.strip() for p in values["panels"].split(",") if p.strip()]
    return render_options(values, base)


def render_to(runs: list[Trajectory], output: str, options: RenderOptions, quiet: bool,
              epoch: float | None = None, labels: list[str] | None = None) -> None:
    """Render with a progress bar; print the notes and the summary line."""
    from aeviz.render import render

    def note(message: str) -> None:
        if not quiet:
            click.echo(f"note: {message}", err=True)

    with Progress("rendering", quiet) as progress:
        frames = render(runs, output, options, epoch=epoch, labels=labels, notify=note,
                        on_frame=lambda done, total: progress(done, total))
    if not quiet:
        size = Path(output).stat().st_size
        click.echo(f"{output}: {len(frames)} frame{'s' if len(frames) != 1 else ''}, "
                   f"{size / 1e6:.1f} MB")


@cli.command()
@click.argument("runs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="OUT.mp4, OUT.gif or OUT.png (default: the first run's name with .mp4).")
@render_flags
@click.option("--epoch", type=float, help="For a .png: the epoch to show (default: the last).")
@click.option("--labels", help="Names of the runs, comma-separated (default: their titles).")
@quiet_option
def render(runs: tuple[str, ...], output: str | None, epoch: float | None,
           labels: str | None, quiet: bool, **flags) -> None:
    """Render trajectories (.npz) into a clip: code plane, loss and weight graph.

    Several runs are drawn side by side, synchronized by epoch, with their loss curves in one
    panel: aeviz render sgd.npz adam.npz -o optimizers.mp4
    """
    from aeviz import trajectory
    from aeviz.render import output_kind

    output = output or Path(runs[0]).with_suffix(".mp4").name
    kind = output_kind(output)
    if epoch is not None and kind != ".png":
        raise AevizError("--epoch: only applies to a .png output (a single frame)")
    names = split_labels(labels, len(runs))
    loaded = [trajectory.load(path) for path in runs]
    options = collect_render_options(flags, stored_render_options(loaded[0]))
    if kind == ".png" and options.smooth:
        raise AevizError("--smooth: makes frames between snapshots, which a single .png "
                         "frame cannot show; use .mp4 or .gif")
    check_writable(output)
    render_to(loaded, output, options, quiet, epoch, names)


def split_labels(labels: str | None, run_count: int) -> list[str] | None:
    """--labels "a,b,c" -> one name per run."""
    if labels is None:
        return None
    names = [name.strip() for name in labels.split(",")]
    if len(names) != run_count:
        raise AevizError(f"--labels: got {len(names)} names for {run_count} runs; give one "
                         "per run, comma-separated")
    return names


def stored_render_options(run: Trajectory) -> RenderOptions:
    """The [render] table of the run's experiment, as the base the flags go on top of."""
    from aeviz.config import render_options_or_defaults

    return render_options_or_defaults(run.experiment.get("render", {}))


@cli.command()
@click.argument("runs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@render_flags
@click.option("--labels", help="Names of the runs, comma-separated (default: their titles).")
def view(runs: tuple[str, ...], labels: str | None, **flags) -> None:
    """Open RUNS in a window: play/pause, a slider to scrub, arrow keys to step.

    \b
    right / left   next / previous frame      up / down   10 frames
    space          play or pause              home / end  first / last frame
    """
    import matplotlib
    import matplotlib.pyplot as plt

    from aeviz import trajectory
    from aeviz.render.viewer import Viewer

    names = split_labels(labels, len(runs))
    loaded = [trajectory.load(path) for path in runs]
    options = collect_render_options(flags, stored_render_options(loaded[0]))
    backend = matplotlib.get_backend().lower()
    if backend in ("agg", "pdf", "svg", "ps", "cairo", "template"):
        raise AevizError(f"view: no window can open here (matplotlib backend {backend!r}, no "
                         "display); render a clip with `aeviz render` instead")

    width, height = options.pixels
    figure = plt.figure(figsize=(width / 100, height / 100 + 0.6))
    viewer = Viewer(loaded, options, figure, names)  # noqa: F841 - kept alive while shown
    plt.show()


@cli.command()
@click.option("-o", "--output", default="demo.mp4", show_default=True,
              type=click.Path(dir_okay=False), help="The clip (.mp4, .gif or .png); the "
              "trajectory is saved beside it as .npz.")
@render_flags
@quiet_option
def demo(output: str, quiet: bool, **flags) -> None:
    """Train the built-in experiment (the original program's default) and render it."""
    from aeviz.config import load_default
    from aeviz.render import output_kind

    output_kind(output)
    exp = load_default()
    options = collect_render_options(flags, exp.render)
    check_writable(output)
    run = train_and_save(exp, str(Path(output).with_suffix(".npz")), quiet)
    render_to([run], output, options, quiet)


@cli.command()
@click.argument("run", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON, for scripts.")
def info(run: str, as_json: bool) -> None:
    """Describe a trajectory: set-up, data, snapshots, outcome."""
    import json

    from aeviz import trajectory

    summary = trajectory.load(run).summary()
    summary["file_bytes"] = Path(run).stat().st_size
    click.echo(json.dumps(summary, indent=2) if as_json else trajectory.describe(summary))


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for NAME.npz, NAME.mp4|gif and NAME.json (created if missing).")
@click.option("--format", "fmt", type=click.Choice(["mp4", "gif"]), default="mp4",
              show_default=True, help="Clip format.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Experiments run in parallel (default: the number of CPUs).")
@click.option("--shard", default="1/1", show_default=True,
              help="Take share I of N (by sorted name), for a CI matrix of N jobs.")
@click.option("--force", is_flag=True, help="Redo experiments even if they are up to date.")
@quiet_option
def batch(paths: tuple[str, ...], outdir: str, fmt: str, jobs: int | None, shard: str,
          force: bool, quiet: bool) -> None:
    """Train and render every experiment in PATHS (TOML files or folders of them)."""
    import os

    from aeviz import batch as batching

    index, count = batching.parse_shard(shard)
    experiments = batching.shard(batching.find_experiments(paths), index, count)
    folder = batching.prepare_outdir(outdir)
    if not experiments:
        if not quiet:
            click.echo(f"shard {index}/{count}: no experiments in this share")
        return

    def report(result) -> None:
        if not quiet or result.status == "failed":
            click.echo(f"{result.name}: {result.status}"
                       + (f": {result.output}" if result.status == "failed" else ""),
                       err=result.status == "failed")

    results = batching.run_batch(experiments, folder, fmt, jobs or os.cpu_count() or 1, force,
                                 report)
    if not quiet:
        click.echo(batching.format_table(results))
    if any(r.status == "failed" for r in results):
        sys.exit(1)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="aeviz")
