"""Colors for the light (screens, handouts) and dark (projectors) themes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    background: str
    foreground: str
    muted: str            # secondary text, axes
    faint: str            # the known-future part of curves, grid
    panel: str            # a tint behind highlighted parts (the code layer)
    accent: str           # single-run loss curve, unlabeled points
    weight_cmap: str      # diverging: negative / zero / positive
    clusters: tuple[str, ...]
    runs: tuple[str, ...]


# Okabe-Ito: distinguishable with the common color-vision deficiencies; two more of Paul
# Tol's, so that ten classes (the digits) get ten colors. Labels 10 to 19 reuse them as rings.
_OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
              "#999999", "#AA99FF", "#88DD55")

THEMES = {
    "light": Theme(background="#ffffff", foreground="#1f2328", muted="#57606a",
                   faint="#d0d7de", panel="#f3f4f6", accent="#0969da", weight_cmap="RdBu_r",
                   clusters=("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                             "#999999", "#C8B400", "#332288", "#882255"),
                   runs=("#0969da", "#cf222e", "#1a7f37", "#8250df", "#bf8700", "#57606a")),
    "dark": Theme(background="#0d1117", foreground="#e6edf3", muted="#9da7b3",
                  faint="#3d444d", panel="#161b22", accent="#58a6ff", weight_cmap="coolwarm",
                  clusters=_OKABE_ITO,
                  runs=("#58a6ff", "#ff7b72", "#3fb950", "#d2a8ff", "#e3b341", "#9da7b3")),
}
