"""Handout figures: the code plane at a few chosen epochs, one row per run, above the loss
curve that marks those epochs. Sized in inches for a printed page (6.3 in: a text width), with
fonts in points that stay legible there; saved as PDF, SVG or PNG.

The code planes use the clip's fixed scales (one per run, for its whole training), so that
the panels of a row compare like the frames of the clip.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from aeviz.errors import SettingError
from aeviz.files import atomic_path
from aeviz.renderer import output_kind, run_views
from aeviz.renderer.frames import nearest_snapshot
from aeviz.renderer.panels.code import _fix_limits as fix_code_limits
from aeviz.renderer.panels.loss import _fix_limits as fix_loss_limits
from aeviz.renderer.panels.style import cluster_color
from aeviz.renderer.theme import THEMES
from aeviz.renderer.vector import save_vector
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions
from aeviz.trajectory import Trajectory

FIGURE_FORMATS = (".pdf", ".svg", ".png")
DEFAULT_AT = "0,0.1,0.3,last"  # training moves most early on
MOST_COLUMNS = 8
TEXT_WIDTH = 6.3               # inches: A4 or Letter with ordinary margins
PNG_DPI = 200
FONT = {"title": 9, "label": 8, "tick": 7}  # points, at print size
# Margins and gaps in inches.
LEFT, RIGHT, GAP, HEAD, LEGEND, BELOW_PLANES, LOSS_HEIGHT, BELOW_LOSS, TITLE = (
    0.55, 0.12, 0.07, 0.22, 0.24, 0.42, 1.55, 0.42, 0.3)


def check_figure_output(path: str | Path) -> str:
    """The figure's format from its name: .pdf, .svg or .png."""
    return output_kind(path, FIGURE_FORMATS, "figure")


def parse_at(at: str | Sequence[Any] | None) -> list[tuple[str, float]]:
    """"0,10,last,0.5" -> moments: ("epoch", 0), ("epoch", 10), ("last", 0), ("fraction", .5).

    Whole numbers are epochs; numbers with a decimal point, from 0 to 1, are fractions of the
    run; "last" is its end."""
    entries = (at if at is not None else DEFAULT_AT)
    if isinstance(entries, str):
        entries = [entry.strip() for entry in entries.split(",")]
    moments = [_moment(entry) for entry in entries]
    if not 1 <= len(moments) <= MOST_COLUMNS:
        raise SettingError("at", f"give 1 to {MOST_COLUMNS} moments, got {len(moments)}")
    return moments


def _moment(entry: Any) -> tuple[str, float]:
    text = str(entry).strip().lower()
    if text == "last":
        return ("last", 0.0)
    if isinstance(entry, (int, np.integer)) or re.fullmatch(r"\d+", text):
        return ("epoch", float(int(text)))
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise SettingError("at", f"{entry!r} is not a moment: give whole epochs (50), "
                           "fractions of the run from 0 to 1 (0.5) or last")
    return ("fraction", value)


def positions_of(moments: list[tuple[str, float]], timelines: list[np.ndarray]) -> list[float]:
    """The epochs the moments name, on the runs' shared timeline."""
    first = min(float(t[0]) for t in timelines)
    last = max(float(t[-1]) for t in timelines)
    positions = []
    for kind, value in moments:
        if kind == "epoch" and not first <= value <= last:
            runs = "runs" if len(timelines) > 1 else "run"
            raise SettingError("at", f"epoch {value:g} is outside the {runs} (epochs "
                               f"{first:g} to {last:g})")
        positions.append({"epoch": value, "last": last,
                          "fraction": first + value * (last - first)}[kind])
    return positions


def draw_figure(runs: list[Trajectory], output: str | Path, options: RenderOptions,
                at: str | Sequence[Any] | None = None, width: float | None = None,
                notify: Callable[[str], None] = lambda message: None) -> None:
    """Draw the handout figure of `runs` at the moments `at` and save it to `output`."""
    kind = check_figure_output(output)
    views = run_views(runs, options)
    positions = positions_of(parse_at(at), [view.timeline for view in views])
    figure = HandoutFigure(views, options, positions, width or TEXT_WIDTH)
    for message in figure.notes:
        notify(message)
    if kind == ".png":
        with atomic_path(output) as temp:
            figure.figure.savefig(temp, format="png", dpi=PNG_DPI,
                                  facecolor=figure.figure.get_facecolor())
    else:
        save_vector(figure.figure, output)


