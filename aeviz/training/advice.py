"""Warnings about experiments that are valid but cannot learn what they are asked to."""

from __future__ import annotations

import math

import numpy as np

from aeviz.settings import Experiment

# What each output activation can produce: (lowest, highest, as written in the warning).
OUTPUT_RANGES = {"sigmoid": (0.0, 1.0, "(0, 1)"), "tanh": (-1.0, 1.0, "(-1, 1)"),
                 "relu": (0.0, math.inf, "[0, inf)")}


def range_warning(exp: Experiment, x: np.ndarray) -> str | None:
    """One line when the output activation cannot reach the (normalized) data, else None.

    `tanh` with data in [-1, 1] is fine (the original program's set-up); `sigmoid` with any
    negative value, or `tanh` beyond +-1, leaves part of the data out of reach forever.
    """
    activation = exp.model.activations[-1]
    low, high, reach = OUTPUT_RANGES.get(activation, (-math.inf, math.inf, ""))
    data_low, data_high = float(x.min()), float(x.max())
    if low <= data_low and data_high <= high:
        return None
    fix = ('output_activation = "tanh" or "identity"' if -1 <= data_low and data_high <= 1
           else 'output_activation = "identity"')
    return (f"warning: {exp.source}: the output activation {activation} only reaches {reach}, "
            f"but the data (after normalize = \"{exp.data.normalize}\") spans "
            f"[{data_low:.3g}, {data_high:.3g}]; set model.{fix}")
