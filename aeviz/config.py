"""Experiment files: TOML -> frozen dataclasses, with every check in one place.

Each setting is declared once, as a dataclass field with its default and its check. `build`
walks a TOML table against those declarations, so an unknown or mistyped key, a wrong type or an
out-of-range value always gets the same one-line message: file, dotted key, what was wrong, what
is allowed.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from aeviz.errors import AevizError
from aeviz.tomlwriter import dump_toml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ACTIVATION_NAMES = ("identity", "sigmoid", "tanh")
OPTIMIZER_NAMES = ("sgd", "momentum", "rmsprop", "adam")
NORMALIZE_NAMES = ("global", "minmax", "none")
PANEL_NAMES = ("code", "loss", "weights", "recon")
THEME_NAMES = ("light", "dark")
ALIGN_NAMES = ("none", "procrustes")
DEFAULT_EXPERIMENT = "default.toml"


class Invalid(ValueError):
    """Raised by a check: the message says what is wrong with one value and what is allowed."""


# ----------------------------------------------------------------------------- checks
# A check takes the TOML value and returns the value to store (tuples for lists), or raises
# Invalid. They are small and composable so a field declaration reads like documentation.

Check = Callable[[Any], Any]


def _shown(value: Any) -> str:
    kind = {bool: "boolean", int: "integer", float: "number", str: "string"}.get(type(value))
    if kind is None:
        kind = "array" if isinstance(value, (list, tuple)) else "table"
        return kind
    return f"{kind} {value!r}" if kind != "string" else f'string "{value}"'


def number(*, above: float | None = None, minimum: float | None = None,
           below: float | None = None) -> Check:
    """A finite float (TOML integers are accepted) within the given bounds."""
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid(f"must be a number, got {_shown(value)}")
        value = float(value)
        if not math.isfinite(value):
            raise Invalid(f"must be a finite number, got {value}")
        if above is not None and not value > above:
            raise Invalid(f"must be > {above:g}, got {value:g}")
        if minimum is not None and not value >= minimum:
            raise Invalid(f"must be >= {minimum:g}, got {value:g}")
        if below is not None and not value < below:
            raise Invalid(f"must be < {below:g}, got {value:g}")
        return value
    return check


def integer(*, minimum: int | None = None, maximum: int | None = None) -> Check:
    """A whole number within the given bounds."""
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"must be a whole number, got {_shown(value)}")
        if minimum is not None and value < minimum:
            raise Invalid(f"must be >= {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise Invalid(f"must be <= {maximum}, got {value}")
        return value
    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"must be true or false, got {_shown(value)}")
    return value


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"must be a string, got {_shown(value)}")
    return value


def one_of(*choices: str) -> Check:
    allowed = ", ".join(f'"{c}"' for c in choices)

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise Invalid(f"must be one of {allowed}, got {_shown(value)}")
        if value not in choices:
            raise Invalid(f"{_shown(value)} is not allowed (allowed: {allowed})")
        return value
    return check


def array_of(item: Check, *, min_len: int = 0, what: str = "") -> Check:
    """A TOML array whose items each pass `item`; stored as a tuple."""
    def check(value: Any) -> tuple:
        if not isinstance(value, (list, tuple)):
            raise Invalid(f"must be an array{what}, got {_shown(value)}")
        if len(value) < min_len:
            raise Invalid(f"must have at least {min_len} entries{what}, got {len(value)}")
        result = []
        for position, entry in enumerate(value, start=1):
            try:
                result.append(item(entry))
            except Invalid as error:
                raise Invalid(f"entry {position} {error}") from None
        return tuple(result)
    return check


def name_or_names(check: Check) -> Check:
    """One name for every layer, or an array with one name per layer."""
    per_layer = array_of(check)

    def checker(value: Any) -> str | tuple:
        return check(value) if isinstance(value, str) else per_layer(value)
    return checker


def size_text(value: Any) -> str:
    """"1280x720" (each side 64 to 7680 pixels), stored in that canonical form."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", value) if isinstance(value, str) else None
    if not match:
        raise Invalid(f'must be WIDTHxHEIGHT such as "1280x720", got {_shown(value)}')
    width, height = int(match[1]), int(match[2])
    if min(width, height) < 64 or max(width, height) > 7680:
        raise Invalid(f"sides must be 64 to 7680 pixels, got {width}x{height}")
    return f"{width}x{height}"


