"""A file that is "regular" but only waits for data (a link to /proc/kmsg) is refused as one
line by every reader, never a hang or a TypeError."""

from __future__ import annotations

import os

import pytest

from .conftest import tiny_text

KMSG = "/proc/kmsg"
pytestmark = pytest.mark.skipif(not os.access(KMSG, os.R_OK),
                                reason="needs a readable /proc/kmsg (root on Linux)")


@pytest.mark.parametrize("command, name, message", [
    ("validate", "k.toml", "k.toml: cannot read: it has no data to read now"),
    ("train", "k.toml", "k.toml: cannot read: it has no data to read now"),
    ("info", "k.npz", "k.npz: not an aeviz trajectory (not an .npz archive"),
    ("render", "k.npz", "k.npz: not an aeviz trajectory (not an .npz archive"),
])
def test_a_blocking_file_given_to_a_command(run_cli, tmp_path, command, name, message):
    os.symlink(KMSG, tmp_path / name)
    result = run_cli(command, tmp_path / name)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {tmp_path}/{message}")


@pytest.mark.parametrize("data, key", [
    ({"file": "k.csv"}, "data.file"), ({"file": "k.npy"}, "data.file"),
    ({"file": "x.npy", "label_file": "k.npy"}, "data.label_file")])
def test_a_blocking_data_file(run_cli, tmp_path, data, key):
    import numpy as np

    np.save(tmp_path / "x.npy", np.zeros((5, 3)))
    for name in ("k.csv", "k.npy"):
        os.symlink(KMSG, tmp_path / name)
    (tmp_path / "e.toml").write_text(tiny_text(data={"clusters": None, **data}))
    result = run_cli("validate", tmp_path / "e.toml")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {tmp_path / 'e.toml'}: {key}: "
                             f"{tmp_path / data.get('label_file', data['file'])} is empty\n")
