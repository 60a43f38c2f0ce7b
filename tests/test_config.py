"""Experiment files: defaults, resolution, and the exact message for each kind of mistake."""

import re
import sys

import pytest

from aeviz.errors import AevizError, SettingError
from aeviz.settings import (
    RenderOptions,
    default_experiment_text,
    load_default,
    load_experiment,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from hypothesis import given
from hypothesis import strategies as st

from aeviz.settings.tomlwriter import dump_toml
from tests import strategies as fuzz
from tests.conftest import TINY
from tests.helpers import invoke_checked


def error_for(path, text_edit=None, overrides=()):
    if text_edit:
        old, new = text_edit
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))
    with pytest.raises(AevizError) as caught:
        load_experiment(path, overrides)
    return str(caught.value).replace(str(path), "EXP")


def test_defaults_are_filled_in(tiny_toml):
    exp = load_experiment(tiny_toml)
    assert exp.title == "tiny"
    assert exp.data.normalize == "global"
    assert exp.model.code_layer == 2
    assert exp.model.activations == ("tanh",) * 4
    assert exp.model.output_activation == "tanh"
    assert (exp.train.beta1, exp.train.beta2, exp.train.eps) == (0.9, 0.999, 1e-8)
    assert exp.record.every == 1
    assert exp.render == RenderOptions()


def test_resolved_toml_round_trips(tiny_toml):
    exp = load_experiment(tiny_toml)
    text = exp.to_toml()
    assert "mean = [0.5, 0.0, 0.2]" in text
    assert tomllib.loads(text) == exp.to_dict()
    again = tiny_toml.with_name("again.toml")
    again.write_text(text)
    assert load_experiment(again) == exp


def test_dump_toml_escapes_strings():
    document = {"title": 'say "hi"\n\\ é', "t": {"x": [[1, 2.5], [True, False]]}}
    assert tomllib.loads(dump_toml(document)) == document


def test_default_experiment_is_the_original_programs():
    exp = load_default()
    assert exp.model.layers == (4, 6, 2, 5, 4)
    assert exp.train.optimizer == "adam" and exp.train.learning_rate == 0.005
    assert exp.train.epsilon == 0.035 and exp.train.epochs == 1000
    assert [c.mean for c in exp.data.clusters] == [
        (0.5, 0, 0, 0.3), (0, 0.1, -0.5, 0.2), (0, 0.2, 0.5, -0.6), (0, 0.5, 0, 0.7)]
    assert exp.data.clusters[2].cov[3][3] == 0.2
    assert "Four clusters" in default_experiment_text()


def test_overrides_are_typed_as_toml(tiny_toml):
    exp = load_experiment(tiny_toml, ["train.learning_rate=0.5", "train.optimizer=sgd",
                                      "data.clusters[2].n=7", 'title="x y"'])
    assert exp.train.learning_rate == 0.5 and exp.train.optimizer == "sgd"
    assert exp.data.clusters[1].n == 7 and exp.title == "x y"