class HandoutFigure:
    """The matplotlib figure: a grid of code planes (runs x moments) above the loss panel."""

    def __init__(self, views: list[RunView], options: RenderOptions, positions: list[float],
                 width: float):
        self.views, self.options, self.positions = views, options, positions
        self.theme = THEMES[options.theme]
        self.notes: list[str] = []
        columns = len(positions)
        self.cell = (width - LEFT - RIGHT - GAP * (columns - 1)) / columns
        if self.cell < 0.5:
            raise SettingError("at", f"{columns} moments do not fit {width:g} inches; give "
                               "fewer or a larger width")
        title = TITLE if options.title else 0
        legend = LEGEND if self._legend_entries() else 0
        planes = len(views) * self.cell + (len(views) - 1) * GAP
        height = title + legend + HEAD + planes + BELOW_PLANES + LOSS_HEIGHT + BELOW_LOSS
        self.size = (width, height)
        self.figure = Figure(figsize=self.size)
        FigureCanvasAgg(self.figure)
        self.figure.set_facecolor(self.theme.background)
        top = height - title - legend - HEAD
        for row, view in enumerate(views):
            for column, position in enumerate(positions):
                left = LEFT + column * (self.cell + GAP)
                bottom = top - (row + 1) * self.cell - row * GAP
                self._plane(view, row, column, position, (left, bottom))
        self._loss(BELOW_LOSS)
        if legend:
            self._cluster_legend(height - title - legend / 2)
        if options.title:
            self.figure.text(LEFT / width, 1 - 0.05 / height, options.title, ha="left",
                             va="top", fontsize=FONT["title"] + 1, fontweight="bold",
                             color=self.theme.foreground)

    def _axes(self, left: float, bottom: float, width: float, height: float) -> Axes:
        """Axes at a place given in inches, styled for print."""
        fig_width, fig_height = self.size
        ax = self.figure.add_axes((left / fig_width, bottom / fig_height, width / fig_width,
                                   height / fig_height))
        theme = self.theme
        ax.set_facecolor(theme.background)
        for spine in ax.spines.values():
            spine.set_color(theme.faint)
            spine.set_linewidth(0.6)
        ax.tick_params(colors=theme.muted, labelsize=FONT["tick"], length=2, width=0.5, pad=1.5)
        ax.grid(True, color=theme.faint, linewidth=0.4, alpha=0.6)
        ax.set_axisbelow(True)
        return ax

    def _label(self, ax: Axes, x: str = "", y: str = "") -> None:
        color, size = self.theme.muted, FONT["label"]
        if x:
            ax.set_xlabel(x, color=color, fontsize=size, labelpad=2)
        if y:
            ax.set_ylabel(y, color=color, fontsize=size, labelpad=2)

    def _plane(self, view: RunView, row: int, column: int, position: float,
               corner: tuple[float, float]) -> None:
        """One code plane: the run's snapshot nearest to `position`, on the run's scales."""
        ax = self._axes(*corner, self.cell, self.cell)
        fix_code_limits(ax, self.figure, view.codes)
        snapshot = nearest_snapshot(view.timeline, position)
        shown = float(view.timeline[snapshot])
        codes = view.codes[snapshot]
        labels = view.run.labels
        size = 2.2 if len(codes) <= 500 else 1.3
        for number, label in enumerate(np.unique(labels)):
            members = labels == label
            ax.plot(codes[members, 0], codes[members, 1], "o", ms=size, mec="none",
                    mfc=cluster_color(self.theme, label, number), alpha=0.85,
                    rasterized=len(codes) > 5000)
        theme = self.theme
        if row == 0:
            ax.set_title(f"({chr(ord('a') + column)}) epoch {position:g}", loc="left",
                         fontsize=FONT["title"], color=theme.foreground, pad=3)
        if shown != position:
            finished = position > view.timeline[-1]
            what = f"ended at {shown:g}" if finished else f"epoch {shown:g} shown"
            ax.text(0.97, 0.03, what, transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=FONT["tick"], color=theme.muted)
            if not finished:
                self.notes.append(f"{view.label}: epoch {position:g} was not recorded; "
                                  f"showing the nearest snapshot, epoch {shown:g}")
        ax.tick_params(labelleft=column == 0, labelbottom=row == len(self.views) - 1)
        if column == 0:
            self._label(ax, y=view.label if len(self.views) > 1 else "code neuron 2")
        if column == 0 and row == len(self.views) - 1:
            self._label(ax, x="code neuron 1")

    def _loss(self, bottom: float) -> None:
        """The loss curves with the chosen moments marked, lettered like the planes."""
        width = self.size[0] - LEFT - RIGHT
        ax = self._axes(LEFT, bottom, width, LOSS_HEIGHT)
        self._label(ax, "epoch", "RMSE")
        theme, options, several = self.theme, self.options, len(self.views) > 1
        end = max(self.positions) if not options.future else np.inf
        for number, view in enumerate(self.views):
            color = theme.runs[number % len(theme.runs)] if several else theme.accent
            shown = view.timeline <= end
            ax.plot(view.timeline[shown], view.run.loss[shown], color=color, lw=1.1,
                    label=view.label)
            picks = [nearest_snapshot(view.timeline, p) for p in self.positions]
            ax.plot(view.timeline[picks], view.run.loss[picks], "o", ms=3.2, color=color,
                    mec=theme.background, mew=0.5, zorder=3)
        timelines = [view.timeline for view in self.views]
        span = (min(t[0] for t in timelines), max(t[-1] for t in timelines))
        for column, position in enumerate(self.positions):
            ax.axvline(position, color=theme.muted, lw=0.6, ls=":", zorder=1)
            at_end = position > span[0] + 0.95 * (span[1] - span[0])  # keep inside the axes
            ax.text(position, 0.98, f" {chr(ord('a') + column)} ",
                    transform=ax.get_xaxis_transform(), ha="right" if at_end else "left",
                    va="top", fontsize=FONT["label"], color=theme.foreground)
        epsilon = self.views[0].run.experiment.train.epsilon if not several else 0.0
        if epsilon > 0:
            ax.axhline(epsilon, color=theme.muted, lw=0.7, ls=":")
            ax.text(0.01, epsilon, f"stop at {epsilon:g}", transform=ax.get_yaxis_transform(),
                    ha="left", va="bottom", fontsize=FONT["tick"], color=theme.muted)
        losses = np.concatenate([view.run.loss for view in self.views])
        if options.pca:
            for floor in sorted({round(view.pca[0], 12) for view in self.views}):
                ax.axhline(floor, color=theme.muted, lw=0.7, ls="--")
                ax.text(1.0, floor, f"PCA, 2 components: {floor:.4f} ",
                        transform=ax.get_yaxis_transform(), ha="right", va="bottom",
                        fontsize=FONT["tick"], color=theme.muted)
                losses = np.append(losses, floor)
        fix_loss_limits(ax, span, losses, options.log_loss)
        if several:
            ax.legend(fontsize=FONT["tick"], frameon=False, loc="upper right",
                      labelcolor=theme.foreground, borderaxespad=0.8)

    def _legend_entries(self) -> list[tuple[str, str]]:
        """(name, color) of every cluster of the first run; none for unlabeled data."""
        run = self.views[0].run
        labels = np.unique(run.labels)
        if labels.size == 1 and labels[0] < 0:
            return []
        return [(run.label_names[label] if 0 <= label < len(run.label_names)
                 else f"class {label}", cluster_color(self.theme, label, number))
                for number, label in enumerate(labels)]

    def _cluster_legend(self, middle: float) -> None:
        entries = self._legend_entries()
        handles = [self.figure.axes[0].plot([], [], "o", ms=4, mec="none", mfc=color)[0]
                   for _, color in entries]
        self.figure.legend(handles, [name for name, _ in entries], loc="center",
                           bbox_to_anchor=(0.5, middle / self.size[1]), ncol=len(entries),
                           frameon=False, fontsize=FONT["label"], handletextpad=0.2,
                           columnspacing=1.2, labelcolor=self.theme.foreground)

