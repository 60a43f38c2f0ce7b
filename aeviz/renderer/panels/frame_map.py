"""How a frame's raw codes map onto the codes the code plane shows: the identity, or under
Procrustes alignment the rotation, reflection, scale and shift that align them. What the code
plane draws beside the codes (arrows, ellipses, a reference circle) turns with them."""

from __future__ import annotations

import numpy as np

from aeviz.renderer.views import RunView, State


def raw_codes(view: RunView, state: State) -> np.ndarray:
    """The recorded codes at the state's fractional snapshot, before any alignment."""
    low = int(np.floor(state.index))
    high = min(low + 1, len(view) - 1)
    fraction = state.index - low
    codes = view.run.codes
    if fraction == 0:
        return codes[low].astype(float)
    return (1 - fraction) * codes[low].astype(float) + fraction * codes[high].astype(float)


def interpolated(series: np.ndarray, index: float) -> np.ndarray:
    """A per-snapshot series at a fractional snapshot index."""
    low = int(np.floor(index))
    high = min(low + 1, len(series) - 1)
    fraction = index - low
    return series[low].astype(float) * (1 - fraction) + series[high].astype(float) * fraction


def linear_map(raw: np.ndarray, shown: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(M [2, 2], t [2]) with shown = raw @ M + t: the identity when nothing is aligned, else
    the least-squares fit (exact for a Procrustes map)."""
    if raw is shown or np.array_equal(raw, shown):
        return np.eye(2), np.zeros(2)
    raw_mean, shown_mean = raw.mean(axis=0), shown.mean(axis=0)
    matrix, *_ = np.linalg.lstsq(raw - raw_mean, shown - shown_mean, rcond=None)
    return matrix, shown_mean - raw_mean @ matrix
