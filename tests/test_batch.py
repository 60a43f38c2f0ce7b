"""aeviz batch: incremental by content hash, sharded, failures reported while others finish."""

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given

from aeviz.batch import find_experiments, shard
from aeviz.errors import AevizError
from tests.conftest import FAST, TINY
from tests.helpers import assert_exit_0_or_2, limited_aeviz
from tests.strategies import batch_folders, examples


@pytest.fixture
def folder(tmp_path) -> Path:
    experiments = tmp_path / "experiments"
    experiments.mkdir()
    for name, seed in (("alpha", 1), ("beta", 2), ("gamma", 3)):
        (experiments / f"{name}.toml").write_text(FAST.replace("seed = 3", f"seed = {seed}"))
    return experiments


def outputs(outdir: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted(outdir.iterdir())}


@pytest.mark.slow
def test_batch_then_rerun_redoes_nothing(run_cli, folder, tmp_path):
    outdir = tmp_path / "out"
    first = run_cli("batch", folder, "-o", outdir, "--jobs", "2")
    assert first.exit_code == 0, first.output
    names = [f"{n}.{ext}" for n in ("alpha", "beta", "gamma") for ext in ("json", "mp4", "npz")]
    assert list(outputs(outdir)) == names
    table = first.stdout.splitlines()[-4:]
    assert table[0].split() == ["experiment", "ends", "at", "epoch", "final", "RMSE", "stopped",
                                "seconds",
                                "output"]
    assert table[1].split()[:2] == ["alpha", "3"] and table[1].endswith(str(outdir / "alpha.mp4"))
    before = outputs(outdir)
    second = run_cli("batch", folder, "-o", outdir)
    assert second.exit_code == 0
    assert second.stdout.count(": up to date") == 3
    assert outputs(outdir) == before  # nothing rewritten


@pytest.mark.slow
def test_a_changed_experiment_is_redone_alone(run_cli, folder, tmp_path):
    outdir = tmp_path / "out"
    run_cli("batch", folder, "-o", outdir, "--jobs", "1")
    before = outputs(outdir)
    beta = folder / "beta.toml"
    beta.write_text(beta.read_text().replace("learning_rate = 0.01", "learning_rate = 0.02"))
    result = run_cli("batch", folder, "-o", outdir, "--jobs", "1")
    assert "alpha: up to date" in result.stdout and "beta: done" in result.stdout
    after = outputs(outdir)
    assert after["alpha.mp4"] == before["alpha.mp4"] and after["beta.mp4"] != before["beta.mp4"]


@pytest.mark.slow
def test_shards_split_the_set_and_cover_it(run_cli, folder, tmp_path):
    made = []
    for index in (1, 2):
        outdir = tmp_path / f"shard{index}"
        result = run_cli("batch", folder, "-o", outdir, "--shard", f"{index}/2")
        assert result.exit_code == 0
        made.append({p.stem for p in outdir.glob("*.mp4")})
    assert made == [{"alpha", "gamma"}, {"beta"}]


@pytest.mark.slow
def test_a_failing_experiment_is_reported_and_the_others_finish(run_cli, folder, tmp_path):
    (folder / "beta.toml").write_text(FAST.replace("batch_size = 8", "batch_size = 0"))
    outdir = tmp_path / "out"
    result = run_cli("batch", folder, "-o", outdir, "--jobs", "2")
    assert result.exit_code == 1
    assert f"beta: failed: {folder / 'beta.toml'}: train.batch_size: must be >= 1, got 0" in (
        result.stderr)
    assert "failed: " in result.stdout.splitlines()[-2]  # beta's row of the table
    assert sorted(p.name for p in outdir.glob("*.mp4")) == ["alpha.mp4", "gamma.mp4"]


@pytest.mark.parametrize("shard_text", ["3/2", "0/4", "a/b"])
def test_malformed_shard(run_cli, folder, tmp_path, shard_text):
    result = run_cli("batch", folder, "-o", tmp_path / "out", "--shard", shard_text)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: --shard: must be I/N with 1 <= I <= N, such as 1/4; "
                             f"got '{shard_text}'\n")
    assert not (tmp_path / "out").exists()


