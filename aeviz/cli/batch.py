"""`aeviz batch`: a folder of experiments (and comparisons) into clips, incrementally."""

from __future__ import annotations

import os
import sys

import click

from aeviz.cli.errors import AevizCommand
from aeviz.cli.flags import ShardType, quiet_option
from aeviz.renderer.formats import BATCH_FORMATS  # every clip format, pages and handouts
from aeviz.signals import exit_status
from aeviz.text import printable


@click.command(cls=AevizCommand)
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for NAME.npz, its output (NAME.mp4 ..., NAME.html, a handout's "
                   "NAME.pdf) and NAME.json (created if missing).")
@click.option("--format", "fmt", type=click.Choice(BATCH_FORMATS), default="mp4",
              show_default=True,
              help="Clip format; html: a page per experiment and comparison, and index.html; "
                   "handout: a handout (NAME.pdf, as aeviz figure draws it) per experiment and "
                   "comparison.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Experiments run in parallel (default: the number of CPUs).")
@click.option("--shard", type=ShardType(), default="1/1", show_default=True,
              help="Take share I of N (by a stable hash of each name), for a CI matrix of N "
                   "jobs.")
@click.option("--force", is_flag=True, help="Redo experiments even if they are up to date.")
@click.option("--dry-run", is_flag=True,
              help="Say what would be done and why, for each experiment; change nothing "
                   "(status 1 if one would fail).")
@quiet_option
def batch(paths: tuple[str, ...], outdir: str, fmt: str, jobs: int | None,
          shard: tuple[int, int], force: bool, dry_run: bool, quiet: bool) -> None:
    """Train and render every experiment in PATHS (TOML files or folders of them); then
    render each comparison among them (a TOML with a [compare] table) from its runs.

    On Ctrl-C or SIGTERM it stops within about two seconds, prints what was finished and what
    was not, and exits with status 130 or 143; nothing unfinished is recorded as done.
    """
    from aeviz import batch as batching

    index, count = shard
    found = batching.find_experiments(paths)
    folder = batching.prepare_outdir(outdir, create=not dry_run)
    jobs_planned = batching.plan_batch(found, folder, fmt, force, index, count)
    if not jobs_planned:
        if not quiet:
            click.echo(f"shard {index}/{count}: no experiments in this share")
        return
    if dry_run:
        for job in jobs_planned:
            click.echo(printable(job.dry_run_line()))
        # A CI step that checks the set before it runs fails where the run would.
        sys.exit(1 if any(job.broken for job in jobs_planned) else 0)

    def report(result) -> None:
        if not quiet or result.status == "failed":
            # (a file's name may hold what a terminal acts on: shown escaped, as elsewhere)
            click.echo(printable(f"{result.name}: {result.status}"
                                 + ("" if result.status in ("done", "up to date") else
                                    f": {result.output}")), err=result.status == "failed")

    results, interrupted = batching.run_batch(jobs_planned, jobs or os.cpu_count() or 1,
                                              report)
    if fmt == "html" and not dry_run:
        from aeviz.batch.site import write_index

        # Interrupted: the index lists the finished pages only, and says the batch was
        # interrupted, naming the unfinished ones (nothing unfinished is taken for done).
        unfinished = [r.name for r in results if r.status == "interrupted"]
        write_index(folder, notify=lambda message: click.echo(f"note: {message}", err=True),
                    unfinished=unfinished if interrupted else [])
    if not quiet or interrupted:
        click.echo(batching.format_table(results))
    if interrupted:
        sys.exit(exit_status())
    if any(r.status in ("failed", "interrupted") for r in results):
        sys.exit(1)
