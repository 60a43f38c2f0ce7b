"""Run tasks in worker processes, one fresh process per task, a few at a time.

Not a ProcessPoolExecutor, because a batch must stay in control when things go wrong: a worker
killed by the OOM killer fails only its own task (an executor breaks the whole pool); on
SIGINT/SIGTERM the workers are told to stop, given a moment to clean up, then killed, so the
batch stops within about two seconds and leaves no process behind; and a worker whose parent
dies, even by SIGKILL, stops by itself.
"""

from __future__ import annotations

import _thread
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Collection, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, NamedTuple

from aeviz.signals import handle_stop_signals, ignore_stop_signals, stop_when_orphaned
from aeviz.training.threads import THREAD_VARIABLES, machine_threads

STOP_GRACE_SECONDS = 1.5  # after SIGTERM, before SIGKILL
# What a fork server imports once, before it forks workers: the stages a job runs (training,
# trajectory, the renderer and matplotlib's Agg canvas), so a worker starts with them loaded.
FORKSERVER_PRELOAD = ["aeviz.batch.jobs", "aeviz.batch.comparisons", "aeviz.training.loop",
                      "aeviz.trajectory", "aeviz.renderer.rendering", "aeviz.renderer.scene",
                      "aeviz.renderer.figure"]


def _other_threads() -> bool:
    """Whether this process runs Python threads besides the main one: threading's, and those
    started by _thread directly (a test runner's channel, a notebook kernel's), which
    threading.active_count() does not count but Python 3.12+'s fork warning does."""
    return threading.active_count() > 1 or getattr(_thread, "_count", lambda: 0)() > 0


def _context() -> multiprocessing.context.BaseContext:
    """How workers start. On Linux, fork while the batch runs one thread (the command line): a
    worker starts in milliseconds with aeviz imported, its parent the batch. With other threads
    running (aeviz called from a notebook, or a test runner), fork would copy their locks as
    they are, maybe held (a deadlock; Python 3.12+ warns of it), so a fork server starts them:
    a clean process, started once, that forks each worker (its parent then; when the batch dies
    the server ends, and the orphan watch sees its worker reparented). Elsewhere spawn, the
    only safe choice on macOS."""
    if sys.platform != "linux":
        return multiprocessing.get_context("spawn")
    if not _other_threads():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(FORKSERVER_PRELOAD)
    return context


class Worker(NamedTuple):
    """A running task: its item's index, its process, and the end its result arrives at."""

    index: int
    process: multiprocessing.process.BaseProcess
    receiver: Connection


def _work(sender: Connection, task: Callable[[Any], Any], item: Any, threads: int,
          environment: dict[str, str]) -> None:
    """A worker's body: in the batch's environment (a fork server's worker has the server's;
    its folder is the batch's, as multiprocessing sets it), run the task on `threads`
    threads, send its result to the parent."""
    try:
        if os.environ != environment:
            os.environ.clear()
            os.environ.update(environment)
        if not any(os.environ.get(name) for name in THREAD_VARIABLES):  # the user's count wins
            os.environ["OMP_NUM_THREADS"] = str(threads)  # read by aeviz.training.threads
        handle_stop_signals()
        stop_when_orphaned()
        result = task(item)
    except KeyboardInterrupt:  # stopped before the task could catch it: no result
        return
    sender.send(result)
    sender.close()


def _start(context, index: int, task: Callable, item: Any, threads: int) -> Worker:
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_work, daemon=True, args=(
        sender, task, item, threads, dict(os.environ)))
    process.start()
    sender.close()  # the worker holds the only write end now
    return Worker(index, process, receiver)


def death_cause(exitcode: int | None) -> str:
    """Why a worker ended without a result, in words."""
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"its worker process was killed by {name}{hint}"
    return f"its worker process ended without a result (exit status {exitcode})"


def _collect(worker: Worker) -> Any | None:
    """The worker's result, or None if it died before sending one."""
    worker.process.join()
    try:
        return worker.receiver.recv() if worker.receiver.poll() else None
    except (EOFError, OSError):
        return None
    finally:
        worker.receiver.close()


def run_in_workers(task: Callable[[Any], Any], items: list, jobs: int,
                   on_result: Callable[[Any], None],
                   on_death: Callable[[Any, str, bool], Any],
                   after: Sequence[Collection[int]] = ()) -> tuple[list, bool]:
    """task(item) for every item, `jobs` processes at a time; results in the items' order.

    Each worker trains on its share of the CPUs: one thread each when there are as many
    workers as CPUs (unless the environment sets a thread count).

    `after[i]`, if given, holds the indexes of the items that must be finished (whatever
    their result) before item i starts; the items' order is kept otherwise.

    `task` must return (never raise); `on_death(item, cause, stopped)` makes the result of an
    item whose worker died (stopped False) or that was stopped unfinished (True). Returns the
    results and whether the run was interrupted (SIGINT/SIGTERM): then the workers were
    stopped, and the items not finished have `on_death` results.
    """
    results: dict[int, Any] = {}
    threads = max(1, machine_threads() // max(1, jobs))
    context = _context()
    waiting = list(range(len(items)))
    running: dict[Any, Worker] = {}

    def finish(worker: Worker, stopped: bool) -> None:
        result = _collect(worker)
        if result is None:
            cause = ("stopped before it finished" if stopped
                     else death_cause(worker.process.exitcode))
            result = on_death(items[worker.index], cause, stopped)
        results[worker.index] = result
        on_result(result)

    def next_ready() -> int | None:
        return next((index for index in waiting if not after
                     or all(before in results for before in after[index])), None)

    try:
        while waiting or running:
            while len(running) < jobs and (index := next_ready()) is not None:
                waiting.remove(index)
                worker = _start(context, index, task, items[index], threads)
                running[worker.process.sentinel] = worker
            if not running:  # waiting, yet nothing can start: `after` is circular
                raise ValueError(f"items {waiting} wait for each other (see `after`)")
            for sentinel in wait(list(running)):
                finish(running.pop(sentinel), False)
        return [results[i] for i in range(len(items))], False
    except KeyboardInterrupt:
        ignore_stop_signals()
        _stop([worker.process for worker in running.values()])
        for worker in running.values():
            finish(worker, True)
        for index in waiting:
            results[index] = on_death(items[index], "not started", True)
            on_result(results[index])
        return [results[i] for i in range(len(items))], True


def _stop(processes: list) -> None:
    """SIGTERM every worker, wait a moment for them to clean up, SIGKILL the rest."""
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join()
