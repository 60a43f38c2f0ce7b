"""Tampered and foreign trajectories: one line naming the file and the key, never a traceback;
every member checked against its declared header before any data is read; the stored
experiment and meta read back through the schema, leniently for other aeviz versions."""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aeviz import trajectory
from aeviz.errors import AevizError
from aeviz.settings import Experiment, RenderOptions, experiment_from_dict
from aeviz.training.loop import train
from aeviz.trajectory import Meta
from tests import strategies as fuzz
from tests.conftest import TINY_EXPERIMENT
from tests.helpers import invoke_checked
from tests.strategies import examples

FIXTURES = Path(__file__).parent / "fixtures"


def arrays_of(source: Path) -> dict[str, np.ndarray]:
    with np.load(source, allow_pickle=False) as run:
        return {key: run[key] for key in run.files}


def tampered(source: Path, folder: Path, **changes) -> Path:
    """A copy of the trajectory at `source` with keys replaced (None: removed)."""
    arrays = arrays_of(source)
    for key, value in changes.items():
        if value is None:
            arrays.pop(key)
        else:
            arrays[key] = value(arrays) if callable(value) else value
    path = folder / "tampered.npz"
    np.savez(path, **arrays)
    return path


def config_without_model(arrays):
    text = str(arrays["config"])
    start = text.index("[model]")
    return np.array(text[:start] + text[text.index("[train]"):])


def edited_config(old: str, new: str):
    def edit(arrays):
        text = str(arrays["config"])
        assert old in text
        return np.array(text.replace(old, new, 1))
    return edit


