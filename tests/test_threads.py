"""Threads: training takes its thread count from the machine unless the environment chooses
one; it runs numpy's BLAS on one thread per lane and its independent work on two lanes, with
every number as on one thread; the full-data evaluation runs its chunks on several threads,
with the same result every time; the train command stays clear of matplotlib."""

import os
import subprocess
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from threadpoolctl import threadpool_info, threadpool_limits

import aeviz
from aeviz.errors import AevizError
from aeviz.training import loop, model, threads
from aeviz.training.model import parameter_count
from aeviz.training.threads import THREAD_VARIABLES, Plan, thread_plan, training_threads
from tests.conftest import tiny_text
from tests.strategies import examples


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


@pytest.fixture
def no_thread_variables(monkeypatch):
    for name in THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_the_thread_count_comes_from_the_cpus_this_process_may_use(monkeypatch,
                                                                  no_thread_variables):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 2, 5}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)  # the machine's, not this process's
    assert thread_plan() == Plan(lanes=2, blas=1, evaluation=3)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {1}, raising=False)
    assert thread_plan() == Plan(lanes=1, blas=1, evaluation=1)


@pytest.mark.parametrize("name, value, plan", [
    ("OPENBLAS_NUM_THREADS", "1", Plan(1, 1, 1)), ("OMP_NUM_THREADS", "2", Plan(2, 1, 2)),
    ("OMP_NUM_THREADS", "4,2", Plan(2, 1, 4)), ("MKL_NUM_THREADS", "5", Plan(2, 1, 5))])
def test_a_thread_count_in_the_environment_wins(monkeypatch, no_thread_variables, name, value,
                                                 plan):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    monkeypatch.setenv(name, value)
    assert thread_plan() == plan


@pytest.mark.slow
def test_a_count_of_four_threads_trains_every_number_as_one_thread(tmp_path):
    """A count above two in the environment gives the evaluation its threads, not each BLAS
    call: a product split over BLAS threads sums in another order (with two BLAS threads a
    lane, OMP_NUM_THREADS=4 trained other numbers than OPENBLAS_NUM_THREADS=1)."""
    rng = np.random.default_rng(0)
    np.save(tmp_path / "x.npy", rng.uniform(0, 1, (600, 784)).astype(np.float32))
    (tmp_path / "e.toml").write_text(
        'title = "e"\n[data]\nfile = "x.npy"\nnormalize = "none"\n'
        "[model]\nlayers = [784, 128, 2, 128, 784]\n"
        '[train]\noptimizer = "adam"\nlearning_rate = 0.001\nbatch_size = 100\nepochs = 2\n')
    clean = {key: value for key, value in os.environ.items() if key not in THREAD_VARIABLES}
    runs = []
    for name, count in (("OPENBLAS_NUM_THREADS", "1"), ("OMP_NUM_THREADS", "4")):
        subprocess.run([sys.executable, "-m", "aeviz", "train", "e.toml", "-q", "-o",
                        f"{count}.npz"], cwd=tmp_path, env={**clean, name: count}, check=True)
        runs.append(aeviz.load(tmp_path / f"{count}.npz"))
    assert_same_run(*runs)


def test_a_thread_count_that_is_not_a_count_is_passed_over(monkeypatch, no_thread_variables):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "many")
    monkeypatch.setenv("OMP_NUM_THREADS", "0")
    assert thread_plan() == Plan(2, 1, 2)


def test_threaded_evaluation_is_the_sequential_one_every_time(monkeypatch):
    rng = np.random.default_rng(3)
    net = model.Autoencoder([6, 5, 2, 5, 6], ["tanh", "tanh", "tanh", "sigmoid"], rng,
                            np.float32)
    x = rng.uniform(0, 1, (203, 6)).astype(np.float32)
    monkeypatch.setattr(model, "EVALUATION_ROWS", 10)  # 21 chunks, on threads
    started = []
    monkeypatch.setattr(model, "ThreadPoolExecutor",
                        lambda workers: started.append(workers) or ThreadPoolExecutor(workers))
    threaded = [net.evaluate(x, 2, threads=4) for _ in range(5)]
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


