"""The experiment schema: TOML tables -> frozen dataclasses.

Each setting is declared once, as a field with its default and its check (see `checks`); rules
that tie several fields together live with their dataclass, in `resolved()`. A mistake is a
SettingError naming the file and the dotted key: `exp.toml: train.batch_size: must be >= 1`.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from aeviz.errors import SettingError
from aeviz.settings.fields import (
    Invalid,
    array_of,
    boolean,
    build,
    drawn_line,
    drawn_text,
    epoch_range,
    integer,
    name_or_names,
    number,
    one_of,
    run_labels,
    setting,
    size_text,
    table,
    tables,
    text,
)
from aeviz.settings.names import ACTIVATION_NAMES, OPTIMIZER_NAMES
from aeviz.settings.tomlwriter import dump_toml

DTYPE_NAMES = ("float32", "float64")
NORMALIZE_NAMES = ("global", "minmax", "none")
PANEL_NAMES = ("code", "loss", "weights", "recon", "decoder")
THEME_NAMES = ("light", "dark")
ALIGN_NAMES = ("none", "procrustes")
PACE_NAMES = ("linear", "log")
# shared: one scale per quantity across the runs of a comparison; own: each run its own;
# follow: the code planes' limits and the weights' color scale grow with the values, frame
# by frame (a blow-up stays in view); shared and own stay fixed for the whole clip.
SCALE_NAMES = ("shared", "own", "follow")


@dataclass(frozen=True)
class Cluster:
    """One multivariate normal distribution the data is sampled from."""

    n: int = setting(100, integer(minimum=1))
    mean: tuple[float, ...] = setting((), array_of(number(), min_len=1), required=True)
    cov: tuple[tuple[float, ...], ...] | None = setting(None, array_of(array_of(number())))
    std: float | None = setting(None, number(minimum=0))

    def resolved(self) -> Cluster:
        if (self.cov is None) == (self.std is None):
            raise SettingError("", "give exactly one of cov (a matrix) or std (isotropic)")
        if self.cov is not None:
            _check_covariance(self.cov, len(self.mean))
        return self


def _check_covariance(rows: tuple, dim: int) -> None:
    if len(rows) != dim or any(len(row) != dim for row in rows):
        raise SettingError("cov", f"must be a {dim}x{dim} matrix to match mean (length {dim})")
    cov = np.array(rows, dtype=float)
    scale = max(1.0, float(np.abs(cov).max()))
    if not np.allclose(cov, cov.T, rtol=0, atol=1e-9 * scale):
        raise SettingError("cov", "must be symmetric (cov[i][j] == cov[j][i])")
    if np.linalg.eigvalsh(cov).min() < -1e-9 * scale:
        raise SettingError("cov", "must be positive semi-definite (it has a negative "
                           "eigenvalue)")


@dataclass(frozen=True)
class Data:
    """Where the samples come from, and how they are scaled."""

    seed: int = setting(0, integer(minimum=0))
    normalize: str = setting("global", one_of(*NORMALIZE_NAMES))
    clusters: tuple[Cluster, ...] = tables(Cluster)
    file: str | None = setting(None, text)
    label_column: str | None = setting(None, text)
    label_file: str | None = setting(None, text)
    image_shape: tuple[int, ...] | None = setting(None, array_of(integer(minimum=1), min_len=2))

    def resolved(self) -> Data:
        if self.clusters and self.file:
            raise SettingError("file", "give either data.file or [[data.clusters]], not both")
        if not self.clusters and not self.file:
            raise SettingError("", "needs [[data.clusters]] tables or a data file (data.file)")
        dims = [len(c.mean) for c in self.clusters]
        if len(set(dims)) > 1:
            raise SettingError("clusters", "all means must have the same length, got "
                               + ", ".join(map(str, dims)))
        if self.label_column is not None and not (self.file or "").lower().endswith(".csv"):
            raise SettingError("label_column", "only applies to a .csv data.file")
        if self.file and Path(self.file).suffix.lower() not in (".csv", ".npy"):
            raise SettingError("file", f'must be a .csv or .npy file, got "{self.file}"')
        if self.label_file is not None and not (self.file or "").lower().endswith(".npy"):
            raise SettingError("label_file", "only applies to a .npy data.file (a .csv names "
                               "its label column with data.label_column)")
        if self.label_file is not None and not self.label_file.lower().endswith(".npy"):
            raise SettingError("label_file", f'must be a .npy file, got "{self.label_file}"')
        if self.image_shape is not None and len(self.image_shape) != 2:
            raise SettingError("image_shape", "must be [height, width], got "
                               f"{list(self.image_shape)}")
        return self

    @property
    def dimensions(self) -> int | None:
        """The clusters' dimension (None for data from a file: known once it is read)."""
        return len(self.clusters[0].mean) if self.clusters else None


