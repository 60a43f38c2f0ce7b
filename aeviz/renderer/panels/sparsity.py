"""A sparse-code run's code plane (train.code_l1): the code axes drawn strong, where a silent
code neuron puts its points, and a readout of how many codes each neuron leaves near zero,
counted on the recorded snapshot the frame shows."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from aeviz.renderer.panels.placement import fit_text, text_width
from aeviz.renderer.panels.style import DYNAMIC, FONT, height_inches, width_inches
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


def readout_lines(shares: np.ndarray) -> list[list[str]]:
    """The readout in the words the clip draws at 640x360 and 1280x720 (its short form: the
    long one fits a clip's title line only wider still), as its lines: on one (the title
    line, or inside the plane), two or three (split_lines). The page draws these, packed:
    its own choice of the long form read "|code| < 0.03: neuron 1" where the clip said
    "near 0: code 1"."""
    short = readouts(shares)[1]
    return [split_lines(short, lines) for lines in (1, 2, 3)]


class SparsityOverlay:
    """The axes code 1 = 0 and code 2 = 0, and the readout on the title line beside the
    title; where both do not fit there, inside the plane's top, in the corner the codes
    leave freest (at 640x360 the readout took the title's place and, over the y axis's
    numbers, came near the frame's edge)."""

    def __init__(self, ax: Axes, view: RunView, theme: Theme, readout: bool = True):
        """`readout` false: the axes alone (a handout's small cell)."""
        self.view = view
        for line in (ax.axhline, ax.axvline):
            line(0.0, color=theme.foreground, lw=1.1, alpha=0.55, zorder=1.5)
        self.artists = []
        self.text = None
        if not readout:
            return
        width_pt = width_inches(ax) * 72
        title_pt = text_width(ax.get_title("left"), FONT["title"]) + 12
        widest = [text_width(text, READOUT_PT) for text in readouts(np.ones(2))]
        self.lines = 1
        if widest[1] + title_pt <= width_pt - 6:  # on the title line
            self.form = 0 if widest[0] + title_pt <= width_pt - 6 else 1
            self.text = ax.text(1.0, 1.0, "", transform=ax.transAxes, ha="right",
                                va="bottom", color=theme.foreground, fontsize=READOUT_PT,
                                zorder=DYNAMIC)
            self.room_pt = width_pt - 6 - title_pt
        else:  # inside the plane, in the corner the codes leave freest, on a veil
            self.form = 1
            self.room_pt = width_pt - 2 * INSET_PT
            height_pt = height_inches(ax) * 72
            short = readouts(np.ones(2))[1]
            boxes = {}  # lines: the readout's box (axes fractions)
            for lines in (1, 2, 3):
                width = max(text_width(line, READOUT_PT) for line in split_lines(short, lines))
                if width <= self.room_pt:
                    boxes[lines] = ((width + 2 * INSET_PT) / width_pt,
                                    (1.25 * lines * READOUT_PT + 2 * INSET_PT) / height_pt)
            self.lines, (right, top) = freest_corner(ax, view.codes, boxes)
            inset = INSET_PT / width_pt, INSET_PT / height_pt
            self.text = ax.text(1 - inset[0] if right else inset[0],
                                1 - inset[1] if top else inset[1], "",
                                transform=ax.transAxes, ha="right" if right else "left",
                                va="top" if top else "bottom",
                                multialignment="right" if right else "left",
                                color=theme.foreground, fontsize=READOUT_PT, zorder=DYNAMIC,
                                bbox={"boxstyle": "round,pad=0.2", "fc": theme.background,
                                      "ec": "none", "alpha": 0.7})
        self.artists = [self.text]

    def update(self, state: State) -> None:
        if self.text is None:
            return
        # The recorded snapshot's codes: a frame between snapshots shows no in-between count.
        shares = silent_shares(self.view.codes[state.snapshot])
        text = readouts(shares)[self.form]
        self.text.set_text("\n".join(fit_text(line, READOUT_PT, self.room_pt)
                                      for line in split_lines(text, self.lines)))


INSET_PT = 4.0  # the readout inside the plane: this far from its edges


def split_lines(readout: str, lines: int) -> list[str]:
    """The readout on 1, 2 or 3 lines, each share whole on its own: "near 0: code 1 20 %" /
    "code 2 37 %", or "near 0:" / "code 1 20 %" / "code 2 37 %"."""
    if lines == 1:
        return [readout]
    first, second = readout.split(", ", 1)
    if lines == 2:
        return [first, second]
    near, share = first.split(": ", 1)
    return [f"{near}:", share, second]


def freest_corner(ax: Axes, codes: np.ndarray,
                  boxes: dict[int, tuple[float, float]]) -> tuple[int, tuple[bool, bool]]:
    """The readout's lines and plane corner (right?, top?) whose box (axes fractions, per
    line count in `boxes`) covers fewest of the run's codes (every snapshot's, as the plane
    shows them); ties to fewer lines, the top, the left."""
    snapshots = np.asarray(codes, float)
    points = snapshots[::max(1, len(snapshots) // 25)].reshape(-1, 2)
    points = points[np.isfinite(points).all(axis=1)]
    at = (ax.transData + ax.transAxes.inverted()).transform(points) if len(points) \
        else np.zeros((0, 2))
    best = None
    for lines, (width, height) in sorted(boxes.items()):
        for top in (True, False):
            for right in (False, True):
                across = at[:, 0] >= 1 - width if right else at[:, 0] <= width
                up = at[:, 1] >= 1 - height if top else at[:, 1] <= height
                covered = int((across & up).sum())
                if best is None or covered < best[0]:
                    best = covered, lines, (right, top)
    return (best[1], best[2]) if best else (3, (False, True))