VAE = {"activation": ["tanh", "identity", "tanh", "sigmoid"], "variational": True}
RUNS = {  # one of each kind of update and objective term
    "adam": {}, "sgd decay": {"train": {"optimizer": "sgd", "weight_decay": 0.1}},
    "momentum": {"train": {"optimizer": "momentum", "learning_rate": 0.1}},
    "rmsprop decay": {"train": {"optimizer": "rmsprop", "weight_decay": 0.01}},
    "adamw": {"train": {"optimizer": "adamw", "weight_decay": 0.3}},
    "vae, l1, noise": {"model": VAE, "train": {"beta": 0.5, "code_l1": 0.01, "noise": 0.2,
                                               "masking": 0.1}},
    "float64 vae": {"model": VAE, "train": {"dtype": "float64"}},
    "relu, one row left over": {"model": {"activation": "relu"}, "train": {"batch_size": 13}},
}


def handed_over(monkeypatch) -> list[bool]:
    """Whether the lanes had a helper, for each piece of work handed to `Lanes.later`."""
    handed: list[bool] = []
    real_later = threads.Lanes.later
    monkeypatch.setattr(threads.Lanes, "later",
                        lambda self, *work: handed.append(self.parallel) or real_later(self, *work))
    return handed


def evaluated_ahead_at_once(monkeypatch) -> None:
    """An end evaluated ahead is done (on the helper all the same) before training goes on: no
    step runs alone for it, however busy the machine."""
    real_aside = threads.Lanes.aside

    def finished(self, work, *args):
        future = real_aside(self, work, *args)
        future.result()
        return future

    monkeypatch.setattr(threads.Lanes, "aside", finished)


def halved_passes(monkeypatch) -> list[bool]:
    """Whether each forward pass of a training step ran in halves."""
    halved: list[bool] = []
    real_step = loop.minibatch_step

    def step(*args, **kwargs):
        halved.append(kwargs.get("halves", args[7] if len(args) > 7 else False))
        return real_step(*args, **kwargs)

    monkeypatch.setattr(loop, "minibatch_step", step)
    return halved


@pytest.mark.parametrize("changes", RUNS.values(), ids=RUNS.keys())
def test_two_lanes_train_every_number_as_one_thread(monkeypatch, changes):
    monkeypatch.setattr(model, "HANDOFF_SIZE", 1)  # every layer's work handed over
    monkeypatch.setattr(loop, "LOOK_AHEAD_SIZE", 0)  # every epoch's end evaluated ahead
    monkeypatch.setattr(loop, "HALVES_SIZE", 0)  # every batch in halves where they agree
    evaluated_ahead_at_once(monkeypatch)  # (steps beside an evaluation run alone: see below)
    text = tiny_text(**changes)
    handed = handed_over(monkeypatch)
    halved = halved_passes(monkeypatch)
    monkeypatch.setattr(loop, "thread_plan", lambda: Plan(1, 1, 1))
    one = aeviz.train(text)
    assert handed and not any(handed)
    assert not any(halved)
    handed.clear()
    monkeypatch.setattr(loop, "thread_plan", lambda: Plan(2, 1, 2))
    two = aeviz.train(text)
    assert handed and all(handed)  # the helper did take work
    assert_same_run(one, two)
    if not any(halved):  # every number as one thread all the same, but nothing split
        pytest.skip("this BLAS computes these halves otherwise: no batch ran in halves")


@pytest.mark.parametrize("changes", [{}, RUNS["vae, l1, noise"], RUNS["float64 vae"],
                                     RUNS["relu, one row left over"]],
                         ids=["adam", "corrupted", "vae", "one row left over"])
def test_a_slow_helper_gathering_its_half_of_a_batch_changes_no_number(monkeypatch, changes):
    """A batch in halves is gathered in halves, each by the lane that runs its forward pass
    (a corrupted batch whole, before it is corrupted): the helper's half gathered late (slowed
    here) is read by nobody before it is there."""
    monkeypatch.setattr(model, "HANDOFF_SIZE", 1)
    monkeypatch.setattr(loop, "HALVES_SIZE", 0)
    evaluated_ahead_at_once(monkeypatch)
    real_take = loop._take

    def take(x, rows, out):
        if threading.current_thread().name.startswith("aeviz-lane"):
            threading.Event().wait(0.002)  # the caller reaches its forward pass first
        real_take(x, rows, out)

    monkeypatch.setattr(loop, "_take", take)
    halved = halved_passes(monkeypatch)
    text = tiny_text(**{**changes, "train": {**changes.get("train", {}), "epochs": 2}})
    one, two, _ = trained_both_ways(monkeypatch, text)
    assert_same_run(one, two)
    if not any(halved):
        pytest.skip("this BLAS computes these halves otherwise: no batch ran in halves")