@dataclass(frozen=True)
class Model:
    """The network: layer sizes, which layer is the code, activations."""

    layers: tuple[int, ...] = setting((), array_of(integer(minimum=1), min_len=3), required=True)
    code_layer: int | None = setting(None, integer(minimum=1))
    activation: str | tuple[str, ...] = setting(
        "tanh", name_or_names(one_of(*ACTIVATION_NAMES)))
    output_activation: str | None = setting(None, one_of(*ACTIVATION_NAMES))
    # A variational autoencoder: the layer into the code gives each sample a mean and a
    # log-variance per code neuron, both linear; the decoder reads a sample drawn from them.
    # Left out (None) it is a plain autoencoder, and stored configs stay as they were.
    variational: bool | None = setting(None, boolean, since=2)

    @property
    def activations(self) -> tuple[str, ...]:
        """One activation name per weight layer, the output override applied (and, for a
        variational model, the code layer linear: its neurons are means)."""
        names = ((self.activation,) * (len(self.layers) - 1)
                 if isinstance(self.activation, str) else self.activation)
        names = names[:-1] + (self.output_activation or names[-1],)
        if self.variational and self.code_layer is not None:
            names = names[:self.code_layer - 1] + ("identity",) + names[self.code_layer:]
        return names

    def resolved(self) -> Model:
        """Checked, with the code layer and the output activation written out."""
        layers = self.layers
        if not isinstance(self.activation, str) and len(self.activation) != len(layers) - 1:
            raise SettingError("activation", f"a list needs one entry per weight layer: "
                               f"{len(layers) - 1} for {len(layers)} layers, got "
                               f"{len(self.activation)}")
        code_layer = self._code_layer()
        if self.variational and not isinstance(self.activation, str) and (
                self.activation[code_layer - 1] != "identity"):
            raise SettingError("activation", f"entry {code_layer} is the variational code "
                               "layer's, whose means and log-variances are linear: it must be "
                               f'"identity", got "{self.activation[code_layer - 1]}"')
        resolved = dataclasses.replace(self, code_layer=code_layer,
                                       output_activation=self.activations[-1])
        if self.variational:  # the linear code layer written out
            resolved = dataclasses.replace(resolved, activation=resolved.activations)
        return resolved

    def _code_layer(self) -> int:
        layers = self.layers
        hidden_twos = [i for i in range(1, len(layers) - 1) if layers[i] == 2]
        if self.code_layer is not None:
            if self.code_layer not in hidden_twos:
                raise SettingError("code_layer", "must index a hidden layer of 2 neurons in "
                                   f"layers (allowed: {', '.join(map(str, hidden_twos)) or 'none'}"
                                   f"), got {self.code_layer}")
            return self.code_layer
        if not hidden_twos:
            raise SettingError("layers", "needs a hidden layer of exactly 2 neurons (the code "
                               f"layer), got {list(layers)}")
        if len(hidden_twos) > 1:
            raise SettingError("code_layer", "missing: several hidden layers have 2 neurons "
                               f"(indices {', '.join(map(str, hidden_twos))}); say which is the "
                               "code layer")
        return hidden_twos[0]


