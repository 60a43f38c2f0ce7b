"""Colors as a viewer sees them, for the run-color rules: CIELAB, colors faded into a
background, and the room a run color keeps (tests/test_lessons.py checks the palettes by these
rules; tests/color_search.py searched for them)."""

from __future__ import annotations

import numpy as np


def lab(hexes: tuple[str, ...]) -> np.ndarray:
    """sRGB hex colors in CIELAB (D65)."""
    rgb = np.array([[int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)] for h in hexes])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                             [0.0193, 0.1192, 0.9505]]).T / [0.95047, 1.0, 1.08883]
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.column_stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]),
                            200 * (f[:, 1] - f[:, 2])])


def faded(hexes: tuple[str, ...], background: str, alpha: float) -> tuple[str, ...]:
    """Colors drawn at `alpha` over `background`, as the points of a panel are."""
    rgb = np.array([[int(h[i:i + 2], 16) for i in (1, 3, 5)] for h in hexes + (background,)])
    mixed = alpha * rgb[:-1] + (1 - alpha) * rgb[-1]
    return tuple("#" + "".join(f"{int(round(v)):02X}" for v in row) for row in mixed)


# The rules a run color keeps (tests/color_search.py found the palettes by them): 30 CIELAB
# units from every class color as drawn, from the text color and from each other (25 is the
# floor); a lightness band and a least saturation, so that no run reads as black (on white) or
# white (on near-black); 20 degrees of hue from every colored class, so that no run reads as a
# class's hue family; two runs 40 degrees of hue apart, or 25 and 20 of lightness.
COLOR_ROOM = {
    "light": {"classes": 30, "runs": 30, "lightness": (30, 58), "chroma": 25, "class hue": 20,
              "run hue": 40},
    "dark": {"classes": 30, "runs": 30, "lightness": (60, 90), "chroma": 25, "class hue": 20,
             "run hue": 40},
}