def test_steps_taken_while_an_end_is_evaluated_ahead_are_this_threads_alone(monkeypatch):
    """The helper busy with an epoch's end: the steps meanwhile hand it nothing (it would only
    be taken back) and run whole; before, they share the work."""
    release = threading.Event()
    real_snapshot = loop.Training.snapshot

    def slow_end(self, epoch, net=None, step=None, threads=None):
        if net is not None and epoch > 0:  # an end evaluated ahead, on the helper
            release.wait(60)
        return real_snapshot(self, epoch, net, step, threads)

    steps = []
    real_step = loop.minibatch_step

    def step(net, optimizer, batch, objective, inputs, noise, lanes, halves):
        steps.append((lanes.parallel, halves))
        if len(steps) == 8:
            release.set()
        return real_step(net, optimizer, batch, objective, inputs, noise, lanes, halves)

    def untrained_at_once(self, work, *args):  # epoch 0's evaluation done when epoch 1 starts
        if args[0] != 0:
            return real_aside(self, work, *args)
        done = Future()
        done.set_result(work(*args))
        return done

    real_aside = threads.Lanes.aside
    monkeypatch.setattr(threads.Lanes, "aside", untrained_at_once)
    monkeypatch.setattr(loop.Training, "snapshot", slow_end)
    monkeypatch.setattr(loop, "minibatch_step", step)
    monkeypatch.setattr(loop, "LOOK_AHEAD_SIZE", 0)
    monkeypatch.setattr(loop, "HALVES_SIZE", 0)
    monkeypatch.setattr(model.Autoencoder, "halves_agree", lambda self, rows: True)
    monkeypatch.setattr(loop, "thread_plan", lambda: Plan(2, 1, 2))
    aeviz.train(tiny_text(train={"epochs": 2}))  # 5 steps an epoch
    assert steps[:8] == [(True, True)] * 5 + [(False, False)] * 3


def other_kernel_for(monkeypatch, left: tuple, columns: int) -> None:
    """numpy's products as a BLAS that sums a product of a `left`-shaped matrix into `columns`
    columns in another order (one number a rounding apart), as OpenBLAS does for some
    shapes."""
    real_matmul = np.matmul

    def matmul(a, b, out=None):
        result = real_matmul(a, b, out=out)
        if a.shape == left and result.shape[-1] == columns:
            result[-1, -1] = np.nextafter(result[-1, -1], np.inf)
        return result

    monkeypatch.setattr(np, "matmul", matmul)


@pytest.mark.parametrize("left, columns", [((16, 16), 2), ((8, 32), 3)],
                         ids=["code", "first layer"])
def test_a_batch_whose_halves_a_blas_computes_otherwise_is_taken_whole(monkeypatch, left,
                                                                       columns):
    """A BLAS whose numbers for a row depend on how many rows a product has: the product into
    the code (16 of a batch's 32 rows, before its activation, which may round the difference
    away), or the first layer's weight gradient by halves of its 16 units. The halves' check
    finds it, no batch is split, and the run is the one-thread run."""
    clusters = [{"n": 32, "mean": [0.5, 0.0, 0.2], "std": 0.1},
                {"n": 32, "mean": [-0.5, 0.3, 0.0], "std": 0.2}]
    text = tiny_text(data={"clusters": clusters}, model={"layers": [3, 16, 2, 16, 3]},
                     train={"epochs": 3, "batch_size": 32})
    net = model.Autoencoder([3, 16, 2, 16, 3], ["tanh"] * 4, np.random.default_rng(0),
                            np.float32)
    if not net.halves_agree(32):  # (OpenBLAS's kernels from Nehalem's to SkylakeX's agree)
        pytest.skip("this BLAS computes these halves otherwise already: nothing to simulate")
    other_kernel_for(monkeypatch, left, columns)
    assert not net.halves_agree(32)
    monkeypatch.setattr(loop, "HALVES_SIZE", 0)
    halved = halved_passes(monkeypatch)
    one, two, _ = trained_both_ways(monkeypatch, text)
    assert halved and not any(halved)
    assert_same_run(one, two)