def epoch_range(value: Any) -> str:
    """"A:B", "A:" or ":B" (first and last epoch shown), stored in that canonical form."""
    match = re.fullmatch(r"\s*(\d*)\s*:\s*(\d*)\s*", value) if isinstance(value, str) else None
    if not match or not (match[1] or match[2]):
        raise Invalid(f'must be FIRST:LAST epochs such as "0:200" or "100:", got {_shown(value)}')
    if match[1] and match[2] and int(match[1]) > int(match[2]):
        raise Invalid(f"first epoch {match[1]} is after last epoch {match[2]}")
    return f"{match[1]}:{match[2]}"


def setting(default: Any, check: Check, *, required: bool = False) -> Any:
    """Declare a field: its default and its check (run on values read from TOML)."""
    return field(default=default, metadata={"check": check, "required": required})


# ----------------------------------------------------------------------------- the schema


@dataclass(frozen=True)
class Cluster:
    """One multivariate normal distribution the data is sampled from."""

    n: int = setting(100, integer(minimum=1))
    mean: tuple[float, ...] = setting((), array_of(number(), min_len=1), required=True)
    cov: tuple[tuple[float, ...], ...] | None = setting(None, array_of(array_of(number())))
    std: float | None = setting(None, number(minimum=0))


@dataclass(frozen=True)
class Data:
    """Where the samples come from, and how they are scaled."""

    seed: int = setting(0, integer(minimum=0))
    normalize: str = setting("global", one_of(*NORMALIZE_NAMES))
    clusters: tuple[Cluster, ...] = setting((), None)  # built as a list of tables
    file: str | None = setting(None, text)
    label_column: str | None = setting(None, text)


@dataclass(frozen=True)
class Model:
    """The network: layer sizes, which layer is the code, activations."""

    layers: tuple[int, ...] = setting((), array_of(integer(minimum=1), min_len=3), required=True)
    code_layer: int | None = setting(None, integer(minimum=1))
    activation: str | tuple[str, ...] = setting(
        "tanh", name_or_names(one_of(*ACTIVATION_NAMES)))
    output_activation: str | None = setting(None, one_of(*ACTIVATION_NAMES))

    @property
    def activations(self) -> tuple[str, ...]:
        """One activation name per weight layer, the output override applied."""
        names = ((self.activation,) * (len(self.layers) - 1)
                 if isinstance(self.activation, str) else self.activation)
        return names[:-1] + (self.output_activation or names[-1],)


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


@dataclass(frozen=True)
class Record:
    """Which snapshots the trajectory keeps."""

    every: int = setting(1, integer(minimum=1))
    batches: int = setting(0, integer(minimum=0))


