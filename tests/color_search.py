"""The search that chose the run colors (aeviz/renderer/theme.py), to run again if the class
colors or the rules change: `python -m tests.color_search light` (or dark). Not collected;
test_lessons.py checks the chosen palettes against the same rules.

Candidates: an sRGB grid, kept where a run color may be (the theme's lightness band, saturated,
30 CIELAB units from every class color as drawn and from the text color, 20 degrees of hue from
every colored class); the most saturated per 5 degrees of hue and 8 of lightness; then the five
that are furthest apart (smallest pairwise distance, a little weight on saturation), any two 40
degrees of hue apart, or 25 and 20 of lightness."""

from __future__ import annotations

import itertools
import sys

import numpy as np

from aeviz.renderer.theme import THEMES
from tests.colors import COLOR_ROOM, faded, green_classes
from tests.colors import lab as cielab


def lch(lab: np.ndarray) -> np.ndarray:
    """CIELAB as lightness, chroma, hue angle (degrees)."""
    return np.column_stack([lab[:, 0], np.hypot(lab[:, 1], lab[:, 2]),
                            np.degrees(np.arctan2(lab[:, 2], lab[:, 1])) % 360])


def hue_gap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs((a[:, None] - b[None] + 180) % 360 - 180)


def search(theme_name: str, count: int = 4) -> list[str]:
    theme, room = THEMES[theme_name], COLOR_ROOM[theme_name]
    levels = np.append(np.arange(0, 256, 4), 255)
    grid = np.array(np.meshgrid(levels, levels, levels, indexing="ij")).reshape(3, -1).T
    hexes = tuple("#" + "".join(f"{v:02X}" for v in rgb) for rgb in grid)
    lab = cielab(hexes)
    shade = lch(lab)
    drawn = cielab(theme.clusters + faded(theme.clusters, theme.background, 0.45)
                 + faded(theme.clusters, theme.background, 0.85))
    classes = lch(cielab(theme.clusters))
    low, high = room["lightness"]
    keep = (shade[:, 0] >= low) & (shade[:, 0] <= high) & (shade[:, 1] >= room["chroma"])
    keep &= np.linalg.norm(lab[:, None] - drawn[None], axis=2).min(axis=1) >= room["classes"]
    keep &= np.linalg.norm(lab - cielab((theme.foreground,)), axis=1) >= room["classes"]
    far = np.linalg.norm(lab[:, None] - drawn[None], axis=2).min(axis=1) >= room["far"]
    keep &= far | (hue_gap(shade[:, 2], classes[classes[:, 1] > 15, 2]).min(axis=1)
                   >= room["class hue"])
    greens = green_classes(cielab(theme.clusters))
    keep &= hue_gap(shade[:, 2], greens).min(axis=1) >= room["green hue"]
    best: dict[tuple[int, int], int] = {}
    for i in np.flatnonzero(keep):
        key = (int(shade[i, 2] // 5), int(shade[i, 0] // 8))
        if key not in best or shade[i, 1] > shade[best[key], 1]:
            best[key] = i
    pool = np.array(sorted(best.values()))
    apart = np.linalg.norm(lab[pool][:, None] - lab[pool][None], axis=2)
    hues, light = hue_gap(shade[pool, 2], shade[pool, 2]), np.abs(
        shade[pool, 0][:, None] - shade[pool, 0][None])
    fits = ((hues >= room["run hue"]) | ((hues >= 25) & (light >= 20))) & (apart >= room["runs"])
    chosen, score = (), -1.0

    def grow(group: tuple[int, ...]) -> None:  # depth first, only through groups that fit
        nonlocal chosen, score
        if len(group) == count:
            pairs = itertools.combinations(group, 2)
            value = min(apart[a, b] for a, b in pairs) + 0.2 * shade[pool[list(group)], 1].min()
            if value > score:
                chosen, score = group, value
            return
        for j in range(group[-1] + 1 if group else 0, len(pool)):
            if all(fits[j, i] for i in group):
                grow(group + (j,))

    grow(())
    return [hexes[pool[i]] for i in chosen] if chosen else []


if __name__ == "__main__":
    print(" ".join(search(sys.argv[1] if len(sys.argv) > 1 else "light",
                          int(sys.argv[2]) if len(sys.argv) > 2 else 4)))