def test_a_small_batch_is_drawn_until_a_difference_seen_now_and_then_shows(monkeypatch):
    """A split whose one differing number agrees by chance in most draws (as OpenBLAS's float64
    kernels at 10 to 13 rows): here the second half of the product into the code differs in
    one draw of four. A 13-row batch is drawn often enough to see it; the check refuses."""
    net = model.Autoencoder([3, 16, 2, 16, 3], ["tanh"] * 4, np.random.default_rng(0),
                            np.float64)
    if not net.halves_agree(13):
        pytest.skip("this BLAS computes these halves otherwise already: nothing to simulate")
    real_matmul, calls = np.matmul, []

    def matmul(a, b, out=None):
        result = real_matmul(a, b, out=out)
        if a.shape == (7, 16) and result.shape == (7, 2):  # the code's second half
            calls.append(1)
            if len(calls) % 4 == 0:
                result[-1, -1] = np.nextafter(result[-1, -1], np.inf)
        return result

    monkeypatch.setattr(np, "matmul", matmul)
    assert not net.halves_agree(13)


NAMES = sorted(model.ACTIVATIONS)


@st.composite
def networks(draw) -> dict:
    """Any small network and run: its widths, activations, batch size (rows that OpenBLAS
    computes otherwise in halves among them), optimizer, precision and objective."""
    inputs = draw(st.integers(2, 12))
    hidden = draw(st.lists(st.integers(2, 40), min_size=1, max_size=2))
    layers = [inputs, *hidden, 2, *hidden[::-1], inputs]
    variational = draw(st.booleans())
    activation = draw(st.lists(st.sampled_from(NAMES), min_size=len(layers) - 1,
                               max_size=len(layers) - 1))
    if variational:  # the layer into the code gives its mean: any activation but identity's
        activation[len(hidden)] = "identity"
    return {"data": {"clusters": [{"n": draw(st.integers(3, 40)), "mean": [0.2] * inputs,
                                   "std": 0.3},
                                  {"n": draw(st.integers(3, 40)), "mean": [-0.3] * inputs,
                                   "std": 0.2}]},
            "model": {"layers": layers, "activation": activation, "variational": variational},
            "train": {"batch_size": draw(st.integers(2, 80)), "epochs": 2,
                      "optimizer": draw(st.sampled_from(["sgd", "momentum", "rmsprop", "adam",
                                                         "adamw"])),
                      "dtype": draw(st.sampled_from(["float32", "float64"])),
                      "noise": draw(st.sampled_from([0.0, 0.3])),
                      "beta": 0.5 if variational else None}}


@examples(0.5)
@given(network=networks())
def test_any_network_trains_every_number_on_two_lanes_as_on_one(network, outcomes):
    """Every batch in halves where the check lets it, all work handed over, every end
    evaluated ahead: the run is the one-thread run, number for number. (Accepted: examples
    that ran in halves; at least a third must.)"""
    with pytest.MonkeyPatch.context() as monkeypatch:  # each example's own patches
        monkeypatch.setattr(model, "HANDOFF_SIZE", 1)
        monkeypatch.setattr(loop, "LOOK_AHEAD_SIZE", 0)
        monkeypatch.setattr(loop, "HALVES_SIZE", 0)
        evaluated_ahead_at_once(monkeypatch)
        halved = halved_passes(monkeypatch)
        text = tiny_text(**network)
        runs = []
        for plan in (Plan(1, 1, 1), Plan(2, 1, 2)):
            monkeypatch.setattr(loop, "thread_plan", lambda plan=plan: plan)
            try:
                runs.append(aeviz.train(text))
            except AevizError:  # settings the schema refuses: not a run
                return outcomes.refused()
        assert_same_run(*runs)
        return outcomes.accepted() if any(halved) else outcomes.refused()


