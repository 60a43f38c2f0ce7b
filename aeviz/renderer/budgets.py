"""Fixed budgets for costly parts of a picture: past them a part is left out, with a note, so
that every machine draws the same clip."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from aeviz.renderer.geometry import pca_affordable
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions


def within_budgets(views: list[RunView], options: RenderOptions,
                   notify: Callable[[str], None]) -> RenderOptions:
    """`options` with PCA off, and a note, when the data is too large for it (see
    geometry.PCA_MOST_WORK): a fixed budget, so every machine draws the same clip."""
    costly = [view.run.x.shape for view in views if not pca_affordable(view.run.x.shape)]
    if not costly or not (options.pca or options.pca_ghost):
        return options
    samples, features = costly[0]
    notify(f"PCA is left out: {samples:,} samples x {features:,} features is past its "
           "budget (the smaller side must be at most a few thousand); render.pca = false "
           "says so quietly")
    return dataclasses.replace(options, pca=False, pca_ghost=False)