@dataclass(frozen=True)
class Train:
    """The optimizer, its hyper-parameters, and when to stop."""

    optimizer: str = setting("adam", one_of(*OPTIMIZER_NAMES))
    learning_rate: float = setting(0.005, number(above=0))
    batch_size: int = setting(32, integer(minimum=1))
    epochs: int = setting(1000, integer(minimum=1, maximum=10_000_000))
    epsilon: float = setting(0.0, number(minimum=0))
    seed: int = setting(0, integer(minimum=0))
    beta1: float = setting(0.9, number(minimum=0, below=1))
    beta2: float = setting(0.999, number(minimum=0, below=1))
    eps: float = setting(1e-8, number(above=0))
    dtype: str = setting("float32", one_of(*DTYPE_NAMES))
    # Momentum's buffer m = beta1 m + (1 - dampening) g (PyTorch's name): 0 is classical
    # heavy-ball momentum; the default, beta1, is the original program's running average.
    dampening: float | None = setting(None, number(minimum=0, below=1))
    # The objective's other terms and the input's corruption. Left out (None) they are off
    # (weight decay: 0, or AdamW's 0.01 as PyTorch) and stored configs stay as they were.
    noise: float | None = setting(None, number(minimum=0))        # Gaussian std on inputs
    masking: float | None = setting(None, number(minimum=0, below=1))  # P(feature zeroed)
    code_l1: float | None = setting(None, number(minimum=0))      # lambda * mean sum |code|
    weight_decay: float | None = setting(None, number(minimum=0))  # L2, as PyTorch's
    beta: float | None = setting(None, number(minimum=0))         # the VAE's KL weight (1)

    def resolved(self) -> Train:
        """With dampening written out (its default is beta1), and AdamW's weight decay (its
        default is 0.01, as PyTorch's), so `validate` shows the values training uses."""
        if self.dampening is None:
            self = dataclasses.replace(self, dampening=self.beta1)
        if self.weight_decay is None and self.optimizer == "adamw":
            self = dataclasses.replace(self, weight_decay=0.01)
        return self

    @property
    def decay(self) -> float:
        """The weight decay in force: as given, else AdamW's default 0.01, else 0."""
        if self.weight_decay is not None:
            return self.weight_decay
        return 0.01 if self.optimizer == "adamw" else 0.0


@dataclass(frozen=True)
class Record:
    """Which snapshots the trajectory keeps."""

    every: int = setting(1, integer(minimum=1))
    batches: int = setting(0, integer(minimum=0))


@dataclass(frozen=True)
class RenderOptions:
    """How a trajectory becomes a clip: the keys of a TOML [render] table."""

    fps: int = setting(30, integer(minimum=1, maximum=120))
    size: str = setting("1280x720", size_text)
    theme: str = setting("light", one_of(*THEME_NAMES))
    panels: tuple[str, ...] = setting(
        ("code", "loss", "weights"), array_of(one_of(*PANEL_NAMES), min_len=1))
    # Good clip defaults for every experiment: about 12 s of learning and a 2 s look at the end.
    duration: float = setting(12.0, number(minimum=0, below=3600))  # 0: a frame per snapshot
    hold: float = setting(2.0, number(minimum=0, below=3600))
    pace: str = setting("linear", one_of(*PACE_NAMES))
    title: str | None = setting(None, drawn_line)
    # A log loss axis (None: where the curves drawn span more than 10x, see
    # renderer.scales.wants_log_loss).
    log_loss: bool | None = setting(None, boolean)
    epochs: str | None = setting(None, epoch_range)
    every: int = setting(1, integer(minimum=1))
    align: str = setting("none", one_of(*ALIGN_NAMES))
    trails: int = setting(0, integer(minimum=0, maximum=100))
    smooth: int = setting(0, integer(minimum=0, maximum=30))
    pca: bool = setting(True, boolean)
    pca_ghost: bool = setting(False, boolean)
    labels: tuple[str, ...] | None = setting(None, run_labels)
    future: bool = setting(True, boolean)  # false: hide the loss curve not yet reached
    # Arrows: where the reconstruction error pulls each code (None: off, and left out of
    # stored configs).
    pull: bool | None = setting(None, boolean)
    # A variational run's one-sigma ellipses around some of its codes (None: on for a VAE).
    ellipses: bool | None = setting(None, boolean)
    caption: str | None = setting(None, drawn_text)  # a few sentences under the panels
    scales: str = setting("shared", one_of(*SCALE_NAMES))

    def __post_init__(self) -> None:
        # Every field is checked here, where every door (a TOML table, a flag, an API keyword
        # and RenderOptions(...) built in Python) passes, with the one rule and message. The
        # checks give back what they are given once it is checked, so `build`'s values pass
        # again unchanged; a left-out optional key (None) stays left out.
        for spec in fields(self):
            value = getattr(self, spec.name)
            if value is None and spec.default is None:
                continue
            try:
                object.__setattr__(self, spec.name, spec.metadata["check"](value))
            except Invalid as error:
                raise SettingError(f"render.{spec.name}", str(error)) from None

    def resolved(self) -> RenderOptions:
        if len(set(self.panels)) != len(self.panels):
            raise SettingError("panels", f"lists a panel twice: {', '.join(self.panels)}")
        return self

    def updated(self, values: Mapping[str, Any]) -> RenderOptions:
        """These options with `values` (TOML-typed, by key) on top, checked like a table."""
        try:
            given = build(RenderOptions, dict(values))
            return dataclasses.replace(self, **{name: getattr(given, name)
                                                for name in values}).resolved()
        except SettingError as error:
            raise error.under("render") from None

    def with_even_sides(self) -> RenderOptions:
        """These options with each side rounded down to even (as H.264 and VP9 need). Not
        checked again: 331x186 is allowed, but 330x186, a hair narrower than 16:9, is not."""
        width, height = self.pixels
        even = copy.copy(self)  # a copy does not run __post_init__
        object.__setattr__(even, "size", f"{width - width % 2}x{height - height % 2}")
        return even

    @property
    def pixels(self) -> tuple[int, int]:
        """(width, height) of the clip."""
        width, height = self.size.split("x")
        return int(width), int(height)

    @property
    def epoch_bounds(self) -> tuple[float, float]:
        """(first, last) epoch to show; open ends are -inf and +inf."""
        first, _, last = (self.epochs or ":").partition(":")
        return (float(first) if first else -math.inf, float(last) if last else math.inf)