def test_only_large_batches_run_in_halves(monkeypatch):
    monkeypatch.setattr(loop, "thread_plan", lambda: Plan(2, 1, 2))
    monkeypatch.setattr(model.Autoencoder, "halves_agree", lambda self, rows: True)
    halved = halved_passes(monkeypatch)
    aeviz.train(tiny_text(train={"epochs": 1}))
    assert halved == [False] * 5  # 8 rows x 53 parameters: less than a handoff costs
    size = 8 * parameter_count([3, 4, 2, 4, 3])
    for least, expected in ((size + 1, [False] * 5), (size, [True] * 5)):
        halved.clear()
        monkeypatch.setattr(loop, "HALVES_SIZE", least)
        aeviz.train(tiny_text(train={"epochs": 1}))
        assert halved == expected


def trained_both_ways(monkeypatch, text: str, on_epoch=None) -> tuple:
    """The run on one thread, and on two lanes with every epoch's end (but the last)
    evaluated ahead while the next epoch trains; and how many ends were evaluated ahead."""
    monkeypatch.setattr(loop, "LOOK_AHEAD_SIZE", 0)  # tiny data: evaluated ahead all the same
    monkeypatch.setattr(loop, "thread_plan", lambda: Plan(1, 1, 1))
    one = aeviz.train(text, on_epoch=on_epoch)
    ahead = []
    real_aside = threads.Lanes.aside
    monkeypatch.setattr(threads.Lanes, "aside",
                        lambda self, *work: ahead.append(work[1]) or real_aside(self, *work))
    monkeypatch.setattr(loop, "thread_plan", lambda: Plan(2, 1, 2))
    return one, aeviz.train(text, on_epoch=on_epoch), ahead


def assert_same_run(one, two) -> None:
    assert one.meta.stop_reason == two.meta.stop_reason
    assert one.meta.diverged_at == two.meta.diverged_at
    for key in ("epoch", "step", "loss", "codes", "step_loss", "terms", "logvar_weights",
                "logvar_biases"):
        first, second = getattr(one, key), getattr(two, key)
        assert (first is None) == (second is None), key
        if first is not None:
            assert np.asarray(first).tobytes() == np.asarray(second).tobytes(), key
    for first, second in zip(one.weights + one.biases, two.weights + two.biases):
        assert first.tobytes() == second.tobytes()


@pytest.mark.parametrize("model, train", [({}, {}), ({}, {"optimizer": "momentum"}),
                                          (VAE, {"beta": 0.5, "noise": 0.2})],
                         ids=["adam", "momentum", "vae, noise"])
def test_an_end_that_stops_training_while_the_next_epoch_trains_stops_it_there(
        monkeypatch, model, train):
    """An epoch's end evaluated ahead that meets epsilon: the steps taken since are undone
    (parameters, optimizer state, random streams, step losses), as if one thread had stopped
    there; and the epochs before it were all evaluated ahead."""
    full = aeviz.train(tiny_text(model=model, train={**train, "epochs": 12}))
    epsilon = float(full.loss[7])
    text = tiny_text(model=model, train={**train, "epochs": 12, "epsilon": epsilon})
    reported: list[int] = []
    one, two, ahead = trained_both_ways(monkeypatch, text, lambda e, _: reported.append(e))
    assert two.meta.stop_reason == "converged" and two.epoch[-1] == 7
    assert ahead == list(range(8))  # the untrained network and each end to 7, ahead
    assert_same_run(one, two)
    assert reported == list(range(1, 8)) * 2  # every epoch reported once, in order, both ways


def test_an_end_that_diverged_while_the_next_epoch_trains_stops_training_there(monkeypatch):
    one, two, ahead = trained_both_ways(monkeypatch, tiny_text(
        model={"activation": "identity"}, train={"optimizer": "sgd", "learning_rate": 1.2,
                                                 "dtype": "float64", "epochs": 10},
        record={"every": 2}))
    assert two.meta.stop_reason == "diverged" and two.meta.diverged_at == 3
    assert ahead == [0, 1, 2, 3]
    assert_same_run(one, two)