def test_bad_paths_and_outdir(run_cli, folder, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    cases = [
        ([tmp_path / "nope", "-o", tmp_path / "out"],
         f"{tmp_path / 'nope'}: no such file or folder"),
        ([empty, "-o", tmp_path / "out"], f"{empty}: no .toml experiments in this folder"),
        ([a_file, "-o", tmp_path / "out"],
         f"{a_file}: not an experiment (expected a .toml file or a folder)"),
        ([folder, "-o", a_file], f"Invalid value for '-o' / '--outdir': Directory '{a_file}' "
                                 "is a file. (see 'aeviz batch --help')"),
    ]
    for args, message in cases:
        result = run_cli("batch", *args)
        assert result.exit_code == 2
        assert result.stderr == f"Error: {message}\n"
    assert not (tmp_path / "out").exists()


def test_shards_cover_all_once_and_never_move_when_experiments_come_and_go():
    names = [Path(f"{c}.toml") for c in "abcdefghijklmnopqrst"]
    parts = [shard(names, i, 3) for i in (1, 2, 3)]
    assert sorted(sum(parts, [])) == names and all(len(p) >= 3 for p in parts)
    grown = [Path("aaa.toml"), *names[:10], Path("new.toml"), *names[11:]]
    for index, part in enumerate(parts, start=1):
        assert set(part) - {names[10]} <= set(shard(grown, index, 3))


def test_experiments_with_the_same_name_are_refused(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.toml").write_text(TINY)
    with pytest.raises(AevizError, match="two experiments are named 'same'"):
        find_experiments([str(tmp_path / "a"), str(tmp_path / "b")])


# Batch inputs an attack pass found tracebacks or wrong caching in: one line and exit 2, or the
# job done.

def npy_labelled(folder: Path) -> Path:
    """An experiment on x.npy with labels from y.npy, in `folder`."""
    import numpy as np

    rng = np.random.default_rng(0)
    np.save(folder / "x.npy", rng.uniform(0, 1, (20, 3)))
    np.save(folder / "y.npy", np.arange(20) % 2)
    (folder / "labelled.toml").write_text(FAST.replace(
        "[data]", '[data]\nfile = "x.npy"\nlabel_file = "y.npy"').split("[[data.clusters]]")[0]
        + FAST[FAST.index("[model]"):])
    return folder / "labelled.toml"


def test_a_changed_label_file_redoes_the_experiment(run_cli, tmp_path):
    import numpy as np

    path = npy_labelled(tmp_path)
    outdir = tmp_path / "out"
    assert run_cli("batch", path, "-o", outdir, "-q").exit_code == 0
    np.save(tmp_path / "y.npy", np.arange(20) % 3)
    again = run_cli("batch", path, "-o", outdir, "--dry-run")
    assert again.stdout == ("labelled: would train and render: changed (experiment, data, "
                            "render options or aeviz version)\n")


def test_no_output_may_be_an_input(run_cli, tmp_path):
    path = npy_labelled(tmp_path)
    result = run_cli("train", path, "-o", tmp_path / "y.npy")
    assert result.exit_code == 2 and result.stderr == (
        f"Error: {tmp_path / 'y.npy'}: cannot write: it is the input {tmp_path / 'y.npy'}; "
        "choose another output\n")
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / "labelled.npz").symlink_to(tmp_path / "x.npy")
    result = run_cli("batch", path, "-o", outdir)
    assert result.exit_code == 2 and result.stderr == (
        f"Error: {outdir / 'labelled.npz'}: cannot write: it is the input {tmp_path / 'x.npy'}; "
        "choose another output\n")


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_fifo_named_or_as_output_folder_is_refused_in_one_line(run_cli, folder, tmp_path,
                                                                 dry_run):
    """A tester's: a FIFO named directly read "no such file or folder", and a dry run into a
    FIFO as its output folder said all would be made (the run refused it, status 2)."""
    more = ["--dry-run"] if dry_run else []
    os.mkfifo(tmp_path / "pipe.toml")
    result = run_cli("batch", tmp_path / "pipe.toml", "-o", tmp_path / "out", *more)
    assert result.exit_code == 2 and result.stderr == (
        f"Error: {tmp_path / 'pipe.toml'}: cannot read: it is a FIFO (named pipe), not a file\n")
    os.mkfifo(tmp_path / "outpipe")
    result = run_cli("batch", folder, "-o", tmp_path / "outpipe", *more)
    assert result.exit_code == 2 and result.stderr == (
        f"Error: {tmp_path / 'outpipe'}: the output folder is a file\n")


def test_a_file_name_that_is_not_utf8(run_cli, folder, tmp_path):
    with open(bytes(folder) + b"/\xff\xfe.toml", "w") as handle:
        handle.write(FAST)
    result = run_cli("batch", folder, "-o", tmp_path / "out", "--dry-run")
    assert result.exit_code == 2 and result.stderr == (
        f"Error: {folder}/\\xff\\xfe.toml: the file name is not UTF-8 text; rename it (the name "
        "becomes the names of its outputs)\n")


@pytest.mark.parametrize("shard_text", ["\u00b2/3", "1/\u0663", "\uff11/2", "1/" + "9" * 500])
def test_shards_are_ascii_numbers(run_cli, folder, tmp_path, shard_text):
    result = run_cli("batch", folder, "-o", tmp_path / "out", "--shard", shard_text)
    assert result.exit_code == 2 and result.stderr == (
        f"Error: --shard: must be I/N with 1 <= I <= N, such as 1/4; got {shard_text!r}\n")


def test_a_loop_of_links_and_a_name_too_long(run_cli, tmp_path):
    (tmp_path / "one").symlink_to(tmp_path / "two")
    (tmp_path / "two").symlink_to(tmp_path / "one")
    result = run_cli("batch", tmp_path / "one", "-o", tmp_path / "out")
    assert result.exit_code == 2 and result.stderr == (
        f"Error: {tmp_path / 'one'}: cannot read: Too many levels of symbolic links\n")
    long = tmp_path / ("a" * 300 + ".toml")
    result = run_cli("batch", long, "-o", tmp_path / "out")
    assert result.exit_code == 2 and result.stderr == (
        f"Error: {long}: cannot read: File name too long\n")


def test_an_experiment_of_a_name_near_255_characters_is_made(run_cli, tmp_path):
    folder = tmp_path / "experiments"
    folder.mkdir()
    name = "b" * 250
    (folder / f"{name}.toml").write_text(FAST)
    outdir = tmp_path / "out"
    result = run_cli("batch", folder, "-o", outdir, "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in outdir.iterdir()) == [f"{name}.{ext}"
                                                         for ext in ("json", "mp4", "npz")]


def test_a_long_name_is_cut_in_the_table_and_whole_in_the_files(run_cli, tmp_path):
    """A 240-character name made every row of the table 240 characters wide: the table shows
    its first 39 characters and an ellipsis; the files and the output column keep it whole."""
    folder = tmp_path / "experiments"
    folder.mkdir()
    name = "c" * 240
    (folder / f"{name}.toml").write_text(FAST)
    (folder / "short.toml").write_text(FAST)
    outdir = tmp_path / "out"
    result = run_cli("batch", folder, "-o", outdir, "--jobs", "1")
    assert result.exit_code == 0, result.output
    table = result.stdout[result.stdout.index("experiment  "):].splitlines()
    assert table[0].startswith("experiment" + " " * 32 + "ends at epoch")
    cut = "c" * 39 + "\u2026"
    assert table[1].startswith(f"{cut}  ") and table[1].endswith(f"{outdir / name}.mp4")
    assert table[2].startswith("short" + " " * 37) and table[2].index(str(outdir)) < 90
    assert (outdir / f"{name}.json").is_file() and (outdir / f"{name}.mp4").is_file()


def test_a_fifo_in_a_batch_folder_is_refused_unopened(run_cli, folder, tmp_path):
    import os

    os.mkfifo(folder / "pipe.toml")
    result = run_cli("batch", folder, "-o", tmp_path / "out", "--dry-run")
    assert result.exit_code == 2 and result.stderr == (
        f"Error: {folder / 'pipe.toml'}: cannot read: it is a FIFO (named pipe), not a file\n")


@pytest.mark.parametrize("when", ["made", "removed"])
def test_a_stop_signal_while_the_parts_folder_is_made_or_removed_leaves_none(
        tmp_path, monkeypatch, when):
    """Found by Ctrl-C 0.2 s into a batch: a signal during mkdtemp was raised at the end of its
    deferred section, before the folder's clean-up was armed; and the batch's SIGTERM after
    the Ctrl-C cut the removal short. Either left `.NAME.parts.PID.*` behind."""
    import shutil
    import signal
    import tempfile

    from aeviz import signals
    from aeviz.batch import jobs

    monkeypatch.setattr(signals, "_received", [])  # this process's record of signals
    real = {"made": tempfile.mkdtemp, "removed": shutil.rmtree}[when]

    def signalled(*args, **kwargs):  # the signal arrives while the folder is made or removed
        signals._raise_interrupted(signal.SIGINT, None)
        return real(*args, **kwargs)

    monkeypatch.setattr(*{"made": (jobs.tempfile, "mkdtemp", signalled),
                          "removed": (jobs.shutil, "rmtree", signalled)}[when])
    with pytest.raises(KeyboardInterrupt):
        with jobs.work_folder(tmp_path, "run") as work:
            (work / "run.npz").write_bytes(b"partial")
            raise KeyboardInterrupt  # the first Ctrl-C, inside the job
    assert list(tmp_path.iterdir()) == []


def test_a_job_whose_worker_died_leaves_no_parts_folder(tmp_path):
    """A worker killed before it cleaned up (by the OOM killer, or by the stop's SIGKILL after
    its grace, which a busy machine can outlast) leaves its hidden parts folder: the batch
    removes it with the job's row, not on its next run. A live process's folder stays."""
    import subprocess

    from aeviz.batch.jobs import Job, unfinished
    from aeviz.training.recorder import parts_prefix

    ended = subprocess.Popen(["true"])
    ended.wait()
    outdir = tmp_path / "out"
    dead = outdir / f"{parts_prefix('slow', ended.pid)}a1"
    alive = outdir / f"{parts_prefix('slow')}b2"  # this process's
    for folder in (dead, alive):
        folder.mkdir(parents=True)
        (folder / "codes").write_bytes(b"half a snapshot")
    result = unfinished(Job(tmp_path / "slow.toml", outdir, "mp4"), "stopped before it finished",
                        True)
    assert (result.name, result.status) == ("slow", "interrupted")
    assert not dead.exists() and alive.exists()


@pytest.mark.slow
@examples(0.4)
@given(batch=batch_folders())
def test_a_dry_run_of_any_folder_lists_its_shard_or_exits_2_writing_nothing(batch,
                                                                            outcomes):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "ex").mkdir()
        for file_name, text in batch.files.items():
            try:
                (folder / "ex" / file_name).write_text(text)
            except OSError:  # a name the file system refuses (too long): not an input
                pass
        inputs = {os.fsdecode(name) for name in os.listdir(folder)}
        listing = sorted(os.listdir(folder / "ex"))
        result = limited_aeviz("batch", "ex", "-o", "out", "--dry-run", "--shard",
                               batch.shard, cwd=folder)
        failing = ": would fail: " in result.stdout  # (then its status is 1)
        if failing and result.returncode == 1:
            assert "Traceback" not in result.stderr, result.stderr
        else:
            assert_exit_0_or_2(result, folder, inputs)
        assert failing == (result.returncode == 1), (result.returncode, result.stdout)
        assert sorted(os.listdir(folder / "ex")) == listing and not (folder / "out").exists()
    if result.returncode == 2:
        assert not batch.valid, result.stderr
        return outcomes.refused()
    outcomes.accepted()
    if batch.valid:  # each experiment of the shard, new: to be made
        listed = [line.split(": ")[0] for line in result.stdout.splitlines()
                  if not line.startswith("shard ")]
        assert set(listed) <= {name.removesuffix(".toml") for name in batch.files}
        assert all(": would " in line and "new (no manifest)" in line
                   for line in result.stdout.splitlines() if not line.startswith("shard "))


