"""Outputs are regular files written atomically; inputs that are not files get one line."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aeviz.training import recorder
from tests.conftest import TINY, tiny_text


def error_line(result) -> str:
    assert result.exit_code == 2, result.output
    return result.stderr


def test_train_refuses_to_overwrite_its_input(run_cli, tiny_toml):
    result = run_cli("train", tiny_toml, "-o", tiny_toml)
    assert error_line(result) == (f"Error: {tiny_toml}: cannot write: it is the input "
                                  f"{tiny_toml}; choose another output\n")
    assert tiny_toml.read_text() == TINY


def test_render_refuses_to_overwrite_a_run_it_reads(run_cli, tiny_run_path, tmp_path):
    link = tmp_path / "run.png"
    link.symlink_to(tiny_run_path)  # the same file under another name
    assert error_line(run_cli("render", tiny_run_path, "-o", link)) == (
        f"Error: {link}: cannot write: it is the input {tiny_run_path}; choose another "
        "output\n")


@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
def test_outputs_that_are_not_regular_files_are_refused_before_work(run_cli, tiny_toml,
                                                                    tmp_path, kind):
    if kind == "folder":
        target, what = tmp_path / "out.npz", "a folder"
        target.mkdir()
    elif kind == "fifo":
        target, what = tmp_path / "out.npz", "a FIFO (named pipe)"
        os.mkfifo(target)
    else:
        target, what = Path("/dev/null"), "a device"
    result = run_cli("train", tiny_toml, "-o", target)
    if kind == "folder":  # Click's own check comes first, as one line too
        assert error_line(result) == (f"Error: Invalid value for '-o' / '--output': File "
                                      f"'{target}' is a directory. (see 'aeviz train --help')\n")
    else:
        assert error_line(result) == (f"Error: {target}: cannot write: it is {what}; outputs "
                                      "are regular files\n")
    assert kind != "fifo" or Path(target).is_fifo()


def test_a_symlinked_output_writes_the_links_target(run_cli, tiny_toml, tmp_path):
    (tmp_path / "runs").mkdir()
    link = tmp_path / "latest.npz"
    link.symlink_to(tmp_path / "runs" / "tiny.npz")  # dangling until the first run
    assert run_cli("train", tiny_toml, "-o", link, "-q").exit_code == 0
    assert link.is_symlink() and (tmp_path / "runs" / "tiny.npz").stat().st_size > 1000
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["tiny.npz"]


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_inputs_that_are_not_files_never_hang(run_cli, tmp_path, kind):
    def make(path: Path) -> None:
        os.mkfifo(path) if kind == "fifo" else path.mkdir()

    what = "a FIFO (named pipe)" if kind == "fifo" else "a folder"
    for command, name in (("train", "exp.toml"), ("render", "run.npz")):
        make(tmp_path / name)
        expected = (f"Error: {tmp_path / name}: cannot read: it is {what}, not a file\n"
                    if kind == "fifo" else  # Click's own check for folders
                    f"Error: Invalid value for '{'EXPERIMENT' if command == 'train' else 'RUNS...'}"
                    f"': File '{tmp_path / name}' is a directory. (see 'aeviz {command} --help')\n")
        assert error_line(run_cli(command, tmp_path / name)) == expected
    make(tmp_path / "x.npy")
    (tmp_path / "data.toml").write_text(tiny_text(data={"clusters": None, "file": "x.npy"}))
    assert error_line(run_cli("train", tmp_path / "data.toml")) == (
        f"Error: {tmp_path / 'data.toml'}: data.file: {tmp_path / 'x.npy'} is {what}, "
        "not a file\n")


def test_batch_refuses_a_folder_in_the_way_before_any_work(run_cli, tmp_path):
    (tmp_path / "exps").mkdir()
    (tmp_path / "exps" / "a.toml").write_text(TINY)
    (tmp_path / "out" / "a.mp4").mkdir(parents=True)
    result = run_cli("batch", tmp_path / "exps", "-o", tmp_path / "out")
    assert error_line(result) == (f"Error: {tmp_path / 'out' / 'a.mp4'}: cannot write: it is "
                                  "a folder; outputs are regular files\n")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a.mp4"]


def full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_is_one_line_and_the_old_file_stays(run_cli, tiny_run_path, tmp_path,
                                                        monkeypatch):
    tiny_toml = tmp_path.parent / f"{tmp_path.name}.toml"
    tiny_toml.write_text(TINY)
    old = tmp_path / "old.npz"
    old.write_bytes(b"yesterday")
    monkeypatch.setattr(recorder, "write_trajectory", full_disk)  # zipping the streamed parts
    assert error_line(run_cli("train", tiny_toml, "-o", old)) == (
        f"Error: {old}: cannot write: No space left on device\n")
    import imageio.v3

    monkeypatch.setattr(imageio.v3, "imwrite", full_disk)
    png = tmp_path / "old.png"
    png.write_bytes(b"yesterday")
    assert error_line(run_cli("render", tiny_run_path, "-o", png, "--size", "320x180")) == (
        f"Error: {png}: cannot write: No space left on device\n")
    assert old.read_bytes() == png.read_bytes() == b"yesterday"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.npz", "old.png"]


def test_a_really_full_disk(tiny_run_path, tmp_path):
    """On an 8 kB tmpfs, where the machine allows mounting one."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", str(disk)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        result = subprocess.run([sys.executable, "-m", "aeviz", "render", str(tiny_run_path),
                                 "-o", str(disk / "clip.mp4"), "--size", "640x360",
                                 "--smooth", "10"],
                                capture_output=True, text=True)
        assert result.returncode == 2
        assert result.stderr.startswith(f"Error: {disk / 'clip.mp4'}: ")
        assert "No space left on device" in result.stderr and result.stderr.count("\n") == 1
        assert list(disk.iterdir()) == []
        experiment = tmp_path / "tiny.toml"
        experiment.write_text(TINY)
        result = subprocess.run([sys.executable, "-m", "aeviz", "train", str(experiment), "-o",
                                 str(disk / "run.npz"), "--set", "train.epochs=200"],
                                capture_output=True, text=True)  # streaming snapshots fills it
        assert result.returncode == 2
        assert result.stderr == (f"Error: {disk / 'run.npz'}: cannot write: No space left on "
                                 "device\n")
        assert list(disk.iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_parts_left_by_a_killed_run_are_removed_by_the_next(run_cli, tmp_path):
    """A process killed by SIGKILL cannot clean up; the next one writing there does, leaving
    the folders of processes still running alone."""
    (tmp_path / "e.toml").write_text(tiny_text(train={"epochs": 2},
                                               render={"size": "320x180", "fps": 5}))
    stale = tmp_path / ".e.parts.999999999.x1"  # above any pid Linux gives out
    stale.mkdir()
    (stale / "codes").write_bytes(b"\0" * 320)
    running = tmp_path / f".e.parts.{os.getpid()}.x2"
    running.mkdir()
    result = run_cli("train", tmp_path / "e.toml", "-o", tmp_path / "e.npz", "-q")
    assert result.exit_code == 0, result.output
    assert not stale.exists() and running.is_dir()
    running.rmdir()
    outdir = tmp_path / "clips"
    outdir.mkdir()
    (outdir / ".e.parts.999999999.x3").mkdir()
    result = run_cli("batch", tmp_path / "e.toml", "-o", outdir, "-q", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in outdir.iterdir()) == ["e.json", "e.mp4", "e.npz"]


def test_an_unknown_mplbackend_is_no_traceback(tmp_path, tiny_run_path):
    result = subprocess.run([sys.executable, "-m", "aeviz", "render", tiny_run_path, "-o",
                             tmp_path / "x.png", "-q"], capture_output=True, text=True,
                            env={**os.environ, "MPLBACKEND": "nonsense"})
    assert (result.returncode, result.stderr) == (0, "")
    assert (tmp_path / "x.png").stat().st_size > 0


def test_a_memory_limit_is_one_line(tmp_path):
    """Under `ulimit -v` the evaluation's threads cannot start: one line, exit 2."""
    resource = pytest.importorskip("resource")
    (tmp_path / "e.toml").write_text(tiny_text(
        data={"clusters": [{"n": 3000, "mean": [0.0, 0.0, 0.0], "std": 1.0}]},
        train={"epochs": 2}))

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (200_000 * 1024, 200_000 * 1024))

    result = subprocess.run([sys.executable, "-m", "aeviz", "train", "e.toml", "-q"],
                            capture_output=True, text=True, cwd=tmp_path, preexec_fn=limit)
    if result.returncode == 0:
        pytest.skip("training fits in 200 MB of address space here")
    assert result.returncode == 2 and result.stderr.startswith("Error: out of memory ("), (
        result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.toml"]


LONG = "a" * 300  # over the 255 bytes a file name may have


def test_an_output_name_over_255_bytes_is_one_line_in_render(run_cli, tiny_run_path, tmp_path):
    output = tmp_path / f"{LONG}.png"
    result = run_cli("render", tiny_run_path, "-o", output)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {output}: cannot write: File name too long\n"


def test_an_output_name_over_255_bytes_is_one_line_in_train(run_cli, tiny_toml, tmp_path):
    output = tmp_path / f"{LONG}.npz"
    result = run_cli("train", tiny_toml, "-o", output)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {output}: cannot write: File name too long\n"
    assert os.listdir(tmp_path) == ["tiny.toml"]


def test_a_batch_output_folder_named_over_255_bytes_is_one_line(run_cli, tiny_toml, tmp_path):
    outdir = tmp_path / LONG
    result = run_cli("batch", tiny_toml, "-o", outdir)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {outdir}: cannot create the output folder: "
                             "File name too long\n")
    assert os.listdir(tmp_path) == ["tiny.toml"]
