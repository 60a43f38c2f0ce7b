"""One experiment of a batch: planned (is it up to date? see `manifest`), then made in a worker
process: trained (streamed to disk) and rendered in a hidden folder of its own, moved into the
output folder, its manifest written last."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from aeviz.batch.manifest import (
    CHANGED,
    UP_TO_DATE,
    file_digest,
    read_manifest,
    redo_reason,
    write_manifest,
)
from aeviz.errors import AevizError, out_of_memory
from aeviz.files import check_writable
from aeviz.renderer.formats import HANDOUT_SUFFIX, batch_suffix
from aeviz.settings import Experiment, load_experiment
from aeviz.signals import deferred, stop_requested
from aeviz.training.recorder import parts_prefix, remove_stale_parts
from aeviz.version import __version__


@dataclass
class Result:
    """One experiment's row in the batch table."""

    name: str
    status: str                  # "done", "up to date", "failed" or "interrupted"
    epochs: int | str | None = None  # "300", or "1, batch 9/13" for a run stopped mid-epoch
    final_rmse: float | str | None = None  # a comparison's: the range of its runs' values
    stop_reason: str | None = None
    seconds: float = 0.0
    output: str = ""             # the clip, or the error message


def prepare_outdir(outdir: str | Path, create: bool = True) -> Path:
    """The output folder, created if missing (`create` false: a dry run's, checked alone: a
    file in its place is refused as the run would refuse it, nothing is made)."""
    outdir = Path(outdir)
    try:  # a name over 255 bytes or a loop of links fails the test itself: one line too
        if outdir.exists() and not outdir.is_dir():
            raise AevizError(f"{outdir}: the output folder is a file")
        if not create:
            return outdir
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AevizError(f"{outdir}: cannot create the output folder: {error.strerror}") from None
    if not os.access(outdir, os.W_OK):
        raise AevizError(f"{outdir}: the output folder is not writable")
    return outdir


def content_hash(exp: Experiment, fmt: str) -> str:
    """What the outputs depend on; equal hashes mean nothing needs redoing: the resolved
    experiment, every file it reads (data file, label file), the format and aeviz's version."""
    from aeviz.training.data import input_paths

    parts = {"experiment": exp.to_toml(), "format": fmt, "aeviz": __version__}
    for index, path in enumerate(input_paths(exp)):
        key = "data" if index == 0 else f"input {index}"
        parts[key] = file_digest(path) if path.is_file() else "missing"
    return digest_of(parts)


def digest_of(parts: dict) -> str:
    """The sha256 of plain data (its keys sorted): a job's input hash."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass
class Planned:
    """A job of the batch, planned: what it would make and why (or that it is up to date).

    Experiments (`Job`) and comparisons (`CompareJob`) are the two kinds; the batch knows them
    only through this interface: `broken`, `needs`, `outputs` (the manifest last),
    `inputs` (files no output may be), `dry_run_line()` and `make(work)`."""

    path: Path
    outdir: Path
    fmt: str
    digest: str = ""
    reason: str = ""     # UP_TO_DATE, why it must be made, or the error that stops it

    @property
    def name(self) -> str:
        return self.path.stem

    def output(self, suffix: str) -> Path:
        """The output NAME.suffix in the output folder."""
        return self.outdir / f"{self.name}.{suffix}"

    @property
    def made(self) -> Path:
        """What it makes of its runs: a clip, a page or a handout (NAME.mp4, .html, .pdf)."""
        return self.output(batch_suffix(self.fmt))

    @property
    def posters(self) -> list[Path]:
        """A page's poster, NAME.png (the site index shows it): made by the job itself."""
        return [self.output("png")] if self.fmt == "html" else []

    @property
    def broken(self) -> bool:
        """It cannot be made: `reason` is its error."""
        raise NotImplementedError

    @property
    def needs(self) -> tuple[str, ...]:
        """Jobs of this batch to finish first."""
        return ()

    @property
    def outputs(self) -> list[Path]:
        raise NotImplementedError

    @property
    def inputs(self) -> list[Path]:
        """The files it reads: none of its outputs may be one of them."""
        return [self.path]

    def dry_run_line(self) -> str:
        raise NotImplementedError

    def make(self, work: Path) -> Result:
        """Make the outputs in the hidden folder `work`, move them into the output folder,
        write the manifest; return the row. Raises on failure (`make` turns that into the
        row)."""
        raise NotImplementedError


@dataclass
class Job(Planned):
    """One experiment, planned."""

    exp: Experiment | None = None

    @property
    def broken(self) -> bool:
        return self.exp is None

    @property
    def outputs(self) -> list[Path]:
        return [self.output("npz"), self.made, *self.posters, self.output("json")]

    @property
    def inputs(self) -> list[Path]:
        from aeviz.training.data import input_paths

        return [self.path, *(input_paths(self.exp) if self.exp else ())]

    def dry_run_line(self) -> str:
        if self.broken:
            return f"{self.name}: would fail: {self.reason}"
        if self.reason == UP_TO_DATE:
            return f"{self.name}: up to date"
        return f"{self.name}: would train and render: {self.reason}"

    def make(self, work: Path) -> Result:
        """Train (streaming the trajectory to disk) and render one experiment."""
        from aeviz import trajectory
        from aeviz.training.loop import train_to_file

        *made, manifest_path = self.outputs
        trajectory_path, clip = made[:2]
        manifest_path.unlink(missing_ok=True)  # from here on, the old outputs are not "done"
        saved = train_to_file(self.exp, work / trajectory_path.name)
        if saved.stop_reason == "interrupted" or stop_requested():
            raise KeyboardInterrupt
        runs = [trajectory.load(saved.path)]
        draw(runs, work / clip.name, self.exp.render)
        make_posters(self, runs, self.exp.render, work)
        result = Result(self.name, "done", saved.ends_at.removeprefix("epoch "),
                        float(saved.loss[-1]), saved.stop_reason, output=str(clip))
        publish(work, made)
        write_manifest(manifest_path, self.digest, made, row_of(result))
        return result


