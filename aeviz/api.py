"""The Python API, for notebooks and scripts: train, load, render, figure, show.

    import aeviz
    run = aeviz.train("exp.toml", overrides={"train.epochs": 200})
    aeviz.show(run, size="960x540")          # an inline video in Jupyter
    aeviz.render(run, "clip.mp4", theme="dark")

Every mistake a user can fix raises `aeviz.AevizError` (a ValueError) with the message the
command line prints. Render options are the keys of a TOML [render] table, as keyword arguments.
"""

from __future__ import annotations

import copy
import numbers
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aeviz.errors import AevizError
from aeviz.files import check_writable
from aeviz.settings import (
    Experiment,
    RenderOptions,
    experiment_from_dict,
    load_default,
    load_experiment,
    parse_toml,
)
from aeviz.settings.overrides import apply_overrides

if TYPE_CHECKING:  # numpy and matplotlib are imported when they are needed
    from aeviz.renderer.notebook import Video
    from aeviz.trajectory import Trajectory

    Run = Trajectory | str | os.PathLike
    Runs = Run | Sequence[Run]

Notify = Callable[[str], None]
ExperimentLike = Experiment | str | os.PathLike | Mapping[str, Any] | None


def experiment(source: ExperimentLike = None,
               overrides: Mapping[str, Any] | None = None) -> Experiment:
    """A checked experiment from a TOML file's path, TOML text, a dict shaped like the TOML, or
    None for the built-in default; `overrides` sets dotted keys ({"train.epochs": 5})."""
    if overrides is None or isinstance(overrides, Mapping):
        overrides = dict(overrides or {})  # a list of "KEY=VALUE" texts is apply_overrides's
    name, folder = "experiment", Path.cwd()  # relative data files are found from here
    if isinstance(source, Experiment):
        if not overrides:
            return source
        name, folder, source = source.source, source.base_dir, source.to_dict()
    if source is None:
        return load_default(overrides)
    if isinstance(source, Mapping):
        raw = copy.deepcopy(dict(source))
    elif isinstance(source, str) and ("=" in source or "\n" in source):  # TOML, not a path
        raw = parse_toml(source, "experiment")
    elif isinstance(source, (str, os.PathLike)):
        return load_experiment(source, overrides)
    else:
        raise AevizError(f"experiment: expected a path, TOML text or a dict, got "
                         f"{type(source).__name__}")
    apply_overrides(raw, overrides)
    return experiment_from_dict(raw, name, folder)


def train(experiment_source: ExperimentLike = None, overrides: Mapping[str, Any] | None = None,
          on_epoch: Callable[[int, float], None] | None = None) -> Trajectory:
    """Train an experiment (see `experiment` for what it may be) and return its trajectory;
    `on_epoch(epoch, rmse)` is called after every epoch. Save it with `.save("run.npz")`."""
    from aeviz.training.loop import train as run_training

    return run_training(experiment(experiment_source, overrides), on_epoch)


def load(path: str | os.PathLike) -> Trajectory:
    """Read a trajectory (.npz) written by `train(...).save()` or `aeviz train`."""
    from aeviz import trajectory

    return trajectory.load(path)


def runs_of(runs: Runs) -> list[Trajectory]:
    """One run or several, each a Trajectory or the path of one, as a list of Trajectories."""
    from aeviz.trajectory import Trajectory

    if isinstance(runs, (Trajectory, str, os.PathLike)):
        runs = [runs]
    loaded = [run if isinstance(run, Trajectory) else load(run) for run in runs]
    if not loaded:
        raise AevizError("no runs given: pass a trajectory or the path of one")
    return loaded


def options_of(runs: list[Trajectory], options: Mapping[str, Any]) -> RenderOptions:
    """The first run's [render] table with `options` (keys of that table) on top."""
    return options_on(runs[0].experiment.render, options)


def options_on(base: RenderOptions, options: Mapping[str, Any]) -> RenderOptions:
    """`base` with `options` (keys of a [render] table) on top; None means not given."""
    given = {name: list(value) if isinstance(value, tuple) else value
             for name, value in options.items() if value is not None}
    return base.updated(given)


def print_note(message: str) -> None:
    """Where notes go by default: stderr, as the command line prints them."""
    print(f"note: {message}", file=sys.stderr)


def render(runs: Runs, output: str | os.PathLike, *, epoch: float | None = None,
           on_frame: Callable[[int, int], None] | None = None, notify: Notify = print_note,
           **options: Any) -> Path:
    """Render one run, or several side by side, to `output` and return its path.

    The format follows the name: .mp4, .webm, .gif, .webp (clips), .png, .pdf, .svg (one frame:
    the snapshot nearest to `epoch`, default the last), .html (a self-contained interactive
    page, see README). `options` are [render] keys:
    `render(run, "clip.mp4", fps=24, size="960x540", theme="dark", future=False)`.
    """
    from aeviz.renderer import check_request
    from aeviz.renderer import render as draw

    if epoch is not None and (isinstance(epoch, bool) or not isinstance(epoch, numbers.Real)):
        raise AevizError(f"epoch: must be a number (an epoch of the run) or None for the last, "
                         f"got {type(epoch).__name__} {epoch!r:.40}")
    loaded = runs_of(runs)
    chosen = options_of(loaded, options)
    check_request(output, chosen, epoch)
    check_writable(output, inputs=[run.path for run in loaded if run.path])
    draw(loaded, output, chosen, epoch=epoch, on_frame=on_frame, notify=notify)
    return Path(output)


def figure(runs: Runs, output: str | os.PathLike, at: str | Sequence[Any] | None = None, *,
           width: float | None = None, notify: Notify = print_note, **options: Any) -> Path:
    """A handout figure: a row of code planes at the epochs `at` (one row per run) above the
    loss curve, to `output` (.pdf, .svg or .png); returns its path.

    `at`: epochs, "last" and fractions of the run, as a list or "0,10,50,last" (default:
    "0,0.1,0.3,last", since training moves most early on); each moment is the nearest recorded
    snapshot, named as clips name it. `width`: inches (default 6.3, a page's text width).
    """
    from aeviz.renderer.figure import check_figure_output, draw_figure

    if width is not None and (isinstance(width, bool) or not isinstance(width, numbers.Real)
                              or not 1 <= width <= 40):  # NaN fails the range too
        raise AevizError(f"width: must be a number of inches from 1 to 40 (the figure "
                         f"command's --width), got {type(width).__name__} {width!r:.40}")
    loaded = runs_of(runs)
    chosen = options_of(loaded, options)
    check_figure_output(output)
    check_writable(output, inputs=[run.path for run in loaded if run.path])
    draw_figure(loaded, output, chosen, at, width, notify)
    return Path(output)


def show(runs: Runs, output: str | os.PathLike | None = None, *, notify: Notify = print_note,
         **options: Any) -> Video:
    """A clip that Jupyter shows inline (an HTML5 <video>); nothing is written unless `output`
    names a file (.mp4, .webm, .gif or .webp), which the page then refers to instead of
    embedding the clip."""
    import tempfile

    from aeviz.renderer.notebook import Video

    if output is not None:
        return Video(render(runs, output, notify=notify, **options))
    with tempfile.TemporaryDirectory(prefix="aeviz-") as folder:
        path = render(runs, Path(folder) / "clip.mp4", notify=notify, **options)
        return Video(path, path.read_bytes())