@pytest.mark.parametrize("edit, message", [
    (("learning_rate", "lerning_rate"),
     "EXP: train.lerning_rate: unknown key (did you mean learning_rate?)"),
    (("learning_rate = 0.01", "learning_rate = 0"), "EXP: train.learning_rate: must be > 0, got 0"),
    (("batch_size = 8", "batch_size = 0"), "EXP: train.batch_size: must be >= 1, got 0"),
    (("batch_size = 8", "batch_size = 8.5"),
     "EXP: train.batch_size: must be a whole number, got number 8.5"),
    (("batch_size = 8", "batch_size = 8.0"),
     "EXP: train.batch_size: must be a whole number written as digits alone (a point or an "
     "exponent makes a TOML decimal), got number 8.0"),
    (("seed = 3", "seed = 3e0"), "EXP: train.seed: must be a whole number written as digits "
     "alone (a point or an exponent makes a TOML decimal), got number 3.0"),
    (("seed = 3", "seed = 3\nbeta1 = 1.0"), "EXP: train.beta1: must be < 1, got 1"),
    (("seed = 3", "seed = 3\nbeta2 = -0.1"), "EXP: train.beta2: must be >= 0, got -0.1"),
    (('optimizer = "adam"', 'optimizer = "adagrad"'),
     'EXP: train.optimizer: string "adagrad" is not allowed '
     '(allowed: "sgd", "momentum", "rmsprop", "adam", "adamw")'),
    (("std = 0.1", "std = 0.1\ncov = [[1]]"),
     "EXP: data.clusters[1]: give exactly one of cov (a matrix) or std (isotropic)"),
    (("cov = [[0.02, 0, 0], [0, 0.02, 0], [0, 0, 0.02]]", "cov = [[0.02, 0], [0, 0.02]]"),
     "EXP: data.clusters[2].cov: must be a 3x3 matrix to match mean (length 3)"),
    (("cov = [[0.02, 0, 0], [0, 0.02, 0], [0, 0, 0.02]]",
      "cov = [[0.02, 0.01, 0], [0, 0.02, 0], [0, 0, 0.02]]"),
     "EXP: data.clusters[2].cov: must be symmetric (cov[i][j] == cov[j][i])"),
    (("cov = [[0.02, 0, 0], [0, 0.02, 0], [0, 0, 0.02]]",
      "cov = [[0.02, 0, 0], [0, -0.02, 0], [0, 0, 0.02]]"),
     "EXP: data.clusters[2].cov: must be positive semi-definite (it has a negative eigenvalue)"),
    (("mean = [0.5, 0.0, 0.2]", "mean = [0.5, 0.0]"),
     "EXP: data.clusters: all means must have the same length, got 2, 3"),
    (("layers = [3, 4, 2, 4, 3]", "layers = [4, 4, 2, 4, 4]"),
     "EXP: model.layers: first layer (input) has 4 neurons but the clusters are 3-D; "
     "they must match"),
    (("layers = [3, 4, 2, 4, 3]", "layers = [3, 4, 3]"),
     "EXP: model.layers: needs a hidden layer of exactly 2 neurons (the code layer), "
     "got [3, 4, 3]"),
    (("layers = [3, 4, 2, 4, 3]", "layers = [3, 2, 4, 2, 3]"),
     "EXP: model.code_layer: missing: several hidden layers have 2 neurons (indices 1, 3); "
     "say which is the code layer"),
    (("layers = [3, 4, 2, 4, 3]", "layers = [3, 2, 4]"),
     "EXP: model.layers: last layer must equal the first (an autoencoder reconstructs its "
     "input), got [3, 2, 4]"),
    (('activation = "tanh"', 'activation = "selu"'),
     'EXP: model.activation: string "selu" is not allowed '
     '(allowed: "identity", "sigmoid", "tanh", "relu", "leaky_relu")'),
    (('activation = "tanh"', 'activation = ["tanh", "tanh"]'),
     "EXP: model.activation: a list needs one entry per weight layer: 4 for 5 layers, got 2"),
    (('activation = "tanh"', 'activation = "tanh"\ncode_layer = 1'),
     "EXP: model.code_layer: must index a hidden layer of 2 neurons in layers (allowed: 2), "
     "got 1"),
    (('title = "tiny"', 'title = "tiny"\n[record]\nevery = 0'),
     "EXP: record.every: must be >= 1, got 0"),
    (('title = "tiny"', 'title = "tiny"\n[render]\nsize = "big"'),
     'EXP: render.size: must be WIDTHxHEIGHT such as "1280x720", got string "big"'),
    (('title = "tiny"', 'title = "tiny"\n[render]\nfsp = 3'),
     "EXP: render.fsp: unknown key (did you mean fps?)"),
    (('title = "tiny"', 'titel = "tiny"'), "EXP: titel: unknown key (did you mean title?)"),
    (("seed = 3", "seed = 3\nnoise = -0.1"), "EXP: train.noise: must be >= 0, got -0.1"),
    (("seed = 3", "seed = 3\nmasking = 1"), "EXP: train.masking: must be < 1, got 1"),
    (("seed = 3", "seed = 3\ncode_l1 = true"),
     "EXP: train.code_l1: must be a number, got boolean True"),
    (("seed = 3", "seed = 3\nweight_decay = -1"), "EXP: train.weight_decay: must be >= 0, got -1"),
    (("seed = 3", "seed = 3\nbeta = 2"),
     "EXP: train.beta: weights the KL term of a variational autoencoder: set "
     "model.variational = true, or leave it out"),
    (('activation = "tanh"', 'activation = ["tanh", "tanh", "tanh", "tanh"]\n'
      "variational = true"),
     'EXP: model.activation: entry 2 is the variational code layer\'s, whose means and '
     'log-variances are linear: it must be "identity", got "tanh"'),
    (('activation = "tanh"', 'activation = "tanh"\nvariational = 1'),
     "EXP: model.variational: must be true or false, got integer 1"),
    (('title = "tiny"', 'title = "tiny"\n[render]\npanels = ["decoders"]'),
     'EXP: render.panels: entry 1 string "decoders" is not allowed (allowed: "code", "loss", '
     '"weights", "recon", "decoder")'),
    (("[model]", "[modle]"), "EXP: modle: unknown key (did you mean model?)"),
    (("seed = 1", "seed = 1\nfile = 'x.csv'"),
     "EXP: data.file: give either data.file or [[data.clusters]], not both"),
    (("epochs = 12", "epochs = 12\nbatch_size = 4"),
     "EXP: invalid TOML: Cannot overwrite a value (at line 25, column 15)"),
])
def test_bad_experiment_gives_exact_message(tiny_toml, edit, message):
    assert error_for(tiny_toml, edit) == message