def interrupted_after(monkeypatch, count: int) -> list[int]:
    """Ctrl-C in the step after `count` steps; the steps taken so far (cleared: counted
    afresh)."""
    steps: list[int] = []
    real_step = loop.minibatch_step

    def step(*args, **kwargs):
        if len(steps) == count:
            raise KeyboardInterrupt
        steps.append(1)
        return real_step(*args, **kwargs)

    monkeypatch.setattr(loop, "minibatch_step", step)
    return steps


@pytest.mark.parametrize("steps_before, kept", [(15, 3), (0, 0)])
def test_an_interrupt_while_an_end_is_evaluated_ahead_keeps_that_epoch(monkeypatch,
                                                                       steps_before, kept):
    """Ctrl-C in an epoch's first step, before the last epoch's end (or the untrained network)
    evaluated ahead is settled (that happens after a step): that epoch is recorded, as on one
    thread."""
    steps = interrupted_after(monkeypatch, steps_before)  # 5 steps an epoch
    monkeypatch.setattr(loop, "LOOK_AHEAD_SIZE", 0)
    runs = []
    for plan in (Plan(1, 1, 1), Plan(2, 1, 2)):
        steps.clear()
        monkeypatch.setattr(loop, "thread_plan", lambda plan=plan: plan)
        runs.append(aeviz.train(tiny_text(train={"epochs": 10})))
    one, two = runs
    assert two.meta.stop_reason == "interrupted" and two.epoch[-1] == kept
    assert len(two.step_loss) == steps_before
    assert_same_run(one, two)


@pytest.mark.parametrize("steps_before, kept", [(15, 3), (0, 0)])
def test_a_second_interrupt_while_waiting_for_an_end_evaluated_ahead_keeps_it(
        monkeypatch, steps_before, kept):
    """Ctrl-C in an epoch's first step, and again while training waits for the last end (or
    the untrained network) evaluated ahead: that end is still recorded once it is done."""
    real_aside = threads.Lanes.aside

    class WaitInterrupted(Future):  # its first wait for the result is interrupted
        def result(self, timeout=None):
            if not waits:
                waits.append(1)
                raise KeyboardInterrupt
            return self.end.result(timeout)

    def aside(self, work, epoch, *args):
        end = real_aside(self, work, epoch, *args)
        if epoch != kept:
            return end
        future = WaitInterrupted()
        future.end, future.done = end, end.done
        return future

    waits: list[int] = []
    interrupted_after(monkeypatch, steps_before)
    monkeypatch.setattr(threads.Lanes, "aside", aside)
    monkeypatch.setattr(loop, "LOOK_AHEAD_SIZE", 0)
    monkeypatch.setattr(loop, "thread_plan", lambda: Plan(2, 1, 2))
    run = aeviz.train(tiny_text(train={"epochs": 10}))
    assert waits and run.meta.stop_reason == "interrupted" and run.epoch[-1] == kept


@pytest.mark.parametrize("plan", [Plan(1, 1, 1), Plan(2, 1, 2)], ids=["one", "two ahead"])
def test_an_untrained_network_that_is_not_finite_is_refused_either_way(monkeypatch, tmp_path,
                                                                     run_cli, plan):
    real_evaluate = model.Autoencoder.evaluate

    def infinite_at_first(self, x, code_layer, threads=1):
        rmse, codes = real_evaluate(self, x, code_layer, threads)
        evaluated.append(rmse)
        return (float("inf") if len(evaluated) == 1 else rmse), codes

    evaluated: list[float] = []
    monkeypatch.setattr(model.Autoencoder, "evaluate", infinite_at_first)
    monkeypatch.setattr(loop, "LOOK_AHEAD_SIZE", 0)
    monkeypatch.setattr(loop, "thread_plan", lambda: plan)
    (tmp_path / "e.toml").write_text(tiny_text())
    result = run_cli("train", str(tmp_path / "e.toml"), "-q", "-o", str(tmp_path / "e.npz"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path / 'e.toml'}: data: the untrained network's loss or codes on this "
        'data are not finite numbers in float arithmetic; scale the data down '
        '(data.normalize = "global")\n')
    assert sorted(path.name for path in tmp_path.iterdir()) == ["e.toml"]