CASES = [
    (dict(config=config_without_model), "config: model.layers: missing (this key is required)"),
    (dict(config=edited_config("code_layer = 2", "code_layer = 1")),
     "config: model.code_layer: must index a hidden layer of 2 neurons in layers (allowed: 2), "
     "got 1"),
    (dict(config=np.array("title = [")), "config: invalid TOML: "),  # then tomllib's words
    (dict(config=edited_config("beta1 = 0.9", 'beta1 = "0.9"')),
     'config: train.beta1: must be a number, got string "0.9"'),
    (dict(config=edited_config("layers = [3, 4, 2, 4, 3]\ncode_layer = 2",
                               "layers = [3, 2, 3]\ncode_layer = 1")),
     "config: model.layers [3, 2, 3] does not match layer_sizes [3, 4, 2, 4, 3]"),
    (dict(config=edited_config("[model]", "[data]\nimage_shape = [2, 2]\n[model]")),
     "config: invalid TOML: "),  # [data] twice
    (dict(config=edited_config("seed = 1", "seed = 1\nimage_shape = [2, 2]")),
     "config: data.image_shape: 2 x 2 = 4 pixels, but the input layer has 3 neurons; they "
     "must match"),
    (dict(config=edited_config("seed = 1", 'seed = 1\nimage_shape = "3x1"')),
     'config: data.image_shape: must be an array, got string "3x1"'),
    (dict(config=np.array("a = " + "[" * 5000 + "]" * 5000)),
     "config: invalid TOML: nested too deeply; tables and arrays may nest at most 8 deep"),
    (dict(config=edited_config('title = "tiny"', 'title = "tiny\\u007f"')),
     "config: title: holds a control character (U+007F at character 5); text must be "
     "printable Unicode"),
    (dict(loss=lambda a: np.where(np.arange(len(a["loss"])) == 3, np.inf, a["loss"])),
     "loss: holds NaN or infinite values"),
    (dict(codes=lambda a: a["codes"] * np.nan), "codes: holds NaN or infinite values"),
    (dict(loss=lambda a: np.where(np.arange(len(a["loss"])) == 2, -0.5, a["loss"])),
     "loss: holds negative values (an RMSE is at least 0)"),
    (dict(meta=np.array("[1, 2]")), "meta: expected a JSON object, got list"),
    (dict(meta=np.array("{")), "meta: not JSON (Expecting property name enclosed in double "
                               "quotes: line 1 column 2 (char 1))"),
    (dict(meta=np.array("[" * 100_000 + "]" * 100_000)), "meta: 200,000 characters; at most "
                                                         "65,536"),
    (dict(meta=np.array("[" * 30_000 + "]" * 30_000)), "meta: nested too deeply"),
    (dict(meta=np.array('{"stop_reason": "bored"}')),
     'meta: stop_reason: string "bored" is not allowed (allowed: "epochs", "converged", '
     '"diverged", "interrupted")'),
    (dict(meta=np.array('{"steps_per_epoch": -3}')), "meta: steps_per_epoch: must be >= 0, "
                                                     "got -3"),
    (dict(x=lambda a: a["x"][:, 0]),
     "x: expected 2-D floats, got 1-D float32 (a damaged or foreign trajectory)"),
    (dict(labels=lambda a: a["labels"].astype(float)),
     "labels: expected 1-D integers, got 1-D float64 (a damaged or foreign trajectory)"),
    (dict(feature_names=np.array("abc")),
     "feature_names: expected 1-D text, got 0-D <U3 (a damaged or foreign trajectory)"),
    (dict(step=lambda a: a["step"][::-1].copy()),
     "step: snapshots are not in strictly increasing step order"),
    (dict(epoch=lambda a: a["epoch"][::-1].copy()),
     "epoch: snapshots are not in increasing epoch order"),
    (dict(activations=np.array(["tanh", "swish", "tanh", "tanh"])),
     "activations: expected 4 of identity, sigmoid, tanh, relu, leaky_relu; got ['tanh', "
     "'swish', 'tanh', 'tanh']"),
    (dict(activations=np.array(["relu"] * 4)),
     "config: the activations ['tanh', 'tanh', 'tanh', 'tanh'] do not match the stored "
     "activations ['relu', 'relu', 'relu', 'relu']"),
    (dict(layer_sizes=np.array([3, 4, 2, 4, 5])),
     "layer_sizes: [3, 4, 2, 4, 5] is not an autoencoder's (3 to 64 layers, all >= 1, "
     "first = last)"),
    (dict(labels=lambda a: a["labels"] + 5),
     "labels: values must be -1 (none) or index label_names (2 names)"),
    # Issue 16: labels far above the names' count with no names: 5.4 GB in `info` before.
    (dict(labels=lambda a: a["labels"] + 10**9, label_names=np.array([], dtype=str)),
     "labels: values must be -1 (none) or be below the number of samples (40) when there are "
     "no label_names"),
    (dict(W1=None), "missing key 'W1' (incomplete or damaged trajectory)"),
    (dict(codes=lambda a: a["codes"][:, :5]),
     "damaged trajectory (codes has shape (13, 5, 2), expected (13, 40, 2))"),
    (dict(format_version=np.array("one")),
     "format_version: expected 0-D integers, got 0-D <U3 (a damaged or foreign trajectory)"),
    (dict(format_version=np.array(0)), "format_version: expected a whole number >= 1, got 0"),
    (dict(format_version=np.array(7)),
     "written by a newer aeviz (format 7); this aeviz reads up to 2: upgrade aeviz"),
]


@pytest.mark.parametrize("changes, message", CASES)
def test_tampered_trajectories_get_one_line(tiny_run_path, tmp_path, changes, message):
    path = tampered(tiny_run_path, tmp_path, **changes)
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    if message.endswith(": "):
        assert str(error.value).startswith(f"{path}: {message}")
    else:
        assert str(error.value) == f"{path}: {message}"


def test_the_cli_says_it_in_one_line(run_cli, tiny_run_path, tmp_path):
    path = tampered(tiny_run_path, tmp_path, meta=np.array("[1, 2]"))
    result = run_cli("render", path, "-o", tmp_path / "x.png")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}: meta: expected a JSON object, got list\n"
    assert not (tmp_path / "x.png").exists()


