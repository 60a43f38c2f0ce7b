"""Comparisons in aeviz batch: made after their runs, cached, redone when a run changes, sharded
so that a shard needs no other shard's files, and precise about mistakes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aeviz.batch import shard_of
from aeviz.batch.workers import run_in_workers
from aeviz.cli import cli
from aeviz.settings.tomlwriter import dump_toml
from tests.conftest import FAST
from tests.helpers import decode_mp4

SGD = FAST.replace('optimizer = "adam"', 'optimizer = "sgd"').replace(
    'title = "tiny"', 'title = "Race: SGD"\nlabel = "SGD"')
ADAM = FAST.replace('title = "tiny"', 'title = "Race: Adam"\nlabel = "Adam"')
RACE = {"title": "Race", "compare": {"runs": ["sgd", "adam"], "labels": ["plain", "adaptive"]},
        "render": {"size": "320x180", "fps": 5, "duration": 1.0, "hold": 0.0,
                   "panels": ["code", "loss"]}}


def race_text(**compare) -> str:
    return dump_toml({**RACE, "compare": {**RACE["compare"], **compare}})


def batch(*args) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(cli, ["batch", *map(str, args)], catch_exceptions=False)
    return result.exit_code, result.stdout.splitlines(), result.stderr


@pytest.fixture(scope="module")
def made_once(tmp_path_factory) -> Path:
    """Two runs and their comparison, made once for the module by a whole batch."""
    root = tmp_path_factory.mktemp("race")
    (root / "exps").mkdir()
    for name, text in (("sgd", SGD), ("adam", ADAM), ("race", race_text())):
        (root / "exps" / f"{name}.toml").write_text(text)
    status, lines, _ = batch(root / "exps", "-o", root / "out", "--jobs", "2")
    assert status == 0, lines
    return root


@pytest.fixture
def made(made_once, tmp_path) -> tuple[Path, Path]:
    """A fresh copy: (the experiments' folder, the output folder)."""
    shutil.copytree(made_once, tmp_path, dirs_exist_ok=True)
    return tmp_path / "exps", tmp_path / "out"


def dry_run(folder: Path, outdir: Path, *more) -> list[str]:
    """A dry run's lines; its status 1 where one would fail, else 0."""
    status, lines, _ = batch(folder, "-o", outdir, "--dry-run", *more)
    assert status == (1 if any(": would fail: " in line for line in lines) else 0), lines
    return lines


@pytest.mark.slow
def test_the_comparison_is_made_after_its_runs_with_a_manifest(made):
    folder, outdir = made
    assert sorted(p.name for p in outdir.iterdir()) == [
        "adam.json", "adam.mp4", "adam.npz", "race.json", "race.mp4", "sgd.json", "sgd.mp4",
        "sgd.npz"]
    meta, frames = decode_mp4(outdir / "race.mp4")
    assert meta["size"] == (320, 180) and len(frames) == 5  # 1 s at 5 fps, no hold
    manifest = json.loads((outdir / "race.json").read_text())
    assert set(manifest["outputs"]) == {"race.mp4"}
    assert set(manifest["runs"]) == {"sgd", "adam"} and manifest["epochs"] == "3"
    low, high = map(float, manifest["final_rmse"].split("-"))
    runs = [json.loads((outdir / f"{n}.json").read_text())["final_rmse"] for n in ("sgd", "adam")]
    assert (low, high) == (pytest.approx(min(runs), rel=1e-3), pytest.approx(max(runs), rel=1e-3))


@pytest.mark.slow
def test_handouts_for_every_experiment_and_comparison(made, tmp_path):
    """A lecturer: the set had no comparison's handout (`aeviz figure a.npz b.npz` draws one,
    without the comparison's caption). `--format handout`: NAME.pdf for each experiment and
    comparison, as `aeviz figure` draws it, recorded in its manifest, up to date on a rerun;
    drawn with the comparison's own options (its caption, labels, panels)."""
    folder, _ = made
    outdir = tmp_path / "handouts"
    status, lines, _ = batch(folder, "-o", outdir, "--format", "handout", "--jobs", "2")
    assert status == 0, lines
    assert sorted(p.name for p in outdir.iterdir()) == [
        "adam.json", "adam.npz", "adam.pdf", "race.json", "race.pdf", "sgd.json", "sgd.npz",
        "sgd.pdf"]
    for name in ("adam", "sgd", "race"):
        assert (outdir / f"{name}.pdf").read_bytes().startswith(b"%PDF")
        assert set(json.loads((outdir / f"{name}.json").read_text())["outputs"]) == {
            f"{name}.pdf", *([f"{name}.npz"] if name != "race" else [])}
    assert sorted(dry_run(folder, outdir, "--format", "handout")) == [
        "adam: up to date", "race: up to date", "sgd: up to date"]


def test_a_handout_is_drawn_by_the_figure_with_the_options_given(monkeypatch, tmp_path,
                                                                tiny_run_path):
    """What batch draws: a .pdf handout through `aeviz figure`'s drawing, with the job's
    options (a comparison's caption and labels), a clip through render."""
    from aeviz import trajectory
    from aeviz.batch.jobs import draw
    from aeviz.renderer import figure, rendering

    drawn = []
    monkeypatch.setattr(figure, "draw_figure", lambda runs, path, options: drawn.append(
        ("handout", path.name, options.caption, options.title)))
    monkeypatch.setattr(rendering, "render", lambda runs, path, options: drawn.append(
        ("render", path.name, options.caption, options.title)))
    run = trajectory.load(tiny_run_path)
    options = run.experiment.render.__class__(caption="The race's lesson.")
    draw([run, run], tmp_path / "race.pdf", options)
    draw([run], tmp_path / "race.mp4", options)
    # A run's handout stands alone: titled by its experiment, as its clip is (it had none).
    draw([run], tmp_path / "tiny.pdf", options)
    assert run.experiment.title
    assert drawn == [("handout", "race.pdf", "The race's lesson.", None),
                     ("render", "race.mp4", "The race's lesson.", None),
                     ("handout", "tiny.pdf", "The race's lesson.", run.experiment.title)]


@pytest.mark.slow
def test_a_rerun_redoes_nothing_and_a_changed_run_redoes_the_comparison(made):
    folder, outdir = made
    before = {p.name: p.stat().st_mtime_ns for p in outdir.iterdir()}
    status, lines, _ = batch(folder, "-o", outdir)
    assert status == 0 and lines[:3] == ["adam: up to date", "sgd: up to date",
                                         "race: up to date"]
    name, epochs, rmse, stopped = lines[-1].split()[:4]  # the table's last row
    assert (name, epochs, stopped) == ("race", "3", "epochs")
    assert lines[-1].endswith(f"up to date: {outdir / 'race.mp4'}")
    assert re.fullmatch(r"0\.\d+-0\.\d+", rmse)
    assert {p.name: p.stat().st_mtime_ns for p in outdir.iterdir()} == before
    sgd = folder / "sgd.toml"
    sgd.write_text(sgd.read_text().replace("learning_rate = 0.01", "learning_rate = 0.02"))
    assert dry_run(folder, outdir) == [
        "adam: up to date",
        "sgd: would train and render: changed (experiment, data, render options or aeviz "
        "version)",
        "race: would render comparison: run sgd changed"]
    status, lines, _ = batch(folder, "-o", outdir, "--jobs", "2")
    assert status == 0 and sorted(lines[:3]) == ["adam: up to date", "race: done", "sgd: done"]
    assert lines[2] == "race: done"  # after the run it waited for
    after = {p.name: p.stat().st_mtime_ns for p in outdir.iterdir()}
    assert sorted(name for name in before if after[name] != before[name]) == [
        "race.json", "race.mp4", "sgd.json", "sgd.mp4", "sgd.npz"]


@pytest.mark.parametrize("change, reason", [
    (lambda folder, out: (folder / "race.toml").write_text(race_text(labels=["a", "b"])),
     "changed (comparison file, render options, format or aeviz version)"),
    (lambda folder, out: (out / "race.mp4").write_bytes(b"x"),
     "output damaged: race.mp4 differs from the manifest"),
    (lambda folder, out: (out / "race.json").unlink(),
     "unfinished last time (outputs without a manifest)"),
])
def test_dry_run_says_why_a_comparison_would_be_rendered(made, change, reason):
    folder, outdir = made
    assert dry_run(folder, outdir)[-1] == "race: up to date"
    change(folder, outdir)
    assert dry_run(folder, outdir)[-1] == f"race: would render comparison: {reason}"
    assert dry_run(folder, outdir, "--force")[-1] == (
        "race: would render comparison: forced")


@pytest.mark.slow
def test_each_shard_makes_its_comparison_without_the_other_shards_files(made, tmp_path):
    folder, whole = made
    assert (shard_of("race", 2), shard_of("sgd", 2), shard_of("adam", 2)) == (1, 1, 2)
    first, second = tmp_path / "shard1", tmp_path / "shard2"  # separate machines in CI
    assert dry_run(folder, first, "--shard", "1/2") == [
        "sgd: would train and render: new (no manifest)",
        "race: would render comparison: new (no manifest); trains adam for it (not made in "
        "this shard)"]
    assert batch(folder, "-o", first, "--shard", "1/2")[0] == 0
    assert batch(folder, "-o", second, "--shard", "2/2")[0] == 0
    assert sorted(p.name for p in first.iterdir()) == [
        "race.json", "race.mp4", "sgd.json", "sgd.mp4", "sgd.npz"]
    assert sorted(p.name for p in second.iterdir()) == ["adam.json", "adam.mp4", "adam.npz"]
    # Trained inside the comparison's job or read from the batch's outputs: the same clip.
    assert (first / "race.mp4").read_bytes() == (whole / "race.mp4").read_bytes()
    assert dry_run(folder, first, "--shard", "1/2") == ["sgd: up to date", "race: up to date"]


def test_a_comparison_alone_finds_its_runs_beside_it(made, tmp_path):
    folder, whole = made
    status, lines, _ = batch(folder / "race.toml", "-o", tmp_path / "alone")
    assert status == 0 and lines[0] == "race: done"
    assert sorted(p.name for p in (tmp_path / "alone").iterdir()) == ["race.json", "race.mp4"]
    assert (tmp_path / "alone" / "race.mp4").read_bytes() == (whole / "race.mp4").read_bytes()


@pytest.mark.slow
def test_a_comparison_whose_run_fails_fails_naming_it(made, tmp_path):
    folder, _ = made
    (folder / "adam.toml").write_text(FAST.replace("batch_size = 8", "batch_size = 0"))
    bad = f"{folder / 'adam.toml'}: train.batch_size: must be >= 1, got 0"
    assert dry_run(folder, tmp_path / "a")[-1] == f"race: would fail: run adam: {bad}"
    status, lines, stderr = batch(folder, "-o", tmp_path / "a")
    assert status == 1 and f"race: failed: run adam: {bad}\n" in stderr
    # A run that fails while it is made (its data file is missing): the comparison says so.
    (folder / "adam.toml").write_text(
        dump_toml({"data": {"file": "gone.npy"}, "model": {"layers": [3, 2, 3]}}))
    status, lines, stderr = batch(folder, "-o", tmp_path / "b")
    assert status == 1 and "race: failed: run adam failed, so the comparison cannot be made\n" in (
        stderr)
    assert (tmp_path / "b" / "sgd.mp4").is_file() and not (tmp_path / "b" / "race.json").exists()


@pytest.mark.parametrize("compare, problem", [
    ({"runs": ["sgd", "adamm"]},
     'compare.runs: no experiment named "adamm" in this batch or beside it (did you mean '
     'adam?)'),
    ({"runs": ["sgd", "race"]}, 'compare.runs: "race" is a comparison itself; a comparison '
     "compares experiments"),
    ({"runs": ["sgd", "sgd"]}, 'compare.runs: names "sgd" twice; each run once'),
    ({"runs": ["sgd"]}, "compare.runs: must have at least 2 entries, got 1"),
    ({"runs": ["sgd", "adam.toml"]}, "compare.runs: entry 2 must name an experiment by its "
     'file name without folder or .toml, such as "adam"; got "adam.toml"'),
    ({"labels": ["one"]}, "compare.labels: has 1 labels for 2 runs; give one per run, in the "
     "same order"),
    ({"run": ["sgd"]}, "compare.run: unknown key (did you mean runs?)"),
    ({"labels": ["fast", "fast"]}, 'compare.labels: names "fast" twice (entries 1 and 2); '
     "give each run its own label"),
])
def test_comparison_mistakes_are_one_precise_line(made, tmp_path, compare, problem):
    folder, _ = made
    table = {**RACE["compare"], **compare}
    if "run" in compare:
        del table["runs"]
    (folder / "race.toml").write_text(dump_toml({**RACE, "compare": table}))
    assert dry_run(folder, tmp_path / "never")[-1] == (
        f"race: would fail: {folder / 'race.toml'}: {problem}")
    assert not (tmp_path / "never").exists()


def test_render_labels_and_other_tables_are_refused(run_cli, made):
    folder, _ = made
    path = folder / "race.toml"
    cases = [({**RACE, "render": {"labels": ["a", "b"]}},
              "render.labels: a comparison names its runs with compare.labels"),
             ({**RACE, "train": {"epochs": 3}},
              "train: unknown key (allowed: title, compare, render)")]
    for document, problem in cases:
        path.write_text(dump_toml(document))
        result = run_cli("validate", path)
        assert result.exit_code == 2 and result.stderr == f"Error: {path}: {problem}\n"


def test_validate_prints_a_comparison_resolved_and_train_says_what_it_is(run_cli, made):
    folder, _ = made
    result = run_cli("validate", folder / "race.toml")
    assert result.exit_code == 0
    assert result.stdout.startswith('title = "Race"\n\n[compare]\nruns = ["sgd", "adam"]\n'
                                    'labels = ["plain", "adaptive"]\n\n[render]\nfps = 5\n')
    assert result.stdout.endswith(f"# runs: {folder / 'sgd.toml'}\n#       "
                                  f"{folder / 'adam.toml'}\n# not set: render.epochs (all)\n")
    trained = run_cli("train", folder / "race.toml")
    assert trained.exit_code == 2 and trained.stderr == (
        f"Error: {folder / 'race.toml'}: a comparison (it has a [compare] table), not an "
        "experiment: aeviz batch renders it from the runs it names\n")


def _after_its_inputs(item: tuple[Path, list[Path]]) -> bool:
    """A worker's task: were its inputs' marker files there when it started? Then mark."""
    marker, inputs = item
    ready = all(path.exists() for path in inputs)
    marker.write_text("done")
    return ready


def test_workers_start_an_item_only_after_the_items_it_waits_for(tmp_path):
    markers = [tmp_path / f"{i}" for i in range(5)]
    items = [(markers[i], []) for i in range(4)] + [(markers[4], markers[:4])]
    results, interrupted = run_in_workers(_after_its_inputs, items, 3, lambda r: None,
                                          lambda *a: False, after=[(), (), (), (), range(4)])
    assert results == [True] * 5 and not interrupted
    with pytest.raises(ValueError, match="wait for each other"):
        run_in_workers(_after_its_inputs, items[:2], 2, lambda r: None, lambda *a: False,
                       after=[[1], [0]])


def test_validate_checks_the_runs_a_comparison_names(run_cli, made):
    folder, _ = made
    (folder / "adam.toml").write_text(FAST.replace("batch_size = 8", "batch_size = 0"))
    result = run_cli("validate", folder / "race.toml")
    assert result.exit_code == 2 and result.stderr == (
        f"Error: {folder / 'race.toml'}: run adam: {folder / 'adam.toml'}: train.batch_size: "
        "must be >= 1, got 0\n")
    result = run_cli("validate", folder / "race.toml", "--set", "train.epochs=3")
    assert result.exit_code == 2 and result.stderr == (
        f"Error: {folder / 'race.toml'}: --set changes experiments; this is a comparison\n")


def test_validate_checks_a_comparisons_runs_by_their_data(run_cli, made):
    """validate passed a comparison whose runs' data name their classes differently; batch
    then trained both and failed at the comparison. validate reads the data and says so."""
    folder, _ = made
    (folder / "p.csv").write_text("a,b,part\n1,2,left\n3,4,right\n5,6,left\n")
    (folder / "f.csv").write_text("a,b,kind\n1,2,setosa\n3,4,virginica\n5,6,setosa\n")
    for name, text, data in (("sgd", SGD, 'file = "p.csv"\nlabel_column = "part"'),
                             ("adam", ADAM, 'file = "f.csv"\nlabel_column = "kind"')):
        on_csv = text[:text.index("[data]")] + f"[data]\n{data}\n\n" + text[text.index("[model]"):]
        (folder / f"{name}.toml").write_text(on_csv.replace("[3, 4, 2, 4, 3]", "[2, 4, 2, 4, 2]"))
    result = run_cli("validate", folder / "race.toml")
    assert result.exit_code == 2 and result.stderr == (
        f"Error: {folder / 'race.toml'}: sgd.toml (left, right) and adam.toml (setosa, "
        "virginica) name their classes differently (class 1 is 'left' in one, 'setosa' in the "
        "other), and a comparison keys the classes once for all its runs; compare runs of the "
        "same data, or render each run alone\n")
