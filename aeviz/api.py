"""The Python API, for notebooks and scripts: train, load, render, figure, show.

    import aeviz
    run = aeviz.train("exp.toml", overrides={"train.epochs": 200})
    aeviz.show(run, size="960x540")          # an inline video in Jupyter
    aeviz.render(run, "clip.mp4", theme="dark")

Every mistake a user can fix raises `aeviz.AevizError` (a ValueError) with the message the
command line prints. Render options are the keys of a TOML [render] table, as keyword arguments.
The command line is a thin layer over this module: `experiment`, `validate`, `train_to_file`,
`runs_of` and `check_render_request` are what its commands call besides the five above.
"""

from __future__ import annotations

import copy
import dataclasses
import numbers
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aeviz.errors import AevizError, SettingError
from aeviz.files import check_writable, output_path
from aeviz.settings import (
    Experiment,
    RenderOptions,
    experiment_from_dict,
    load_default,
    load_experiment,
    parse_toml,
)
from aeviz.settings.overrides import apply_overrides
from aeviz.text import printable

if TYPE_CHECKING:  # numpy and matplotlib are imported when they are needed
    from aeviz.renderer.notebook import Video
    from aeviz.trajectory import RunRecord, Trajectory

    Run = Trajectory | str | os.PathLike
    Runs = Run | Sequence[Run]

Notify = Callable[[str], None]
Overrides = Mapping[str, Any] | Sequence[str]


def print_note(message: str) -> None:
    """Where notes go by default: stderr, as the command line prints them."""
    print(f"note: {printable(message)}", file=sys.stderr)


ExperimentLike = Experiment | str | os.PathLike | Mapping[str, Any] | None


def experiment(source: ExperimentLike = None, overrides: Overrides | None = None, *,
               text: bool = False) -> Experiment:
    """A checked experiment from a TOML file's path, a dict shaped like the TOML, TOML text, or
    None for the built-in default; `overrides` sets dotted keys ({"train.epochs": 5}, or
    ["train.epochs=5"]).

    A string is a path, unless `text=True` says it is TOML text or it holds a line break
    (a path never does): `experiment("lr=0.1.toml")` reads that file."""
    if overrides is None or isinstance(overrides, Mapping):
        overrides = dict(overrides or {})  # a list of "KEY=VALUE" texts is apply_overrides's
    elif isinstance(overrides, (str, bytes)) or not isinstance(overrides, Iterable):
        raise AevizError(f"overrides: expected a dict of keys or a list of KEY=VALUE texts, "
                         f"got {type(overrides).__name__}")
    else:
        overrides = list(overrides)  # read twice: set, then named in an error
    try:
        return _experiment(source, overrides, text)
    except SettingError as error:  # a bad override is named as the user gave it
        raise _from_override(error, overrides) from None


def _from_override(error: SettingError, overrides: dict | list) -> SettingError:
    """`error`, naming the override its key came from ("override train.epochs") if one did."""
    keys = overrides if isinstance(overrides, dict) else \
        [item.partition("=")[0].strip() for item in overrides if isinstance(item, str)]
    for key in keys:
        if not isinstance(key, str):
            continue
        if error.key == key or error.key.startswith((f"{key}.", f"{key}[")) or \
                key.startswith((f"{error.key}.", f"{error.key}[")):  # a table it made up
            return error.from_override(key)
    return error


def _experiment(source: ExperimentLike, overrides: dict | list, text: bool) -> Experiment:
    name, folder = "experiment", Path.cwd()  # relative data files are found from here
    if text and not isinstance(source, str):
        raise AevizError(f"experiment: text=True takes TOML text (a str), got "
                         f"{type(source).__name__}")
    if isinstance(source, Experiment):
        if not overrides:
            return source
        name, folder, source = source.source, source.base_dir, source.to_dict()
    if source is None:
        return load_default(overrides)
    if isinstance(source, Mapping):
        raw = copy.deepcopy(dict(source))
    elif isinstance(source, str) and (text or "\n" in source):  # TOML, not a path
        raw = parse_toml(source, "experiment")
    elif isinstance(source, (str, os.PathLike)):
        return load_experiment(source, overrides)
    else:
        raise AevizError(f"experiment: expected a path, TOML text or a dict, got "
                         f"{type(source).__name__}")
    apply_overrides(raw, overrides)
    return experiment_from_dict(raw, name, folder)


def validate(path: str | os.PathLike, overrides: Overrides | None = None, *,
             notify: Notify = print_note) -> Experiment | str:
    """What `aeviz validate` checks: the experiment file at `path` with its data read (and a
    warning through `notify` if the network cannot reach the data's range), or, for a
    comparison file, its resolved TOML text with the experiments it names checked."""
    from aeviz.settings.comparison import validated_comparison
    from aeviz.training.advice import range_warning
    from aeviz.training.data import load_data

    if is_comparison(path):
        return validated_comparison(path, check_data)
    exp = experiment(Path(path), overrides)
    warning = range_warning(exp, load_data(exp).x)  # the data is part of the experiment
    if warning:
        notify(warning)
    return exp


def check_data(experiments: list[Experiment]) -> None:
    """A comparison's experiments, checked by their data as a render of their runs would
    check the runs: classes named alike (see aeviz.renderer.views.check_classes_alike)."""
    from aeviz.renderer.views import Classes, check_classes_alike
    from aeviz.training.data import load_data

    def classes(exp: Experiment) -> Classes:  # not the data: one run's at a time
        data = load_data(exp)
        return Classes(str(exp.source), data.labels, data.label_names)

    check_classes_alike([classes(exp) for exp in experiments])


