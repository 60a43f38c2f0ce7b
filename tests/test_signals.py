"""SIGINT and SIGTERM to real aeviz processes: train keeps what it finished, render leaves no
temporary file, batch stops its workers and records nothing unfinished as done; a worker killed
by SIGKILL fails only its experiment; workers whose parent dies stop by themselves."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from aeviz import signals, trajectory
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions
from tests.conftest import tiny_text
from tests.helpers import wait_until

pytestmark = [pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                 reason="needs Linux /proc"),
              pytest.mark.slow]  # real processes, trained and stopped: seconds each

LONG = tiny_text(train={"epochs": 1_000_000}, record={"every": 1000},
                 render={"size": "320x180", "fps": 5})


def stop_signals_at_default() -> None:
    """(A child's preexec_fn.) SIGINT, SIGHUP and SIGTERM at their defaults, as a terminal's
    foreground command has them: the suite run as a background job (SIGINT ignored) or under
    nohup (SIGHUP ignored) passed the ignored signals on to every child, which aeviz keeps
    ignored, as it should, and the tests of those signals failed."""
    for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


def start(*args, cwd: Path) -> subprocess.Popen:
    """`aeviz ARGS` in a session of its own (so the test can find every process it started)
    with its stop signals at their defaults, as in a terminal."""
    return subprocess.Popen(
        [sys.executable, "-m", "aeviz", *map(str, args)], cwd=cwd, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=stop_signals_at_default)


def stat(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name (field 3 onward)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()


def in_session(sid: int) -> list[int]:
    """Live (not zombie) processes of session `sid`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = stat(int(entry.name))
        except (ValueError, OSError):
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def children(pid: int) -> list[int]:
    """Live (not zombie) child processes of `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = stat(int(entry.name))
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
        except (ValueError, OSError):
            continue
    return found


def streamed(folder: Path, name: str, snapshots: int = 1, samples: int = 40) -> bool:
    """Training of `name` has streamed `snapshots` snapshots into its hidden parts folder in
    `folder` (directly there for `train`, inside a batch job's own parts folder for `batch`):
    the marker that it is under way. A snapshot's codes are 2 float32 per sample."""
    pattern = f".{name}.parts.*/codes"
    found = list(folder.glob(pattern)) + list(folder.glob(f".{name}.parts.*/{pattern}"))
    try:
        return any(path.stat().st_size >= snapshots * samples * 2 * 4 for path in found)
    except OSError:  # removed meanwhile
        return False


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    wait_until(lambda: not in_session(process.pid), "every process of the session ended")
    return process.returncode, out, err


def command_line(pid: int) -> str:
    """A process's command line; empty once it has ended (a child listed a moment ago, such as
    the short `ffmpeg -version` probe, may be gone when its file is read: on a busy machine
    that raced, and failed the test)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return ""


STOPS = [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]


@pytest.mark.parametrize("signum, status", STOPS)
def test_train_saves_the_completed_epochs(tmp_path, signum, status):
    (tmp_path / "long.toml").write_text(LONG)
    process = start("train", "long.toml", cwd=tmp_path)
    wait_until(lambda: streamed(tmp_path, "long", 3), "three snapshots streamed",
               process=process)
    process.send_signal(signum)
    code, out, err = finish(process)
    assert code == status, err
    assert "Traceback" not in err and "stopped: interrupted" in out
    with np.load(tmp_path / "long.npz", allow_pickle=False) as run:
        assert '"stop_reason": "interrupted"' in str(run["meta"])
        assert list(run["epoch"][:2]) == [0, 1000] and run["epoch"][-1] > 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.npz", "long.toml"]


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_render_stops_ffmpeg_and_leaves_the_old_output(tmp_path, tiny_run_path, signum, status):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"the clip of last week")
    process = start("render", tiny_run_path, "-o", clip, "--smooth", "30", "--hold",
                    "60", "--size", "320x180", cwd=tmp_path)
    wait_until(lambda: any("ffmpeg" in command_line(pid) for pid in children(process.pid)),
               "ffmpeg started", process=process)
    process.send_signal(signum)
    code, out, err = finish(process)
    assert (code, err) == (status, "Aborted.\n"), err
    assert clip.read_bytes() == b"the clip of last week"
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]  # no .clip.XXXX.tmp.mp4


def long_batch(tmp_path: Path) -> Path:
    folder = tmp_path / "experiments"
    folder.mkdir()
    (folder / "quick.toml").write_text(tiny_text(train={"epochs": 2},
                                                 render={"size": "320x180", "fps": 5}))
    for name in ("slow1", "slow2", "slow3"):
        (folder / f"{name}.toml").write_text(LONG)
    return folder


def batch_rows(out: str) -> dict[str, str]:
    """The closing table's rows by experiment name."""
    table = out[out.index("experiment  "):].splitlines()[1:]
    return {row.split()[0]: row for row in table}


@pytest.mark.parametrize("signum, status", STOPS)
def test_batch_stops_its_workers_and_records_nothing_unfinished(tmp_path, signum, status):
    folder = long_batch(tmp_path)
    outdir = tmp_path / "clips"
    process = start("batch", folder, "-o", outdir, "--jobs", "2", cwd=tmp_path)
    wait_until(lambda: (outdir / "quick.json").exists(), "the quick experiment done",
               process=process)
    wait_until(lambda: sum(streamed(outdir, name) for name in ("slow1", "slow2", "slow3")) == 2,
               "two slow workers training", process=process)
    if signum == signal.SIGINT:
        os.killpg(process.pid, signal.SIGINT)  # as a terminal does: the whole group
    else:
        process.send_signal(signum)    # as CI, `timeout` and a hang-up do: the parent alone
    code, out, err = finish(process)
    assert code == status, err
    assert "Traceback" not in err
    rows = batch_rows(out)
    assert "failed" not in out and rows["quick"].endswith(str(outdir / "quick.mp4"))
    assert sorted(name for name, row in rows.items() if "interrupted:" in row) == [
        "slow1", "slow2", "slow3"]
    assert sorted(p.name for p in outdir.iterdir()) == ["quick.json", "quick.mp4", "quick.npz"]
    again = subprocess.run([sys.executable, "-m", "aeviz", "batch", folder, "-o", outdir,
                            "--dry-run"], capture_output=True, text=True, check=True)
    assert again.stdout.splitlines()[0] == "quick: up to date"
    assert again.stdout.count("would train and render: new (no manifest)") == 3


def test_a_worker_killed_fails_only_its_experiment(tmp_path):
    folder = tmp_path / "experiments"
    folder.mkdir()
    (folder / "doomed.toml").write_text(LONG)
    for name in ("one", "two"):
        (folder / f"{name}.toml").write_text(tiny_text(train={"epochs": 2},
                                                       render={"size": "320x180", "fps": 5}))
    outdir = tmp_path / "clips"
    process = start("batch", folder, "-o", outdir, "--jobs", "2", cwd=tmp_path)
    wait_until(lambda: streamed(outdir, "doomed"), "the doomed worker training", process=process)
    wait_until(lambda: (outdir / "one.json").exists() and (outdir / "two.json").exists()
               and len(children(process.pid)) == 1, "the others done", process=process)
    (doomed,) = children(process.pid)
    os.kill(doomed, signal.SIGKILL)
    code, out, err = finish(process)
    assert code == 1 and "Traceback" not in err
    assert err == ("doomed: failed: its worker process was killed by SIGKILL "
                   "(out of memory?)\n")
    assert "failed: its worker process was killed by SIGKILL" in batch_rows(out)["doomed"]
    assert not (outdir / "doomed.json").exists()


def test_workers_stop_when_the_batch_is_killed(tmp_path):
    folder = long_batch(tmp_path)
    outdir = tmp_path / "clips"
    process = start("batch", folder, "-o", outdir, "--jobs", "2", cwd=tmp_path)
    wait_until(lambda: sum(streamed(outdir, name) for name in ("slow1", "slow2", "slow3")) == 2,
               "two slow workers training", process=process)
    process.kill()
    _, err = process.communicate()  # the workers' stderr too: they hold the pipe until they end
    wait_until(lambda: not in_session(process.pid), "the orphaned workers stopped")
    assert not list(outdir.glob("*.tmp.*")) and not list(outdir.glob(".*.parts.*")), err


def test_a_second_signal_waits_for_the_save(tmp_path):
    (tmp_path / "long.toml").write_text(LONG)
    process = start("train", "long.toml", cwd=tmp_path)
    wait_until(lambda: streamed(tmp_path, "long", 3), "three snapshots streamed",
               process=process)
    process.send_signal(signal.SIGINT)
    time.sleep(0.05)  # (whether it comes during the save or after it, the run is kept)
    process.send_signal(signal.SIGINT)
    code, out, err = finish(process)
    assert code == 130 and "Traceback" not in err, err
    assert "stopped: interrupted" in out
    with np.load(tmp_path / "long.npz", allow_pickle=False) as run:
        assert run["epoch"][-1] > 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.npz", "long.toml"]


SAVING = """
import os, signal, sys
from aeviz.signals import Interrupted, handle_stop_signals, saving, stop_requested
handle_stop_signals()
signals = int(sys.argv[1])
try:
    with saving():
        for _ in range(signals):
            os.kill(os.getpid(), signal.SIGINT)
        print("saved to the end", stop_requested())
except Interrupted:
    print("save aborted")
"""


@pytest.mark.parametrize("signals, outcome", [
    (1, "saved to the end True\n"), (2, "saved to the end True\n"), (3, "save aborted\n")])
def test_a_save_runs_to_the_end_unless_a_third_signal_comes(signals, outcome):
    done = subprocess.run([sys.executable, "-c", SAVING, str(signals)], capture_output=True,
                          text=True, timeout=60, preexec_fn=stop_signals_at_default)
    assert done.stdout == outcome, done.stderr
    notes = "note: stopping once the finished work is saved (a third signal aborts the save)\n"
    assert done.stderr == notes  # once, at the first


def test_demo_stops_on_ctrl_c_without_rendering(tmp_path):
    process = start("demo", "-o", "demo.gif", "--size", "320x180", cwd=tmp_path)
    wait_until(lambda: streamed(tmp_path, "demo", 3, samples=400), "the demo training",
               process=process)
    process.send_signal(signal.SIGINT)
    code, out, err = finish(process)
    assert code == 130 and "Traceback" not in err, err
    assert "stopped: interrupted" in out and "demo.gif" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.npz"]


def test_a_signal_during_scene_building_acts_before_the_next_panel(tiny_run_path,
                                                                    monkeypatch):
    view = RunView(trajectory.load(tiny_run_path))
    built = []
    original = Scene._panel

    def panel(self, described, *args):
        made = original(self, described, *args)
        built.append(described.name)
        if described.name == "code":  # as if Ctrl-C came while the first panel was drawn
            signals._raise_interrupted(signal.SIGINT, None)
        return made

    monkeypatch.setattr(Scene, "_panel", panel)
    monkeypatch.setattr(signals, "_received", [])
    with pytest.raises(signals.Interrupted), signals.deferred():
        Scene([view], RenderOptions(size="320x180"), (0, 12))
    assert built == ["code"]  # the signal acted before the loss panel was drawn
    assert signals._deferring == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_the_commands_load_ends_quietly_with_its_status(signum):
    """The entry point handles signals before importing the commands: a signal that comes
    while they load (sent here by an import hook, the moment aeviz.cli is looked up) ends the
    process with 128 + its number and no traceback."""
    script = f"""
import os, sys
class SignalOnImport:
    def find_spec(self, name, path=None, target=None):
        if name == "aeviz.cli":
            os.kill(os.getpid(), {int(signum)})
        return None
sys.meta_path.insert(0, SignalOnImport())
sys.argv = ["aeviz", "--version"]
from aeviz.launch import main
main()
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60, preexec_fn=stop_signals_at_default)
    assert (result.returncode, result.stderr, result.stdout) == (128 + signum, "", "")
