"""The reconstruction panel for image data (`data.image_shape`): a strip of sample images,
the originals above the network's reconstructions of them."""

from __future__ import annotations

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.figure import Figure

from aeviz.model import forward
from aeviz.render.panels.style import DYNAMIC, FONT, Rect, cluster_color, panel_axes
from aeviz.render.theme import Theme
from aeviz.render.views import RunView, State

MOST_SAMPLES = 12  # images in the strip, at most
GAP = 0.12         # the gap between images, as a fraction of an image's width


class ImageStripPanel:
    """A fixed set of samples (the first of each class, or spread over the data) as images,
    originals on top and reconstructions below, on one gray scale for the whole clip."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme, title: str):
        run = view.run
        self.view, self.shape = view, run.image_shape
        self.picks = strip_samples(run.labels, MOST_SAMPLES)
        self.x = np.asarray(run.x[self.picks])
        ax = panel_axes(fig, slot, (0.75, 0.35, 0.25, 0.4), theme, title)
        ax.set_axis_off()
        # Fixed for the clip: the data's own range, so a brightening or fading
        # reconstruction shows as such instead of being stretched to full contrast.
        # Ink dark on a light page, light on a dark one.
        light = max(mcolors.to_rgb(theme.background)) > 0.5
        self.scale = {"cmap": "gray_r" if light else "gray",
                      "vmin": float(run.x.min()), "vmax": float(run.x.max()),
                      "interpolation": "nearest", "aspect": "equal"}
        height, width = self.shape
        columns = len(self.picks)
        step = width * (1 + GAP)
        extent_top = (0, columns * step, height * (1 + GAP), 2 * height + height * GAP)
        extent_bottom = (0, columns * step, 0, height)
        ax.imshow(self._strip(self.x), extent=extent_top, **self.scale)
        self.recon = ax.imshow(self._strip(self.x), extent=extent_bottom, zorder=DYNAMIC,
                               **self.scale)
        ax.set_xlim(-0.02 * step, columns * step)
        ax.set_ylim(-0.05 * height, 2.6 * height + height * GAP)  # room for class names
        ax.set_anchor("N")  # equal aspect shrinks the box: keep it under its title
        self._row_names(ax, theme, height)
        self._class_names(ax, run, theme, step, height)
        self.artists = [self.recon]
        self.ax = ax

    def update(self, state: State) -> None:
        output = forward(self.x, state.weights, state.biases, self.view.run.activations)[-1]
        self.recon.set_data(self._strip(output))

    def _strip(self, images: np.ndarray) -> np.ndarray:
        """Images [K, H*W] side by side in one [H, K * (W + gap)] array; gaps are masked,
        so they show the background."""
        height, width = self.shape
        gap = int(round(width * GAP)) or 1
        strip = np.full((height, len(images), width + gap), np.nan, np.float32)
        strip[:, :, :width] = images.reshape(len(images), height, width).transpose(1, 0, 2)
        return np.ma.masked_invalid(strip.reshape(height, -1)[:, :-gap])

    def _row_names(self, ax, theme: Theme, height: float) -> None:
        for y, name in ((height * (1.5 + GAP), "data"), (height * 0.5, "output")):
            ax.text(-0.03, y, name, transform=ax.get_yaxis_transform(), ha="right",
                    va="center", rotation=90, color=theme.muted, fontsize=FONT["small"])

    def _class_names(self, ax, run, theme: Theme, step: float, height: float) -> None:
        """Each column's class above it, in its cluster color."""
        for column, index in enumerate(self.picks):
            label = int(run.labels[index])
            if label < 0:
                continue
            name = run.label_names[label] if label < len(run.label_names) else str(label)
            ax.text((column + 0.45) * step, height * (2 + 1.1 * GAP), name, ha="center",
                    va="bottom", color=cluster_color(theme, label), fontsize=FONT["small"],
                    fontweight="bold")


def strip_samples(labels: np.ndarray, most: int) -> list[int]:
    """The first sample of each class in label order (unlabeled data: `most` samples spread
    evenly), at most `most` of them."""
    classes = np.unique(labels[labels >= 0])
    if len(classes) == 0:
        count = min(most, len(labels))
        return [int(i) for i in np.linspace(0, len(labels) - 1, count).round()]
    return [int(np.flatnonzero(labels == label)[0]) for label in classes[:most]]
