"""The `aeviz` command line: thin wiring from options to config, trainer, renderer and batch."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aeviz import __version__
from aeviz.config import default_experiment_text, load_experiment
from aeviz.errors import AevizError
from aeviz.files import check_writable, write_text_atomic


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
    aeviz init exp.toml          write a commented experiment to start from
    aeviz train exp.toml         train it and record every epoch into exp.npz
    aeviz render exp.npz -o clip.mp4
    aeviz demo                   the whole pipeline on the built-in experiment
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


def train_and_save(exp, output: str, quiet: bool):
    """Train with a progress bar on a terminal, save atomically, print the summary line."""
    from aeviz.train import train as run_training

    check_writable(output)
    with click.progressbar(length=exp.train.epochs, label="training", file=sys.stderr,
                           item_show_func=lambda rmse: rmse and f"RMSE {rmse:.4f}",
                           hidden=quiet or not sys.stderr.isatty()) as bar:
        run = run_training(exp, on_epoch=lambda epoch, rmse: bar.update(1, rmse))
    run.save(output)
    if not quiet:
        meta = run.meta
        if meta["stop_reason"] == "diverged":
            click.echo(f"warning: training diverged at epoch {meta['diverged_at']} (the loss "
                       f"or weights stopped being finite); the trajectory ends at epoch "
                       f"{meta['epochs_run']}. Try a lower train.learning_rate (now "
                       f"{exp.train.learning_rate:g}).", err=True)
        click.echo(f"{exp.source}: {meta['epochs_run']} epochs, final RMSE {run.loss[-1]:.4f}, "
                   f"stopped: {meta['stop_reason']}, {len(run)} snapshots -> {output} "
                   f"({meta['wall_seconds']:.1f} s)")
    return run


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="aeviz")
