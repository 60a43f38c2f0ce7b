"""`aeviz batch`: train and render a folder of experiments, incrementally, in parallel, sharded.

An output is up to date when the hash of (resolved experiment, data file, render options,
format, aeviz version) matches the one in its manifest, NAME.json, written last beside NAME.npz
and the clip. Content hashes, not modification times: CI checkouts reset mtimes.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from aeviz import __version__
from aeviz.config import Experiment, load_experiment
from aeviz.errors import AevizError
from aeviz.files import write_text_atomic


@dataclass
class Result:
    """One experiment's row in the batch table."""

    name: str
    status: str                  # "done", "up to date" or "failed"
    epochs: int | str | None = None  # "300", or "1, batch 9/13" for a run stopped mid-epoch
    final_rmse: float | None = None
    stop_reason: str | None = None
    seconds: float = 0.0
    output: str = ""             # the clip, or the error message


def find_experiments(paths: Iterable[str]) -> list[Path]:
    """TOML files named directly, and those directly inside named folders, sorted by name."""
    found: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            inside = sorted(path.glob("*.toml"))
            if not inside:
                raise AevizError(f"{path}: no .toml experiments in this folder")
            found += inside
        elif path.is_file():
            if path.suffix.lower() != ".toml":
                raise AevizError(f"{path}: not an experiment (expected a .toml file or a folder)")
            found.append(path)
        else:
            raise AevizError(f"{path}: no such file or folder")
    by_name: dict[str, Path] = {}
    for path in found:
        other = by_name.setdefault(path.stem, path)
        if other != path and other.resolve() != path.resolve():
            raise AevizError(f"{path}: two experiments are named {path.stem!r} (also {other}); "
                             "their outputs would overwrite each other")
    return sorted(by_name.values(), key=lambda p: p.stem)


def shard(paths: list[Path], index: int, count: int) -> list[Path]:
    """Every count-th experiment starting at the index-th: the shards together cover all once."""
    return paths[index - 1::count]


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
            parts["data"] = hashlib.sha256(data_path.read_bytes()).hexdigest()
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def run_one(path: Path, outdir: Path, fmt: str, force: bool) -> Result:
    """Train and render one experiment unless its outputs are up to date. Never raises."""
    started = time.perf_counter()
    name = path.stem
    try:
        exp = load_experiment(path)
        digest = content_hash(exp, fmt)
        manifest_path = outdir / f"{name}.json"
        clip = outdir / f"{name}.{fmt}"
        trajectory_path = outdir / f"{name}.npz"
        if not force and manifest_path.is_file() and clip.is_file() and trajectory_path.is_file():
            try:
                recorded = json.loads(manifest_path.read_text())
            except (OSError, ValueError):
                recorded = {}
            if recorded.get("hash") == digest:
                return Result(name, "up to date", recorded.get("epochs"),
                              recorded.get("final_rmse"), recorded.get("stop_reason"),
                              time.perf_counter() - started, str(clip))
        from aeviz.render import render
        from aeviz.train import train

        run = train(exp)
        run.save(trajectory_path)
        render([run], clip, exp.render)
        result = Result(name, "done", run.moment(len(run) - 1).removeprefix("epoch "),
                        float(run.loss[-1]),
                        run.stop_reason, time.perf_counter() - started, str(clip))
        manifest = {"hash": digest, "epochs": result.epochs, "final_rmse": result.final_rmse,
                    "stop_reason": result.stop_reason}
        write_text_atomic(manifest_path, json.dumps(manifest, indent=1) + "\n")
        return result
    except Exception as error:  # one failing experiment must not stop the others
        message = str(error) if isinstance(error, AevizError) else (
            f"{type(error).__name__}: {error}")
        return Result(name, "failed", seconds=time.perf_counter() - started, output=message)


def run_batch(paths: list[Path], outdir: Path, fmt: str, jobs: int, force: bool,
              on_result: Callable[[Result], None] = lambda result: None) -> list[Result]:
    """Run every experiment, `jobs` at a time; results in the experiments' order."""
    if jobs <= 1 or len(paths) <= 1:
        results = []
        for path in paths:
            results.append(run_one(path, outdir, fmt, force))
            on_result(results[-1])
        return results
    by_path: dict[Path, Result] = {}
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths))) as pool:
        futures = {pool.submit(run_one, path, outdir, fmt, force): path for path in paths}
        try:
            for future in as_completed(futures):
                by_path[futures[future]] = future.result()
                on_result(by_path[futures[future]])
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return [by_path[path] for path in paths]


def format_table(results: list[Result]) -> str:
    """The end-of-batch table: name, epochs, final RMSE, stop reason, seconds, output or error."""
    header = ("experiment", "ends at epoch", "final RMSE", "stopped", "seconds", "output")
    rows = [(r.name, "" if r.epochs is None else str(r.epochs),
             "" if r.final_rmse is None else f"{r.final_rmse:.4g}",
             r.stop_reason or "", f"{r.seconds:.1f}",
             r.output if r.status == "done" else f"{r.status}: {r.output}")
            for r in results]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) if i == 0 or i == 3 else cell.rjust(width)
                 for i, (cell, width) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells + [row[-1]]))
    return "\n".join(lines)
