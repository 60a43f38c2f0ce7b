"""Hypothesis strategies for the inputs users hand aeviz: TOML values of any type for the
keys, and the keys of the objectives, the VAE and the decoder and pull drawings."""

from __future__ import annotations

from hypothesis import strategies as st

# Any value a TOML table can hold (no tables: a key's value, not a section).
toml_scalars = st.one_of(
    st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))
toml_values = st.one_of(toml_scalars, st.lists(toml_scalars, max_size=4))

# Numbers near the edges of what each new [train] key allows.
fractions = st.one_of(st.floats(min_value=-0.5, max_value=1.5), st.sampled_from([0, 1, 0.0]))
penalties = st.one_of(st.floats(min_value=-1, max_value=10), st.integers(-2, 3))


def objective_keys(values: st.SearchStrategy | None = None) -> st.SearchStrategy[dict]:
    """A [train] table's objective keys: some of noise, masking, code_l1, weight_decay, beta,
    each a plausible number or (with `values`) anything."""
    def pick(default):
        return default if values is None else st.one_of(default, values)
    return st.fixed_dictionaries({}, optional={
        "noise": pick(penalties), "masking": pick(fractions), "code_l1": pick(penalties),
        "weight_decay": pick(penalties), "beta": pick(penalties),
        "optimizer": pick(st.sampled_from(["sgd", "momentum", "rmsprop", "adam", "adamw",
                                           "adamx"]))})


def model_keys(values: st.SearchStrategy | None = None) -> st.SearchStrategy[dict]:
    """A [model] table's `variational` key (and an activation list that may contradict it)."""
    variational = st.booleans() if values is None else st.one_of(st.booleans(), values)
    return st.fixed_dictionaries({}, optional={
        "variational": variational,
        "activation": st.lists(st.sampled_from(["tanh", "identity", "relu", "sigmoid"]),
                               min_size=4, max_size=4)})


def render_keys(values: st.SearchStrategy | None = None) -> st.SearchStrategy[dict]:
    """A [render] table's panels (the decoder among them), pull and ellipses."""
    panel = st.sampled_from(["code", "loss", "weights", "recon", "decoder", "decoders"])
    flag = st.booleans() if values is None else st.one_of(st.booleans(), values)
    return st.fixed_dictionaries({}, optional={
        "panels": st.lists(panel, min_size=0, max_size=5), "pull": flag, "ellipses": flag})
