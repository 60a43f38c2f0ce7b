"""What the decoder makes of the code plane: a grid of codes through the decoder, with a
frame's weights, as numbers (no drawing): the images of a mosaic, the sheet of a mesh, the
plane the data is seen in. The decoder panel, the handout and the description use these."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from aeviz.renderer.scales import padded
from aeviz.renderer.views import RunView, State
from aeviz.training.model import forward

CAMERA = (20.0, -70.0)  # elevation and azimuth (degrees) of the fixed 3-D view


def padded_limits(values: np.ndarray) -> tuple[float, float]:
    """Limits holding every value, with a margin (scales.padded)."""
    return padded((float(np.min(values)), float(np.max(values))))


def decoder_grid(codes: np.ndarray, side: int, steps: int = 1) -> tuple[np.ndarray, tuple]:
    """Points [side * steps ... , 2] spanning the code plane's extent over the clip (the
    limits the code panel starts from), row by row from the top; and that extent."""
    x0, x1 = padded_limits(codes[..., 0])
    y0, y1 = padded_limits(codes[..., 1])
    count = (side - 1) * steps + 1
    xs, ys = np.linspace(x0, x1, count), np.linspace(y1, y0, count)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    return grid, (x0, x1, y0, y1)


def decode(view: RunView, codes: np.ndarray, state: State) -> np.ndarray:
    """The decoder's output for `codes` with the state's weights, in float64."""
    layer = view.run.code_layer
    weights = [np.asarray(w, float) for w in state.weights[layer:]]
    biases = [np.asarray(b, float) for b in state.biases[layer:]]
    return forward(codes, weights, biases, view.run.activations[layer:])[-1]


def mosaic(view: RunView, grid: np.ndarray, side: int, state: State,
           gap: int = 0) -> np.ndarray:
    """The decoded images of a `side` x `side` grid (row by row from the top) as one image:
    [side * (height + gap) - gap, side * (width + gap) - gap], the images `gap` pixels apart
    (NaN there: drawn in the background's color, so each image reads as one)."""
    height, width = view.run.experiment.data.image_shape
    images = decode(view, grid, state).reshape(side, side, height, width)
    if gap:
        images = np.pad(images, ((0, 0), (0, 0), (0, gap), (0, gap)),
                        constant_values=np.nan)
    tiled = images.transpose(0, 2, 1, 3).reshape(side * (height + gap), side * (width + gap))
    return tiled[:tiled.shape[0] - gap, :tiled.shape[1] - gap]


def occupied_cells(codes: np.ndarray, extent: tuple, cells: int) -> np.ndarray:
    """Which cells of a `cells` x `cells` lattice over `extent` hold a code: [cells, cells]
    bool, rows from the top (as decoder_grid runs)."""
    x0, x1, y0, y1 = extent
    column = np.clip(((codes[:, 0] - x0) / (x1 - x0) * cells).astype(int), 0, cells - 1)
    row = np.clip(((y1 - codes[:, 1]) / (y1 - y0) * cells).astype(int), 0, cells - 1)
    held = np.zeros((cells, cells), bool)
    held[row, column] = True
    return held


def sheet_region(codes: np.ndarray, extent: tuple, side: int, steps: int) -> np.ndarray:
    """Which points of a grid of `side` lines, `steps` points per cell, over `extent` lie
    where the codes are: [count, count] bool, a point being in when one of the four lattice
    cells around it (a `steps`-th of a grid cell wide) holds a code. The decoder's sheet is
    drawn strong there, and only faintly beyond (where the decoder extrapolates: no code is
    decoded there)."""
    count = (side - 1) * steps + 1
    cells = count - 1
    held = occupied_cells(np.asarray(codes, float), extent, cells)
    index = np.arange(count)
    low, high = np.clip(index - 1, 0, cells - 1), np.clip(index, 0, cells - 1)
    region = np.zeros((count, count), bool)
    for rows in (low, high):
        for columns in (low, high):
            region |= held[rows[:, None], columns[None, :]]
    return region


def corrupted_inputs(x: np.ndarray, noise: float, masking: float,
                     seed: int = 0) -> np.ndarray:
    """One draw of the corruption a denoising run trains with (Gaussian noise of std `noise`,
    each feature zeroed with probability `masking`), fixed for the clip: an example of the
    inputs the network sees, not the draws of any step."""
    rng = np.random.default_rng(seed)
    noisy = x + noise * rng.standard_normal(x.shape) if noise else x.copy()
    if masking:
        noisy = noisy * (rng.random(x.shape) >= masking)
    return noisy


def noisy_picks(samples: int, most: int) -> np.ndarray:
    """The samples whose corrupted inputs a denoising run's decoder panel shows."""
    return np.linspace(0, samples - 1, min(most, samples)).round().astype(int)


def mesh_path(sheet: np.ndarray, steps: int) -> np.ndarray:
    """A decoded grid [count, count, 2] as one polyline [points, 2]: its lines of constant
    code 2, then of constant code 1, broken by NaNs between them."""
    rows = sheet[::steps]                               # the lines of constant code 2
    columns = sheet[:, ::steps].transpose(1, 0, 2)      # and of constant code 1
    lines = np.concatenate([rows, columns])
    gaps = np.full((len(lines), 1, 2), np.nan)          # break the line between curves
    return np.concatenate([lines, gaps], axis=1).reshape(-1, 2)


def data_projection(x: np.ndarray, run) -> tuple[np.ndarray, np.ndarray, tuple[str, str]]:
    """Where the data is seen from: (center, axes [D, 2], axis names)."""
    dims = x.shape[1]
    if dims <= 2:
        axes = np.eye(dims, 2)
        return np.zeros(dims), axes, (run.feature_name(0),
                                      run.feature_name(1) if dims > 1 else "")
    center = x.mean(axis=0)
    if dims == 3:
        elevation, azimuth = np.radians(CAMERA)
        right = [-np.sin(azimuth), np.cos(azimuth), 0.0]
        up = [-np.sin(elevation) * np.cos(azimuth), -np.sin(elevation) * np.sin(azimuth),
              np.cos(elevation)]
        return center, np.array([right, up]).T, ("", "")
    _, vectors = np.linalg.eigh(np.cov(x, rowvar=False))
    return center, vectors[:, ::-1][:, :2], ("principal axis 1", "principal axis 2")


def sheet(view: RunView, points: np.ndarray, state: State) -> np.ndarray:
    """A square grid's `points` [count * count, 2], decoded and seen in the data's plane:
    [count, count, 2]."""
    x = view.run.x.astype(float)
    center, axes, _ = data_projection(x, view.run)
    count = int(round(np.sqrt(len(points))))
    return ((decode(view, points, state) - center) @ axes).reshape(count, count, 2)


def sheet_limits(view: RunView, points: np.ndarray,
                 region: Callable[[State], np.ndarray] | None = None,
                 noisy: np.ndarray | None = None,
                 ) -> tuple[tuple[float, float], tuple[float, float]]:
    """Limits in the data's plane holding the data, the run's decoded sheet of the grid
    `points` at every snapshot (only its part `region(state)`, [count, count] bool, where
    given: the part drawn strong, where that snapshot's codes are) and any `noisy` inputs
    shown. Every snapshot, not the last alone: denoising-plain's epoch-0 grid ran off the
    bottom of a plane cut to the final one."""
    x = view.run.x.astype(float)
    center, axes, _ = data_projection(x, view.run)
    drawn = []
    for snapshot in range(len(view)):
        state = view.state(snapshot)
        decoded = sheet(view, points, state)
        drawn.append(decoded[region(state)] if region is not None else decoded.reshape(-1, 2))
    extra = [(noisy - center) @ axes] if noisy is not None else []
    shown = np.concatenate([(x - center) @ axes, *drawn, *extra])
    return padded_limits(shown[:, 0]), padded_limits(shown[:, 1])
