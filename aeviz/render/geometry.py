"""Reference geometry for the code plane: PCA, and Procrustes alignment."""

from __future__ import annotations

import numpy as np


def pca(x: np.ndarray) -> tuple[float, np.ndarray]:
    """The best rank-2 affine reconstruction of x: its RMSE, and the 2-D projection [N, 2].

    The autoencoder's layers have biases, so the linear baseline it can match is centered PCA.
    """
    centered = x - x.mean(axis=0)
    _, singular, vt = np.linalg.svd(centered, full_matrices=False)
    residual = float(np.sum(singular[2:] ** 2))  # the variance the first two axes leave out
    return float(np.sqrt(residual / x.size)), centered @ vt[:2].T


def affine_fit(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """`source` [N, 2] mapped onto `target` by the least-squares affine map.

    A linear autoencoder's codes are PCA's projection under some invertible linear map plus a
    shift, so this is the fit that shows whether the codes are (still) PCA in disguise.
    """
    design = np.column_stack([source, np.ones(len(source))])
    coefficients, *_ = np.linalg.lstsq(design, target, rcond=None)
    return design @ coefficients


def procrustes(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """`source` [N, 2] moved onto `target` by the best rotation, reflection, scale and shift."""
    source_mean, target_mean = source.mean(axis=0), target.mean(axis=0)
    a, b = source - source_mean, target - target_mean
    norm = float(np.sum(a * a))
    if norm == 0:
        return np.broadcast_to(target_mean, source.shape).copy()
    u, singular, vt = np.linalg.svd(a.T @ b)
    rotation = u @ vt
    scale = singular.sum() / norm
    return scale * a @ rotation + target_mean


def align_sequence(codes: np.ndarray) -> np.ndarray:
    """Each snapshot's codes aligned to the previous aligned snapshot (the first stays put).

    The code plane of an autoencoder is only defined up to rotation, reflection and scale;
    aligning removes that motion between frames and leaves the learning.
    """
    aligned = np.empty_like(codes)
    aligned[0] = codes[0]
    for i in range(1, len(codes)):
        aligned[i] = procrustes(codes[i], aligned[i - 1])
    return aligned
