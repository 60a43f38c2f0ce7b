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
# class's hue family, unless 40 CIELAB units from every class as drawn ("far": no washed-out
# projector brings them together); and, whatever its distance, 50 degrees of hue from a green
# class (GREEN_HUES): on a washed-out projector the teal run 41 degrees and the leaf green 28
# degrees from the class green read as the class green, greens and teals fading into one family;
# two runs 40 degrees of hue apart, or 25 and 20 of lightness.
COLOR_ROOM = {
    "light": {"classes": 30, "far": 40, "runs": 30, "lightness": (30, 58), "chroma": 25,
              "class hue": 20, "green hue": 50, "run hue": 40},
    "dark": {"classes": 30, "far": 40, "runs": 30, "lightness": (60, 90), "chroma": 25,
             "class hue": 20, "green hue": 50, "run hue": 40},
}
GREEN_HUES = (120, 200)  # CIELAB hue angles of a green class (the class green's is 164)


def hue_angles(lab_colors: np.ndarray) -> np.ndarray:
    """The CIELAB hue angles of colors, in degrees [0, 360)."""
    return np.degrees(np.arctan2(lab_colors[:, 2], lab_colors[:, 1])) % 360


def green_classes(classes_lab: np.ndarray) -> np.ndarray:
    """The hue angles of the colored classes in the green family (GREEN_HUES)."""
    hues = hue_angles(classes_lab)
    colored = np.hypot(classes_lab[:, 1], classes_lab[:, 2]) > 15
    return hues[colored & (hues >= GREEN_HUES[0]) & (hues <= GREEN_HUES[1])]
