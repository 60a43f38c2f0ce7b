"""Fuzzing the input boundaries: experiment files, --set strings, trajectories (members and zip
level), batch manifests. The property, for any input: exit status 0 or 2, never a traceback,
and nothing written on refusal. Shared strategies and the profiles (a fixed seed and a bounded
count by default; HYPOTHESIS_PROFILE=long searches harder) are in tests/strategies.py."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import event, given, settings
from hypothesis import strategies as st

from aeviz.cli import cli
from tests import strategies as fuzz
from tests.conftest import TINY


def invoke(*args) -> object:
    """The CLI in-process; a traceback is a failure of the property, not of the test run."""
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="aeviz",
                                catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        error = result.exception
        raise AssertionError(f"traceback for aeviz {' '.join(map(str, args))[:200]}: "
                             f"{type(error).__name__}: {str(error)[:200]}") from error
    assert result.exit_code in (0, 2), (args, result.exit_code, result.output)
    event(f"{args[0]}: exit {result.exit_code}")
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, (
            result.stderr)
    return result


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory(prefix="aeviz-fuzz-") as name:
        yield Path(name)


@given(data=fuzz.experiment_texts())
def test_experiment_files_validate_or_get_one_line(folder, data):
    path = folder / "exp.toml"
    path.write_bytes(data)
    result = invoke("validate", path)
    if result.exit_code == 0 and not result.stdout.startswith("#"):
        # What validate prints is what train would store: it must read back the same.
        path.write_text(result.stdout.split("\n# ")[0], encoding="utf-8")
        again = invoke("validate", path)
        assert again.exit_code == 0 and again.stdout == result.stdout


@settings(max_examples=8)
@given(document=fuzz.mutated_experiments())
def test_train_writes_a_loadable_run_or_nothing(folder, document):
    from aeviz.settings.tomlwriter import dump_toml

    path, output = folder / "train.toml", folder / "train.npz"
    output.unlink(missing_ok=True)
    try:
        path.write_text(dump_toml(document), encoding="utf-8", errors="surrogatepass")
    except (TypeError, ValueError):
        return
    result = invoke("train", path, "-o", output, "--set", "train.epochs=1")
    if result.exit_code == 2:
        assert not output.exists()
        assert not [p for p in folder.iterdir() if p.name.startswith(".train.")]
    else:
        assert invoke("info", output).exit_code == 0


@given(assignment=fuzz.set_strings())
def test_set_strings_apply_or_get_one_line(folder, assignment):
    path = folder / "tiny.toml"
    path.write_text(TINY)
    invoke("validate", path, "--set", assignment)


@given(key=st.text(max_size=30), value=fuzz.API_VALUES)
def test_api_overrides_apply_or_raise_aeviz_error(key, value):
    from aeviz.errors import AevizError
    from aeviz.settings import load_default

    try:
        load_default({key: value})
    except AevizError as error:
        assert "\n" not in str(error).strip() or "\n" in key
    try:
        load_default([key, value])
    except AevizError:
        pass


@pytest.fixture(scope="module")
def tiny_arrays(tiny_run_path) -> dict[str, np.ndarray]:
    with np.load(tiny_run_path, allow_pickle=False) as run:
        return {key: run[key] for key in run.files}


@given(data=st.data())
def test_tampered_members_load_or_get_one_line(folder, tiny_arrays, data):
    arrays = data.draw(fuzz.mutated_members(tiny_arrays))
    path = folder / "run.npz"
    np.savez(path, **arrays)
    invoke("info", path)


@settings(max_examples=6)
@given(data=st.data())
def test_tampered_runs_render_or_write_nothing(folder, tiny_arrays, data):
    arrays = data.draw(fuzz.mutated_members(tiny_arrays))
    path, output = folder / "drawn.npz", folder / "still.png"
    np.savez(path, **arrays)
    output.unlink(missing_ok=True)
    result = invoke("render", path, "-o", output, "--size", "160x90")
    assert output.exists() == (result.exit_code == 0)


@given(data=st.data())
def test_zip_damage_is_one_line(folder, tiny_run_path, data):
    path = folder / "damaged.npz"
    path.write_bytes(data.draw(fuzz.corrupted_bytes(tiny_run_path.read_bytes())))
    invoke("info", path)


@given(data=st.data())
def test_any_malformed_manifest_means_redo(folder, data):
    from aeviz.batch.manifest import read_manifest, redo_reason

    valid = {"hash": "ab", "outputs": {"a.npz": {"bytes": 3, "sha256": "cd"},
                                       "a.mp4": {"bytes": 4, "sha256": "ef"}},
             "stop_reason": "epochs"}
    path = folder / "a.json"
    path.write_bytes(data.draw(fuzz.manifest_bytes(valid)))
    manifest = read_manifest(path)
    if manifest is not None:
        assert isinstance(manifest["hash"], str) and isinstance(manifest["outputs"], dict)
        json.dumps(manifest)
    reason = redo_reason(path, "ab", [folder / "a.npz", folder / "a.mp4"])
    assert isinstance(reason, str)