def test_a_run_stopped_at_an_end_evaluated_ahead_is_left_at_that_end(monkeypatch):
    """Not only the record: the network, the optimizer and the random streams are as one
    thread leaves them (nothing reads them after a stop today; a caller of Training may)."""
    from aeviz.api import experiment
    from aeviz.training.data import load_data

    text = tiny_text(train={"epochs": 12}, model=VAE)
    epsilon = float(aeviz.train(text).loss[7])
    exp = experiment(tiny_text(train={"epochs": 12, "epsilon": epsilon, "beta": 0.5,
                                      "noise": 0.2}, model=VAE))
    x = load_data(exp).x
    monkeypatch.setattr(loop, "LOOK_AHEAD_SIZE", 0)
    left = []
    for lanes in (threads.Lanes(1), threads.Lanes(2, 2)):
        with lanes:
            run = loop.Training(exp, x, None, lanes)
            assert run.run(None) == "converged" and run.last.epoch == 7
        left.append([run.net.params.tobytes(), len(run.step_losses)]
                    + [value.tobytes() if isinstance(value, np.ndarray) else value
                       for value in run.optimizer.state().values()]
                    + [stream.bit_generator.state for stream in (run.rng, run.corruption,
                                                                 run.sampling)])
    assert left[0] == left[1]



def test_a_diverging_run_warns_of_nothing_on_any_lane(monkeypatch, recwarn):
    """Overflow is detected, not warned: on the helper and the evaluation's threads too
    (numpy's error handling is each thread's own)."""
    monkeypatch.setattr(model, "HANDOFF_SIZE", 1)
    monkeypatch.setattr(model, "EVALUATION_ROWS", 8)  # the evaluation on threads of its own
    monkeypatch.setattr(loop, "LOOK_AHEAD_SIZE", 0)
    monkeypatch.setattr(loop, "thread_plan", lambda: Plan(2, 1, 2))
    evaluated_ahead_at_once(monkeypatch)
    handed = handed_over(monkeypatch)
    clusters = [{"n": 40, "mean": [0.0] * 8, "std": 1.0}, {"n": 40, "mean": [1.0] * 8, "std": 1.0}]
    run = aeviz.train(tiny_text(  # overflows in the helper's sums (found with lr 2, not 10)
        data={"clusters": clusters}, model={"layers": [8, 64, 2, 64, 8], "activation": "identity",
                                            "output_activation": "identity"},
        train={"optimizer": "sgd", "learning_rate": 2.0, "epochs": 30}))
    assert run.meta.stop_reason == "diverged" and all(handed)
    assert [str(w.message) for w in recwarn if issubclass(w.category, RuntimeWarning)] == []


def test_optimizer_state_restored_gives_the_same_steps():
    from aeviz.training.optim import OPTIMIZERS

    rng = np.random.default_rng(0)
    for name, optimizer_class in OPTIMIZERS.items():
        params, grads = rng.normal(size=50), rng.normal(size=50)
        optimizer = optimizer_class(params, 0.1, *{"sgd": (), "momentum": (0.9,),
                                                   "rmsprop": (0.99, 1e-8)}.get(
                                                       name, (0.9, 0.999, 1e-8)))
        optimizer.step(params, grads)
        saved, saved_params = optimizer.state(), params.copy()
        optimizer.step(params, grads)
        after = params.copy()
        optimizer.step(params, grads * 3)  # a step to undo
        params[...] = saved_params
        optimizer.restore(saved)
        optimizer.step(params, grads)
        assert params.tobytes() == after.tobytes(), name


def test_small_evaluations_are_not_done_ahead(monkeypatch):
    ahead = []
    real_aside = threads.Lanes.aside
    monkeypatch.setattr(threads.Lanes, "aside",
                        lambda self, *work: ahead.append(work[1]) or real_aside(self, *work))
    monkeypatch.setattr(loop, "thread_plan", lambda: Plan(2, 1, 2))
    assert loop.LOOK_AHEAD_SIZE > 600 * 152  # the small reference workload: not worth it
    size = 40 * 53  # samples x parameters of tiny (3-4-2-4-3)
    for least, evaluated_ahead in ((size + 1, []), (size, [0, 1, 2])):
        ahead.clear()
        monkeypatch.setattr(loop, "LOOK_AHEAD_SIZE", least)
        aeviz.train(tiny_text(train={"epochs": 3}))
        assert ahead == evaluated_ahead


