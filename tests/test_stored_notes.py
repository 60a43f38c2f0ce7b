"""A trajectory written by another aeviz version: its unknown keys are dropped with a note, and
every command that reads it (info, render, figure) says so, as README promises."""

from __future__ import annotations

import numpy as np
import pytest

from aeviz.trajectory.archive import write_archive


@pytest.fixture
def newer_run(tiny_run_path, tmp_path):
    with np.load(tiny_run_path, allow_pickle=False) as archive:
        members = {key: archive[key] for key in archive.files}
    members["config"] = np.array(str(members["config"]).replace("[train]",
                                                                "[train]\nwarm = 1"))
    write_archive(tmp_path / "newer.npz", members)
    return tmp_path / "newer.npz"


NOTE = "config: ignored train.warm (written by another aeviz version; this one does not know them)"


@pytest.mark.parametrize("command", [
    ["info"], ["render", "-o", "{out}/still.png"], ["figure", "-o", "{out}/fig.png"]])
def test_every_reader_notes_the_dropped_keys(run_cli, newer_run, tmp_path, command):
    args = [arg.format(out=tmp_path) for arg in command]
    result = run_cli(args[0], newer_run, *args[1:])
    assert result.exit_code == 0, result.stderr
    assert f"note: {newer_run}: {NOTE}\n" in result.stderr


def test_quiet_keeps_the_note_to_itself(run_cli, newer_run, tmp_path):
    result = run_cli("render", newer_run, "-o", tmp_path / "still.png", "-q")
    assert result.exit_code == 0 and result.stderr == ""
