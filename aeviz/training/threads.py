"""How many threads numpy's BLAS (OpenBLAS, MKL, ...) may use while aeviz trains.

A mini-batch's matrix products are small (about a millisecond each for 256 x 784 x 256), and a
BLAS that splits one over several threads makes them wait for one another at its end. When any
of those threads is not running, because the machine is shared or `aeviz batch` already runs one
process per CPU, every product waits for it: on a shared 2-core VM the large benchmark
(tests/perf/bench_train.py) took 4 to 54 s on two threads and 4.7 to 7.7 s on one. One thread
per training process is the steady choice; a thread count set in the environment still wins.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")

# The variables by which a user chooses the BLAS thread count themselves.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def training_threads() -> contextlib.AbstractContextManager:
    """A context in which BLAS calls run on one thread, unless the environment sets a count."""
    if any(os.environ.get(name) for name in THREAD_VARIABLES):
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def one_blas_thread(function: Callable[..., Result]) -> Callable[..., Result]:
    """`function`, run inside training_threads()."""

    @functools.wraps(function)
    def run(*args, **kwargs) -> Result:
        with training_threads():
            return function(*args, **kwargs)

    return run