@dataclass(frozen=True)
class RenderOptions:
    """How a trajectory becomes a clip. The same names serve the CLI flags and a TOML [render]."""

    fps: int = setting(30, integer(minimum=1, maximum=120))
    size: str = setting("1280x720", size_text)
    theme: str = setting("light", one_of(*THEME_NAMES))
    panels: tuple[str, ...] = setting(
        ("code", "loss", "weights"), array_of(one_of(*PANEL_NAMES), min_len=1))
    duration: float | None = setting(None, number(above=0))
    hold: float = setting(0.0, number(minimum=0, below=3600))
    title: str | None = setting(None, text)
    log_loss: bool = setting(False, boolean)
    epochs: str | None = setting(None, epoch_range)
    every: int = setting(1, integer(minimum=1))
    align: str = setting("none", one_of(*ALIGN_NAMES))
    trails: int = setting(0, integer(minimum=0, maximum=100))
    smooth: int = setting(0, integer(minimum=0, maximum=30))
    pca: bool = setting(True, boolean)
    pca_ghost: bool = setting(False, boolean)
    labels: tuple[str, ...] | None = setting(None, array_of(text, min_len=1))

    def __post_init__(self) -> None:
        if len(set(self.panels)) != len(self.panels):
            raise InvalidAt("panels", f"lists a panel twice: {', '.join(self.panels)}")

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

    title: str = setting("", text)
    data: Data = setting(Data(), None)
    model: Model = setting(Model(), None)
    train: Train = setting(Train(), None)
    record: Record = setting(Record(), None)
    render: RenderOptions = setting(RenderOptions(), None)
    # Where the experiment came from: names the file in messages, anchors relative data paths.
    source: str = field(default="experiment", compare=False)
    base_dir: Path = field(default=Path("."), compare=False)

    @property
    def code_layer(self) -> int:
        return self.model.code_layer  # always filled in by load

    def error(self, key: str, problem: str) -> AevizError:
        """A user error about `key` of this experiment, in the one-line format."""
        return AevizError(f"{self.source}: {key}: {problem}")

    def to_dict(self) -> dict:
        """The resolved experiment as plain TOML-able data (None values left out)."""
        return _plain(self)

    def to_toml(self) -> str:
        return dump_toml(self.to_dict())


class InvalidAt(Exception):
    """A problem with a nested key, raised where the key's full path is not yet known."""

    def __init__(self, key: str, problem: str):
        super().__init__(key, problem)
        self.key, self.problem = key, problem


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)
                if f.name not in ("source", "base_dir") and getattr(value, f.name) is not None}
    if isinstance(value, tuple):
        return [_plain(v) for v in value if v is not None]
    return value


# ----------------------------------------------------------------------------- building


def build(cls: type, table: Any, key: str = "") -> Any:
    """Make a `cls` from a TOML table, checking every key against the field declarations.

    Raises InvalidAt naming the dotted key below `key`.
    """
    if not isinstance(table, dict):
        raise InvalidAt(key, f"must be a table, got {_shown(table)}")
    declared = {f.name: f for f in fields(cls) if "check" in f.metadata}
    for name in table:
        if name not in declared:
            raise InvalidAt(_join(key, name), "unknown key" + _suggest(name, declared))
    values = {}
    for name, spec in declared.items():
        if name not in table:
            if spec.metadata["required"]:
                raise InvalidAt(_join(key, name), "missing (this key is required)")
            continue
        if spec.metadata["check"] is None:
            continue  # nested tables are built by the caller
        try:
            values[name] = spec.metadata["check"](table[name])
        except Invalid as error:
            raise InvalidAt(_join(key, name), str(error)) from None
    try:
        return cls(**values)
    except InvalidAt as error:
        raise InvalidAt(_join(key, error.key), error.problem) from None


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _suggest(name: str, known: Iterable[str]) -> str:
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]}?)"
    return f" (allowed: {', '.join(known)})"


def _build_data(table: Any) -> Data:
    data = build(Data, table, "data")
    clusters = table.get("clusters")
    if clusters is not None:
        if not isinstance(clusters, list) or not all(isinstance(c, dict) for c in clusters):
            raise InvalidAt("data.clusters", "must be an array of tables ([[data.clusters]])")
        built = tuple(_build_cluster(c, f"data.clusters[{i}]")
                      for i, c in enumerate(clusters, start=1))
        data = dataclasses.replace(data, clusters=built)
    if data.clusters and data.file:
        raise InvalidAt("data.file", "give either data.file or [[data.clusters]], not both")
    if not data.clusters and not data.file:
        raise InvalidAt("data", "needs [[data.clusters]] tables or a data file (data.file)")
    if data.clusters:
        dims = {len(c.mean) for c in data.clusters}
        if len(dims) > 1:
            raise InvalidAt("data.clusters", f"all means must have the same length, got "
                            f"{', '.join(str(len(c.mean)) for c in data.clusters)}")
    if data.label_column is not None and not (data.file or "").lower().endswith(".csv"):
        raise InvalidAt("data.label_column", "only applies to a .csv data.file")
    if data.file and Path(data.file).suffix.lower() not in (".csv", ".npy"):
        raise InvalidAt("data.file", f'must be a .csv or .npy file, got "{data.file}"')
    return data