def test_missing_layers(tiny_toml):
    assert error_for(tiny_toml, ("layers = [3, 4, 2, 4, 3]", "")) == (
        "EXP: model.layers: missing (this key is required)")


def test_missing_file(tmp_path):
    assert error_for(tmp_path / "nope.toml") == "EXP: no such experiment file"


@pytest.mark.parametrize("overrides, message", [
    (["train.learning_rate"], "expected KEY=VALUE, such as train.learning_rate=0.01"),
    (["train.learning_rate=-1"], "EXP: train.learning_rate: must be > 0, got -1"),
    ({"data.clusters[0].n": 5},
     "data.clusters[0].n: no entry [0] (entries are numbered from 1): data.clusters has 2 "
     "entries, [1] to [2]"),
    ({"data.clusters[3].n": 5},
     "data.clusters[3].n: no entry [3]: data.clusters has 2 entries, [1] to [2]"),
    ({"title.x": 1}, "title.x: title is not a table, so it has no entry 'x'"),
    ({"train..epochs": 1},
     "train..epochs: cannot read this key (write it as table.key or table.array[N].key)"),
])
def test_bad_override(tiny_toml, overrides, message):
    assert error_for(tiny_toml, overrides=overrides) == message


def test_render_options_updated_by_key():
    base = RenderOptions(fps=10, theme="dark")
    options = base.updated({"size": "643x361", "log_loss": True})
    assert options.pixels == (643, 361) and options.fps == 10 and options.log_loss
    with pytest.raises(SettingError, match=r"^render.log_loss: must be true or false") as caught:
        base.updated({"log_loss": "yes"})
    assert caught.value.key == "render.log_loss"
    with pytest.raises(SettingError, match=r'^render.epochs: first epoch 9 is after last epoch 3$'):
        base.updated({"epochs": "9:3"})
    with pytest.raises(SettingError, match=r"^render.panels: lists a panel twice: code, code$"):
        base.updated({"panels": ["code", "code"]})
    assert base.updated({"epochs": "5:"}).epoch_bounds == (5, float("inf"))


def test_errors_are_value_errors_with_the_key(tiny_toml):
    """The Python API raises what the CLI prints: one ValueError subclass, key attached."""
    with pytest.raises(ValueError) as caught:
        load_experiment(tiny_toml, {"train.epochs": 0})
    assert isinstance(caught.value, SettingError)
    assert (caught.value.source, caught.value.key) == (str(tiny_toml), "train.epochs")


# --- issue 16: the one door for experiment files, and strings every reader can read ---------

@pytest.mark.parametrize("kind, message", [
    ("fifo", "EXP: cannot read: it is a FIFO (named pipe), not a file"),
    ("zero", "EXP: cannot read: it is a device, not a file"),
    ("folder", "EXP: cannot read: it is a folder, not a file"),
    ("huge", "EXP: 1.0 MB; a TOML file may hold at most 1.0 MB"),
    ("utf16", "EXP: cannot read: saved as UTF-16 (it starts with a byte order mark); a TOML "
              "file is UTF-8: save it as UTF-8"),
    ("latin1", "EXP: cannot read: not UTF-8 text (byte 13, line 1); a TOML file is UTF-8: save "
               "it as UTF-8"),
    ("npz", "EXP: that is a trajectory; train takes an experiment .toml (to render it: aeviz "
            "render EXP)"),
])
def test_only_regular_bounded_utf8_files_are_read(tmp_path, kind, message):
    import os

    path = tmp_path / "e.toml"
    if kind == "fifo":
        os.mkfifo(path)  # reading it would block for ever
    elif kind == "zero":
        path.symlink_to("/dev/zero")  # reading it would never end
    elif kind == "folder":
        path.mkdir()
    elif kind == "huge":
        path.write_text("#" * 1_000_001)
    elif kind == "utf16":
        path.write_bytes("title = 'x'".encode("utf-16"))
    elif kind == "latin1":
        path.write_bytes('title = "caf\xe9"'.encode("latin-1"))
    else:
        path.write_bytes(b"PK\x03\x04rest")
    assert error_for(path) == message


