"""Training runs numpy's BLAS on one thread unless the environment chooses a count."""

import os

import pytest
from threadpoolctl import threadpool_info

from aeviz.blas import THREAD_VARIABLES, training_threads


def blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_training_uses_one_blas_thread_and_restores_the_count():
    if any(os.environ.get(name) for name in THREAD_VARIABLES):
        pytest.skip("the environment sets a BLAS thread count")
    before = blas_threads()
    with training_threads():
        assert set(blas_threads()) <= {1}
    assert blas_threads() == before


def test_a_thread_count_in_the_environment_wins(monkeypatch):
    monkeypatch.setenv("MKL_NUM_THREADS", "2")
    before = blas_threads()
    with training_threads():
        assert blas_threads() == before