def plan(path: Path, outdir: Path, fmt: str, force: bool) -> Job:
    """Load an experiment and decide whether it must be made. Never raises an AevizError: a
    bad experiment becomes a job whose reason is its error, and fails alone."""
    job = Job(path, outdir, fmt)
    try:
        job.exp = load_experiment(path)
        job.digest = content_hash(job.exp, fmt)
    except AevizError as error:
        job.reason = str(error)
        return job
    job.reason = decide(job, force, job.outputs[:-1])
    return job


def draw(runs: list, output: Path, options) -> None:
    """Draw `runs` into `output`, by its suffix: a clip or a page (renderer.render), or a
    handout (a .pdf here: renderer.figure, at its default moments)."""
    if output.suffix == HANDOUT_SUFFIX:
        from aeviz.renderer.figure import draw_figure

        # A handout of a batch stands alone (no document's caption names it): a run's is
        # titled as its clip is, by its experiment's title (a comparison's options have it).
        if not options.title and len(runs) == 1:
            options = dataclasses.replace(options, title=runs[0].experiment.title)
        draw_figure(runs, output, options)
    else:
        from aeviz.renderer import render

        render(runs, output, options)


def make_posters(job: Planned, runs: list, options, work: Path) -> None:
    """The job's poster (for a page: the last snapshot as a still), into `work`."""
    if job.posters:
        from aeviz.batch.site import make_poster

        make_poster(runs, options, work / job.posters[0].name)


def decide(job: Planned, force: bool, made: list[Path],
           changed: Callable[[dict], str] = lambda manifest: CHANGED) -> str:
    """Refuse a folder or FIFO in the way of its outputs, or an output that is one of its
    inputs; then say why the job must be made (or that it is up to date)."""
    for output in job.outputs:
        if job.outdir.is_dir():  # (a dry run may have no output folder yet)
            check_writable(output, inputs=job.inputs)
        for source in job.inputs:
            if _same_path(output, source):
                raise AevizError(f"{output}: cannot write: it is the input {source}; choose "
                                 "another output folder")
    return "forced" if force else redo_reason(job.output("json"), job.digest, made, changed)


def _same_path(first: Path, second: Path) -> bool:
    """The same file, whether or not it exists yet."""
    return os.path.abspath(first) == os.path.abspath(second) or (
        first.exists() and second.exists() and os.path.samefile(first, second))


def dry_run_line(job: Planned) -> str:
    """What a dry run of `batch` says of one experiment (or comparison)."""
    return job.dry_run_line()


def make(job: Planned) -> Result:
    """Make one job in a hidden folder of its own, then publish its outputs and manifest.
    Never raises: a failure or an interruption is the job's row, and leaves nothing behind
    but the old outputs (without their manifest: not "done")."""
    started = time.perf_counter()
    try:
        with work_folder(job.outdir, job.name) as work:
            result = job.make(work)
    except KeyboardInterrupt:
        result = Result(job.name, "interrupted", output="stopped before it finished")
    except Exception as error:  # one failing experiment must not stop the others
        message = str(error) if isinstance(error, AevizError) else out_of_memory(error) or (
            f"{type(error).__name__}: {error}")
        result = Result(job.name, "failed", output=message)
    result.seconds = time.perf_counter() - started
    return result


@contextlib.contextmanager
def work_folder(outdir: Path, name: str) -> Iterator[Path]:
    """A hidden folder in `outdir` (`.NAME.parts.PID.XXXX`) where a job makes its outputs:
    removed whatever happens, and, if its process was killed, by the next batch."""
    remove_stale_parts(outdir / f"{name}.npz")
    folder = None
    try:
        with deferred():  # a signal here would leave a folder nobody knows of; it is raised
            folder = Path(tempfile.mkdtemp(prefix=parts_prefix(name), dir=outdir))  # below
        yield folder
    finally:
        if folder is not None:
            with deferred():  # the batch's SIGTERM after a Ctrl-C must not cut the removal
                shutil.rmtree(folder, ignore_errors=True)


def publish(work: Path, outputs: list[Path]) -> None:
    """Move the finished outputs from the work folder into place, all or (on a signal) all
    the same: they are renamed together."""
    with deferred():
        for output in outputs:
            os.replace(work / output.name, output)


def row_of(result: Result) -> dict:
    """What a manifest keeps of a result, for the table of a later, up-to-date batch."""
    return {"epochs": result.epochs, "final_rmse": result.final_rmse,
            "stop_reason": result.stop_reason}


def unfinished(job: Planned, cause: str, stopped: bool) -> Result:
    """The row of a job that did not finish: stopped, or its worker died. A worker killed
    before it cleaned up (by the OOM killer, or past the stop's grace on a busy machine) left
    its parts folder: removed now that its process is gone, not by the next batch."""
    remove_stale_parts(job.outdir / f"{job.name}.npz")
    return Result(job.name, "interrupted" if stopped else "failed", output=cause)


def up_to_date(job: Planned) -> Result:
    """The row of a job whose outputs are current, from its manifest."""
    recorded = read_manifest(job.output("json")) or {}
    return Result(job.name, UP_TO_DATE, recorded.get("epochs"), recorded.get("final_rmse"),
                  recorded.get("stop_reason"), 0.0, str(job.made))
