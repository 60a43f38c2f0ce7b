"""Geometry behind the code plane: Procrustes alignment, and PCA as the linear floor."""


import numpy as np
import pytest

from aeviz.renderer import geometry
from aeviz.renderer.geometry import affine_fit, align_sequence, pca, procrustes
from aeviz.settings import load_experiment
from aeviz.training.loop import train
from tests.helpers import SMALL_SIZE, png_size


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


@pytest.mark.parametrize("shape", [(10, 300), (7, 8), (3, 50)])
def test_wide_pca_matches_the_scatter_matrix(shape):
    x = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    rmse, projection = geometry.pca(x)
    centered = x - x.mean(axis=0, dtype=np.float64)
    eigenvalues, eigenvectors = np.linalg.eigh(centered.T @ centered)
    expected = centered @ eigenvectors[:, ::-1][:, :2]
    assert rmse == pytest.approx(np.sqrt(eigenvalues[:-2].clip(0).sum() / x.size), rel=1e-9,
                                 abs=1e-6)  # 3 samples: 0, up to rounding
    # Each axis is defined up to its sign.
    np.testing.assert_allclose(np.abs(projection), np.abs(expected), atol=1e-9)


def test_pca_budget_is_fixed_by_the_data_shape():
    assert geometry.pca_affordable((10, 12_000))
    assert geometry.pca_affordable((70_000, 784))
    assert not geometry.pca_affordable((3_000, 12_000))
    assert not geometry.pca_affordable((1_000_000, 5_000))


def test_pca_past_its_budget_is_left_out_with_a_note(run_cli, tiny_run_path, tmp_path,
                                                     monkeypatch):
    monkeypatch.setattr(geometry, "PCA_MOST_WORK", 100)
    out = tmp_path / "x.png"
    result = run_cli("render", tiny_run_path, "-o", out, "--pca-ghost", *SMALL_SIZE)
    assert result.exit_code == 0 and png_size(out) == (320, 180)
    assert result.stderr == ("note: PCA is left out: 40 samples x 3 features is past its "
                             "budget (the smaller side must be at most a few thousand); "
                             "render.pca = false says so quietly\n")
