"""Settings: the experiment schema, the TOML files it is read from, `--set` overrides, and
comparison files. The lowest stage: it imports no other stage."""

from aeviz.settings.experiments import (
    Overrides,
    default_experiment_text,
    experiment_from_dict,
    load_default,
    load_experiment,
    parse_toml,
    read_toml_file,
    stored_experiment,
)
from aeviz.settings.schema import (
    ACTIVATION_NAMES,
    ALIGN_NAMES,
    NORMALIZE_NAMES,
    OPTIMIZER_NAMES,
    PACE_NAMES,
    PANEL_NAMES,
    SCALE_NAMES,
    THEME_NAMES,
    Cluster,
    Data,
    Experiment,
    Model,
    Record,
    RenderOptions,
    Train,
)

__all__ = [
    "ACTIVATION_NAMES", "ALIGN_NAMES", "NORMALIZE_NAMES", "OPTIMIZER_NAMES", "PACE_NAMES",
    "PANEL_NAMES", "SCALE_NAMES", "THEME_NAMES", "Cluster", "Data", "Experiment", "Model",
    "Overrides", "Record",
    "RenderOptions", "Train", "default_experiment_text", "experiment_from_dict", "load_default",
    "load_experiment", "parse_toml", "read_toml_file", "stored_experiment",
]
