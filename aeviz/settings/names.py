"""The names a config may use for activations and optimizers, with how a frame spells them.

The maths behind each name lives in `aeviz.training` (ACTIVATIONS in model.py, OPTIMIZERS in
optim.py), keyed by these same names; a test checks that both agree. The names live here, at
the lowest stage, because the schema checks configs against them and must not import training.
"""

from __future__ import annotations

ACTIVATION_TITLES = {"identity": "identity", "sigmoid": "sigmoid", "tanh": "tanh",
                     "relu": "ReLU", "leaky_relu": "leaky ReLU"}
OPTIMIZER_TITLES = {"sgd": "SGD", "momentum": "Momentum", "rmsprop": "RMSProp", "adam": "Adam",
                    "adamw": "AdamW"}

# The train settings each optimizer's update reads besides the learning rate (optim.py's
# classes): `aeviz info` shows these and no others, so an SGD run is not said to have betas.
OPTIMIZER_SETTINGS = {"sgd": (), "momentum": ("beta1", "dampening"), "rmsprop": ("beta2", "eps"),
                      "adam": ("beta1", "beta2", "eps"), "adamw": ("beta1", "beta2", "eps")}

ACTIVATION_NAMES = tuple(ACTIVATION_TITLES)
OPTIMIZER_NAMES = tuple(OPTIMIZER_TITLES)
