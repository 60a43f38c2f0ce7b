"""--pull's arrows and a VAE's circles: what they point at, how long they are, and that they
turn with the codes under Procrustes alignment."""

import numpy as np

from aeviz import trajectory
from aeviz.renderer.frames import Frame
from aeviz.renderer.panels.code import CodePanel
from aeviz.renderer.panels.frame_map import linear_map
from aeviz.renderer.panels.pull import LONGEST
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions
from aeviz.training.model import Autoencoder, code_gradients
from tests.helpers import assert_blitting_exact


def test_code_gradients_match_finite_differences():
    rng = np.random.default_rng(5)
    net = Autoencoder([3, 4, 2, 5, 3], ["tanh", "identity", "sigmoid", "tanh"], rng)
    decoder = (net.weights[2:], net.biases[2:], net.activations[2:])
    codes, x = rng.normal(size=(6, 2)), rng.normal(size=(6, 3))

    def errors(c):  # each sample's reconstruction MSE
        from aeviz.training.model import forward
        return np.mean((forward(c, *decoder)[-1] - x) ** 2, axis=1)

    analytic = code_gradients(codes, x, *decoder)
    h = 1e-6
    for j in range(2):
        step = np.zeros_like(codes)
        step[:, j] = h
        numeric = (errors(codes + step) - errors(codes - step)) / (2 * h)
        np.testing.assert_allclose(analytic[:, j], numeric, rtol=1e-6, atol=1e-10)


def test_linear_map_recovers_a_rotation_scale_and_shift():
    rng = np.random.default_rng(0)
    raw = rng.normal(size=(20, 2))
    angle = 0.7
    rotation = 1.5 * np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
    matrix, shift = linear_map(raw, raw @ rotation + [2.0, -1.0])
    np.testing.assert_allclose(matrix, rotation, atol=1e-12)
    np.testing.assert_allclose(shift, [2.0, -1.0], atol=1e-12)
    same, none = linear_map(raw, raw)
    assert (same == np.eye(2)).all() and (none == 0).all()


def _arrows(run, align):
    view = RunView(run, align=align)
    options = RenderOptions(size="640x360", panels=("code", "loss"), pull=True, align=align)
    scene = Scene([view], options, (0, 12))
    last = float(len(view) - 1)
    scene.draw_full(Frame(float(view.timeline[-1]), (last,)))
    plane = next(p for p, _ in scene.panels if isinstance(p, CodePanel))
    arrows = plane.overlays[0]
    vectors = np.column_stack([arrows.quiver.U, arrows.quiver.V])
    return view, plane, vectors


def test_the_arrows_point_down_the_error_and_the_longest_is_a_fixed_share(tiny_run_path):
    run = trajectory.load(tiny_run_path)
    view, plane, vectors = _arrows(run, "none")
    lengths = np.sqrt((vectors ** 2).sum(axis=1))
    x0, x1 = plane.ax.get_xlim()
    assert lengths.max() == np.float64(LONGEST * (x1 - x0)) or np.isclose(
        lengths.max(), LONGEST * (x1 - x0))
    layer = run.code_layer
    gradient = code_gradients(run.codes[-1].astype(float), run.x.astype(float),
                              [w[-1].astype(float) for w in run.weights[layer:]],
                              [b[-1].astype(float) for b in run.biases[layer:]],
                              run.activations[layer:])
    # Same direction as -gradient, sample by sample.
    cosine = (vectors * -gradient).sum(axis=1) / (lengths * np.sqrt((gradient ** 2).sum(1)))
    np.testing.assert_allclose(cosine, 1.0, atol=1e-9)


def test_under_alignment_the_arrows_turn_with_the_codes(tiny_run_path):
    run = trajectory.load(tiny_run_path)
    _, _, plain = _arrows(run, "none")
    view, _, aligned = _arrows(run, "procrustes")
    matrix, _ = linear_map(run.codes[-1].astype(float), view.codes[-1].astype(float))
    assert not np.allclose(matrix, np.eye(2))  # the alignment did turn this run
    turned = plain @ matrix
    turned *= np.sqrt((aligned ** 2).sum(1)).max() / np.sqrt((turned ** 2).sum(1)).max()
    np.testing.assert_allclose(aligned, turned, rtol=1e-6, atol=1e-9)


def test_pull_arrows_blit_exactly(tiny_run_path):
    view = RunView(trajectory.load(tiny_run_path))
    assert_blitting_exact([view], RenderOptions(size="320x180", panels=("code", "loss"),
                                                pull=True),
                          [Frame(0.0, (0.0,)), Frame(5.5, (5.5,)), Frame(12.0, (12.0,))])


def test_a_vae_plane_shows_the_priors_circles_and_ellipses(tmp_path):
    from aeviz.settings import load_experiment
    from aeviz.training.loop import train
    from tests.conftest import tiny_text

    path = tmp_path / "vae.toml"
    path.write_text(tiny_text(model={"activation": ["tanh", "identity", "tanh", "tanh"],
                                     "variational": True}))
    run = train(load_experiment(path))
    view = RunView(run)
    options = RenderOptions(size="640x360", panels=("code", "loss"), ellipses=True)
    scene = Scene([view], options, (0, 12))
    scene.draw_full(Frame(12.0, (12.0,)))
    overlay = next(p for p, _ in scene.panels if isinstance(p, CodePanel)).overlays[0]
    rings = np.column_stack(overlay.circles.get_data())
    radii = np.sqrt((rings[~np.isnan(rings[:, 0])] ** 2).sum(axis=1))
    assert set(np.round(radii, 9)) == {1.0, 2.0}  # N(0, 1) at 1 and 2 sigma
    shapes = np.column_stack(overlay.ellipses.get_data())
    assert np.isnan(shapes[:, 0]).sum() == len(overlay.picks)  # one closed curve per pick
    # Each ellipse is centered on its sample's code (the mean).
    first = shapes[:len(shapes) // len(overlay.picks) - 1]
    np.testing.assert_allclose(first[:-1].mean(axis=0), view.codes[-1][overlay.picks[0]],
                               atol=1e-5)


def test_a_vae_whose_log_variance_overflows_draws_finite_ellipses(tmp_path):
    import dataclasses
    import warnings

    from aeviz.settings import load_experiment
    from aeviz.training.loop import train
    from tests.conftest import tiny_text

    path = tmp_path / "vae.toml"
    path.write_text(tiny_text(model={"activation": ["tanh", "identity", "tanh", "tanh"],
                                     "variational": True}))
    run = train(load_experiment(path))
    # A tampered run: finite log-variances whose exp overflows (e^(0.5 * 1e30)).
    huge = dataclasses.replace(run.logvar, biases=np.full_like(run.logvar.biases, 1e30))
    view = RunView(dataclasses.replace(run, logvar=huge))
    options = RenderOptions(size="640x360", panels=("code", "loss"), ellipses=True)
    scene = Scene([view], options, (0, 12))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning would reach the terminal
        scene.draw_full(Frame(12.0, (12.0,)))
    overlay = next(p for p, _ in scene.panels if isinstance(p, CodePanel)).overlays[0]
    shapes = np.column_stack(overlay.ellipses.get_data())
    assert np.isfinite(shapes[~np.isnan(shapes[:, 0])]).all()
