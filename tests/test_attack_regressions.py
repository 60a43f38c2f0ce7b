"""Holes found by an attack pass on inputs the fuzz harness did not cover, each kept here with
the exact one-line refusal it now gets."""

from __future__ import annotations

import os

import pytest

from aeviz.errors import AevizError

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
