"""What a page needs to retrain its run live (playground.js): the whole experiment, the data,
the knobs, and whether one epoch is cheap enough to train in the browser.

The page retrains with aeviz's own maths ported to JavaScript (rng.js: numpy's default_rng;
nn.js: the network, its objective and optimizers; trainer.js: the loop), in float64, so a run
retrained in the page records what `aeviz train` records for the same experiment with
dtype = "float64". Its data are the trajectory's, as float32: within about 1e-7 of the float64
data `aeviz train` reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np

from aeviz.renderer.views import RunView
from aeviz.settings import ACTIVATION_NAMES, OPTIMIZER_NAMES
from aeviz.settings.names import OPTIMIZER_SETTINGS

# Live training is offered where one epoch costs at most about this many multiply-adds (3 per
# weight and sample: the forward product and the two of the backward pass): the demo (7.9e4),
# iris, digits and the VAE on digits (5.6e7 each) train live; wider data or networks do not.
LIVE_MADDS = 6e7

# The data a page carries for retraining (float32), at most: a cheap epoch can still hold wide
# data (layers [D, 2, D] cost 12 multiply-adds per value), and the page must stay small.
DATA_BYTES = 8_000_000

# The knobs (and the keys aeviz.retrain accepts): dotted key, kind, and the schema's bounds or
# choices (aeviz.settings.schema), so the page refuses what `aeviz train` would refuse.
# model.layers keeps its length and its code layer of 2 (the page checks that).
KNOBS = [
    {"key": "train.optimizer", "kind": "choice", "choices": list(OPTIMIZER_NAMES)},
    {"key": "train.learning_rate", "kind": "number", "above": 0},
    {"key": "train.batch_size", "kind": "integer", "minimum": 1},
    # (at most 100,000 in the page, which keeps every epoch's loss: the schema allows 1e7)
    {"key": "train.epochs", "kind": "integer", "minimum": 1, "maximum": 100_000},
    {"key": "train.seed", "kind": "integer", "minimum": 0, "maximum": 2**53 - 1},
    {"key": "model.activation", "kind": "choice", "choices": list(ACTIVATION_NAMES)},
    {"key": "model.output_activation", "kind": "choice", "choices": list(ACTIVATION_NAMES)},
    {"key": "model.layers", "kind": "layers"},
    # (named for what it does: beside Adam's "eps" a bare "epsilon" read as its twin)
    {"key": "train.epsilon", "kind": "number", "minimum": 0, "label": "stop at RMSE (epsilon)"},
    {"key": "train.noise", "kind": "number", "minimum": 0},
    {"key": "train.masking", "kind": "number", "minimum": 0, "below": 1},
    {"key": "train.code_l1", "kind": "number", "minimum": 0},
    {"key": "train.weight_decay", "kind": "number", "minimum": 0},
    {"key": "train.beta", "kind": "number", "minimum": 0, "variational": True},
    {"key": "train.beta1", "kind": "number", "minimum": 0, "below": 1},
    {"key": "train.beta2", "kind": "number", "minimum": 0, "below": 1},
    {"key": "train.eps", "kind": "number", "above": 0},
    {"key": "train.dampening", "kind": "number", "minimum": 0, "below": 1},
    {"key": "record.every", "kind": "integer", "minimum": 1},
    {"key": "record.batches", "kind": "integer", "minimum": 0},
]
# An optimizer's own settings are shown only while an optimizer that reads them is chosen (SGD
# was shown Adam's betas, RMSProp Momentum's dampening): each such knob names its readers.
for _knob in KNOBS:
    _readers = [name for name, read in OPTIMIZER_SETTINGS.items()
                if _knob["key"].split(".")[1] in read]
    if _readers:
        _knob["optimizers"] = _readers

# The scripts that retrain (in live/, beside the page's own), in load order: the Worker's, and
# the page's (which decodes with nn.js and builds the panel with playground.js).
WORKER_SCRIPTS = ("live/rng.js", "live/nn.js", "live/trainer.js", "live/worker.js")
PAGE_SCRIPTS = ("live/rng.js", "live/nn.js", "live/trainer.js", "live/playground.js")


def epoch_cost(samples: int, layers: list[int], code_layer: int, variational: bool) -> int:
    """Multiply-adds of one training epoch: 3 per weight and sample."""
    weights = sum(a * b for a, b in zip(layers, layers[1:]))
    if variational:
        weights += layers[code_layer - 1] * layers[code_layer]
    return 3 * samples * weights


def _inexact(value: object, key: str = "") -> str:
    """The first key of `value` (the experiment as plain data) holding a whole number that a
    JavaScript number cannot hold exactly, as "KEY = VALUE"; "" if none."""
    if isinstance(value, dict):
        return next((found for name, item in value.items()
                     if (found := _inexact(item, f"{key}.{name}" if key else name))), "")
    if isinstance(value, list):
        return next((found for item in value if (found := _inexact(item, key))), "")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53 - 1:
        return f"{key} = {value}"
    return ""


def playground_data(views: list[RunView], b64: Callable[[np.ndarray, str], str]) -> dict:
    """The page's `playground` entry: {"off": why} where live training is not offered, else
    the experiment (resolved, as the trajectory stores it), the data as float32, the knobs and
    the cost of an epoch. `b64`: pack's array encoder."""
    if len(views) != 1:
        return {"off": "a comparison replays its recorded runs; each run's own page retrains"}
    run = views[0].run
    experiment = run.experiment
    layers = [int(size) for size in run.layer_sizes]
    variational = bool(experiment.model.variational)
    cost = epoch_cost(len(run.x), layers, run.code_layer, variational)
    entry = {"cost": cost, "limit": LIVE_MADDS, "knobs": KNOBS,
             "experiment": experiment.to_dict()}
    inexact = _inexact(entry["experiment"])
    if inexact:  # JavaScript would round it: another seed, other data, another run
        entry["off"] = (f"live training is off: {inexact} is too large for the page, whose "
                        "numbers hold whole numbers exactly below 2**53 only; train it with "
                        "aeviz train")
        entry["inexact"] = True
        return entry
    if cost > LIVE_MADDS:
        entry["off"] = (f"live training is off: one epoch of this run costs {cost:.2g} "
                        f"multiply-adds, the page trains up to {LIVE_MADDS:.0e}; train it with "
                        "aeviz train")
        return entry
    if run.x.size * 4 > DATA_BYTES:
        entry["off"] = (f"live training is off: the data take {run.x.size * 4 / 1e6:.3g} MB, "
                        f"the page carries up to {DATA_BYTES / 1e6:.3g} MB for retraining; "
                        "train it with aeviz train")
        return entry
    entry["x"] = b64(run.x, "f4")
    return entry


def playground_script(asset: Callable[[str], str], shared: str) -> str:
    """The page's retraining scripts, and the Worker's source as a JavaScript string;
    `asset(name)`: the text of a file beside the page's template; `shared`: the script the
    page runs first (the activations), which the Worker runs first too."""
    worker = "\n".join(['"use strict";', shared] + [asset(name) for name in WORKER_SCRIPTS])
    # As JSON with "<" escaped, the source cannot end the page's <script> element.
    source = json.dumps(worker).replace("<", "\\u003c")
    main = "\n".join(asset(name) for name in PAGE_SCRIPTS)
    return f'"use strict";\nconst AEVIZ_WORKER_SOURCE = {source};\n{main}'