def test_object_arrays_are_never_unpickled(tiny_run_path, tmp_path):
    path = tampered(tiny_run_path, tmp_path, x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == (f"{path}: x: holds Python objects, which aeviz never loads "
                                "(allow_pickle=False)")


# --- the typed experiment and meta -----------------------------------------------------------

def test_a_loaded_run_is_typed(tiny_run_path):
    run = trajectory.load(tiny_run_path)
    assert isinstance(run.experiment, Experiment) and isinstance(run.meta, Meta)
    assert run.experiment.train.optimizer == "adam" and run.experiment.train.batch_size == 8
    assert run.experiment.model.layers == (3, 4, 2, 4, 3) and run.code_layer == 2
    assert run.meta.stop_reason == "epochs" and run.meta.epochs_run == 12
    assert run.meta.seed.data == 1 and run.meta.seed.train == 3
    assert run.notes == ()


def test_a_missing_key_takes_its_default_as_older_versions_wrote_it(tiny_run_path, tmp_path):
    path = tampered(tiny_run_path, tmp_path, config=edited_config("beta1 = 0.9\n", ""),
                    meta=lambda a: np.array(json.dumps({"stop_reason": "converged"})))
    run = trajectory.load(path)
    assert run.experiment.train.beta1 == 0.9 and run.notes == ()
    assert run.meta.stop_reason == "converged" and run.meta.steps_per_epoch == 0


def test_unknown_keys_are_dropped_with_one_note_and_the_rest_kept(tiny_run_path, tmp_path):
    """Before, one unknown [render] key reset the whole table to its defaults."""
    def config(arrays):
        text = str(arrays["config"]).replace("fps = 30", "fps = 24\nglow = true")
        return np.array(text.replace('theme = "light"', 'theme = "dark"').replace(
            "[train]", "[train]\nwarmup = 3"))

    path = tampered(tiny_run_path, tmp_path, config=config,
                    meta=lambda a: np.array(json.dumps({**json.loads(str(a["meta"])),
                                                        "gpu": "none"})))
    run = trajectory.load(path)
    assert run.experiment.render == RenderOptions(fps=24, theme="dark")
    assert run.notes == (
        f"{path}: config: ignored train.warmup, render.glow (written by another aeviz version; "
        "this one does not know them)",
        f"{path}: meta: ignored gpu (written by another aeviz version; this one does not know "
        "them)")


def test_info_prints_the_note_and_still_works(run_cli, tiny_run_path, tmp_path):
    path = tampered(tiny_run_path, tmp_path, config=edited_config("[train]", "[train]\nwarm = 1"))
    result = run_cli("info", path)
    assert result.exit_code == 0
    assert result.stderr == (f"note: {path}: config: ignored train.warm (written by another "
                             "aeviz version; this one does not know them)\n")


def test_load_then_save_is_bit_identical(tiny_run_path, tmp_path):
    trajectory.load(tiny_run_path).save(tmp_path / "again.npz")
    assert (tmp_path / "again.npz").read_bytes() == tiny_run_path.read_bytes()


# --- trajectories written by earlier aeviz versions -------------------------------------------

@pytest.mark.parametrize("name", ["v1-default", "v1-csv-labels", "v1-batches"])
def test_trajectories_of_the_first_format_still_load(run_cli, name):
    """Written by aeviz before the typed reader; `info --json` says what it said then."""
    path = FIXTURES / f"{name}.npz"
    result = run_cli("info", "--json", path)
    assert result.exit_code == 0, result.stderr
    said = json.loads(result.stdout)
    said.pop("file")
    assert said == json.loads((FIXTURES / f"{name}.json").read_text())


def test_the_fixtures_keep_what_they_were_written_with():
    labelled = trajectory.load(FIXTURES / "v1-csv-labels.npz")
    assert labelled.label_names == ("setosa", "versicolor", "virginica")
    assert labelled.experiment.data.label_column == "species"
    assert labelled.experiment.render.fps == 24 and labelled.experiment.render.theme == "dark"
    batches = trajectory.load(FIXTURES / "v1-batches.npz")
    assert batches.meta.steps_per_epoch == 3 and batches.moment(3) == "epoch 1"
    assert batches.moment(1) == "epoch 1, batch 1/3"


# --- the zip level: every member against its declared header ----------------------------------

def npy_bytes(shape: tuple[int, ...], data: bytes = b"", descr: str = "<f8") -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False,
                                                  "shape": shape})
    return buffer.getvalue() + data


