"""A sparse-code run's code plane (train.code_l1): the code axes drawn strong, where a silent
code neuron puts its points, and a readout of how many codes each neuron leaves near zero,
counted on the recorded snapshot the frame shows."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from aeviz.renderer.panels.placement import fit_text, text_width
from aeviz.renderer.panels.style import DYNAMIC, FONT, width_inches
from aeviz.renderer.theme import Theme
from aeviz.renderer.views import RunView, State

NEAR_ZERO = 0.03  # |code| below this counts as silent (the readout says so)
# The readout's size: the lesson's number, as large as a panel's label (in the smallest text,
# muted, a lecturer could not read "code 2 37 %" from the back at 640x360).
READOUT_PT = FONT["label"]


def silent_shares(codes: np.ndarray, near: float = NEAR_ZERO) -> np.ndarray:
    """Per code neuron, the share of samples whose code is within `near` of zero: [2]."""
    return (np.abs(np.asarray(codes, float)) < near).mean(axis=0)


def readouts(shares: np.ndarray) -> list[str]:
    """The readout, long to short."""
    one, two = (f"{100 * share:.0f} %" for share in shares)
    return [f"|code| < {NEAR_ZERO:g}: neuron 1 {one}, neuron 2 {two}",
            f"near 0: code 1 {one}, code 2 {two}"]  # each share says whose it is


class SparsityOverlay:
    """The axes code 1 = 0 and code 2 = 0, and the readout on the title line (the generic
    title "code layer" gives way to it when both do not fit)."""

    def __init__(self, ax: Axes, view: RunView, theme: Theme, readout: bool = True,
                 spare_left_in: float = 0.0):
        """`readout` false: the axes alone (a handout's small cell); `spare_left_in`: the
        room left of the axes in their slot that a readout without the title beside it may
        take (over the y axis's numbers' margin: "code 2…" at 640x360 lost its share)."""
        self.view = view
        for line in (ax.axhline, ax.axvline):
            line(0.0, color=theme.foreground, lw=1.1, alpha=0.55, zorder=1.5)
        self.artists = []
        self.text = None
        if not readout:
            return
        room_pt = width_inches(ax) * 72 - 6
        widest = [text_width(text, READOUT_PT) for text in readouts(np.ones(2))]
        if widest[-1] + text_width(ax.get_title("left"), FONT["title"]) + 12 > room_pt:
            ax.set_title("", loc="left")
        if not ax.get_title("left"):
            room_pt += spare_left_in * 72
        self.form = 0 if widest[0] + text_width(ax.get_title("left"), FONT["title"]) + 12 \
            <= room_pt else 1
        self.text = ax.text(1.0, 1.0, "", transform=ax.transAxes, ha="right", va="bottom",
                            color=theme.foreground, fontsize=READOUT_PT, zorder=DYNAMIC)
        self.room_pt = room_pt
        self.artists = [self.text]

    def update(self, state: State) -> None:
        if self.text is None:
            return
        # The recorded snapshot's codes: a frame between snapshots shows no in-between count.
        shares = silent_shares(self.view.codes[state.snapshot])
        self.text.set_text(fit_text(readouts(shares)[self.form], READOUT_PT, self.room_pt))
