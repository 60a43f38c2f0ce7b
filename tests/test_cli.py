"""The command line as a user meets it: exit codes, one-line errors, nothing half-written."""

import json

import numpy as np
import pytest

from aeviz import trajectory
from aeviz.training.optim import Adam
from tests.conftest import tiny_text
from tests.helpers import decode_mp4


def test_train_writes_trajectory_and_summary(run_cli, tiny_toml, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("train", tiny_toml)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{tiny_toml}: ends at epoch 12, final RMSE ")
    assert "stopped: epochs, 13 snapshots -> tiny.npz" in result.stdout
    assert trajectory.load(tmp_path / "tiny.npz").meta.epochs_run == 12


def test_train_quiet_prints_nothing(run_cli, tiny_toml, tmp_path):
    result = run_cli("train", tiny_toml, "-o", tmp_path / "r.npz", "--quiet")
    assert result.exit_code == 0 and result.output == ""


@pytest.mark.parametrize("args, message", [
    (["--set", "train.lerning_rate=0.1"],
     "Error: --set train.lerning_rate: unknown key (did you mean learning_rate?)"),
    (["--set", "train.batch_size=0"], "Error: --set train.batch_size: must be >= 1, got 0"),
    (["--set", "data.clusters[0].n=50"],
     "Error: --set data.clusters[0].n: no entry [0] (entries are numbered from 1): "
     "data.clusters has 2 entries, [1] to [2]"),
    (["--set", "model.layers=[3, 2, 4]"],
     "Error: --set model.layers: last layer must equal the first (an autoencoder "
     "reconstructs its input), got [3, 2, 4]"),
    (["--set", "a.b.c=1"],  # the table `a` is the option's, not the file's
     "Error: --set a.b.c: a: unknown key (allowed: title, label, data, model, train, record, "
     "render)"),
    (["--set", "train.optim.x=1"],
     "Error: --set train.optim.x: train.optim: unknown key (did you mean optimizer?)"),
    (["--set", "train.learning_rate"],
     "Error: --set train.learning_rate: expected KEY=VALUE, such as train.learning_rate=0.01"),
    (["--lr", "3"],
     "Error: No such option '--lr'. Did you mean '--help'? (see 'aeviz train --help')"),
    (["-o", "{tmp}/missing/r.npz"],
     "Error: {tmp}/missing/r.npz: cannot write: folder {tmp}/missing does not exist"),
])
def test_train_bad_input_is_one_line_exit_2(run_cli, tiny_toml, tmp_path, monkeypatch, args,
                                            message):
    monkeypatch.chdir(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = run_cli("train", tiny_toml, *args)
    assert result.exit_code == 2
    assert result.stderr == message.format(exp=tiny_toml, tmp=tmp_path) + "\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.toml"]  # nothing written


def test_toml_syntax_error_names_line_and_column(run_cli, tiny_toml):
    tiny_toml.write_text("[train]\nepochs = = 3\n")
    result = run_cli("validate", tiny_toml)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {tiny_toml}: invalid TOML: Invalid value "
                             "(at line 2, column 10)\n")


def test_interrupted_training_saves_and_exits_130(run_cli, tiny_toml, tmp_path, monkeypatch):
    real_start, calls = Adam.start_step, []

    def step_then_interrupt(self):
        calls.append(1)
        if len(calls) == 23:  # in the middle of epoch 5 (5 steps per epoch)
            raise KeyboardInterrupt
        real_start(self)

    monkeypatch.setattr(Adam, "start_step", step_then_interrupt)
    result = run_cli("train", tiny_toml, "-o", tmp_path / "r.npz")
    assert result.exit_code == 130
    run = trajectory.load(tmp_path / "r.npz")
    assert run.stop_reason == "interrupted" and run.epoch.tolist() == [0, 1, 2, 3, 4]


def test_diverging_training_warns(run_cli, tiny_toml, tmp_path):
    result = run_cli("train", tiny_toml, "-o", tmp_path / "r.npz", "--set",
                     "train.optimizer=sgd", "--set", "train.learning_rate=1e6",
                     "--set", "model.activation=identity")
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: training diverged at epoch ")
    assert "Try a lower train.learning_rate (now 1e+06)." in result.stderr
    assert trajectory.load(tmp_path / "r.npz").stop_reason == "diverged"


def test_validate_prints_the_resolved_experiment(run_cli, tiny_toml):
    result = run_cli("validate", tiny_toml, "--set", "train.epochs=5")
    assert result.exit_code == 0
    assert "epochs = 5\n" in result.stdout and "code_layer = 2\n" in result.stdout
    assert 'output_activation = "tanh"' in result.stdout


def test_init_writes_a_template_that_validates(run_cli, tmp_path):
    path = tmp_path / "mine.toml"
    assert run_cli("init", path).exit_code == 0
    assert run_cli("validate", path).exit_code == 0
    again = run_cli("init", path)
    assert again.exit_code == 2
    assert again.stderr == f"Error: {path}: already exists (use --force to overwrite)\n"


