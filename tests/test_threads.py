"""Threads: training runs numpy's BLAS on one thread unless the environment chooses a count;
the full-data evaluation runs its chunks on several threads, with the same result every time;
the train command stays clear of matplotlib."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import aeviz
from aeviz.training import model
from aeviz.training.threads import THREAD_VARIABLES, training_threads
from tests.conftest import tiny_text


def blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


@pytest.fixture
def two_blas_threads():
    """BLAS set to two threads, so that training has a count to lower (on a one-CPU machine
    BLAS starts with one, and a test of "one thread in training" would pass trivially)."""
    if any(os.environ.get(name) for name in THREAD_VARIABLES):
        pytest.skip("the environment sets a BLAS thread count")
    with threadpool_limits(limits=2, user_api="blas"):
        if set(blas_threads()) != {2}:
            pytest.skip(f"this BLAS cannot run on two threads here ({blas_threads()})")
        yield


def test_training_uses_one_blas_thread_and_restores_the_count(two_blas_threads):
    with training_threads():
        assert set(blas_threads()) == {1}
    assert set(blas_threads()) == {2}


def test_training_runs_on_one_blas_thread(two_blas_threads):
    seen = []
    aeviz.train(tiny_text(train={"epochs": 2}), on_epoch=lambda *_: seen.extend(blas_threads()))
    assert seen and set(seen) == {1}
    assert set(blas_threads()) == {2}


def test_a_thread_count_in_the_environment_wins(monkeypatch):
    monkeypatch.setenv("MKL_NUM_THREADS", "2")
    before = blas_threads()
    with training_threads():
        assert blas_threads() == before


def test_threaded_evaluation_is_the_sequential_one_every_time(monkeypatch):
    rng = np.random.default_rng(3)
    net = model.Autoencoder([6, 5, 2, 5, 6], ["tanh", "tanh", "tanh", "sigmoid"], rng,
                            np.float32)
    x = rng.uniform(0, 1, (203, 6)).astype(np.float32)
    monkeypatch.setattr(model, "EVALUATION_ROWS", 10)  # 21 chunks, on threads
    monkeypatch.setattr(os, "cpu_count", lambda: 4)  # four of them, even on a one-CPU machine
    started = []
    monkeypatch.setattr(model, "ThreadPoolExecutor",
                        lambda workers: started.append(workers) or ThreadPoolExecutor(workers))
    threaded = [net.evaluate(x, 2) for _ in range(5)]
    assert started == [4] * 5
    monkeypatch.setattr(model, "EVALUATION_ROWS", 1000)  # one chunk, no threads
    _, codes = net.evaluate(x, 2)
    squared = sum(float(((net.forward(x[i:i + 10])[-1] - x[i:i + 10]) ** 2).sum())
                  for i in range(0, 203, 10))
    for rmse, threaded_codes in threaded:
        assert rmse == np.sqrt(squared / x.size)  # chunk sums added in chunk order
        np.testing.assert_array_equal(threaded_codes, codes)


def test_the_train_command_does_not_import_matplotlib(tmp_path):
    (tmp_path / "e.toml").write_text(tiny_text(train={"epochs": 2}))
    code = ("import sys; from click.testing import CliRunner; from aeviz.cli import cli; "
            "result = CliRunner().invoke(cli, ['train', 'e.toml', '-q']); "
            "print(result.exit_code, 'matplotlib' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.stdout == "0 False\n" and (tmp_path / "e.npz").is_file()