def members_of(source: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(source) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zipped(path: Path, members: list[tuple[str, bytes]], method=zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def patched_central(path: Path, member: int, offset: int, value: int) -> Path:
    """Set a 2-byte field at `offset` of the `member`-th central directory entry."""
    data = bytearray(path.read_bytes())
    start = -1
    for _ in range(member + 1):
        start = data.index(b"PK\x01\x02", start + 1)
    data[start + offset:start + offset + 2] = struct.pack("<H", value)
    path.write_bytes(bytes(data))
    return path


def test_a_file_claiming_gigabytes_is_refused_before_reading(tmp_path):
    path = zipped(tmp_path / "bomb.npz", [("x.npy", npy_bytes((1_000_000, 10_000),
                                                              b"\0" * 1000))])
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == (f"{path}: x: declares (1000000, 10000) of float64 "
                                "(80000000000 bytes) in 1000 bytes of data (a damaged or "
                                "tampered trajectory)")


def test_duplicate_member_names_are_refused(tiny_run_path, tmp_path):
    """np.load read another member than the one checked (a 4.8 MB file cost 4.9 GB)."""
    members = list(members_of(tiny_run_path).items())
    members.append(("x.npy", npy_bytes((2, 3), b"\0" * 48)))
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = zipped(tmp_path / "twice.npz", members)
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == (f"{path}: x: stored twice in the archive (a damaged or "
                                "tampered trajectory)")


def test_negative_declared_sizes_are_refused(tiny_run_path, tmp_path):
    members = members_of(tiny_run_path)
    members["x.npy"] = npy_bytes((-5, 3))
    path = zipped(tmp_path / "negative.npz", list(members.items()))
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == f"{path}: x: declares the shape (-5, 3): not an array's"


@pytest.mark.parametrize("method, name", [(zipfile.ZIP_DEFLATED, 8), (zipfile.ZIP_BZIP2, 12)])
def test_compressed_members_are_refused_unread(tiny_run_path, tmp_path, method, name):
    path = zipped(tmp_path / "packed.npz", list(members_of(tiny_run_path).items()), method)
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == (f"{path}: format: compressed (zip method {name}); aeviz "
                                "trajectories are stored uncompressed (write them with aeviz "
                                "train)")


def test_corrupt_deflate_data_is_one_line(tiny_run_path, tmp_path):
    path = zipped(tmp_path / "packed.npz", list(members_of(tiny_run_path).items()),
                  zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    data[60:200] = b"\xff" * 140
    path.write_bytes(bytes(data))
    with pytest.raises(AevizError, match=r"format: compressed \(zip method 8\)"):
        trajectory.load(path)


@pytest.mark.parametrize("offset, value, message", [
    (8, 0x1, "format: encrypted; aeviz trajectories are never encrypted"),
    (10, 99, "format: compressed (zip method 99); aeviz trajectories are stored uncompressed "
             "(write them with aeviz train)"),
])
def test_zip_flags_are_checked(tiny_run_path, tmp_path, offset, value, message):
    path = tmp_path / "flagged.npz"
    path.write_bytes(tiny_run_path.read_bytes())
    patched_central(path, 0, offset, value)
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == f"{path}: {message}"


def test_a_local_header_that_disagrees_is_refused(tiny_run_path, tmp_path):
    path = tmp_path / "local.npz"
    data = bytearray(tiny_run_path.read_bytes())
    data[8:10] = struct.pack("<H", 8)  # the first local header says deflate
    path.write_bytes(bytes(data))
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == (f"{path}: format: its zip header says compressed or encrypted; "
                                "aeviz trajectories are stored uncompressed")


def test_a_truncated_archive_is_one_line(tiny_run_path, tmp_path):
    path = tmp_path / "cut.npz"
    path.write_bytes(tiny_run_path.read_bytes()[:5000])
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == (f"{path}: not an aeviz trajectory (a damaged archive: File is "
                                "not a zip file)")


@pytest.mark.parametrize("kind", ["fifo", "folder", "zero"])
def test_only_regular_files_are_read(tmp_path, kind):
    path = tmp_path / "run.npz"
    if kind == "fifo":
        os.mkfifo(path)
        what = "a FIFO (named pipe)"
    elif kind == "folder":
        path.mkdir()
        what = "a folder"
    else:
        path.symlink_to("/dev/zero")
        what = "a device"
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == f"{path}: cannot read: it is {what}, not a file"


# --- lazy reading --------------------------------------------------------------------------

def test_large_members_are_mapped_read_only_and_released(tiny_run_path, tmp_path):
    arrays = arrays_of(tiny_run_path)  # 40 samples: 256 times as many make 1 MB of codes
    arrays.update(x=np.tile(arrays["x"], (256, 1)), labels=np.tile(arrays["labels"], 256),
                  codes=np.tile(arrays["codes"], (1, 256, 1)))
    path = tmp_path / "wide.npz"
    np.savez(path, **arrays)
    run = trajectory.load(path)
    assert run.codes.nbytes >= 1 << 20 and not run.codes.flags.writeable
    assert isinstance(run.codes.base.base, memoryview)  # the file's pages, not a copy
    assert run.x.flags.owndata  # small members are read
    np.testing.assert_array_equal(run.codes, arrays["codes"])
    run.release()  # the pages go; the values stay readable
    np.testing.assert_array_equal(run.codes[5], arrays["codes"][5])


def test_format_version_follows_the_keys_a_run_uses():
    """A key that changes what a run means declares the version it came with (since=N): runs
    that use it are written with N, others keep the older version."""
    from dataclasses import dataclass

    from aeviz.settings.fields import format_version_of, newest_version, one_of, setting, table

    @dataclass(frozen=True)
    class Model:
        kind: str = setting("plain", one_of("plain", "variational"), since=2)

    @dataclass(frozen=True)
    class Exp:
        model: Model = table(Model)

    assert newest_version(Exp) == 2 and newest_version(Experiment) == trajectory.FORMAT_VERSION
    assert format_version_of(Exp(Model())) == 1
    assert format_version_of(Exp(Model("variational"))) == 2


def test_a_directory_entry_asking_for_a_newer_zip_version_is_one_line(tiny_run_path, tmp_path):
    """Found by the fuzz harness: zipfile raised NotImplementedError."""
    path = tmp_path / "version.npz"
    path.write_bytes(tiny_run_path.read_bytes())
    patched_central(path, 0, 6, 0xFF)
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == (f"{path}: not an aeviz trajectory (a damaged archive: zip file "
                                "version 25.5)")


def test_text_members_are_bounded_before_reading(tiny_run_path, monkeypatch):
    from aeviz.trajectory import archive

    monkeypatch.setattr(archive, "MAX_TEXT_BYTES", 1000)
    with pytest.raises(AevizError) as error:
        trajectory.load(tiny_run_path)
    assert str(error.value) == (f"{tiny_run_path}: config: 3,052 bytes of text; a trajectory's "
                                "text members hold at most 1,000")


def test_text_that_is_not_unicode_is_one_line(tiny_run_path, tmp_path):
    """Found by fuzzing zip damage: code points past U+10FFFF crashed str() (SystemError)."""
    arrays = arrays_of(tiny_run_path)
    names = np.frombuffer(arrays["label_names"].tobytes(), np.uint32).copy()
    names[0] = 0x110000
    arrays["label_names"] = np.frombuffer(names.tobytes(), arrays["label_names"].dtype)
    path = tmp_path / "bad-text.npz"
    np.savez(path, **arrays)
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == (f"{path}: label_names: holds text that is not Unicode (a "
                                "damaged or tampered trajectory)")


@pytest.mark.parametrize("key, value", [("W_logvar", np.full((13, 2, 4), np.nan, np.float32)),
                                        ("b_logvar", np.zeros((13, 3), np.float32)),
                                        ("terms", np.zeros((12, 1), np.float32)),
                                        ("term_names", np.array(1))])
def test_tampered_objective_arrays_get_one_line(tmp_path, key, value):
    raw = {**TINY_EXPERIMENT, "model": {"layers": [3, 4, 2, 4, 3],
                                        "activation": ["tanh", "identity", "tanh", "tanh"],
                                        "variational": True}}
    run = train(experiment_from_dict(raw, "vae.toml"))
    path = tmp_path / "vae.npz"
    run.save(path)
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays[key] = value
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(AevizError) as caught:
        trajectory.load(tmp_path / "bad.npz")
    assert "\n" not in str(caught.value) and key.split("_")[0] in str(caught.value)


@pytest.mark.parametrize("names, terms, message", [
    (np.array(["kl"]), np.zeros((13, 1), np.float32), "term_names: kl, but the stored config's "
     "objective records none (a damaged or tampered trajectory)"),
    (np.array(["kl", "kl"]), np.zeros((13, 2), np.float32), "term_names: kl, kl, but the "
     "stored config's objective records none (a damaged or tampered trajectory)")])
def test_terms_a_plain_run_does_not_record_are_refused(tiny_run_path, tmp_path, names, terms,
                                                      message):
    path = tampered(tiny_run_path, tmp_path, term_names=names, terms=terms)
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == f"{path}: {message}"


def test_a_regularized_run_without_its_terms_is_refused(tmp_path):
    raw = {**TINY_EXPERIMENT, "train": {**TINY_EXPERIMENT["train"], "code_l1": 0.01}}
    run = train(experiment_from_dict(raw, "sparse.toml"))
    run.save(tmp_path / "sparse.npz")
    path = tampered(tmp_path / "sparse.npz", tmp_path, term_names=None, terms=None)
    with pytest.raises(AevizError) as error:
        trajectory.load(path)
    assert str(error.value) == (f"{path}: terms: missing, but the stored config's objective "
                                "records code_l1 (a damaged or tampered trajectory)")


@pytest.mark.parametrize("train_keys, model_keys", [
    ({}, {}), ({"code_l1": 0.1}, {}), ({}, {"variational": True}),
    ({"code_l1": 0.1, "beta": 0.5}, {"variational": True}), ({"noise": 0.2}, {})])
def test_the_loader_expects_the_terms_training_records(train_keys, model_keys):
    from aeviz.training.objectives import Objective
    from aeviz.trajectory.format import recorded_terms

    raw = {**TINY_EXPERIMENT, "train": {**TINY_EXPERIMENT["train"], **train_keys},
           "model": {"layers": [3, 4, 2, 4, 3], "activation": ["tanh", "identity", "tanh",
                                                               "tanh"], **model_keys}}
    exp = experiment_from_dict(raw, "exp.toml")
    assert recorded_terms(exp) == Objective.of(exp).terms()


@pytest.fixture(scope="module")
def tiny_arrays(tiny_run_path) -> dict[str, np.ndarray]:
    with np.load(tiny_run_path, allow_pickle=False) as run:
        return {key: run[key] for key in run.files}


@given(data=st.data())
def test_tampered_members_load_or_get_one_line(scratch, tiny_arrays, data, outcomes):
    tampered = data.draw(fuzz.tampered_runs(tiny_arrays))
    path = scratch / "run.npz"
    np.savez(path, **tampered.arrays)
    result = invoke_checked("info", path)
    if result.exit_code == 2:
        assert not tampered.valid, result.stderr
        return outcomes.refused()
    outcomes.accepted()
    run = trajectory.load(path)  # what info read: the run's arrays, as saved
    assert run.codes.shape == (len(run), len(run.x), 2)
    if tampered.valid:
        np.testing.assert_array_equal(run.codes, tampered.arrays["codes"])
        np.testing.assert_array_equal(run.loss, tampered.arrays["loss"])


@examples(0.2)
@given(data=st.data())
def test_tampered_runs_render_or_write_nothing(scratch, tiny_arrays, data, outcomes):
    tampered = data.draw(fuzz.tampered_runs(tiny_arrays))
    path, output = scratch / "drawn.npz", scratch / "still.png"
    np.savez(path, **tampered.arrays)
    output.unlink(missing_ok=True)
    result = invoke_checked("render", path, "-o", output, "--size", "320x180")
    if result.exit_code == 2:
        assert not tampered.valid and not output.exists(), result.stderr
        return outcomes.refused()
    outcomes.accepted()
    assert iio.imread(output).shape == (180, 320, 3)


@given(data=st.data())
def test_zip_damage_is_one_line(scratch, tiny_run_path, data, outcomes):
    path = scratch / "damaged.npz"
    damaged = data.draw(fuzz.damaged_zips(tiny_run_path.read_bytes()))
    path.write_bytes(damaged.content)
    result = invoke_checked("info", path)
    if result.exit_code == 2:
        assert not damaged.whole, result.stderr
        return outcomes.refused()
    outcomes.accepted()
    assert len(trajectory.load(path)) == 13
