"""Comparisons in `aeviz batch`: another kind of job, planned, made and recorded like an
experiment (see `batch`), after the runs it names.

Its input hash covers its own resolved file, the input hashes of its runs (so a changed run
redoes it), the format and the aeviz version; its manifest records the runs' hashes, to say
which one changed. A run made by this batch is waited for and read from the output folder; a
run of another shard (CI matrix jobs share no files) is read there if it is up to date, else
trained inside the comparison's own job: training is deterministic, so the clip is the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aeviz.batch.jobs import (
    Job,
    Planned,
    Result,
    decide,
    digest_of,
    draw,
    make_posters,
    plan,
    publish,
    row_of,
)
from aeviz.batch.manifest import UP_TO_DATE, redo_reason, write_manifest
from aeviz.errors import AevizError
from aeviz.settings.comparison import Comparison, find_runs, load_comparison
from aeviz.signals import stop_requested
from aeviz.version import __version__


@dataclass
class Run:
    """One run a comparison shows: its experiment job (planned, maybe not made here)."""

    job: Job
    made_here: bool  # a job of this batch makes it (the comparison waits for it)

    @property
    def name(self) -> str:
        return self.job.name


@dataclass
class CompareJob(Planned):
    """One comparison, planned."""

    comparison: Comparison | None = None
    runs: list[Run] = field(default_factory=list)

    @property
    def broken(self) -> bool:
        return self.comparison is None

    @property
    def needs(self) -> tuple[str, ...]:
        """The runs this batch makes, which must be finished first."""
        return tuple(run.name for run in self.runs if run.made_here)

    @property
    def outputs(self) -> list[Path]:
        return [self.made, *self.posters, self.output("json")]

    @property
    def inputs(self) -> list[Path]:
        return [self.path, *(path for run in self.runs for path in run.job.inputs)]

    def own_hash(self) -> str:
        """The hash of what the comparison itself sets: its file, the format, aeviz."""
        parts = {"comparison": self.comparison.to_toml(), "format": self.fmt,
                 "aeviz": __version__}
        return digest_of(parts)

    def run_hashes(self) -> dict[str, str]:
        return {run.name: run.job.digest for run in self.runs}

    def changed(self, manifest: dict) -> str:
        """What changed since the manifest was written: which runs, or the comparison."""
        recorded = manifest.get("runs")
        if manifest.get("own") == self.own_hash() and isinstance(recorded, dict):
            names = [name for name, digest in self.run_hashes().items()
                     if recorded.get(name) != digest]
            if names:
                return f"run{'s' if len(names) > 1 else ''} {', '.join(names)} changed"
        return "changed (comparison file, render options, format or aeviz version)"

    def trained_here(self) -> list[str]:
        """The runs of other shards that its job would train (not up to date here)."""
        return [run.name for run in self.runs
                if not run.made_here and _redo_run(run) != UP_TO_DATE]

    def dry_run_line(self) -> str:
        """What a dry run of `batch` says of it."""
        if self.broken:
            return f"{self.name}: would fail: {self.reason}"
        if self.reason == UP_TO_DATE:
            return f"{self.name}: up to date"
        others = self.trained_here()
        also = f"; trains {', '.join(others)} for it (not made in this shard)" if others else ""
        return f"{self.name}: would render comparison: {self.reason}{also}"

    def make(self, work: Path) -> Result:
        """Render the comparison from its runs (training those another shard makes, streamed
        into `work`), then write its manifest."""
        *made, manifest_path = self.outputs
        clip = made[0]
        manifest_path.unlink(missing_ok=True)  # from here on, the old clip is not "done"
        trajectories = [_trajectory(run, work) for run in self.runs]
        draw(trajectories, work / clip.name, self.comparison.options)
        make_posters(self, trajectories, self.comparison.options, work)
        result = Result(self.name, "done", *_ranges(trajectories), output=str(clip))
        publish(work, made)
        write_manifest(manifest_path, self.digest, made, {
            **row_of(result), "own": self.own_hash(), "runs": self.run_hashes()})
        return result


def plan_comparison(path: Path, outdir: Path, fmt: str, force: bool, batch: dict[str, Path],
                    planned: dict[str, Job]) -> CompareJob:
    """Load a comparison and decide whether it must be made. Never raises an AevizError: a
    bad comparison, or one whose run is bad, becomes a job whose reason is the error."""
    job = CompareJob(path, outdir, fmt)
    try:
        comparison = load_comparison(path)
        runs = find_runs(comparison, batch, "in this batch or beside it")
    except AevizError as error:
        job.reason = str(error)
        return job
    job.runs = [Run(planned.get(run.stem) or plan(run, outdir, fmt, False),
                    run.stem in planned) for run in runs]
    broken = [run for run in job.runs if run.job.broken]
    if broken:
        job.reason = f"run {broken[0].name}: {broken[0].job.reason}"
        return job
    job.comparison = comparison
    job.digest = digest_of({"own": job.own_hash(), "runs": job.run_hashes()})
    job.reason = decide(job, force, job.outputs[:-1], job.changed)
    return job


def _redo_run(run: Run) -> str:
    """Whether a run's outputs in the output folder are up to date, as for the batch."""
    job = run.job
    return redo_reason(job.output("json"), job.digest, job.outputs[:2])


def _trajectory(run: Run, work: Path):
    """A run's trajectory: from the output folder if it is up to date there; else trained
    now (streamed into `work`) if another shard makes it; else its job here failed, and so
    does the comparison."""
    from aeviz import trajectory
    from aeviz.training.loop import train_to_file

    if _redo_run(run) == UP_TO_DATE:
        return trajectory.load(run.job.output("npz"))
    if run.made_here:
        raise AevizError(f"run {run.name} failed, so the comparison cannot be made")
    saved = train_to_file(run.job.exp, work / f"{run.name}.npz")
    if saved.stop_reason == "interrupted" or stop_requested():
        raise KeyboardInterrupt
    return trajectory.load(saved.path)


def _ranges(runs: list) -> tuple[str, str, str]:
    """The table's cells for several runs: epochs and final RMSE as ranges, stop reasons."""
    ends = sorted({int(run.epoch[-1]) for run in runs})
    rmses = sorted(float(run.loss[-1]) for run in runs)
    reasons = ", ".join(sorted({run.stop_reason for run in runs}))
    epochs = f"{ends[0]}" if len(ends) == 1 else f"{ends[0]}-{ends[-1]}"
    return epochs, f"{rmses[0]:.4g}-{rmses[-1]:.4g}", reasons
