"""A batch, planned and made: the experiments of one shard, then its comparisons, each in a
worker process of its own (see `workers`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aeviz.batch.comparisons import plan_comparison
from aeviz.batch.discovery import shard, split_comparisons
from aeviz.batch.jobs import Planned, Result, make, plan, unfinished, up_to_date
from aeviz.batch.manifest import UP_TO_DATE
from aeviz.batch.workers import run_in_workers


def plan_batch(paths: list[Path], outdir: Path, fmt: str, force: bool, index: int = 1,
               count: int = 1) -> list[Planned]:
    """The jobs of shard `index` of `count`: its experiments, then its comparisons. A
    comparison's runs from other shards are not jobs here: its own job trains them."""
    experiments, comparisons = split_comparisons(paths)
    jobs = [plan(path, outdir, fmt, force) for path in shard(experiments, index, count)]
    batch = {path.stem: path for path in experiments}
    planned = {job.name: job for job in jobs}
    return jobs + [plan_comparison(path, outdir, fmt, force, batch, planned)
                   for path in shard(comparisons, index, count)]


def run_batch(jobs: list[Planned], workers: int,
              on_result: Callable[[Result], None] = lambda result: None,
              ) -> tuple[list[Result], bool]:
    """Make the jobs that need it, `workers` processes at a time. Returns the rows in the
    jobs' order and whether the batch was interrupted (then unfinished jobs say so)."""
    rows: dict[str, Result] = {}
    for job in jobs:
        if job.broken:
            rows[job.name] = Result(job.name, "failed", output=job.reason)
        elif job.reason == UP_TO_DATE:
            rows[job.name] = up_to_date(job)
        else:
            continue
        on_result(rows[job.name])
    todo = [job for job in jobs if job.name not in rows]
    position = {job.name: index for index, job in enumerate(todo)}
    after = [[position[name] for name in job.needs if name in position] for job in todo]
    made, interrupted = run_in_workers(make, todo, workers, on_result, unfinished, after)
    rows.update((result.name, result) for result in made)
    return [rows[job.name] for job in jobs], interrupted
