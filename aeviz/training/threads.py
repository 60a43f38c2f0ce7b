"""How many threads aeviz trains with, and the two lanes a training step's work runs on.

The count is the number of CPUs this process may run on (`os.sched_getaffinity`); a count set
in the environment (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS, the first one set)
wins, and `aeviz batch` sets one for each of its worker processes.

Training never hands a product to a BLAS that splits it over threads. A mini-batch's products
are small (about a millisecond each for 256 x 784 x 256), and a BLAS that splits one over several
threads makes them wait for one another at its end; when one of those threads is not running,
because the machine is shared, every product waits for it (on a shared 2-core VM the large
benchmark, tests/perf/bench_train.py, took 4 to 54 s on two BLAS threads, 4.7 to 7.7 s on one).
Instead, with two or more threads, a step's work runs on two lanes, each on one BLAS thread: the
caller's thread and one helper (`Lanes`). numpy lets go of the GIL inside BLAS and its loops, so
the two really run at once.

A large mini-batch's forward pass (and its output error) runs in two halves of its rows, one on
each lane, with one wait at its end: each half packs the weights again (5 to 10 % more work),
but the pass takes a third less time. Each lane gathers its half of the batch from the data
itself (aeviz.training.loop.Training.gather, unless the batch is corrupted first), so that the
helper starts at once. Then work that does not depend on other work runs side by side (see
`Autoencoder.backward`): a layer's weight gradient beside the delta passed down, a layer's
update as soon as backward is done with it, the first layer's weight gradient and update in two
halves of its units. (Splitting each product in halves, each with a wait of its own, had
gained nothing: the lanes waited for each other at every product.) A product's row depends on
its own row alone, so a half's numbers are the whole's where the BLAS computes fewer rows the
same way; OpenBLAS does not for some shapes (a row or two, or the rows at the ends of its blocks:
16 x 256 x 64 against 32 x 256 x 64, 38 x 385 x 2 against 77 x 385 x 2), so a batch size runs in
halves only where a check at the start finds each split product (before its activation, which
can round a difference away) and each activation on half its array equal to the whole, bit for
bit, on random numbers (`Autoencoder.halves_agree`). Everything else is the same call on the
same numbers as on one thread: the result is bit-identical.

Work handed `aside` (the evaluation of all samples at an epoch's end, and of the untrained
network, while the next epoch trains: aeviz.training.loop.Training.look_ahead) keeps the helper
busy for a while; the steps meanwhile run whole on the caller, as on one thread.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

# The variables by which a user chooses the thread count themselves, the first set one wins.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
LANES = 2  # the caller's thread and one helper: what a step has independent work for


def environment_threads() -> int | None:
    """The thread count the environment sets, if it sets a valid one."""
    for name in THREAD_VARIABLES:
        value = os.environ.get(name, "").split(",")[0].strip()  # OMP allows "4,2"
        if value.isdigit() and int(value) >= 1:
            return int(value)
    return None


def machine_threads() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Plan(NamedTuple):
    """How training uses its threads: `lanes` (1 or 2, see Lanes), BLAS threads per lane (one),
    and threads for the full-data evaluation (whose chunks are independent)."""

    lanes: int
    blas: int
    evaluation: int


def thread_plan() -> Plan:
    """Two lanes given two threads or more (OPENBLAS_NUM_THREADS=1: one thread, no helper),
    each BLAS call on one thread, the evaluation's chunks on all: the count is the machine's
    CPUs, or the environment's. (A BLAS call on more threads sums in another order: a count of
    4 gave other numbers than 1 or 2, where the promise is the same numbers for every count.)"""
    threads = environment_threads() or machine_threads()
    return Plan(min(threads, LANES), 1, threads)


def training_threads(plan: Plan | None = None) -> contextlib.AbstractContextManager:
    """A context in which BLAS calls run on the plan's BLAS threads (one)."""
    from threadpoolctl import threadpool_limits

    plan = thread_plan() if plan is None else plan
    return threadpool_limits(limits=plan.blas, user_api="blas")


class Lanes:
    """The caller's thread and, given two or more threads, one helper thread.

    `later(work, ...)` hands work to the helper, which runs it in the order handed while the
    caller goes on; `wait()` returns once all of it is done (raising what it raised). Work the
    helper has not started by then, the caller takes back and does itself, in the same order:
    on a busy machine, where the helper may not be running, a step waits for no one. With one
    thread `later` runs the work at once: the same work in the same order, on one thread.
    """

    def __init__(self, lanes: int = 1, evaluation_threads: int = 1):
        self.helper = ThreadPoolExecutor(1, "aeviz-lane") if lanes >= LANES else None
        self.pending: list[tuple[Future, Callable[..., object], tuple]] = []
        self.evaluation_threads = evaluation_threads

    @property
    def parallel(self) -> bool:
        return self.helper is not None

    def later(self, work: Callable[..., object], *args: object) -> None:
        if self.helper is None:
            work(*args)
        else:
            self.pending.append((self.helper.submit(_as_caller, np.geterr(), work, args), work,
                                 args))

    def aside(self, work: Callable[..., object], *args: object) -> Future:
        """Hand work to the helper apart from a step's: it runs after what was handed before
        it, `wait` neither waits for it nor takes it back, and its future says when it is done.
        (An epoch's end evaluated while the next epoch trains: the steps meanwhile hand the
        helper nothing, see Training.run_epoch; work handed after it all the same, not started
        at the step's end, the caller does itself, so no step waits for it.)"""
        if self.helper is None:
            raise RuntimeError("aside needs a helper thread")
        return self.helper.submit(_as_caller, np.geterr(), work, args)

    def wait(self) -> None:
        pending, self.pending = self.pending, []
        # Take back what the helper has not started, from the last piece on: the helper takes
        # work in order, so once one piece is found started, all before it are. Taken back
        # from the first on, a piece could be taken here while the helper went on to the next,
        # which may need the first done (a layer's update needs its gradient).
        taken_back = []
        for future, work, args in reversed(pending):
            if not future.cancel():
                break
            taken_back.append((work, args))
        for future, _, _ in pending[:len(pending) - len(taken_back)]:
            future.result()
        for work, args in reversed(taken_back):
            work(*args)

    def close(self) -> None:
        """Wait for the helper's work, then end the helper."""
        try:
            self.wait()
        finally:
            if self.helper is not None:
                self.helper.shutdown()

    def __enter__(self) -> Lanes:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _as_caller(errors: dict, work: Callable[..., object], args: tuple) -> object:
    """Run work on the helper with the caller's floating-point error handling (numpy's is
    each thread's own: training's "overflow is detected, not warned" held only on the caller,
    and a diverging run printed overflow notes with two lanes, none with one)."""
    with np.errstate(**errors):
        return work(*args)


SERIAL = Lanes(1)  # no helper: everything at once, in order
