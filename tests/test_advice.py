"""The range warning: an output activation that cannot reach the data is named, with the fix."""

from tests.conftest import tiny_text

SIGMOID = tiny_text(model={"activation": "sigmoid"})
WARNING = ('warning: exp.toml: the output activation sigmoid only reaches (0, 1), but the data '
           '(after normalize = "global") spans [-0.922, 1]; set model.output_activation = '
           '"tanh" or "identity"')


def test_validate_warns_and_succeeds(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exp.toml").write_text(SIGMOID)
    result = run_cli("validate", "exp.toml")
    assert result.exit_code == 0
    assert result.stderr.strip() == WARNING


def test_train_warns_once_and_still_trains(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exp.toml").write_text(SIGMOID)
    result = run_cli("train", "exp.toml", "--set", "train.epochs=1")
    assert result.exit_code == 0 and (tmp_path / "exp.npz").is_file()
    assert result.stderr.splitlines() == [WARNING]


def test_tanh_beyond_one_suggests_identity(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exp.toml").write_text(tiny_text(data={"normalize": "none", "clusters": [
        {"n": 10, "mean": [3.0, 0.0, 0.0], "std": 0.1}]}))
    result = run_cli("validate", "exp.toml")
    assert "the output activation tanh only reaches (-1, 1)" in result.stderr
    assert result.stderr.strip().endswith('set model.output_activation = "identity"')


def test_no_warning_when_the_output_reaches_the_data(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exp.toml").write_text(tiny_text(model={"activation": "sigmoid",
                                                        "output_activation": "identity"}))
    assert run_cli("validate", "exp.toml").stderr == ""
    (tmp_path / "exp.toml").write_text(tiny_text())  # tanh, data in [-1, 1]: fine
    assert run_cli("validate", "exp.toml").stderr == ""