def _where_and_what(item: int) -> tuple[int, str, str | None]:
    """A worker's task: its item, its folder and the batch's mark in its environment."""
    return item, os.getcwd(), os.environ.get("AEVIZ_TEST_MARK")


def test_workers_are_not_forked_from_a_process_running_other_threads(tmp_path, monkeypatch):
    """Python 3.13 warned in the batch tests: "This process is multi-threaded, use of fork()
    may lead to deadlocks in the child". The thread was the test runner's (xdist's channel,
    started by _thread, so threading.active_count() missed it); a notebook's kernel has such
    threads too. With another thread running, workers come from a fork server; they still run
    in the batch's folder and environment. The command line, one thread, still forks."""
    import subprocess
    import sys
    import threading
    import warnings

    from aeviz.batch import workers

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AEVIZ_TEST_MARK", "batch")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert workers._context().get_start_method() == "forkserver"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            results, interrupted = workers.run_in_workers(
                _where_and_what, [0, 1], 2, lambda result: None, lambda *cause: None)
    finally:
        stop.set()
        thread.join()
    assert [str(warning.message) for warning in caught] == []
    assert results == [(0, str(tmp_path), "batch"), (1, str(tmp_path), "batch")]
    assert not interrupted
    alone = subprocess.run([sys.executable, "-c", "from aeviz.batch import workers; "
                            "print(workers._context().get_start_method())"],
                           capture_output=True, text=True, check=True)
    assert alone.stdout == "fork\n"
