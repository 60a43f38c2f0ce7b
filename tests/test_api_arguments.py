"""The Python API takes what its documentation says and refuses anything else as one line
(an AevizError), never a TypeError; an experiment string is a path unless told otherwise."""

from __future__ import annotations

import os

import pytest

import aeviz
from aeviz import api
from aeviz.errors import AevizError

from .conftest import TINY, tiny_text


def test_a_path_with_an_equals_sign_is_a_path(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lr=0.1.toml").write_text(tiny_text(train={"epochs": 2}))
    assert api.experiment("lr=0.1.toml").train.epochs == 2
    for command in ("validate", "train"):
        result = run_cli(command, "lr=0.1.toml")
        assert result.exit_code == 0, result.stderr
    assert (tmp_path / "lr=0.1.npz").exists()


def test_toml_text_is_taken_when_told_or_when_it_has_a_line_break(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert api.experiment(TINY).title == "tiny"
    one_line = 'title = "t"'
    with pytest.raises(AevizError, match=r'^title = "t": no such experiment file$'):
        api.experiment(one_line)
    with pytest.raises(AevizError, match="^experiment: data: needs"):  # read as TOML
        api.experiment(one_line, text=True)
    with pytest.raises(AevizError, match=r"text=True takes TOML text \(a str\), got dict"):
        api.experiment({}, text=True)


@pytest.mark.parametrize("value", [None, 5, b"run.npz", ["a.npz"]])
def test_load_refuses_what_is_not_a_path(value):
    with pytest.raises(AevizError, match=r"^load: expected the path of a trajectory \(.npz\), "
                       f"got {type(value).__name__}$"):
        aeviz.load(value)


def test_figure_takes_one_moment_as_a_number(run, tmp_path):
    aeviz.figure(run, tmp_path / "f.png", at=5)
    assert (tmp_path / "f.png").stat().st_size > 0


@pytest.mark.parametrize("at, message", [
    (True, "at: expected moments as a list or a text"),
    ({"epoch": 5}, "at: expected moments as a list or a text"),
    (50.0, "at: 50.0 is not a moment"),
])
def test_figure_refuses_moments_it_cannot_read(run, tmp_path, at, message):
    with pytest.raises(AevizError, match=message):
        aeviz.figure(run, tmp_path / "f.png", at=at)
    assert not (tmp_path / "f.png").exists()


def test_overrides_of_the_wrong_kind_are_one_line():
    with pytest.raises(AevizError, match="overrides: expected a dict of keys or a list of "
                       "KEY=VALUE texts, got str"):
        api.experiment(None, "train.epochs=5")


def test_runs_of_another_kind_are_one_line(tmp_path):
    with pytest.raises(AevizError, match="runs: expected a trajectory, the path of one, or a "
                       "list of them, got int"):
        aeviz.render(5, tmp_path / "x.png")
    assert not os.listdir(tmp_path)


WRITERS = {"render": lambda run, out: aeviz.render(run, out),
           "figure": lambda run, out: aeviz.figure(run, out),
           "show": lambda run, out: aeviz.show(run, out),
           "save": lambda run, out: run.save(out)}


@pytest.mark.parametrize("writer, output", [
    (writer, output) for writer in WRITERS for output in (None, 5, b"x.png")
    if (writer, output) != ("show", None)])  # show(run) writes nothing: valid
def test_an_output_that_is_not_a_path_is_one_line(run, writer, output):
    with pytest.raises(AevizError, match="^output: expected the path of a file to write, got "
                       f"{type(output).__name__}$"):
        WRITERS[writer](run, output)


@pytest.mark.parametrize("call", [
    lambda run, out: aeviz.render(run, out / "a.png", on_frame=5),
    lambda run, out: aeviz.render(run, out / "a.png", notify="print"),
    lambda run, out: aeviz.figure(run, out / "a.png", notify=None),
])
def test_callbacks_that_are_not_functions_are_refused_before_any_work(tiny_run_path, tmp_path,
                                                                     call):
    with pytest.raises(AevizError, match=r"^(on_frame|notify): expected a function"):
        call(tiny_run_path, tmp_path)
    assert list(tmp_path.iterdir()) == []
