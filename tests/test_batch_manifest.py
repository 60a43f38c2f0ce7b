"""Done means done: a manifest is trusted only with its outputs intact; --dry-run says why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from aeviz.cli import cli
from tests import strategies as fuzz
from tests.conftest import FAST


@pytest.fixture(scope="module")
def made_once(tmp_path_factory) -> Path:
    """One experiment (and a broken one), made once for the module."""
    root = tmp_path_factory.mktemp("made")
    folder = root / "exps"
    folder.mkdir()
    (folder / "alpha.toml").write_text(FAST)
    (folder / "broken.toml").write_text(FAST.replace("batch_size = 8", "batch_size = 0"))
    result = CliRunner().invoke(cli, ["batch", str(folder / "alpha.toml"), "-o",
                                      str(root / "out"), "-q"])
    assert result.exit_code == 0
    return root


@pytest.fixture
def made(made_once, tmp_path) -> tuple[Path, Path]:
    """A fresh copy of the made experiment: (its folder, the output folder)."""
    shutil.copytree(made_once, tmp_path, dirs_exist_ok=True)
    return tmp_path / "exps", tmp_path / "out"


def dry_run(run_cli, folder: Path, outdir: Path) -> str:
    result = run_cli("batch", folder / "alpha.toml", "-o", outdir, "--dry-run")
    assert result.exit_code == 0
    return result.stdout


def test_a_dry_run_in_another_format_says_so_by_name(made, run_cli):
    """Switching --format redoes an experiment: the dry run names the new output and what the
    last run made (it said "changed (experiment, data, render options or aeviz version)")."""
    folder, outdir = made
    result = run_cli("batch", folder / "alpha.toml", "-o", outdir, "--dry-run", "--format",
                     "gif")
    assert result.exit_code == 0
    assert result.stdout == ("alpha: would train and render: another format: alpha.gif not "
                             "made last time (it made alpha.mp4, alpha.npz)\n")


def test_the_manifest_lists_every_output_with_size_and_hash(made):
    manifest = json.loads((made[1] / "alpha.json").read_text())
    assert set(manifest["outputs"]) == {"alpha.npz", "alpha.mp4"}
    assert manifest["outputs"]["alpha.mp4"]["bytes"] == (made[1] / "alpha.mp4").stat().st_size
    assert len(manifest["outputs"]["alpha.mp4"]["sha256"]) == 64


@pytest.mark.parametrize("damage, reason", [
    (lambda out: (out / "alpha.mp4").write_bytes(b""),
     "output damaged: alpha.mp4 differs from the manifest"),
    (lambda out: (out / "alpha.npz").unlink(), "output missing: alpha.npz"),
    (lambda out: (out / "alpha.json").write_text("[1, 2, 3]"), "manifest unreadable or damaged"),
    (lambda out: (out / "alpha.json").write_text('{"hash": 7}'), "manifest unreadable or damaged"),
    (lambda out: (out / "alpha.json").write_text("{not json"), "manifest unreadable or damaged"),
    (lambda out: (out / "alpha.json").unlink(),
     "unfinished last time (outputs without a manifest)"),
    (lambda out: (out / "alpha.json").write_text((out / "alpha.json").read_text().replace(
        '"stop_reason": "epochs"', '"stop_reason": "interrupted"')), "interrupted last time"),
])
def test_damaged_outputs_or_manifests_mean_redo(run_cli, made, damage, reason):
    folder, outdir = made
    assert dry_run(run_cli, folder, outdir) == "alpha: up to date\n"
    damage(outdir)
    before = {p.name: p.read_bytes() for p in outdir.iterdir()}
    assert dry_run(run_cli, folder, outdir) == f"alpha: would train and render: {reason}\n"
    assert {p.name: p.read_bytes() for p in outdir.iterdir()} == before  # dry: nothing changed


def test_a_truncated_clip_is_made_again(run_cli, made):
    folder, outdir = made
    (outdir / "alpha.mp4").write_bytes(b"")
    result = run_cli("batch", folder / "alpha.toml", "-o", outdir)
    assert result.exit_code == 0 and result.stdout.startswith("alpha: done\n")
    assert (outdir / "alpha.mp4").stat().st_size > 1000
    assert dry_run(run_cli, folder, outdir) == "alpha: up to date\n"


def test_dry_run_says_what_and_why_and_touches_nothing(run_cli, made, tmp_path):
    folder, outdir = made
    (folder / "beta.toml").write_text(FAST.replace("seed = 3", "seed = 4"))
    (folder / "alpha.toml").write_text(FAST.replace("learning_rate = 0.01", "learning_rate = 0.02"))
    result = run_cli("batch", folder, "-o", outdir, "--dry-run")
    assert result.exit_code == 1  # one would fail: a CI check of the set fails as the run would
    assert result.stdout.splitlines() == [
        "alpha: would train and render: changed (experiment, data, render options or aeviz "
        "version)",
        "beta: would train and render: new (no manifest)",
        f"broken: would fail: {folder / 'broken.toml'}: train.batch_size: must be >= 1, got 0",
    ]
    assert sorted(p.name for p in outdir.iterdir()) == ["alpha.json", "alpha.mp4", "alpha.npz"]
    missing = tmp_path / "never"
    result = run_cli("batch", folder, "-o", missing, "--dry-run", "--force")
    assert result.stdout.count("would train and render: forced") == 2
    assert not missing.exists()


GOOD = {"hash": "ab", "outputs": {"a.mp4": {"bytes": 3, "sha256": "cd"}}}


@pytest.mark.parametrize("content", [
    "[" * 100_000 + "]" * 100_000,                          # a RecursionError before
    '{"hash": "ab", "outputs": {"a": ' + "[" * 50 + "]" * 50 + "}}",
    json.dumps({**GOOD, "outputs": {"a.mp4": {"bytes": True, "sha256": "cd"}}}),
    json.dumps({**GOOD, "outputs": {"a.mp4": {"bytes": -3, "sha256": "cd"}}}),
    json.dumps({**GOOD, "outputs": {"a.mp4": ["bytes", 3]}}),
    json.dumps({**GOOD, "outputs": []}),
    json.dumps({**GOOD, "stop_reason": ["epochs"]}),
    b"\xff\xfe{}",
    b'{"hash": "\xe9"}',
    " " * 1_000_001,
])
def test_any_malformed_manifest_means_redo(tmp_path, content):
    from aeviz.batch.manifest import read_manifest

    path = tmp_path / "alpha.json"
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    assert read_manifest(path) is None
    path.write_text(json.dumps(GOOD))
    assert read_manifest(path) == GOOD


@pytest.mark.parametrize("kind, what", [("fifo", "a FIFO (named pipe)"), ("zero", "a device"),
                                        ("folder", "a folder")])
def test_a_manifest_that_is_no_file_is_one_line_not_a_hang(run_cli, made, kind, what):
    """Reading it would block (a FIFO) or never end (/dev/zero); it is an output batch would
    replace, so batch refuses before any work."""
    import os

    folder, outdir = made
    manifest = outdir / "alpha.json"
    manifest.unlink()
    {"fifo": os.mkfifo, "zero": lambda p: p.symlink_to("/dev/zero"),
     "folder": os.mkdir}[kind](manifest)
    result = run_cli("batch", folder / "alpha.toml", "-o", outdir, "--dry-run")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {manifest}: cannot write: it is {what}; outputs are "
                             "regular files\n")


@given(data=st.data())
def test_any_manifest_bytes_are_read_whole_or_mean_redo(scratch, data, outcomes):
    from aeviz.batch.manifest import UP_TO_DATE, describe_outputs, read_manifest, redo_reason

    outputs = [scratch / "a.npz", scratch / "a.mp4"]
    for number, path in enumerate(outputs):
        path.write_bytes(bytes(range(number + 3)))
    valid = {"hash": "ab", "outputs": describe_outputs(outputs), "stop_reason": "epochs"}
    manifest = data.draw(fuzz.manifest_bytes(valid))
    path = scratch / "a.json"
    path.write_bytes(manifest.content)
    reason = redo_reason(path, "ab", outputs)
    read = read_manifest(path)
    if read is None:
        assert not manifest.intact and reason == "manifest unreadable or damaged"
        return outcomes.refused()
    outcomes.accepted()
    assert isinstance(read["hash"], str) and isinstance(read["outputs"], dict)
    json.dumps(read)
    # Up to date exactly when the hash is today's, the run finished, and each output is
    # recorded with its size and digest.
    recorded = read["outputs"]
    done = read["hash"] == "ab" and read.get("stop_reason") != "interrupted" and all(
        isinstance(recorded.get(name), dict)
        and {key: recorded[name].get(key) for key in entry} == entry
        for name, entry in valid["outputs"].items())
    assert (reason == UP_TO_DATE) == done, reason
    assert done or not manifest.intact
