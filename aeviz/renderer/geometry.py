"""Reference geometry for the code plane: PCA, and Procrustes alignment."""

from __future__ import annotations

import numpy as np

from aeviz.signals import checkpoint

CHUNK_ROWS = 8192  # rows converted to float64 at a time: memory stays bounded for any N
CHUNK_COLUMNS = 8192  # the same for columns, for wide data
# PCA is left out past this many multiply-adds (a matrix product and an eigendecomposition
# on the data's smaller side): about ten seconds here; MNIST's 70,000 x 784 takes a twentieth.
PCA_MOST_WORK = 1e11


def pca_work(shape: tuple[int, int]) -> float:
    """Multiply-adds PCA of data of `shape` (samples, features) takes, roughly."""
    samples, features = shape
    side = min(samples, features)
    return float(side) * side * max(samples, features) + 10.0 * side ** 3


def pca_affordable(shape: tuple[int, int]) -> bool:
    """Whether PCA of data of `shape` fits the budget (the same answer on every machine)."""
    return pca_work(shape) <= PCA_MOST_WORK


def pca(x: np.ndarray) -> tuple[float, np.ndarray]:
    """The best rank-2 affine reconstruction of x: its RMSE, and the 2-D projection [N, 2].

    The autoencoder's layers have biases, so the linear baseline it can match is centered PCA.
    Computed from the D x D scatter matrix, accumulated in float64 chunk by chunk: for N >> D
    that is far faster than an SVD of the N x D data and as exact (the discarded variance is
    summed from the small eigenvalues, not subtracted from the total). For wide data (D > N)
    from the N x N Gram matrix instead, which has the same eigenvalues.
    """
    if x.shape[1] > len(x):
        return _pca_wide(x)
    mean = x.mean(axis=0, dtype=np.float64)
    scatter = np.zeros((x.shape[1], x.shape[1]))
    for start in range(0, len(x), CHUNK_ROWS):
        centered = x[start:start + CHUNK_ROWS] - mean
        scatter += centered.T @ centered
        checkpoint()  # scene building defers stop signals; each chunk is a safe place
    eigenvalues, eigenvectors = np.linalg.eigh(scatter)  # ascending
    residual = float(np.clip(eigenvalues[:-2], 0, None).sum())  # what two axes leave out
    axes = eigenvectors[:, ::-1][:, :2]
    projection = np.concatenate([(x[start:start + CHUNK_ROWS] - mean) @ axes
                                 for start in range(0, len(x), CHUNK_ROWS)])
    return float(np.sqrt(residual / x.size)), projection


def _pca_wide(x: np.ndarray) -> tuple[float, np.ndarray]:
    """PCA from the N x N Gram matrix of the centered data (N samples < D features): its
    eigenvectors, scaled by the roots of their eigenvalues, are the projection itself."""
    mean = x.mean(axis=0, dtype=np.float64)
    gram = np.zeros((len(x), len(x)))
    for start in range(0, x.shape[1], CHUNK_COLUMNS):
        centered = x[:, start:start + CHUNK_COLUMNS] - mean[start:start + CHUNK_COLUMNS]
        gram += centered @ centered.T
        checkpoint()
    eigenvalues, eigenvectors = np.linalg.eigh(gram)  # ascending
    residual = float(np.clip(eigenvalues[:-2], 0, None).sum())
    top = np.clip(eigenvalues[::-1][:2], 0, None)
    projection = eigenvectors[:, ::-1][:, :2] * np.sqrt(top)
    return float(np.sqrt(residual / x.size)), projection


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
