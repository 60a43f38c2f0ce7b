"""Issue-5 features: comparisons, PCA reference, alignment, trails, smoothing, batches."""

import numpy as np
import pytest

from aeviz import trajectory
from aeviz.renderer import geometry, render
from aeviz.renderer.frames import plan_frames
from aeviz.renderer.geometry import affine_fit, align_sequence, pca, procrustes
from aeviz.renderer.panels import InputSpacePanel, ParallelCoordinatesPanel
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from aeviz.training.loop import train
from tests.conftest import tiny_text
from tests.helpers import assert_blitting_exact, decode_mp4


def rotation(angle):
    return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


def test_procrustes_undoes_rotation_reflection_scale_and_shift():
    rng = np.random.default_rng(0)
    target = rng.normal(size=(50, 2))
    moved = 3.0 * (target @ rotation(1.1)) * np.array([1, -1]) + [5, -2]
    np.testing.assert_allclose(procrustes(moved, target), target, atol=1e-12)


def test_aligned_sequence_keeps_only_real_motion():
    rng = np.random.default_rng(1)
    base = rng.normal(size=(30, 2))
    spinning = np.stack([base @ rotation(0.3 * t) for t in range(6)])
    aligned = align_sequence(spinning)
    for frame in aligned:
        np.testing.assert_allclose(frame, base, atol=1e-12)


def test_pca_error_matches_the_discarded_variance():
    rng = np.random.default_rng(2)
    # Variance 4 and 1 along two axes, 0.25 along the third: rank 2 leaves the third.
    x = rng.normal(size=(20000, 3)) * [2.0, 1.0, 0.5] @ np.linalg.qr(rng.normal(size=(3, 3)))[0]
    rmse, projection = pca(x)
    assert rmse == pytest.approx(np.sqrt(0.25 / 3), rel=0.02)
    assert projection.shape == (20000, 2)


def test_pca_from_the_scatter_matrix_matches_an_svd(monkeypatch):
    monkeypatch.setattr(geometry, "CHUNK_ROWS", 7)  # several chunks, the last one short
    rng = np.random.default_rng(5)
    x = (rng.normal(size=(60, 5)) * [3, 2, 1, 0.1, 0.01] + 4).astype(np.float32)
    rmse, projection = pca(x)
    centered = x.astype(float) - x.astype(float).mean(axis=0)
    _, singular, vt = np.linalg.svd(centered, full_matrices=False)
    assert rmse == pytest.approx(np.sqrt(np.sum(singular[2:] ** 2) / x.size), rel=1e-9)
    expected = centered @ vt[:2].T
    signs = np.sign(np.sum(projection * expected, axis=0))  # each axis up to its sign
    np.testing.assert_allclose(projection * signs, expected, atol=1e-9)


def test_a_linear_autoencoder_does_not_beat_pca(tiny_toml):
    run = train(load_experiment(tiny_toml, ['model.activation="identity"', "train.epochs=1000",
                                            "record.every=100"]))
    floor, projection = pca(run.x)
    assert run.loss[-1] >= floor - 1e-9
    assert run.loss[-1] < 1.01 * floor  # and it gets close
    # ... because its codes become PCA's projection under an affine map: the ghost fits them.
    codes = run.codes[-1].astype(float)
    residual = codes - affine_fit(projection, codes)
    assert np.abs(residual).max() < 0.02 * np.ptp(codes)
    early = run.codes[1].astype(float)
    assert np.abs(early - affine_fit(projection, early)).max() > np.abs(residual).max()


@pytest.fixture(scope="module")
def two_runs(tiny_run_path, tmp_path_factory):
    long = trajectory.load(tiny_run_path)
    exp_path = tmp_path_factory.mktemp("short") / "short.toml"
    exp_path.write_text(tiny_text(train={"epochs": 5, "optimizer": "sgd"}))
    return long, train(load_experiment(exp_path))


def test_comparison_is_synchronized_and_finished_runs_hold(two_runs, tmp_path):
    long, short = two_runs
    out = tmp_path / "cmp.mp4"
    frames = render([long, short], out, RenderOptions(size="320x180", labels=("adam", "sgd"),
                                                          duration=0, hold=0))
    assert len(frames) == 13
    assert [f.indexes for f in frames][-2:] == [(11, 5), (12, 5)]
    meta, decoded = decode_mp4(out)
    assert meta["size"] == (320, 180) and len(decoded) == 13
    scene = Scene([RunView(long, "adam"), RunView(short, "sgd")], RenderOptions(), (0, 12))
    scene.draw(frames[-1])
    loss_panel = next(p for p, run in scene.panels if run is None)
    assert [t.get_text() for t in loss_panel.values][1].endswith("(finished)")
    assert scene.figure.texts[0].get_text() == "tiny"  # the title both runs share