def test_render_cli_and_its_bad_input(run_cli, tiny_run_path, tmp_path):
    out = tmp_path / "c.mp4"
    result = run_cli("render", tiny_run_path, "-o", out, "--size", "320x180", "--every", "4",
                     "--duration", "0", "--hold", "0")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{out}: 4 frames, ")
    not_npz = tmp_path / "notes.txt"
    not_npz.write_text("hello")
    other_npz = tmp_path / "other.npz"
    np.savez(other_npz, a=np.zeros(3))
    newer = tmp_path / "newer.npz"
    with np.load(tiny_run_path) as raw:
        arrays = dict(raw)
    np.savez(newer, **{**arrays, "format_version": np.array(3)})
    partial = tmp_path / "partial.npz"
    np.savez(partial, **{k: v for k, v in arrays.items() if k != "codes"})
    cases = [
        ([not_npz], f"Error: {not_npz}: not an aeviz trajectory (not an .npz archive; make one "
                    "with `aeviz train`)"),
        ([other_npz], f'Error: {other_npz}: not an aeviz trajectory (no format key '
                      '"aeviz-trajectory"; write one with `aeviz train`)'),
        ([newer], f"Error: {newer}: written by a newer aeviz (format 3); this aeviz reads up "
                  "to 2: upgrade aeviz"),
        ([partial], f"Error: {partial}: missing key 'codes' (incomplete or damaged trajectory)"),
        ([tiny_run_path, "-o", tmp_path / "c.avi"],
         f"Error: {tmp_path / 'c.avi'}: unknown output format '.avi' (allowed: .mp4, .webm, "
         ".gif, .webp, .png, .pdf, .svg, .html)"),
        ([tiny_run_path, "-o", tmp_path / "p.png", "--epoch", "99"],
         "Error: --epoch: 99 is outside the run (epochs 0 to 12)"),
        ([tiny_run_path, "-o", tmp_path / "nope" / "c.mp4"],
         f"Error: {tmp_path / 'nope' / 'c.mp4'}: cannot write: folder {tmp_path / 'nope'} "
         "does not exist"),
        ([tiny_run_path, "-o", tmp_path / "x.mp4", "--size", "big"],
         'Error: --size: must be WIDTHxHEIGHT such as "1280x720", got string "big"'),
        ([tiny_run_path, "-o", tmp_path / "x.mp4", "--panels", "code,code"],
         "Error: --panels: lists a panel twice: code, code"),
        ([tiny_run_path, "-o", tmp_path / "x.mp4", "--labels", "a,b"],
         "Error: --labels: got 2 names for 1 runs; give one per run, comma-separated"),
        ([tiny_run_path, "-o", tmp_path / "x.mp4", "--epoch", "3"],
         "Error: --epoch: only applies to a still (.png, .pdf or .svg: a single frame)"),
        ([tiny_run_path, "-o", tmp_path / "x.png", "--smooth", "2"],
         "Error: --smooth: makes frames between snapshots, which a single .png frame cannot "
         "show; use a clip (.mp4, .webm, .gif, .webp)"),
        ([tiny_run_path, "-o", tmp_path / "x.mp4", "--epochs", "50:60"],
         "Error: --epochs: no snapshot between epochs 50:60 (the run has epochs 0 to 12)"),
        ([tiny_run_path, "-o", tmp_path / "x.mp4", "--fsp", "3"],
         "Error: No such option '--fsp'. (Did you mean one of: '--fps', '--pca'?) (see 'aeviz "
         "render --help')"),
    ]
    for args, message in cases:
        result = run_cli("render", *args)
        assert result.exit_code == 2, args
        assert result.stderr == message + "\n", (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "c.mp4", "newer.npz", "notes.txt", "other.npz", "partial.npz"]


def test_info_text_and_json(run_cli, tiny_run_path):
    text = run_cli("info", tiny_run_path)
    assert text.exit_code == 0
    assert "layers       3 - 4 - 2 - 4 - 3  (code layer 2)" in text.stdout
    assert "data         40 samples in 3-D; cluster 1 (20), cluster 2 (20)" in text.stdout
    summary = json.loads(run_cli("info", tiny_run_path, "--json").stdout)
    assert summary["snapshots"] == 13 and summary["stop_reason"] == "epochs"
    assert summary["optimizer"] == "adam" and summary["hyperparameters"]["batch_size"] == 8
    assert summary["file_bytes"] == tiny_run_path.stat().st_size


@pytest.mark.parametrize("optimizer, settings", [
    ("sgd", ""), ("momentum", ", beta1 0.5, dampening 0"), ("rmsprop", ", beta2 0.999, eps 1e-08"),
    ("adam", ", beta1 0.5, beta2 0.999, eps 1e-08")])