def test_a_utf8_byte_order_mark_is_read_past(tmp_path):
    """Before: "Invalid statement" with no hint. Notepad's UTF-8 mark is harmless: dropped."""
    from tests.conftest import TINY

    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + TINY.encode())
    assert load_experiment(path).title == "tiny"


@pytest.mark.parametrize("edit, message", [
    # Valid TOML escapes that TOML cannot hold raw: train saved them, then info refused them.
    (('title = "tiny"', 'title = "tiny\\u007f"'),
     "EXP: title: holds a control character (U+007F at character 5); text must be printable "
     "Unicode"),
    (('title = "tiny"', 'title = "a\\u0000b"'),
     "EXP: title: holds a control character (U+0000 at character 2); text must be printable "
     "Unicode"),
    # Math text that matplotlib cannot lay out: before, a ValueError halfway through a render.
    (('title = "tiny"', 'title = "$\\\\alpha_$"'),
     'EXP: title: "$\\alpha_$" is math text that matplotlib cannot draw (at character 8); fix '
     "the math between the $ signs, or write \\$ for a dollar sign"),
    (('title = "tiny"', 'title = "tiny"\n[render]\nlabels = ["$x^$"]'),
     'EXP: render.labels: entry 1 "$x^$" is math text that matplotlib cannot draw (at '
     "character 3); fix the math between the $ signs, or write \\$ for a dollar sign"),
    (('title = "tiny"', 'title = "' + "t" * 5000 + '"'),
     "EXP: title: is 5,000 characters long; at most 4,096"),
    # Nested thousands deep: a RecursionError before.
    (('title = "tiny"', 'title = "tiny"\nx = ' + "[" * 5000 + "]" * 5000),
     "EXP: invalid TOML: nested too deeply; tables and arrays may nest at most 8 deep"),
    (('title = "tiny"', 'title = "tiny"\nx = ' + "[" * 20 + "]" * 20),
     "EXP: tables and arrays nest 20 deep; an experiment nests at most 8 deep"),
    (('title = "tiny"', "title = 1" + "0" * 5000),
     "EXP: invalid TOML: an integer of more than 4,300 digits; numbers in an experiment are far "
     "shorter"),
])
def test_strings_and_nesting_every_reader_can_read(tiny_toml, edit, message):
    assert error_for(tiny_toml, edit) == message


def test_math_text_that_matplotlib_can_draw_is_kept(tiny_toml):
    exp = load_experiment(tiny_toml, {"title": r"$\alpha_1$ and \$5", "render.title": "$x^2$"})
    assert exp.title == r"$\alpha_1$ and \$5" and exp.render.title == "$x^2$"


def test_what_train_saves_every_reader_reads(tiny_toml):
    """The resolved experiment's TOML (what a trajectory stores) parses back to itself."""
    exp = load_experiment(tiny_toml, {"title": "tabs\tand\nnewlines, \u00e9, \U0001f600"})
    assert tomllib.loads(exp.to_toml()) == exp.to_dict()


@pytest.mark.parametrize("overrides, message", [
    # 40,000-deep dotted keys: 6.3 GB before.
    (["a." * 40_000 + "b=1"],
     "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a\u2026: too long a key (80,001 characters); keys are "
     "table.key or table.array[N].key"),
    ({"a." * 40_000 + "b": 1},
     "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a\u2026: too long a key (80,001 characters); keys are "
     "table.key or table.array[N].key"),
    (["train.epochs=" + "[" * 5000],
     'EXP: train.epochs: must be a whole number, got string "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['
     '[[[[[[[[[[[[[[[[[[[[[[[[[[[\u2026"'),
    # The API's overrides: a list of pairs, a plain string, wrong types.
    ([("train.epochs", 5)], 'overrides: a list holds "KEY=VALUE" texts such as '
                            '"train.epochs=5", got array'),
    ("train.epochs=5", 'overrides: expected a dict such as {"train.epochs": 5} or a list such as '
                       '["train.epochs=5"], got string "train.epochs=5"'),
    (5, 'overrides: expected a dict such as {"train.epochs": 5} or a list such as '
        '["train.epochs=5"], got integer 5'),
    ({5: 1}, 'overrides: keys are dotted names such as "train.epochs", got integer 5'),
    ({"train.epochs": None}, "train.epochs: must be text, a number, a boolean, an array or a "
                             "table, got None"),
    ({"train.epochs": {1, 2}}, "train.epochs: must be text, a number, a boolean, an array or a "
                               "table, got a Python set"),
    ({"title": "x\udc80"}, "EXP: title: holds a lone surrogate (U+DC80 at character 2); text "
                           "must be printable Unicode"),
])
def test_bad_overrides_are_one_clear_line(tiny_toml, overrides, message):
    assert error_for(tiny_toml, overrides=overrides) == message