def test_small_layers_are_not_handed_over(monkeypatch):
    handed = handed_over(monkeypatch)
    monkeypatch.setattr(loop, "thread_plan", lambda: Plan(2, 1, 2))
    aeviz.train(tiny_text(train={"epochs": 2}))
    assert handed == []  # 4 x 3 weights: less work than handing it over
    aeviz.train(tiny_text(model={"layers": [3, 200, 2, 200, 3]}, train={"epochs": 1}))
    assert handed == []
    monkeypatch.setattr(model, "HANDOFF_SIZE", 601)  # the first (800) and last (603) layers
    aeviz.train(tiny_text(model={"layers": [3, 200, 2, 200, 3]}, train={"epochs": 1}))
    steps = 5
    # The last layer's gradient and its update; the two small ones' updates (402 + 600
    # parameters), together; the first layer: half its update.
    assert handed == [True] * 4 * steps


def test_the_helper_thread_ends_with_training(no_thread_variables):
    import threading

    aeviz.train(tiny_text(train={"epochs": 2}))
    assert not [t for t in threading.enumerate() if t.name.startswith("aeviz-lane")]


def test_work_the_helper_has_not_started_is_done_by_the_caller_in_order():
    import threading

    lanes, done, release = threads.Lanes(2), [], threading.Event()
    lanes.later(release.wait)  # the helper is busy until released
    for index in range(3):
        lanes.later(lambda index=index: done.append((index, threading.current_thread().name)))
    release.set()
    lanes.wait()
    assert [index for index, _ in done] == [0, 1, 2]
    lanes.close()
    assert lanes.pending == []


def test_work_is_taken_back_from_the_last_piece_on():
    """Were the first piece taken back first, the helper could meanwhile start the second,
    which needs the first done: here the helper moves on the moment a piece is cancelled."""
    from concurrent.futures import Future

    class Helper:  # hands out futures, starts none until one is cancelled
        def __init__(self):
            self.futures: list[Future] = []

        def submit(self, work, *args):
            helper = self

            class Moving(Future):
                def cancel(self):
                    cancelled = super().cancel()
                    later = helper.futures[helper.futures.index(self) + 1:]
                    if cancelled and later and later[0].set_running_or_notify_cancel():
                        later[0].set_result(later[0].work())  # the helper runs the next one
                    return cancelled

            future = Moving()
            future.work = lambda: work(*args)
            self.futures.append(future)
            return future

    lanes, done = threads.Lanes(1), []
    lanes.helper = Helper()
    lanes.later(done.append, "gradient")
    lanes.later(lambda: done.append("update after " + ", ".join(done)))
    lanes.wait()
    assert done == ["gradient", "update after gradient"]


def test_work_on_the_helper_that_fails_fails_the_step():
    lanes = threads.Lanes(2)

    def fail():
        raise ValueError("in the helper")

    lanes.later(fail)
    with pytest.raises(ValueError, match="in the helper"):
        lanes.close()
    assert lanes.helper._shutdown


def worker_plan(item) -> Plan:
    return thread_plan()


@pytest.mark.skipif(sys.platform != "linux", reason="fork: the worker sees this test's patches")
@pytest.mark.parametrize("jobs, plan", [(2, Plan(1, 1, 1)), (1, Plan(2, 1, 2))])
def test_batch_workers_share_the_cpus(monkeypatch, no_thread_variables, jobs, plan):
    from aeviz.batch import workers

    monkeypatch.setattr(workers, "machine_threads", lambda: 2)
    results, interrupted = workers.run_in_workers(worker_plan, [0, 1], jobs, lambda r: None,
                                                  lambda item, cause, stopped: None)
    assert results == [plan, plan] and not interrupted


def test_batch_workers_leave_the_users_thread_count(monkeypatch, no_thread_variables):
    from aeviz.batch import workers

    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "3")
    results, _ = workers.run_in_workers(worker_plan, [0], 2, lambda r: None,
                                        lambda item, cause, stopped: None)
    assert results == [Plan(2, 1, 3)]  # the count 3: two lanes, the evaluation on 3