def is_comparison(path: str | os.PathLike) -> bool:
    """Whether the TOML file at `path` is a comparison (it has a [compare] table)."""
    from aeviz.settings.comparison import is_comparison as has_compare
    from aeviz.settings.comparison import read_toml

    return has_compare(read_toml(path) or {})


def train(experiment_source: ExperimentLike = None, overrides: Overrides | None = None,
          on_epoch: Callable[[int, float], None] | None = None) -> Trajectory:
    """Train an experiment (see `experiment` for what it may be) and return its trajectory;
    `on_epoch(epoch, rmse)` is called after every epoch. Save it with `.save("run.npz")`."""
    from aeviz.training.loop import train as run_training

    return run_training(experiment(experiment_source, overrides), on_epoch)


def train_to_file(exp: Experiment, output: str | os.PathLike, *, notify: Notify = print_note,
                  on_epoch: Callable[[int, float], None] | None = None,
                  on_step: Callable[[int, int], None] | None = None) -> RunRecord:
    """Train `exp` streaming its trajectory to `output` (written atomically; never one of the
    experiment's own files), as `aeviz train` does: memory stays flat however long the run.
    A warning goes to `notify` if the network cannot reach the data's range. Returns the
    run's record (what was saved and how training ended)."""
    from aeviz.training.advice import range_warning
    from aeviz.training.data import input_paths, load_data
    from aeviz.training.loop import train_to_file as stream_training

    inputs = [exp.source] if Path(exp.source).is_file() else []
    check_writable(output, inputs=inputs + [str(p) for p in input_paths(exp)])
    data = load_data(exp)
    warning = range_warning(exp, data.x)
    if warning:
        notify(warning)
    return stream_training(exp, output, on_epoch=on_epoch, on_step=on_step, data=data)


def load(path: str | os.PathLike) -> Trajectory:
    """Read a trajectory (.npz) written by `train(...).save()` or `aeviz train`."""
    from aeviz import trajectory

    if not isinstance(path, (str, os.PathLike)):
        raise AevizError(f"load: expected the path of a trajectory (.npz), got "
                         f"{type(path).__name__}")
    return trajectory.load(path)


def runs_of(runs: Runs, notify: Notify | None = None) -> list[Trajectory]:
    """One run or several, each a Trajectory or the path of one, as a list of Trajectories.
    The notes of each run read here (keys another aeviz version wrote) go to `notify`."""
    from aeviz.trajectory import Trajectory

    if isinstance(runs, (Trajectory, str, os.PathLike)):
        runs = [runs]
    elif not isinstance(runs, Iterable):
        raise AevizError(f"runs: expected a trajectory, the path of one, or a list of them, "
                         f"got {type(runs).__name__}")
    loaded = []
    for run in runs:
        if not isinstance(run, Trajectory):
            run = load(run)
            for note in run.notes if notify is not None else ():
                notify(note)
        loaded.append(run)
    if not loaded:
        raise AevizError("no runs given: pass a trajectory or the path of one")
    return loaded


def options_of(runs: list[Trajectory], options: Mapping[str, Any]) -> RenderOptions:
    """The first run's [render] table with `options` (keys of that table) on top.

    A caption tells one run's lesson: several runs keep it only when every run has the same
    one (else none, unless `options` gives one), never the first run's for all. Its run names
    (`labels`) are kept only when they name as many runs as are given: a run stored with its own
    one name, compared with another, is named as comparisons name runs."""
    base = runs[0].experiment.render
    if len({run.experiment.render.caption for run in runs}) > 1:
        base = dataclasses.replace(base, caption=None)
    if base.labels is not None and len(base.labels) != len(runs):
        base = dataclasses.replace(base, labels=None)
    return options_on(base, options)


def options_on(base: RenderOptions, options: Mapping[str, Any]) -> RenderOptions:
    """`base` with `options` (keys of a [render] table) on top; None means not given."""
    given = {name: list(value) if isinstance(value, tuple) else value
             for name, value in options.items() if value is not None}
    return base.updated(given)


def check_render_request(exp: Experiment, output: str | os.PathLike,
                         options: Mapping[str, Any]) -> None:
    """Refuse, before training, an output that `exp`'s run could not be rendered to with
    `options` on top of its [render] table (as `demo` trains, then renders)."""
    from aeviz.renderer import check_request

    check_request(output, options_on(exp.render, options))
    check_writable(output)


def callback(name: str, value: Any, optional: bool = False) -> None:
    """A function the API calls back (`notify`, `on_frame`), checked before any work: another
    value would fail as a TypeError in the middle of a render."""
    if not callable(value) and not (optional and value is None):
        raise AevizError(f"{name}: expected a function{' or None' if optional else ''}, got "
                         f"{type(value).__name__} {value!r:.40}")


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
    callback("on_frame", on_frame, optional=True)
    callback("notify", notify)
    output = output_path(output)
    loaded = runs_of(runs, notify)
    chosen = options_of(loaded, options)
    check_request(output, chosen, epoch)
    check_writable(output, inputs=[path for run in loaded for path in run.inputs()])
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
        raise AevizError(f"width: must be a number of inches from 1 to 40, got "
                         f"{type(width).__name__} {width!r:.40}")
    if isinstance(at, numbers.Real) and not isinstance(at, bool):
        at = [at]  # one moment
    if at is not None and not isinstance(at, str) and (
            not isinstance(at, Sequence) or isinstance(at, bytes)):
        raise AevizError(f"at: expected moments as a list or a text such as \"0,10,last\", "
                         f"got {type(at).__name__} {at!r:.40}")
    callback("notify", notify)
    output = output_path(output)
    loaded = runs_of(runs, notify)
    chosen = options_of(loaded, options)
    check_figure_output(output)
    check_writable(output, inputs=[path for run in loaded for path in run.inputs()])
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