def _build_cluster(table: dict, key: str) -> Cluster:
    cluster = build(Cluster, table, key)
    dim = len(cluster.mean)
    if (cluster.cov is None) == (cluster.std is None):
        raise InvalidAt(key, "give exactly one of cov (a matrix) or std (isotropic)")
    if cluster.cov is not None:
        cov = np.array(cluster.cov, dtype=float) if _is_square(cluster.cov, dim) else None
        if cov is None:
            raise InvalidAt(f"{key}.cov", f"must be a {dim}x{dim} matrix to match mean "
                            f"(length {dim})")
        scale = max(1.0, float(np.abs(cov).max()))
        if not np.allclose(cov, cov.T, rtol=0, atol=1e-9 * scale):
            raise InvalidAt(f"{key}.cov", "must be symmetric (cov[i][j] == cov[j][i])")
        if np.linalg.eigvalsh(cov).min() < -1e-9 * scale:
            raise InvalidAt(f"{key}.cov", "must be positive semi-definite (it has a negative "
                            "eigenvalue)")
    return cluster


def _is_square(matrix: tuple, dim: int) -> bool:
    return len(matrix) == dim and all(len(row) == dim for row in matrix)


def _build_model(table: Any) -> Model:
    model = build(Model, table, "model")
    layers = model.layers
    if not isinstance(model.activation, str) and len(model.activation) != len(layers) - 1:
        raise InvalidAt("model.activation", f"a list needs one entry per weight layer: "
                        f"{len(layers) - 1} for {len(layers)} layers, got "
                        f"{len(model.activation)}")
    hidden_twos = [i for i in range(1, len(layers) - 1) if layers[i] == 2]
    if model.code_layer is not None:
        if not 1 <= model.code_layer <= len(layers) - 2 or layers[model.code_layer] != 2:
            raise InvalidAt("model.code_layer", f"must index a hidden layer of 2 neurons in "
                            f"layers (allowed: {', '.join(map(str, hidden_twos)) or 'none'}), "
                            f"got {model.code_layer}")
        return model
    if not hidden_twos:
        raise InvalidAt("model.layers", "needs a hidden layer of exactly 2 neurons (the code "
                        f"layer), got {list(layers)}")
    if len(hidden_twos) > 1:
        raise InvalidAt("model.code_layer", "missing: several hidden layers have 2 neurons "
                        f"(indices {', '.join(map(str, hidden_twos))}); say which is the code "
                        "layer")
    return dataclasses.replace(model, code_layer=hidden_twos[0])


def _fill_model_defaults(model: Model) -> Model:
    """The resolved form: code layer and output activation written out."""
    return dataclasses.replace(model, output_activation=model.activations[-1])


def experiment_from_dict(raw: dict, source: str = "experiment",
                         base_dir: Path = Path(".")) -> Experiment:
    """Validate a parsed TOML document; raises AevizError naming `source` and the key."""
    try:
        top = build(Experiment, raw)
        data = _build_data(raw.get("data", {}))
        model = _fill_model_defaults(_build_model(raw.get("model", {})))
        train = build(Train, raw.get("train", {}), "train")
        record = build(Record, raw.get("record", {}), "record")
        render = build(RenderOptions, raw.get("render", {}), "render")
        if data.clusters and len(data.clusters[0].mean) != model.layers[0]:
            raise InvalidAt("model.layers", f"first layer (input) has {model.layers[0]} "
                            f"neurons but the clusters are {len(data.clusters[0].mean)}-D; "
                            "they must match")
        if model.layers[-1] != model.layers[0]:
            raise InvalidAt("model.layers", f"last layer must equal the first (an autoencoder "
                            f"reconstructs its input), got {list(model.layers)}")
    except InvalidAt as error:
        raise AevizError(f"{source}: {error.key}: {error.problem}") from None
    title = top.title or Path(source).stem
    return Experiment(title=title, data=data, model=model, train=train, record=record,
                      render=render, source=source, base_dir=base_dir)