def test_a_list_holding_none_is_refused(tiny_toml):
    """Found by the fuzz harness: None was taken for "no wrong item", then .partition failed."""
    assert error_for(tiny_toml, overrides=["0=", None]) == (
        'overrides: a list holds "KEY=VALUE" texts such as "train.epochs=5", got None')


def test_numpy_values_are_plain_values(tiny_toml):
    import numpy as np

    exp = load_experiment(tiny_toml, {"train.epochs": np.int64(5),
                                      "train.learning_rate": np.float32(0.5),
                                      "data.clusters[1].mean": np.array([0.1, 0.2, 0.3])})
    assert exp.train.epochs == 5 and type(exp.train.epochs) is int
    assert exp.train.learning_rate == 0.5 and exp.data.clusters[0].mean == (0.1, 0.2, 0.3)
    assert error_for(tiny_toml, overrides={"train.epochs": np.array(["a", "b"])}) == (
        "train.epochs: must be text, a number, a boolean or an array of them, got a numpy <U1 "
        "value")


def test_a_set_string_with_a_newline_stays_one_line(run_cli, tiny_toml):
    """Found by the fuzz harness (long profile): the flag's text was echoed raw."""
    result = run_cli("validate", tiny_toml, "--set", "title\n")
    assert result.exit_code == 2
    assert result.stderr == ("Error: --set title\\u000a: expected KEY=VALUE, such as "
                             "train.learning_rate=0.01\n")


def test_a_fifo_in_a_batch_folder_does_not_hang_the_dry_run(run_cli, tmp_path):
    """Issue 16: a FIFO among the experiments hung `batch --dry-run` and `validate`. Batch
    refuses it up front, unopened (see test_batch); validate names it."""
    import os

    from tests.conftest import TINY

    folder = tmp_path / "exps"
    folder.mkdir()
    (folder / "a.toml").write_text(TINY)
    os.mkfifo(folder / "b.toml")
    result = run_cli("batch", folder, "-o", tmp_path / "out", "--dry-run")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {folder / 'b.toml'}: cannot read: it is a FIFO (named "
                             "pipe), not a file\n")
    result = run_cli("validate", folder / "b.toml")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {folder / 'b.toml'}: cannot read: it is a FIFO (named "
                             "pipe), not a file\n")


@given(text=fuzz.experiment_texts())
def test_experiment_files_validate_as_written_or_get_one_line(scratch, text, outcomes):
    path = scratch / "exp.toml"
    path.write_bytes(text.content)
    result = invoke_checked("validate", path)
    if result.exit_code == 2:
        assert text.document is None, f"a valid experiment was refused: {result.stderr}"
        return outcomes.refused()
    outcomes.accepted()
    # What validate prints is what train would store: it must read back the same.
    printed = result.stdout.split("\n# ")[0]
    path.write_text(printed, encoding="utf-8")
    again = invoke_checked("validate", path)
    assert again.exit_code == 0 and again.stdout == result.stdout
    if text.document is not None:  # and it holds every key as written
        resolved = tomllib.loads(printed)
        for table, values in text.document.items():
            if isinstance(values, dict):
                assert {key: resolved[table][key] for key in values} == values, table
            else:
                assert resolved[table] == values, table


@given(assignment=fuzz.set_strings())
def test_set_strings_apply_or_get_one_line(scratch, assignment, outcomes):
    path = scratch / "tiny.toml"
    path.write_text(TINY)
    result = invoke_checked("validate", path, "--set", assignment.text)
    if result.exit_code == 2:
        assert assignment.key is None, f"a valid --set was refused: {result.stderr}"
        return outcomes.refused()
    outcomes.accepted()
    if assignment.key is not None:  # the experiment validate prints holds the value set
        resolved = tomllib.loads(result.stdout.split("\n# ")[0])
        for step in re.findall(r"[^.\[\]]+|\[\d+\]", assignment.key):
            resolved = resolved[int(step[1:-1]) - 1] if step[0] == "[" else resolved[step]
        assert resolved == assignment.value


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


def test_a_number_of_thousands_of_digits_is_refused_on_one_short_line(run_cli, tiny_toml):
    """`--set train.epochs=<4,000 nines>` echoed every digit: a 4,053-character line."""
    result = run_cli("validate", tiny_toml, "--set", "train.epochs=" + "9" * 4000)
    assert result.exit_code == 2
    assert result.output.strip() == ("Error: --set train.epochs: must be <= 10000000, got "
                                     "integer of about 4000 digits")