def test_info_names_the_settings_its_optimizer_uses_and_no_others(run_cli, tmp_path, optimizer,
                                                                  settings):
    # An SGD run had been shown Adam's betas, and Momentum's dampening left out.
    config = tmp_path / "run.toml"
    config.write_text(tiny_text(train={"optimizer": optimizer, "epochs": 1, "beta1": 0.5,
                                       "dampening": 0.0 if optimizer == "momentum" else None}))
    assert run_cli("train", config, "-o", tmp_path / "run.npz", "-q").exit_code == 0
    lines = run_cli("info", tmp_path / "run.npz").stdout.splitlines()
    assert (f"optimizer    {optimizer}, learning rate 0.01, batch 8{settings}, seed 3"
            in lines), lines


def test_info_of_several_runs_is_a_table_or_a_json_list(run_cli, tiny_run_path, tmp_path):
    other = tmp_path / "other.npz"
    trajectory.load(tiny_run_path).save(other)
    lines = run_cli("info", tiny_run_path, other).stdout.splitlines()
    assert lines[0].split() == ["file", "title", "layers", "optimizer", "lr", "epochs",
                                "snapshots", "stopped", "final", "RMSE"]
    assert len(lines) == 3 and lines[2].split()[0] == str(other)
    assert lines[1].split()[1:8] == ["tiny", "3-4-2-4-3", "adam", "0.01", "12", "13", "epochs"]
    listed = json.loads(run_cli("info", tiny_run_path, other, "--json").stdout)
    assert [entry["file"] for entry in listed] == [str(tiny_run_path), str(other)]
    missing = run_cli("info", tiny_run_path, tmp_path / "nope.npz")
    assert missing.exit_code == 2 and missing.stderr == f"Error: {tmp_path / 'nope.npz'}: no " \
                                                        "such file\n"


def test_demo_produces_a_playable_clip(run_cli, tmp_path):
    out = tmp_path / "demo.mp4"
    result = run_cli("demo", "-o", out, "--size", "320x180", "--duration", "1", "--hold", "0")
    assert result.exit_code == 0, result.output
    meta, frames = decode_mp4(out)
    assert meta["size"] == (320, 180) and len(frames) == 30
    assert trajectory.load(tmp_path / "demo.npz").stop_reason == "converged"


def test_render_with_the_clip_as_an_argument_suggests_dash_o(run_cli, tiny_run_path, tmp_path,
                                                             monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("render", tiny_run_path, "run.gif")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: run.gif: no such trajectory; to write the clip there, "
                             f"give it with -o: aeviz render {tiny_run_path} -o run.gif\n")


def test_train_on_a_trajectory_says_what_it_is(run_cli, tiny_run_path):
    result = run_cli("train", tiny_run_path)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {tiny_run_path}: that is a trajectory; train takes an "
                             f"experiment .toml (to render it: aeviz render {tiny_run_path})\n")


def test_set_index_zero_and_typos_blame_set(run_cli, tiny_toml):
    zero = run_cli("validate", tiny_toml, "--set", "data.clusters[0].n=50")
    assert zero.exit_code == 2 and zero.stderr == (
        "Error: --set data.clusters[0].n: no entry [0] (entries are numbered from 1): "
        "data.clusters has 2 entries, [1] to [2]\n")
    typo = run_cli("validate", tiny_toml, "--set", "train.lerning_rate=0.1")
    assert typo.exit_code == 2 and typo.stderr.startswith("Error: --set train.lerning_rate: ")


def test_a_title_the_font_cannot_draw_is_refused_and_a_stored_one_is_one_note_line(
        tiny_run_path, tmp_path):
    """A new title the font has no glyph for is refused at the door (one line); a run stored
    with one before glyphs were checked still renders, matplotlib's warning one note line."""
    import subprocess
    import sys

    from aeviz.trajectory.archive import write_archive

    def render(run, *flags):
        return subprocess.run([sys.executable, "-m", "aeviz", "render", str(run), "-o",
                               str(tmp_path / "a.png"), "--size", "320x180", *flags],
                              capture_output=True, text=True)

    refused = render(tiny_run_path, "--title", "\u65e5\u672c")
    assert refused.returncode == 2 and not (tmp_path / "a.png").exists()
    assert len(refused.stderr.splitlines()) == 1
    assert refused.stderr.startswith('Error: --title: "\u65e5\u672c" holds "\u65e5" (U+65E5)')
    with np.load(tiny_run_path, allow_pickle=False) as stored:
        members = {key: stored[key] for key in stored.files}
    config = str(members["config"])
    members["config"] = np.array('title = "\u65e5\u672c"\n' + config.split("\n", 1)[1])
    write_archive(tmp_path / "old.npz", members)
    result = render(tmp_path / "old.npz")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("note: ") for line in lines), lines
    # one line for the title (matplotlib warned once per character), naming the fix
    assert [line for line in lines if "glyph" in line.lower()] == [
        'note: the title "\u65e5\u672c" holds "\u65e5" (U+65E5), which DejaVu Sans has no '
        "glyph for (drawn as a box); --title replaces it"]
