"""The Python API as a notebook uses it: train, save, load, render, show, and its errors."""

import base64
import re
import subprocess
import sys

import numpy as np
import pytest

import aeviz
from aeviz.errors import AevizError
from tests.conftest import TINY, TINY_EXPERIMENT, tiny_text
from tests.helpers import decode_mp4

SMALL = {"size": "320x180", "duration": 0, "hold": 0}  # one frame per snapshot


def test_import_is_cheap_and_names_are_the_functions():
    code = ("import sys, aeviz; import aeviz.training.loop, aeviz.renderer.scene; "
            "print(callable(aeviz.train), callable(aeviz.render), "
            "'matplotlib' in sys.modules)")
    cheap = "import sys, aeviz; print('matplotlib' in sys.modules, 'numpy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", cheap], capture_output=True,
                          text=True).stdout == "False False\n"
    # importing the modules behind them leaves the API functions in place
    assert subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True).stdout == "True True True\n"


def test_train_from_text_dict_and_path_give_the_same_run(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    runs = [aeviz.train(TINY), aeviz.train(TINY_EXPERIMENT), aeviz.train(path)]
    for run in runs[1:]:
        np.testing.assert_array_equal(run.codes, runs[0].codes)
    assert len(runs[0]) == 13 and runs[0].title == "tiny"


def test_train_with_overrides_and_callback_then_save_and_load(tmp_path):
    seen = []
    run = aeviz.train(TINY, overrides={"train.epochs": 5},
                      on_epoch=lambda epoch, rmse: seen.append(epoch))
    assert seen == [1, 2, 3, 4, 5] and len(run) == 6
    run.save(tmp_path / "r.npz")
    again = aeviz.load(tmp_path / "r.npz")
    np.testing.assert_array_equal(again.loss, run.loss)
    assert TINY_EXPERIMENT["train"]["epochs"] == 12  # the caller's dict is left alone


def test_errors_are_one_value_error_with_the_cli_message(run_cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(tiny_text(train={"lerning_rate": 0.1}))
    with pytest.raises(AevizError) as caught:
        aeviz.train(bad)
    assert isinstance(caught.value, ValueError)
    assert run_cli("train", bad).stderr == f"Error: {caught.value}\n"
    assert str(caught.value) == f"{bad}: train.lerning_rate: unknown key (did you mean " \
                                "learning_rate?)"
    with pytest.raises(AevizError, match=re.escape(
            "override train.batch_size: must be >= 1, got 0")):
        aeviz.train(TINY, {"train.batch_size": 0})
    with pytest.raises(AevizError, match=re.escape("missing.npz: no such file")):
        aeviz.load(tmp_path / "missing.npz")


def test_a_bad_override_is_named_as_the_user_gave_it(run_cli, tmp_path):
    """It named its source "experiment" (a dict) or the file, which never held the value."""
    good = tmp_path / "good.toml"
    good.write_text(tiny_text())
    for source in (TINY, good, None):
        for overrides, message in (
                ({"train.batch_size": 0}, "override train.batch_size: must be >= 1, got 0"),
                (["train.batch_size=0"], "override train.batch_size: must be >= 1, got 0"),
                ({"train": {"batch_size": 0}},
                 "override train: train.batch_size: must be >= 1, got 0")):
            with pytest.raises(AevizError) as caught:
                aeviz.train(source, overrides)
            assert str(caught.value) == message
    # A file's own bad value still names the file; the CLI names its flag.
    bad = tmp_path / "bad.toml"
    bad.write_text(tiny_text(train={"batch_size": 0}))
    with pytest.raises(AevizError, match=re.escape(f"{bad}: train.batch_size: must be >= 1")):
        aeviz.train(bad, {"train.epochs": 2})
    result = run_cli("train", good, "--set", "train.batch_size=0")
    assert result.exit_code == 2
    assert result.stderr == "Error: --set train.batch_size: must be >= 1, got 0\n"


def test_render_returns_the_path_and_checks_options(tiny_run_path, tmp_path):
    out = aeviz.render(tiny_run_path, tmp_path / "c.mp4", fps=10, **SMALL)
    assert out == tmp_path / "c.mp4"
    meta, frames = decode_mp4(out)
    assert meta["fps"] == 10 and len(frames) == 13
    with pytest.raises(AevizError, match=re.escape(
            "render.fsp: unknown key (did you mean fps?)")):
        aeviz.render(tiny_run_path, tmp_path / "d.mp4", fsp=10)
    with pytest.raises(AevizError, match=re.escape(
            "render.labels: got 1 names for 2 runs")):
        aeviz.render([tiny_run_path, tiny_run_path], tmp_path / "e.mp4", labels=["a"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.mp4"]


def test_show_embeds_the_clip_and_writes_nothing(tiny_run_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = aeviz.load(tiny_run_path)
    video = aeviz.show(run, **SMALL)
    html = video._repr_html_()
    assert list(tmp_path.iterdir()) == []
    found = re.fullmatch(r'<video controls autoplay loop muted playsinline style="max-width: '
                         r'100%"><source src="data:video/mp4;base64,([A-Za-z0-9+/=]+)" '
                         r'type="video/mp4"></video>', html)
    assert found
    aeviz.render(run, tmp_path / "same.mp4", **SMALL)
    assert base64.b64decode(found.group(1)) == (tmp_path / "same.mp4").read_bytes()


def test_show_into_a_file_refers_to_it(tiny_run_path, tmp_path):
    video = aeviz.show(tiny_run_path, tmp_path / "clip.webm", **SMALL)
    assert (tmp_path / "clip.webm").stat().st_size > 0
    assert f'src="{(tmp_path / "clip.webm").as_posix()}" type="video/webm"' in \
        video._repr_html_()


def test_api_train_takes_overrides_as_a_list_of_key_value_texts(tiny_toml):
    import aeviz

    run = aeviz.train(tiny_toml, ["train.epochs=2"])
    assert run.experiment.train.epochs == 2
    with pytest.raises(AevizError) as refused:
        aeviz.train(tiny_toml, [5])
    assert str(refused.value) == ('overrides: a list holds "KEY=VALUE" texts such as '
                                  '"train.epochs=5", got integer 5')


@pytest.mark.parametrize("epoch, shown", [("5", "str '5'"), (True, "bool True"),
                                          ([1], "list [1]")])
def test_api_render_epoch_that_is_not_a_number_is_one_line(run, tmp_path, epoch, shown):
    import aeviz

    with pytest.raises(AevizError) as refused:
        aeviz.render(run, tmp_path / "still.png", epoch=epoch)
    assert str(refused.value) == ("epoch: must be a number (an epoch of the run) or None for "
                                  f"the last, got {shown}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("width, shown", [("5", "str '5'"), (-1, "int -1"), (0, "int 0"),
                                          (float("nan"), "float nan"), (1e4, "float 10000.0")])
def test_api_figure_width_outside_1_to_40_inches_is_one_line(run, tmp_path, width, shown):
    import aeviz

    with pytest.raises(AevizError) as refused:
        aeviz.figure(run, tmp_path / "handout.pdf", width=width)
    assert str(refused.value) == f"width: must be a number of inches from 1 to 40, got {shown}"
    assert list(tmp_path.iterdir()) == []
