"""The reference workload of the benchmarks: 600 samples in 6-D (4 clusters), layers
[6, 8, 2, 8, 6], tanh with an identity output, Adam, batch 32, 300 epochs, every epoch recorded."""

from __future__ import annotations

from aeviz.settings import Experiment, experiment_from_dict

CLUSTER_MEANS = [[0.6, 0, 0, 0.2, 0, 0], [0, 0.5, -0.4, 0, 0.1, 0],
                 [0, 0, 0.5, -0.5, 0, 0.2], [-0.4, 0.3, 0, 0, 0.5, -0.3]]


def reference_experiment(train: dict | None = None, **record) -> Experiment:
    raw = {
        "title": "benchmark reference",
        "data": {"seed": 0, "clusters": [{"n": 150, "mean": m, "std": 0.08}
                                         for m in CLUSTER_MEANS]},
        "model": {"layers": [6, 8, 2, 8, 6], "activation": "tanh",
                  "output_activation": "identity"},
        "train": {"optimizer": "adam", "learning_rate": 0.005, "batch_size": 32,
                  "epochs": 300, "seed": 0, **(train or {})},
        "record": {"every": 1, **record},
    }
    return experiment_from_dict(raw, "reference")