@pytest.mark.parametrize("options", [
    RenderOptions(size="480x270", trails=4, pca_ghost=True, align="procrustes"),
    RenderOptions(size="480x270", smooth=3, trails=2),
])
def test_features_keep_blitting_exact(tiny_run_path, options):
    view = RunView(trajectory.load(tiny_run_path), align=options.align)
    frames = plan_frames([view.timeline], options)
    assert_blitting_exact([view], options, [frames[1], frames[len(frames) // 2]])


def test_comparison_blitting_is_exact(two_runs):
    views = [RunView(run) for run in two_runs]
    options = RenderOptions(size="480x270")
    frames = plan_frames([v.timeline for v in views], options)
    assert_blitting_exact(views, options, [frames[8]])


def test_smooth_interpolates_between_snapshots(tiny_run_path):
    view = RunView(trajectory.load(tiny_run_path))
    half = view.state(2.5)
    np.testing.assert_allclose(half.codes, (view.codes[2] + view.codes[3]) / 2, rtol=1e-6)
    assert half.loss == pytest.approx((view.run.loss[2] + view.run.loss[3]) / 2)
    assert half.snapshot == 2 and half.position == 2.5


def test_within_epoch_snapshots_are_rendered_as_frames(tiny_toml, tmp_path):
    run = train(load_experiment(tiny_toml, ["record.batches=1", "train.epochs=2"]))
    view = RunView(run)
    np.testing.assert_allclose(view.timeline, [0, 0.2, 0.4, 0.6, 0.8, 1, 2])
    assert view.step_label(2) == "epoch 1, batch 2/5" and view.step_label(5) == "epoch 1"
    frames = render([run], tmp_path / "b.gif", RenderOptions(size="160x90", duration=0, hold=0))
    assert len(frames) == 7


def test_bad_combinations(run_cli, tiny_run_path, tmp_path):
    smooth_png = run_cli("render", tiny_run_path, "-o", tmp_path / "a.png", "--smooth", "2")
    assert smooth_png.exit_code == 2
    assert smooth_png.stderr == ("Error: --smooth: makes frames between snapshots, which a "
                                 "single .png frame cannot show; use a clip (.mp4, .webm, .gif, "
                                 ".webp)\n")
    labels = run_cli("render", tiny_run_path, tiny_run_path, "-o", tmp_path / "a.mp4",
                     "--labels", "one")
    assert labels.exit_code == 2
    assert labels.stderr == ("Error: --labels: got 1 names for 2 runs; give one per run, "
                             "comma-separated\n")
    trails = run_cli("render", tiny_run_path, "-o", tmp_path / "a.mp4", "--trails", "-1")
    assert trails.exit_code == 2 and trails.stderr == "Error: --trails: must be >= 0, got -1\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("dims", [2, 3, 4])
def test_reconstruction_panel_blits_exactly(tmp_path, dims):
    clusters = [{"n": 20, "mean": [0.5] + [0.1] * (dims - 1), "std": 0.1},
                {"n": 20, "mean": [-0.5] + [0.2] * (dims - 1), "std": 0.1}]
    (tmp_path / "e.toml").write_text(tiny_text(data={"clusters": clusters},
                                               model={"layers": [dims, 4, 2, 4, dims]}))
    view = RunView(train(load_experiment(tmp_path / "e.toml")))
    options = RenderOptions(size="960x540", panels=("recon", "code"), duration=0)
    frame = plan_frames([view.timeline], options)[6]
    scene = assert_blitting_exact([view], options, [frame])
    panel = scene.panels[0][0]
    if dims <= 3:
        assert isinstance(panel, InputSpacePanel) and len(panel.axes) == (3 if dims == 3 else 1)
    else:
        assert isinstance(panel, ParallelCoordinatesPanel)
    if dims == 4:  # the dashed lines are the network's output for the picked samples
        state = view.state(6)
        expected = view.run.x[panel.picks[0]]
        for w, b in zip(state.weights, state.biases):  # all tanh here
            expected = np.tanh(expected @ w.T.astype(float) + b)
        np.testing.assert_allclose(panel.lines[0].get_ydata(), expected, rtol=1e-6)