def parse_toml(text: str, source: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AevizError(f"{source}: invalid TOML: {error}") from None


def load_experiment(path: str | Path, overrides: Iterable[str] = ()) -> Experiment:
    """Read, override (`--set KEY=VALUE`) and validate an experiment file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AevizError(f"{path}: no such experiment file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise AevizError(f"{path}: cannot read: {error}") from None
    raw = parse_toml(text, str(path))
    apply_overrides(raw, overrides, str(path))
    return experiment_from_dict(raw, str(path), path.parent)


def default_experiment_text() -> str:
    """The embedded default experiment (the original program's default), with its comments."""
    return resources.files("aeviz").joinpath("experiments", DEFAULT_EXPERIMENT).read_text(
        encoding="utf-8")


def load_default(overrides: Iterable[str] = ()) -> Experiment:
    raw = parse_toml(default_experiment_text(), "default experiment")
    apply_overrides(raw, overrides, "--set")
    return experiment_from_dict(raw, "default experiment")


# ----------------------------------------------------------------------------- --set


def apply_overrides(raw: dict, overrides: Iterable[str], source: str) -> None:
    """Apply `KEY=VALUE` strings to a parsed TOML document in place.

    KEY is dotted (`train.learning_rate`, `data.clusters[2].n`); VALUE is a TOML value, and a
    bare word that is not valid TOML is taken as a string (`train.optimizer=sgd`).
    """
    for override in overrides:
        key, sep, value_text = override.partition("=")
        key = key.strip()
        if not sep or not key:
            raise AevizError(f"--set {override}: expected KEY=VALUE, such as "
                             "train.learning_rate=0.01")
        try:
            value = tomllib.loads(f"v = {value_text}")["v"]
        except tomllib.TOMLDecodeError:
            value = value_text.strip()
        table, last = _walk(raw, key, override)
        table[last] = value


def _walk(raw: dict, key: str, override: str) -> tuple[Any, Any]:
    """(container, slot) that `key` names in `raw`, creating missing tables on the way."""
    parts = re.findall(r"([^.\[\]]+)|\[(\d+)\]", key)
    if not parts or "".join(f"{p}{i}" for p, i in parts) != re.sub(r"[.\[\]]", "", key):
        raise AevizError(f"--set {override}: cannot read key {key!r}")
    steps = [(p, None) if p else (None, int(i)) for p, i in parts]
    node: Any = raw
    for step, (next_name, _) in zip(steps, steps[1:]):
        container, slot = _slot(node, step, key, override)
        if isinstance(container, dict):
            node = container.setdefault(slot, {} if next_name is not None else [])
        else:
            node = container[slot]
    return _slot(node, steps[-1], key, override)


def _slot(node: Any, step: tuple[str | None, int | None], key: str,
          override: str) -> tuple[Any, Any]:
    """A table entry (by name) or an array entry (by 1-based index) of `node`, checked."""
    name, index = step
    if name is not None:
        if not isinstance(node, dict):
            raise AevizError(f"--set {override}: {key} does not name a table entry")
        return node, name
    if not isinstance(node, list) or not 1 <= index <= len(node):
        raise AevizError(f"--set {override}: no entry [{index}] in that array")
    return node, index - 1


def render_options_or_defaults(table: dict) -> RenderOptions:
    """A stored [render] table (from a trajectory); the defaults where another aeviz version
    wrote options this one does not know."""
    try:
        return build(RenderOptions, table, "render")
    except InvalidAt:
        return RenderOptions()


def render_options(values: dict, base: RenderOptions | None = None) -> RenderOptions:
    """`base` (the defaults, or a TOML [render] table) with the CLI's `values` on top.

    Keys are field names and values are in their TOML form ("1280x720", ["code", "loss"]);
    an error names the CLI flag, such as `--size`.
    """
    try:
        given = build(RenderOptions, values)
        return dataclasses.replace(base or RenderOptions(),
                                   **{name: getattr(given, name) for name in values})
    except InvalidAt as error:
        raise AevizError(f"--{error.key.replace('_', '-')}: {error.problem}") from None
