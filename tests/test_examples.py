"""Every shipped example validates, and the seed default is the embedded default; the
comparisons name experiments of the folder."""

import dataclasses
from pathlib import Path

import pytest

from aeviz.batch import split_comparisons
from aeviz.settings import ACTIVATION_NAMES, load_default, load_experiment
from aeviz.settings.comparison import find_runs, load_comparison
from aeviz.training.data import load_data

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FILES, COMPARISONS = split_comparisons(sorted(EXAMPLES.glob("*.toml")))


def test_the_examples_are_all_there():
    assert len(FILES) >= 11  # else the tests below, one per file, would pass on none
    names = {p.stem for p in FILES}
    assert {"seed-default", "linear-vs-pca", "too-high-learning-rate", "iris"} <= names
    assert {f"optimizers-{o}" for o in ("sgd", "momentum", "rmsprop", "adam")} <= names
    assert {f"activations-{a}" for a in ("identity", "sigmoid", "tanh")} <= names


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_example_validates_and_its_data_loads(path):
    exp = load_experiment(path)
    data = load_data(exp)
    assert data.x.shape[1] == exp.model.layers[0]


def test_the_optimizer_lecture_is_a_comparison_of_the_four_optimizers():
    assert [path.stem for path in COMPARISONS] == ["activations", "denoising-vs-plain",
                                                   "optimizers", "vae-vs-ae"]
    comparison = load_comparison(EXAMPLES / "optimizers.toml")
    runs = find_runs(comparison, {path.stem: path for path in FILES})
    assert [path.stem for path in runs] == [f"optimizers-{name}" for name in (
        "sgd", "momentum", "rmsprop", "adam")]
    # Its labels are the runs' own label keys, so `aeviz render` by hand names them alike.
    assert list(comparison.compare.labels) == [load_experiment(path).label for path in runs]


def test_the_comparisons_once_rendered_by_hand_are_made_by_batch_alike():
    """The activations and the denoising-vs-plain comparisons lived only in commands in the
    examples' comments, so `aeviz batch examples/` made neither: now comparison files, with
    the commands' runs and captions (kept in step here)."""
    from tests.helpers import commented_captions

    batch = {path.stem: path for path in FILES}
    for name, commented_in, runs in [
            ("activations", "activations-tanh",
             ["activations-identity", "activations-sigmoid", "activations-tanh"]),
            ("denoising-vs-plain", "denoising", ["denoising-plain", "denoising"])]:
        comparison = load_comparison(EXAMPLES / f"{name}.toml")
        assert [path.stem for path in find_runs(comparison, batch)] == runs
        (by_hand,) = commented_captions(EXAMPLES / f"{commented_in}.toml")
        assert comparison.render.caption == by_hand
    # The plain run is denoising.toml with the noise off (`--set train.noise=0`), named.
    plain = load_experiment(EXAMPLES / "denoising-plain.toml").to_dict()
    noisy = load_experiment(EXAMPLES / "denoising.toml", {"train.noise": 0.0}).to_dict()
    for raw in (plain, noisy):
        raw.pop("title", None)
        raw.pop("label", None)
        raw["render"].pop("caption", None)  # the override drops the title and caption
    assert plain == noisy


def test_seed_default_is_the_embedded_default():
    assert load_experiment(EXAMPLES / "seed-default.toml") == load_default()
    text = (EXAMPLES / "seed-default.toml").read_text()
    allowed = text[text.index("activation = "):text.index("# output_activation")]
    assert all(f'"{name}"' in allowed for name in ACTIVATION_NAMES)  # every one it may use


def test_iris_is_real_data_colored_by_species():
    data = load_data(load_experiment(EXAMPLES / "iris.toml"))
    assert data.x.shape == (150, 4)
    assert data.label_names == ("setosa", "versicolor", "virginica")


def test_comparison_sets_differ_only_where_they_should():
    def without(path, section):
        raw = load_experiment(path).to_dict()
        raw.pop("title")
        raw.pop("label", None)
        raw["render"].pop("caption", None)  # each tells its own lesson
        raw.pop(section)
        return raw

    optimizers = [without(p, "train") for p in EXAMPLES.glob("optimizers-*.toml")]
    assert len(optimizers) == 4 and all(o == optimizers[0] for o in optimizers)
    activations = [without(p, "model") for p in EXAMPLES.glob("activations-*.toml")]
    assert len(activations) == 3 and all(a == activations[0] for a in activations)


def test_the_readme_experiment_block_is_what_validate_prints(run_cli):
    """README's block, its comments taken out, is `aeviz validate` of the demo's experiment."""
    readme = (EXAMPLES.parent / "README.md").read_text()
    start = readme.index("## The experiment file")
    block = readme[readme.index("```toml\n", start) + 8:readme.index("```\n", start + 40)]
    lines = []
    for line in block.splitlines():
        if line.startswith("# not set:"):  # validate's own comment line
            lines.append(line)
            continue
        code = line.split("  #")[0].split(" #")[0] if "#" in line else line
        if line.lstrip().startswith("#"):
            code = ""
        if code.strip() or not line.strip():
            lines.append(code.rstrip())
    default = Path(__file__).resolve().parent.parent / "aeviz" / "settings" / "default.toml"
    printed = run_cli("validate", default).stdout
    assert "\n".join(lines).strip() == printed.strip()


def test_the_vae_lesson_compares_a_plain_and_a_variational_run_of_the_digits():
    comparison = load_comparison(EXAMPLES / "vae-vs-ae.toml")
    runs = find_runs(comparison, {path.stem: path for path in FILES})
    plain, vae = (load_experiment(path) for path in runs)
    assert not plain.model.variational and vae.model.variational
    assert "decoder" in comparison.render.panels and vae.data.image_shape == (8, 8)
    differ = {key for key in ("data", "model", "train", "record")
              if getattr(plain, key) != getattr(vae, key)}
    assert differ == {"model", "train"}  # variational and beta only
    assert plain.train == dataclasses.replace(vae.train, beta=None)


def test_the_new_lessons_turn_their_keys_on():
    assert load_experiment(EXAMPLES / "denoising.toml").train.noise > 0
    sparse = load_experiment(EXAMPLES / "sparse-codes.toml").train
    assert sparse.code_l1 > 0 and sparse.weight_decay > 0
    manifold = load_experiment(EXAMPLES / "decoder-manifold.toml")
    assert manifold.model.layers[0] == 3 and "decoder" in manifold.render.panels
