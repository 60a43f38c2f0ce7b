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


def divergence_advice(exp: Experiment) -> str:
    """What to change after training diverged: the setting that makes each step grow the
    weights by itself if there is one, else the learning rate and every other setting that
    can drive the loss or the weights to infinity (the input noise, the code's L1 penalty,
    the weight decay, the KL weight), with their values."""
    train = exp.train.resolved()
    rate, decay = train.learning_rate, train.decay
    # On its own the decay is a linear step: SGD's and AdamW's multiply every weight by
    # 1 - rate * decay, past 2 below -1; momentum's (heavy ball with step rate * decay *
    # (1 - dampening)) is unstable past 2 (1 + beta1). Then the weights flip sign and grow
    # whatever the data say. Adam's and RMSProp's coupled decay is divided by the gradient's
    # scale: no such bound.
    bound = {"sgd": 2.0, "adamw": 2.0,
             "momentum": 2 * (1 + train.beta1) / (1 - train.dampening)}.get(train.optimizer)
    if decay and bound is not None and rate * decay >= bound:
        return (f"train.learning_rate x train.weight_decay is {rate * decay:g}, at least "
                f"{bound:g}: with {train.optimizer} the decay alone makes the weights grow "
                f"step after step; lower train.weight_decay (now {decay:g}) below "
                f"{bound / rate:.3g}.")
    others = [f"train.{name} (now {value:g})" for name, value in (
        ("noise", train.noise), ("code_l1", train.code_l1), ("weight_decay", decay),
        ("beta", train.beta if exp.model.variational else None)) if value]
    advice = f"Try a lower train.learning_rate (now {rate:g})"
    if others:
        advice += ", or a smaller " + ", ".join(others[:-1]) + (" or " if others[:-1] else "")
        advice += others[-1]
    return advice + "."
