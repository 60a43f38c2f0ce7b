"""The panels of a frame. Each draws its static parts once in __init__ and keeps the artists that
change from frame to frame in `self.artists`, updated by `update(state)`.

Changing artists get a zorder above every static one, so drawing them over a saved background
(blitting) gives exactly the pixels of a full redraw.
"""

from aeviz.renderer.panels.code import CodePanel
from aeviz.renderer.panels.loss import LossPanel
from aeviz.renderer.panels.recon import (
    InputSpacePanel,
    ParallelCoordinatesPanel,
    reconstruction_panel,
)
from aeviz.renderer.panels.style import DYNAMIC, FONT, Rect
from aeviz.renderer.panels.weights import WeightPanel

__all__ = ["DYNAMIC", "FONT", "CodePanel", "InputSpacePanel", "LossPanel",
           "ParallelCoordinatesPanel", "Rect", "WeightPanel", "reconstruction_panel"]
