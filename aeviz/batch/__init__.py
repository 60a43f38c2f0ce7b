"""`aeviz batch`: train and render a folder of experiments, incrementally, in parallel, sharded.

An experiment is up to date when the hash of (resolved experiment, data file, render options,
format, aeviz version) matches the one in its manifest, NAME.json, and its outputs are what the
manifest records (see `manifest`). Content hashes, not modification times: CI checkouts reset
mtimes. Each experiment is made in a worker process of its own (see `workers`). Comparison
files among them (see `settings.comparison`) are made after the runs they name by the same
rules (see `comparisons`).
"""

from aeviz.batch.discovery import find_experiments, shard, shard_of, split_comparisons
from aeviz.batch.jobs import dry_run_line, prepare_outdir
from aeviz.batch.report import format_table
from aeviz.batch.schedule import plan_batch, run_batch

__all__ = ["dry_run_line", "find_experiments", "format_table", "plan_batch", "prepare_outdir",
           "run_batch", "shard", "shard_of", "split_comparisons"]