@dataclass(frozen=True)
class Experiment:
    """A whole experiment file, resolved: every default filled in."""

    title: str = setting("", drawn_line)
    label: str | None = setting(None, drawn_line)  # short name beside other runs (default: derived)
    data: Data = table(Data)
    model: Model = table(Model)
    train: Train = table(Train)
    record: Record = table(Record)
    render: RenderOptions = table(RenderOptions)
    # Where the experiment came from: names the file in messages, anchors relative data paths.
    source: str = field(default="experiment", compare=False)
    base_dir: Path = field(default=Path("."), compare=False)

    def resolved(self) -> Experiment:
        layers = self.model.layers
        if self.data.dimensions not in (None, layers[0]):
            raise SettingError("model.layers", f"first layer (input) has {layers[0]} neurons "
                               f"but the clusters are {self.data.dimensions}-D; they must match")
        if layers[-1] != layers[0]:
            raise SettingError("model.layers", "last layer must equal the first (an "
                               f"autoencoder reconstructs its input), got {list(layers)}")
        if self.train.beta is not None and not self.model.variational:
            raise SettingError("train.beta", "weights the KL term of a variational "
                               "autoencoder: set model.variational = true, or leave it out")
        shape = self.data.image_shape
        if shape is not None and shape[0] * shape[1] != layers[0]:
            raise SettingError("data.image_shape", f"{shape[0]} x {shape[1]} = "
                               f"{shape[0] * shape[1]} pixels, but the input layer has "
                               f"{layers[0]} neurons; they must match")
        return self

    @property
    def code_layer(self) -> int:
        return self.model.code_layer  # always filled in by Model.resolved

    def error(self, key: str, problem: str) -> SettingError:
        """A user error about `key` of this experiment, naming the file."""
        return SettingError(key, problem, self.source)

    def to_dict(self) -> dict:
        """The resolved experiment as plain TOML-able data (None values left out)."""
        return _plain(self)

    def to_toml(self) -> str:
        return dump_toml(self.to_dict())


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)
                if f.name not in ("source", "base_dir") and getattr(value, f.name) is not None}
    if isinstance(value, tuple):
        return [_plain(v) for v in value if v is not None]
    return value
