"""Hypothesis strategies for aeviz's inputs: what a user may type, valid or not."""

from __future__ import annotations

from hypothesis import strategies as st

PANELS = ("code", "loss", "weights", "recon")


def size_texts() -> st.SearchStrategy[str]:
    """--size values: small valid sizes (drawn quickly), sides out of range, frames past the
    pixel cap, and text that is no size at all."""
    side = st.integers(64, 400)
    valid = st.builds(lambda w, h: f"{w}x{h}", side, side)
    extreme = st.builds(lambda w, h, sep: f"{w}{sep}{h}", st.integers(0, 10**6),
                        st.integers(0, 10**6), st.sampled_from(["x", "X", " x ", "*", ""]))
    capped = st.builds(lambda w, h: f"{w}x{h}", st.integers(2900, 7680), st.integers(2900, 7680))
    return st.one_of(valid, valid, extreme, capped, st.text(max_size=12))


def panel_lists() -> st.SearchStrategy[str]:
    """--panels values: panel names in any order (repeats included), or a stray word."""
    names = st.lists(st.sampled_from(PANELS), min_size=1, max_size=5)
    return st.one_of(names.map(",".join),
                     st.lists(st.sampled_from([*PANELS, "", "codes", " loss "]), min_size=1,
                              max_size=3).map(",".join))


def number_texts(low: float, high: float) -> st.SearchStrategy[str]:
    """A number as typed: mostly in [low, high], sometimes out of it, nan, inf or not one."""
    return st.one_of(st.floats(low, high, allow_nan=False).map(lambda v: f"{v:g}"),
                     st.integers(int(low), int(high)).map(str)
                     if float(low).is_integer() and float(high).is_integer() else st.nothing(),
                     st.sampled_from(["-1", "0", "nan", "inf", "-inf", "1e309", "", "x", "²"]))


def title_texts() -> st.SearchStrategy[str]:
    """Titles: any characters but math delimiters ($: checked when settings are read), up to
    thousands of them."""
    text = st.text(st.characters(exclude_characters="$", exclude_categories=("Cs",)),
                   max_size=40)
    return st.one_of(text, st.builds(lambda t, n: t * n, text, st.integers(1, 200)))
