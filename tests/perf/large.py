"""The large benchmark workload: 20000 x 784 image-like data (MNIST-shaped), layers
784-256-64-2-64-256-784 tanh with a sigmoid output, Adam, batch 256, 5 epochs, every epoch
recorded. The data are generated: per class a sparse 28 x 28 template of strokes, plus a few
smooth directions of variation and pixel noise, clipped to [0, 1] like scaled MNIST."""

from __future__ import annotations

from pathlib import Path

import numpy as np

SAMPLES, SIDE, CLASSES = 20000, 28, 10
LAYERS = [784, 256, 64, 2, 64, 256, 784]


def image_like(samples: int = SAMPLES, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """[samples, 784] float32 in [0, 1], and the class of each."""
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:SIDE, 0:SIDE] / SIDE
    templates, directions = [], []
    for _ in range(CLASSES):
        image = np.zeros((SIDE, SIDE))
        for _ in range(3):  # three soft strokes per class
            (r0, c0), (r1, c1) = rng.uniform(0.2, 0.8, (2, 2))
            t = np.linspace(0, 1, 40)[:, None, None]
            distance = np.min((rows - (r0 + t * (r1 - r0))) ** 2
                              + (cols - (c0 + t * (c1 - c0))) ** 2, axis=0)
            image = np.maximum(image, np.exp(-distance / 0.002))
        templates.append(image.ravel())
        directions.append(rng.normal(0, 1, (4, SIDE * SIDE)) * image.ravel())
    labels = rng.integers(0, CLASSES, samples)
    weights = rng.normal(0, 0.25, (samples, 4))
    x = np.empty((samples, SIDE * SIDE), np.float32)
    for k in range(CLASSES):
        members = labels == k
        x[members] = templates[k] + weights[members] @ directions[k]
    x += rng.normal(0, 0.03, x.shape).astype(np.float32)
    return np.clip(x, 0, 1, out=x), labels


def write_experiment(folder: Path, samples: int = SAMPLES) -> Path:
    """The data as x.npy / y.npy and the experiment as large.toml in `folder`."""
    x, labels = image_like(samples)
    np.save(folder / "x.npy", x)
    np.save(folder / "y.npy", labels)
    path = folder / "large.toml"
    path.write_text(f"""title = "benchmark: large"
[data]
file = "x.npy"
label_file = "y.npy"
normalize = "none"
image_shape = [28, 28]
[model]
layers = {LAYERS}
activation = "tanh"
output_activation = "sigmoid"
[train]
optimizer = "adam"
learning_rate = 0.001
batch_size = 256
epochs = 5
[render]
panels = ["code", "loss", "weights", "recon"]
""")
    return path
