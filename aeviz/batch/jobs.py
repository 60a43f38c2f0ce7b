"""One experiment of a batch: planned (is it up to date? see `manifest`), then made in a worker
process: trained, rendered, its manifest written last."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aeviz import __version__
from aeviz.batch.manifest import (
    CHANGED,
    UP_TO_DATE,
    file_digest,
    read_manifest,
    redo_reason,
    write_manifest,
)
from aeviz.errors import AevizError
from aeviz.files import check_writable
from aeviz.settings import Experiment, load_experiment


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


def prepare_outdir(outdir: str | Path) -> Path:
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise AevizError(f"{outdir}: the output folder is a file")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AevizError(f"{outdir}: cannot create the output folder: {error.strerror}") from None
    if not os.access(outdir, os.W_OK):
        raise AevizError(f"{outdir}: the output folder is not writable")
    return outdir


def content_hash(exp: Experiment, fmt: str) -> str:
    """What the outputs depend on; equal hashes mean nothing needs redoing."""
    parts = {"experiment": exp.to_toml(), "format": fmt, "aeviz": __version__}
    if exp.data.file:
        data_path = exp.base_dir / exp.data.file
        if data_path.is_file():
            parts["data"] = file_digest(data_path)
    return digest_of(parts)


def digest_of(parts: dict) -> str:
    """The sha256 of plain data (its keys sorted): a job's input hash."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass
class Planned:
    """A job of the batch, planned: what it would make and why (or that it is up to date)."""

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


@dataclass
class Job(Planned):
    """One experiment, planned."""

    exp: Experiment | None = None
    needs: tuple[str, ...] = ()  # jobs to finish first (a comparison's runs)

    @property
    def broken(self) -> bool:
        """It cannot be made: `reason` is its error."""
        return self.exp is None

    @property
    def outputs(self) -> list[Path]:
        """What it makes, the manifest last."""
        return [self.output("npz"), self.output(self.fmt), self.output("json")]


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
    decide(job, force, job.outputs[:2])
    return job


def decide(job, force: bool, made: list[Path],
           changed: Callable[[dict], str] = lambda manifest: CHANGED) -> None:
    """Refuse a folder or FIFO in the way of its outputs, then say why the job must be made."""
    for output in job.outputs if job.outdir.is_dir() else ():  # (a dry run may have no outdir)
        check_writable(output, inputs=[job.path])
    job.reason = "forced" if force else redo_reason(job.output("json"), job.digest, made,
                                                    changed)


def dry_run_line(job: Job) -> str:
    """What a dry run of `batch` says of one experiment (or comparison)."""
    if not isinstance(job, Job):
        return job.dry_run_line()
    if job.exp is None:
        return f"{job.name}: would fail: {job.reason}"
    if job.reason == UP_TO_DATE:
        return f"{job.name}: up to date"
    return f"{job.name}: would train and render: {job.reason}"


def make(job: Job) -> Result:
    """Train and render one experiment (or make a comparison), then write its manifest.
    Never raises: a failure or an interruption is the job's row."""
    started = time.perf_counter()
    try:
        result = make_experiment(job) if isinstance(job, Job) else job.make()
    except KeyboardInterrupt:
        result = Result(job.name, "interrupted", output="stopped before it finished")
    except Exception as error:  # one failing experiment must not stop the others
        message = str(error) if isinstance(error, AevizError) else (
            f"{type(error).__name__}: {error}")
        result = Result(job.name, "failed", output=message)
    result.seconds = time.perf_counter() - started
    return result


def make_experiment(job: Job) -> Result:
    """Train and render one experiment, then write its manifest."""
    from aeviz.renderer import render
    from aeviz.training.loop import train

    trajectory_path, clip, manifest_path = job.outputs
    manifest_path.unlink(missing_ok=True)  # from here on, the old outputs are not "done"
    run = train(job.exp)
    if run.stop_reason == "interrupted":
        raise KeyboardInterrupt
    run.save(trajectory_path)
    render([run], clip, job.exp.render)
    result = Result(job.name, "done", run.moment(len(run) - 1).removeprefix("epoch "),
                    float(run.loss[-1]), run.stop_reason, output=str(clip))
    write_manifest(manifest_path, job.digest, [trajectory_path, clip], row_of(result))
    return result


def row_of(result: Result) -> dict:
    """What a manifest keeps of a result, for the table of a later, up-to-date batch."""
    return {"epochs": result.epochs, "final_rmse": result.final_rmse,
            "stop_reason": result.stop_reason}


def unfinished(job: Job, cause: str, stopped: bool) -> Result:
    """The row of an experiment that did not finish: stopped, or its worker died."""
    return Result(job.name, "interrupted" if stopped else "failed", output=cause)


def up_to_date(job: Job) -> Result:
    """The row of an experiment whose outputs are current, from its manifest."""
    recorded = read_manifest(job.output("json")) or {}
    return Result(job.name, UP_TO_DATE, recorded.get("epochs"), recorded.get("final_rmse"),
                  recorded.get("stop_reason"), 0.0, str(job.output(job.fmt)))


