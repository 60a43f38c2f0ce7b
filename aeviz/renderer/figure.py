"""Handout figures: the code plane at a few chosen epochs, one row per run, above the loss
curve that marks those epochs; with "decoder" among the panels, each run's row of code planes
has below it a row of what the decoder makes of the code plane at those moments (the mosaic of
decoded images, or the decoded sheet among the data, as the decoder panel draws them).
Sized in inches for a printed page (6.3 in: a text width), with
fonts in points that stay legible there; saved as PDF, SVG or PNG.

Everything a handout shows is read from the description of the clip (description.py): the code
planes' limits (shared by the runs, for their whole training), the decoded grid, its gray scale
and the sheet's limits, the loss panel's limits and reference lines, the runs' names and colors
and the code plane's layers (a VAE's circles above its codes, the decoded grid's points under
them, pull arrows), drawn by the clip's own overlays; so the panels of a row, and the rows,
compare like the frames of the clip. The moments shown are recorded snapshots, named as clips
name them. What a handout cannot show (motion: trails) is left out with a note.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import Formatter, MaxNLocator, NullFormatter
from matplotlib.transforms import Bbox, blended_transform_factory

from aeviz.errors import SettingError
from aeviz.files import atomic_path
from aeviz.renderer.budgets import within_budgets
from aeviz.renderer.description import (
    MARK_NAMES,
    DecoderGrid,
    Description,
    describe,
    loss_limits_for,
    mosaic_side_for,
    plane_marks,
    sheet_marks,
)
from aeviz.renderer.formats import FIGURE_FORMATS, output_kind
from aeviz.renderer.frames import nearest_snapshot, outside_runs
from aeviz.renderer.objective import OBJECTIVE_LABEL, objective_rmse
from aeviz.renderer.panels.code import GHOST_NAME, CodePanel, show_grid
from aeviz.renderer.panels.decoder import decoder_panel
from aeviz.renderer.panels.loss import (
    MARKER_PT,
    SPLIT_PT,
    end_dot_looks,
    fitting_texts,
    format_loss,
    reference_line,
    set_loss_limits,
)
from aeviz.renderer.panels.placement import (
    curve_points,
    draw_lines,
    fit_text,
    left_out_note,
    line_baselines,
    reading_order,
    text_width,
    wrap_sentences,
)
from aeviz.renderer.panels.sparsity import readouts, silent_shares
from aeviz.renderer.panels.style import class_name, cluster_color
from aeviz.renderer.panels.terms import name_axis, number_axis
from aeviz.renderer.panels.variational import KEY_TEXTS
from aeviz.renderer.scales import (
    apply_code_scale,
    follow_ticks,
    tick_name,
)
from aeviz.renderer.theme import THEMES, line_style
from aeviz.renderer.vector import save_vector
from aeviz.renderer.views import RunView, run_views
from aeviz.settings import RenderOptions
from aeviz.text import printable, quiet_glyphs
from aeviz.trajectory import Trajectory

DEFAULT_AT = "0,0.1,0.3,last"  # training moves most early on
# A run that diverged: its lesson is in its last steps (too-high-learning-rate's 0.1 and 0.3
# of the run looked like its start, the blow-up was missing). A step that multiplies the loss
# by more than CLIMB is part of the blow-up.
CLIMB = 2.0
MOST_CLIMB_COLUMNS = 3
MOST_COLUMNS = 8
TEXT_WIDTH = 6.3               # inches: A4 or Letter with ordinary margins
MOST_HEIGHT = 9.0              # inches: Letter's text block with 1 in margins (A4's is taller)
PNG_DPI = 200
FONT = {"title": 9, "label": 8, "tick": 7}  # points, at print size
INSET_GAP = 0.12  # axes fraction between flattened steps and the inset that shows them
INSET_LEAST = 0.3  # an inset's least height, axes fraction
INSET_MARKERS = 30  # an inset's points drawn as dots up to this many
INSET_NAMES = {  # an inset's name, long to short, over a log loss axis (True) or a linear one
    True: ("the same steps, on a linear scale", "the same steps, linear", "linear scale",
           "linear"),
    False: ("the same steps, enlarged", "enlarged")}
MOMENT_MARKER_PT = 3.2  # the loss curve's dot at each moment (diameter)
TERMS_ROOM = 0.55  # inches right of the loss plot for a terms axis's ticks and name
# Margins and gaps in inches.
LEFT, RIGHT, GAP, HEAD, LEGEND, BELOW_PLANES, LOSS_HEIGHT, BELOW_LOSS, TITLE = (
    0.55, 0.12, 0.07, 0.22, 0.24, 0.42, 1.55, 0.42, 0.3)
FOLLOW_GAP = 0.45  # between planes that each have their own tick labels
PLANE_LABELS = 0.3  # under a plane above its decoded row: its tick labels and axis label
UNDRAWN = ("weights", "recon")  # panels a handout does not draw (a still does)
NAMES_SHARE = 0.3  # of the figure's width, the most its runs' names at the curves' ends take
CAPTION_LINES = 3  # `render.caption` under the figure, wrapped, cut with an ellipsis beyond


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


def positions_of(moments: list[tuple[str, float]], views: list[RunView],
                 notify: Callable[[str], None] = lambda message: None) -> list[float]:
    """The recorded moments the `moments` name, on the runs' shared timeline: a fraction (or
    an epoch that was not recorded) snaps to the nearest snapshot, so that a handout never
    shows or names a moment that was not recorded."""
    timelines = [view.timeline for view in views]
    first = min(float(t[0]) for t in timelines)
    last = max(float(t[-1]) for t in timelines)
    recorded = np.unique(np.concatenate(timelines))
    positions = []
    for kind, value in moments:
        if kind == "epoch" and not first <= value <= last:
            raise SettingError("at", f"epoch {outside_runs(value, views)}")
        wanted = {"epoch": value, "last": last, "fraction": first + value * (last - first)}[kind]
        snapped = float(recorded[np.argmin(np.abs(recorded - wanted))])
        if kind == "epoch" and snapped != wanted:
            notify(f"epoch {wanted:g} was not recorded; showing the nearest snapshot, "
                   f"epoch {snapped:g}")
        if snapped in positions:  # two moments name one snapshot: shown once
            notify(f"the moment {_spelled(kind, value)} names the same recorded moment as an "
                   "earlier one; shown once")
            continue
        positions.append(snapped)
    return positions


def figure_positions(at: str | Sequence[Any] | None, views: list[RunView],
                     notify: Callable[[str], None] = lambda message: None) -> list[float]:
    """The handout's moments: those `at` names, or by default DEFAULT_AT's; for a single run
    that diverged, its start, its last moment before the blow-up and the blow-up's steps."""
    if at is None and diverged_alone(views):
        return blow_up_positions(views[0].timeline, np.asarray(views[0].run.loss, float))
    return positions_of(parse_at(at), views, notify)


def diverged_alone(views: list[RunView]) -> bool:
    """A handout of one run, which diverged: its default moments, readouts and inset show
    the blow-up."""
    return len(views) == 1 and views[0].run.meta.stop_reason == "diverged"


def blow_up_positions(timeline: np.ndarray, loss: np.ndarray) -> list[float]:
    """Where a diverged run's loss changes: its first moment, the last before the steps that
    each multiply the loss by more than CLIMB (the blow-up), and those steps (at most
    MOST_CLIMB_COLUMNS of them, spread evenly from the first to the last)."""
    calm = calm_end(loss)
    climb = np.arange(min(calm + 1, len(loss) - 1), len(loss))
    if len(climb) > MOST_CLIMB_COLUMNS:
        climb = climb[np.round(np.linspace(0, len(climb) - 1, MOST_CLIMB_COLUMNS)).astype(int)]
    picks = sorted({0, calm, *climb.tolist()})
    return [float(timeline[i]) for i in picks]


def calm_end(loss: np.ndarray) -> int:
    """The last snapshot before a diverged run's blow-up: the steps after it each multiply
    the loss by more than CLIMB."""
    calm = len(loss) - 1
    while calm > 1 and loss[calm] > CLIMB * loss[calm - 1]:
        calm -= 1
    return calm


def _spelled(kind: str, value: float) -> str:
    return "last" if kind == "last" else f"{value:g}"


def draw_figure(runs: list[Trajectory], output: str | Path, options: RenderOptions,
                at: str | Sequence[Any] | None = None, width: float | None = None,
                notify: Callable[[str], None] = lambda message: None) -> None:
    """Draw the handout figure of `runs` at the moments `at` and save it to `output`."""
    kind = check_figure_output(output)
    views = run_views(runs, options)
    options = within_budgets(views, options, notify)
    positions = figure_positions(at, views, notify)
    with quiet_glyphs():  # noted once, by the description
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
        timelines = [view.timeline for view in views]
        self.span = (min(float(t[0]) for t in timelines), max(float(t[-1]) for t in timelines))
        # The clip's description: its panels' limits, grids, colors and layers.
        # (The handout's rows are code planes whatever the panels; it describes them too.)
        panels = options.panels if "code" in options.panels else ("code", *options.panels)
        self.description: Description = describe(
            views, dataclasses.replace(options, panels=panels), self.span)
        self.notes: list[str] = list(self.description.notes)
        if options.trails:
            self.notes.append("handout: trails are left out (a handout shows moments, not "
                              "motion)")
        if (len(views) > 1 and any(run.terms for run in self.description.runs)
                and "loss" in options.panels):  # one run's are drawn, on their own axis
            self.notes.append("handout: the objective's other terms (" + ", ".join(sorted(
                {term.title for run in self.description.runs for term in run.terms}))
                + ") are not drawn; a clip's or still's loss panel shows them")
        left_out = [name for name in options.panels if name in UNDRAWN]
        if left_out:
            self.notes.append(f"handout: the {' and '.join(left_out)} panel"
                              f"{'s are' if len(left_out) > 1 else ' is'} left out (a handout "
                              "shows code planes, decoder and loss); a still (.png, .pdf, .svg) "
                              "shows every panel")
        self.colors = [run.color for run in self.description.runs]
        columns = len(positions)
        # A sparse-code run's planes: how many codes each neuron leaves near zero, above
        # each plane as the clip's readout is (the lesson's number, not only the caption's).
        self.readouts: list[str] = []
        self.terms = len(views) == 1 and bool(self.description.runs[0].terms) and \
            "loss" in options.panels
        # A row of decoder outputs under each run's code planes, when the panels name it.
        self.decoder = "decoder" in options.panels
        self.rows_per_run = 2 if self.decoder else 1
        # Between a plane and its decoded row: room for the plane's tick labels and axis label
        # (without, the planes above a decoded row had none).
        self.inner = PLANE_LABELS if self.decoder else GAP
        # With "follow" scales every plane has its own limits, so its own tick labels: room
        # for them between the columns.
        self.follow = options.scales == "follow"
        self.gap = FOLLOW_GAP if self.follow else GAP
        # Rows on scales of their own ("own", "follow") each carry their x numbers: room
        # for them under every row, not the last alone.
        self.own_rows = options.scales != "shared" and len(views) > 1
        self.row_gap = FOLLOW_GAP if self.own_rows else GAP
        self.cell = (width - LEFT - RIGHT - self.gap * (columns - 1)) / columns
        if self.cell < 0.5:
            raise SettingError("at", f"{columns} moments do not fit {width:g} inches; give "
                               "fewer or a larger width")
        title = TITLE if options.title else 0
        key_rows = self._key_rows(width)
        legend = LEGEND * key_rows
        # Room right of the loss plot for the runs' names at the ends of their curves (one
        # run: for its terms axis, if it has one).
        # (a name as long as it fits a share of the width: a 4,000-character label left the
        # loss plot a negative width, a traceback; cut with an ellipsis, and said)
        self.names = [fit_text(v.label, FONT["label"], NAMES_SHARE * width * 72) for v in views]
        cut = [v.label for v, name in zip(views, self.names) if name != v.label]
        if cut and len(views) > 1:
            self.notes.append(f"handout: run name{'s' if len(cut) > 1 else ''} "
                              f"{', '.join(printable(name, 40) for name in cut)} cut to fit "
                              f"{width:g} inches")
        self.names_room = ((max(text_width(name, FONT["label"]) for name in self.names)
                            + NAME_LEADER_PT) / 72 + 0.1 if len(views) > 1
                           else TERMS_ROOM if self.terms else 0.0)
        if len(views) == 1 and "axes" in self.description.panel("code", 0).layers:
            self.readouts = self._readouts(views[0], positions)
        elif diverged_alone(views):
            # On a loss axis 28 decades tall the first steps' rise is flat: each plane's
            # recorded RMSE above it (the clip's readout) shows it.
            view = views[0]
            losses = [float(view.run.loss[nearest_snapshot(view.timeline, position)])
                      for position in positions]
            forms = [(f"RMSE {format_loss(loss)}", format_loss(loss)) for loss in losses]
            fits = [text_width(long, FONT["tick"]) <= self.cell * 72 - 2 for long, _ in forms]
            # Named in every plane where every name fits; else in the first alone, as a
            # table names its column once (named here and there read as two quantities).
            self.readouts = [long if all(fits) or (number == 0 and fits[0]) else short
                             for number, (long, short) in enumerate(forms)]
        rows = len(views) * self.rows_per_run
        # A margin on the right: Agg draws text a little wider than its outline measures.
        caption = wrap_sentences(options.caption or "", FONT["label"],
                            (width - LEFT - RIGHT) * 72 - 2 * FONT["label"], CAPTION_LINES)
        note = left_out_note(options.caption or "", caption, "the handout")
        if note:
            self.notes.append(note)
        # As tall as its lines, their math included (a fraction, a sum's limits).
        below = max(len(caption) * 1.25 * FONT["label"],
                    line_baselines(caption, FONT["label"])[1]) / 72 + 0.08 if caption else 0.0
        height, head = self._fit_titles(positions, rows)
        fixed = title + legend + BELOW_PLANES + LOSS_HEIGHT + BELOW_LOSS + below
        if fixed + height > MOST_HEIGHT and self.cell > 0.5:
            # Taller than a page's text block: smaller planes (centered across the page),
            # down to the smallest a moment can have.
            self.cell = max(self.cell - (fixed + height - MOST_HEIGHT) / rows, 0.5)
            height, head = self._fit_titles(positions, rows)
        planes = height - head
        shift = (width - LEFT - RIGHT - self.cell * columns - self.gap * (columns - 1)) / 2
        height = title + legend + head + planes + BELOW_PLANES + LOSS_HEIGHT + BELOW_LOSS + below
        self.size = (width, height)
        with rc_context(self.theme.rc(FONT)):
            self.figure = Figure(figsize=self.size)
            FigureCanvasAgg(self.figure)
            top = height - title - legend - head
            for row, view in enumerate(views):
                for column, position in enumerate(positions):
                    left = LEFT + shift + column * (self.cell + self.gap)
                    place = row * self.rows_per_run
                    bottom = top - (place + 1) * self.cell - place * self.row_gap - row * (
                        self.inner - self.row_gap) * (self.rows_per_run - 1)
                    self._plane(view, row, column, position, (left, bottom))
                    if self.decoder:
                        self._decoded(view, row, column, position,
                                      (left, bottom - self.cell - self.inner))
            self._loss(BELOW_LOSS + below)
            if caption:
                draw_lines(self.figure, LEFT / width, 0.04, caption, FONT["label"],
                           self.theme.foreground)
            if legend:
                self._cluster_legend(height - title - legend / 2, key_rows)
            if options.title:  # as long as the page is wide (cut, and said)
                title_text = fit_text(options.title, FONT["title"] + 1,
                                      (width - LEFT - RIGHT) * 72, bold=True)
                if title_text != options.title:
                    self.notes.append(f"handout: its title is cut to fit {width:g} inches")
                self.figure.text(LEFT / width, 1 - 0.05 / height, title_text, ha="left",
                                 va="top", fontsize=FONT["title"] + 1, fontweight="bold")
            hide_colliding_ticks(self.figure)

    def _fit_titles(self, positions: list[float], rows: int) -> tuple[float, float]:
        """The moments' titles fitted to the planes' width (self.titles, self.title_size):
        the height of the titles' line and the rows of planes under it, and of the line."""
        self.titles = [f"({chr(ord('a') + column)}) {self._moment_name(position)}"
                       for column, position in enumerate(positions)]
        self.title_size = FONT["title"]
        if max(text_width(t, FONT["title"]) for t in self.titles) > self.cell * 72 - 2:
            # "epoch 1, batch 9/13" on two lines where one does not fit the plane's width
            self.titles = [t.replace(", ", ",\n", 1) for t in self.titles]
        if max(text_width(line, FONT["title"]) for t in self.titles
               for line in t.split("\n")) > self.cell * 72 - 2:  # and smaller, if need be
            self.title_size = FONT["label"]
        head = HEAD + 1.2 * self.title_size / 72 * max(t.count("\n") for t in self.titles)
        head += self._readout_height() / 72
        runs = rows // self.rows_per_run
        return head + rows * self.cell + (rows - 1) * self.row_gap + runs * (
            self.inner - self.row_gap) * (self.rows_per_run - 1), head

    def _axes(self, left: float, bottom: float, width: float, height: float) -> Axes:
        """Axes at a place given in inches, in the theme's look (see Theme.rc), sized for
        print."""
        ax = self.figure.add_axes(self._rect(left, bottom, width, height))
        for spine in ax.spines.values():
            spine.set_linewidth(0.6)
        ax.tick_params(length=2, width=0.5, pad=1.5)
        ax.grid(True, linewidth=0.4)
        return ax

    def _rect(self, left: float, bottom: float, width: float, height: float) -> tuple:
        """A place given in inches, as figure fractions."""
        fig_width, fig_height = self.size
        return (left / fig_width, bottom / fig_height, width / fig_width, height / fig_height)

    def _printed(self, ax: Axes) -> Axes:
        """The axes' lines and text at print sizes (a clip's panel drawn in a cell)."""
        for spine in ax.spines.values():
            spine.set_linewidth(0.6)
        ax.tick_params(length=2, width=0.5, pad=1.5, labelsize=FONT["tick"])
        ax.xaxis.label.set_size(FONT["label"])
        ax.yaxis.label.set_size(FONT["label"])
        for line in ax.get_xgridlines() + ax.get_ygridlines():
            line.set_linewidth(0.4)
        ax.tick_params(which="major", grid_linewidth=0.4)
        return ax

    def _label(self, ax: Axes, x: str = "", y: str = "") -> None:
        if x:
            ax.set_xlabel(x, labelpad=2)
        if y:
            ax.set_ylabel(y, labelpad=2)


    def _readouts(self, view: RunView, positions: list[float]) -> list[str]:
        """Each moment's share of codes near zero per code neuron (the clip's readout, on the
        snapshot the plane shows), in the longest form that fits a plane's width, else on two
        lines, else on three (six moments on a page)."""
        room_pt = self.cell * 72 - 2
        texts = []
        for position in positions:
            forms = readouts(silent_shares(view.codes[nearest_snapshot(view.timeline,
                                                                       position)]))
            # What "near 0" is (|code| < 0.03), on a line of its own where need be.
            bound, _ = forms[0].split(": ", 1)
            two_lines = forms[1].replace("near 0: ", bound + ":\n", 1)
            forms = [forms[0], forms[0].replace(": ", ":\n", 1), two_lines, forms[1],
                     two_lines.replace(", ", "\n", 1)]  # narrow planes: a line each
            texts.append(next((form for form in forms if text_width(form, FONT["tick"])
                               <= room_pt), forms[-1]))
        return texts

    def _readout_height(self) -> float:
        """The room the readouts take above the planes, in points (none: 0)."""
        if not self.readouts:
            return 0.0
        return (1 + max(t.count("\n") for t in self.readouts)) * 1.15 * FONT["tick"] + 2

    def _plane(self, view: RunView, row: int, column: int, position: float,
               corner: tuple[float, float]) -> None:
        """One code plane: the clip's code panel, in a cell, at the run's snapshot nearest to
        `position`, on the description's scale and with its layers."""
        snapshot = nearest_snapshot(view.timeline, position)
        theme = self.theme
        described = self.description.panel("code", row)
        layers = tuple(layer for layer in described.layers if layer != "trails")
        panel = CodePanel(self.figure, self._rect(*corner, self.cell, self.cell), view,
                          self.theme, self.options, "", legend=False,
                          scale=described.code.scale, layers=layers, compact=True)
        self.notes += [note for note in panel.notes if note not in self.notes]
        ax = self._printed(panel.ax)
        if "grid" in layers:  # the points of the images decoded below it
            show_grid(ax, self._grid(row).points(), self.theme, size=2.0, width=0.4)
        panel.update(view.state(snapshot))
        if self.options.scales == "follow":  # the reach so far: limits grow left to right
            follow_ticks(ax, FONT["tick"], 3)
        else:  # one decade each side on a blow-up: more would collide in a small plane
            apply_code_scale(ax, self.figure, described.code.scale, per_side=1)
            if not described.code.scale.blows_up:  # few ticks: a small square
                for axis in (ax.xaxis, ax.yaxis):
                    axis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))
        shown = float(view.timeline[snapshot])
        if row == 0:
            readout = self._readout_height()
            ax.set_title(self.titles[column], fontsize=self.title_size, pad=3 + readout)
            if readout:
                ax.annotate(self.readouts[column], (0, 1), xycoords="axes fraction",
                            xytext=(0, 2), textcoords="offset points", ha="left",
                            va="bottom", fontsize=FONT["tick"], color=theme.muted,
                            linespacing=1.15)
        if shown != position:  # this run has no snapshot there (it ended, or records less)
            finished = position > view.timeline[-1]
            moment, why = view.step_label(snapshot), "(its end)" if finished else "shown"
            # Within its plane: on two lines where one is wider ("epoch 1, batch 12/13 (its
            # end)" ran into the next plane's; a tester's), each cut to it if need be.
            room = 0.94 * self.cell * 72
            head, _, tail = moment.rpartition(", ")
            forms = [[f"{moment} {why}"], [moment, why], [f"{head},", f"{tail} {why}"],
                     [f"{head},", tail, why]] if head else [[f"{moment} {why}"], [moment, why]]
            lines = next((form for form in forms if all(
                text_width(line, FONT["tick"]) <= room for line in form)), forms[-1])
            what = "\n".join(fit_text(line, FONT["tick"], room) for line in lines)
            ax.text(0.97, 0.03, what, transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=FONT["tick"], color=theme.muted)
        last_row = row == len(self.views) - 1 or self.decoder  # (a decoded row under it)
        ax.tick_params(labelleft=column == 0 or self.follow,
                       labelbottom=last_row or self.own_rows)
        ax.set_xlabel("")
        ax.set_ylabel("")
        if column == 0:
            several = len(self.views) > 1
            self._label(ax, y=self._row_name(self.names[row]) if several
                        else "code neuron 2")
            if several:
                ax.yaxis.label.set_color(self.colors[row])
        if column == 0 and last_row:
            self._label(ax, x="code neuron 1")
            if self.decoder:  # from the plane's left edge: clear of the decoded row's name
                ax.set_xlabel("code neuron 1", labelpad=2, loc="left")

    def _decoded(self, view: RunView, row: int, column: int, position: float,
                 corner: tuple[float, float]) -> None:
        """What the decoder makes of the code plane at the snapshot nearest to `position`:
        the clip's decoder panel in a cell (the mosaic of a grid's decoded images, or the
        decoded grid as a sheet among the data), on the description's region and limits."""
        grid = self._grid(row)
        panel = decoder_panel(self.figure, self._rect(*corner, self.cell, self.cell), view,
                              self.theme, "", grid, compact=True, triad=column == 0)
        panel.update(view.state(nearest_snapshot(view.timeline, position)))
        ax = self._printed(panel.ax)
        if column == 0:
            several = len(self.views) > 1
            self._label(ax, y=self._row_name(f"{self.names[row]}, decoded") if several
                        else "decoded grid")
            if several:
                ax.yaxis.label.set_color(self.colors[row])

    def _row_name(self, name: str) -> str:
        """A run's name beside its row, up its plane's side: as long as the plane is tall
        (a 60-character name ran off the top of the page)."""
        return fit_text(name, FONT["label"], self.cell * 72)

    def _grid(self, row: int) -> DecoderGrid:
        """Run `row`'s decoded grid: the clip's region and gray scale; a mosaic with as many
        images as a cell holds by the clip's rule (each image pixel PIXEL_PX pixels or more
        in the PNG), which the plane's grid points above it mark."""
        grid = self.description.panel("decoder", row).decoder
        if grid.kind != "mosaic":
            return grid
        room = self.cell * PNG_DPI
        shape = self.views[row].run.experiment.data.image_shape
        return dataclasses.replace(grid, side=mosaic_side_for((room, room), shape))

    def _moment_name(self, position: float) -> str:
        """The recorded moment at `position`, named as clips name it ("epoch 30", "epoch 1,
        batch 9/13"), by the first run that recorded it."""
        for view in self.views:
            matches = np.flatnonzero(view.timeline == position)
            if matches.size:
                return view.step_label(int(matches[0]))
        return f"epoch {position:g}"  # unreachable: positions are recorded moments

    def _loss(self, bottom: float) -> None:
        """The loss curves with the chosen moments marked, lettered like the planes, each
        run named at the end of its curve."""
        width = self.size[0] - LEFT - RIGHT - self.names_room
        ax = self._axes(LEFT, bottom, width, LOSS_HEIGHT)
        self._label(ax, "epoch", "RMSE")
        theme, options, several = self.theme, self.options, len(self.views) > 1
        end = max(self.positions) if not options.future else np.inf
        curves = []
        for number, view in enumerate(self.views):
            color = self.colors[number] if several else theme.accent
            shown = view.timeline <= end
            ax.plot(view.timeline[shown], view.run.loss[shown], color=color, lw=1.1,
                    ls=line_style(self.description.runs[number].style))  # the clip's
            curves.append((view.timeline[shown], view.run.loss[shown]))
        objective = objective_rmse(self.views[0].run) if not several else None
        if objective is not None:  # a denoising run: what it is trained on, dashed, as clips
            view = self.views[0]
            shown = view.timeline <= end
            ax.plot(view.timeline[shown], objective[shown], color=theme.runs[2], lw=1.0,
                    ls="--")
            curves.append((view.timeline[shown], objective[shown]))
            ax.set_ylabel(f"RMSE (dashed: {OBJECTIVE_LABEL})")
        span = self.span
        limits = self.description.panel("loss").loss if self.description.panel("loss") else \
            loss_limits_for(self.views, options, span)
        set_loss_limits(ax, limits.x, limits.y, limits.log)
        self._batch_axis(ax)
        self._markers_inside(ax, curves)
        letters = []
        renderer = self.figure.canvas.get_renderer()
        line = 1.2 * FONT["label"] / 72 / LOSS_HEIGHT
        to_axes = ax.transAxes.inverted()
        crossed = curve_points(ax, curves)
        space = 0.3 * FONT["label"] / 72 / width  # a letter's padding spaces, axes fraction
        for column, position in enumerate(self.positions):
            ax.axvline(position, color=theme.muted, lw=0.6, ls=":", zorder=1)
            # Keep inside the axes (whose x may reach past the span: to a batch axis's end).
            left, right = ax.get_xlim()
            at_end = position > left + 0.95 * (right - left)
            letter = ax.text(position, 0.98, f" {chr(ord('a') + column)} ",
                             transform=ax.get_xaxis_transform(),
                             ha="right" if at_end else "left", va="top",
                             fontsize=FONT["label"], color=theme.foreground)
            # A line lower while it overlaps another letter (moments close together) or a
            # curve crosses its glyph (a blow-up rises to the top right, through the last
            # letter); where no height is clear of the curve, at the top, as before.
            highest = None  # the highest height clear of the other letters
            for _ in range(int(0.6 / line)):
                box = letter.get_window_extent(renderer)
                (x0, y0), (x1, y1) = to_axes.transform(box)
                hit = crossed[(crossed[:, 0] > x0 + space) & (crossed[:, 0] < x1 - space)
                              & (crossed[:, 1] > y0 - 0.02) & (crossed[:, 1] < y1 + 0.02)]
                if not any(box.overlaps(other.get_window_extent(renderer))
                           for other in letters):
                    if not len(hit):
                        break
                    highest = letter.get_position()[1] if highest is None else highest
                letter.set_y(letter.get_position()[1] - line)
            else:
                if highest is not None:
                    letter.set_y(highest)
            letters.append(letter)
        # The reference lines' labels clear of the curves and of the moments' letters.
        self.figure.canvas.draw()
        taken = []
        for letter in letters:
            (x0, y0), (x1, y1) = to_axes.transform(letter.get_window_extent())
            taken.append((x0, y0, x1 - x0, y1 - y0))
        points = curve_points(ax, curves)
        if self.terms:  # a single run's other terms, on their own axis as in the clip
            points = np.concatenate([points, self._terms(ax, limits.terms_top, end)])
        # The moments' dotted lines are crossed by no label either ("stop at 0.0|35").
        to_x = (ax.transData + ax.transAxes.inverted())
        lines = np.zeros((0, 2))
        for position in self.positions:
            x = to_x.transform((position, 1.0))[0]
            lines = np.concatenate([lines, np.column_stack(
                [np.full(200, x), np.linspace(0, 1, 200)])])
        if diverged_alone(self.views):
            taken.extend(self._calm_inset(ax, end))
        for ref in limits.references:
            taken.append(reference_line(ax, ref.level, fitting_texts(ax, list(ref.texts),
                                                                     FONT["tick"]),
                                        ref.style, theme, points, taken, font_size=FONT["tick"],
                                        scale=0.6, lines=lines,
                                        marker_pt=(MOMENT_MARKER_PT + 0.5) / 2))
        self._moment_dots(ax)
        if several:
            self._end_names(ax, curves)

    def _calm_inset(self, ax: Axes, end: float) -> list[tuple]:
        """A diverged run's steps before its blow-up again, on a linear scale, in an inset
        above them, each point over its own on the x axis: on an axis reaching the blow-up
        they lie flat (too-high-learning-rate's RMSE rising unevenly from 0.18 to 1.09 read
        as a line at 1 on a log axis up to 1e27, as a line at 0 on a linear one). Its
        numbers stand inside it, away from the loss axis's (a lecturer read "0.4", outside
        it on the log axis's unnamed 1e9 line, as that line's); its name above it, as long
        as it fits. Returns the boxes it takes (axes fractions), which labels keep clear of;
        none where those steps are not flattened or there is no room."""
        view = self.views[0]
        loss = np.asarray(view.run.loss, float)
        calm = calm_end(loss)
        steps, values = view.timeline[:calm + 1], loss[:calm + 1]
        if calm < 2 or steps[-1] > end:
            return []
        to_axes = ax.transData + ax.transAxes.inverted()
        (left, low), (right, high) = to_axes.transform([(steps[0], values.min()),
                                                         (steps[-1], values.max())])
        bottom = high + INSET_GAP
        name_height = 1.4 * FONT["tick"] / 72 / LOSS_HEIGHT  # its name's line, above it
        top = 1 - 2.4 * FONT["label"] / 72 / LOSS_HEIGHT - name_height  # under the letters
        if bottom > top - INSET_LEAST or low > INSET_GAP:
            return []
        theme = self.theme
        inset = ax.inset_axes([left, bottom, right - left, top - bottom], zorder=4)
        inset.set_facecolor(theme.background)
        inset.plot(steps, values, color=theme.accent, lw=1.0, clip_on=False,  # ends whole
                   marker="o" if len(steps) <= INSET_MARKERS else None, ms=2.2)
        for position in self.positions:  # the moments' lines, which it covers, through it
            if steps[0] < position < steps[-1]:
                inset.axvline(position, color=theme.muted, lw=0.6, ls=":", zorder=1)
        inset.set_xlim(steps[0], steps[-1])
        pad = 0.08 * (values.max() - values.min()) or 0.08 * abs(values.max()) or 1.0  # flat
        inset.set_ylim(values.min() - pad, values.max() + pad)
        inset.set_xticks([t for t in ax.get_xticks() if steps[0] <= t <= steps[-1]], [])
        inset.yaxis.set_major_formatter(NullFormatter())
        inset.tick_params(length=0)
        inset.grid(True, linewidth=0.4)  # its own lines, through its numbers' values
        for spine in inset.spines.values():
            spine.set_linewidth(0.6)
        renderer = self.figure.canvas.get_renderer()
        box = inset.get_window_extent(renderer)
        # Its name: the longest form as wide as it, over the moments' dotted lines.
        name = inset.text(0, 1.02, "", transform=inset.transAxes, ha="left", va="bottom",
                          fontsize=FONT["tick"], color=theme.muted, zorder=5,
                          bbox={"facecolor": theme.background, "edgecolor": "none",
                                "pad": 0.5})
        # (on a linear loss axis it enlarges them: "on a linear scale" said nothing new)
        for form in INSET_NAMES[ax.get_yscale() == "log"]:
            name.set_text(form)
            if name.get_window_extent(renderer).width <= box.width:
                break
        labels = self._inset_numbers(inset, steps, values, renderer)
        # The loss axis's numbers beside the inset and its name would read as its scale
        # ("1e18" by batch 6's 0.87; "1e15" ran into its name): only those above and below.
        from_axes = ax.transAxes + ax.transData.inverted()
        band = from_axes.transform([(0, bottom - 0.05), (0, top + name_height + 0.05)])[:, 1]
        ax.yaxis.set_major_formatter(BlankedFormatter(ax.yaxis.get_major_formatter(), *band))
        to_frac = ax.transAxes.inverted()
        boxes = [to_frac.transform(artist.get_window_extent(renderer))
                 for artist in [inset, name, *labels]]
        return [(x0, y0, x1 - x0, y1 - y0) for (x0, y0), (x1, y1) in boxes]

    def _inset_numbers(self, inset: Axes, steps: np.ndarray, values: np.ndarray,
                       renderer) -> list:
        """The inset's numbers, inside its right side (away from the loss axis's), each
        whole inside it and clear of its curve: three, else two; at its left side where the
        right keeps fewer than two clear; where neither does, two on the right, the curve
        under them."""
        along = blended_transform_factory(inset.transAxes, inset.transData)
        points = curve_points(inset, [(steps, values)])
        to_inset = inset.transAxes.inverted()
        low, high = inset.get_ylim()
        tries = []  # (inside, clear of the curve), in the order preferred
        for count in (3, 2):
            ticks = [t for t in MaxNLocator(count).tick_values(low, high) if low <= t <= high]
            for at, align in ((0.985, "right"), (0.015, "left")):
                inside, clear = [], []
                for tick in ticks:
                    label = inset.text(at, tick, tick_name(tick), transform=along, ha=align,
                                       va="center", fontsize=FONT["tick"], zorder=2,
                                       color=self.theme.muted,
                                       bbox={"facecolor": self.theme.background,
                                             "edgecolor": "none", "pad": 1.0})
                    (x0, y0), (x1, y1) = to_inset.transform(label.get_window_extent(renderer))
                    if 0 <= y0 and y1 <= 1:
                        inside.append(label)
                        if not ((points[:, 0] > x0 - 0.01) & (points[:, 0] < x1 + 0.01)
                                & (points[:, 1] > y0 - 0.02) & (points[:, 1] < y1 + 0.02)).any():
                            clear.append(label)
                tries.append((inside, clear))
        kept = next((clear for _, clear in tries if len(clear) >= 2), tries[2][0])
        for label in inset.texts[:]:  # every other try's (its name, on transAxes, stays)
            if label not in kept and label.get_transform() is not inset.transAxes:
                label.remove()
        inset.set_yticks([label.get_position()[1] for label in kept])  # its grid lines
        return kept

    def _moment_dots(self, ax: Axes) -> None:
        """Each run's dot on its curve at each moment; runs' dots at one place drawn as the
        clip draws its end dots (panels/loss.py end_dot_looks: the halves of one dot, a third
        nested inside), so that none hides another (the optimizers' four shared one start
        dot, only Adam's showing). Drawn once the axes' limits are final."""
        several = len(self.views) > 1
        points = np.array([[(float(view.timeline[i]), float(view.run.loss[i])) for i in (
            nearest_snapshot(view.timeline, position) for position in self.positions)]
            for view in self.views])  # [runs, moments, 2]
        looks = [end_dot_looks(ax.transData.transform(points[:, moment]),
                               self.figure.dpi / 72, MOMENT_MARKER_PT)
                 for moment in range(len(self.positions))]
        for number in range(len(self.views)):
            color = self.colors[number] if several else self.theme.accent
            for size, fill in sorted({look[number] for look in looks}):
                shown = [moment for moment, look in enumerate(looks)
                         if look[number] == (size, fill)]
                # Unclipped: the first and last moments' dots sit on the axes' edges, whole.
                ax.plot(points[number, shown, 0], points[number, shown, 1], "o", ms=size,
                        fillstyle=fill, color=color, mec=self.theme.background, mew=0.5,
                        zorder=3, clip_on=False)

    def _markers_inside(self, ax: Axes, curves: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Raise the loss axis's top until the highest point of a curve (a moment's dot on
        it) lies a dot's radius inside the frame (a blow-up's last dot sat on the top line)."""
        room = (MOMENT_MARKER_PT / 2 + 1) / 72 / LOSS_HEIGHT  # axes fraction
        points = curve_points(ax, curves)
        if not len(points) or points[:, 1].max() <= 1 - room:
            return
        highest = float(points[:, 1].max())
        low, high = ax.get_ylim()
        if ax.get_yscale() == "log":
            ax.set_ylim(low, low * (high / low) ** (highest / (1 - room)))
        else:
            ax.set_ylim(low, low + (high - low) * highest / (1 - room))

    def _terms(self, ax: Axes, top: float, end: float) -> np.ndarray:
        """The run's other terms (the codes' L1 size, a VAE's KL) on a right axis from 0 to
        the description's `top` (where they run under PCA's line and the RMSE), dash-dot
        as the clip draws them, the axis named in their color; their points (axes fractions
        of `ax`), which a reference label must keep clear of."""
        view, terms = self.views[0], self.description.runs[0].terms
        twin = ax.twinx()
        twin.spines["right"].set_linewidth(0.6)
        twin.tick_params(length=2, width=0.5, pad=1.5, labelsize=FONT["tick"])
        twin.grid(False)
        shown = view.timeline <= end
        curves = []
        for number, term in enumerate(terms):
            values = view.run.terms[shown, number]
            twin.plot(view.timeline[shown], values, color=term.color, lw=1.0, ls=term.style)
            curves.append((view.timeline[shown], values))
        twin.set_ylim(0, top)
        twin.set_xlim(ax.get_xlim())
        twin.yaxis.set_major_locator(MaxNLocator(4))
        ticks = number_axis(twin, view.run.terms, top)  # as the clip's
        name_axis(twin, terms, self.theme, ticks[-1] if ticks else None, labelpad=2)
        to_ax = twin.transData + ax.transAxes.inverted()
        points = [to_ax.transform(np.column_stack([x, y])) for x, y in curves]
        return np.concatenate(points) if points else np.zeros((0, 2))

    def _batch_axis(self, ax: Axes) -> None:
        """A handout whose moments all lie in epoch 1 (a run recorded batch by batch, named
        "epoch 1, batch 4/13" above its planes) counts its x axis in those batches too, not
        in fractions of an epoch that no title names."""
        steps = {view.run.meta.steps_per_epoch for view in self.views}
        if len(steps) != 1 or not (per_epoch := steps.pop()) or self.span[1] > 1:
            return
        ax.set_xlabel(f"batch of epoch 1 (of {per_epoch})")
        ticks = np.arange(0, int(round(ax.get_xlim()[1] * per_epoch, 6)) + 1)  # to its end
        ax.set_xticks(ticks / per_epoch, [f"{t}" for t in ticks])

    def _end_names(self, ax: Axes, curves: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Each run's name at the right end of its curve, in its color (instead of a legend
        that could be read as the classes'): names that would overlap moved apart as little
        as they can, in the order of their curves' ends, each joined to its own end by a line
        in its color where moved (Momentum's red dot had "RMSProp" beside it: a grey print
        must still say which curve is which)."""
        to_axes = ax.transData + ax.transAxes.inverted()
        ends = np.array([to_axes.transform((x[-1], y[-1]))[1] if len(x) else 0.5
                         for x, y in curves], float)
        line = 1.15 * FONT["label"] / 72 / LOSS_HEIGHT
        placed = spread_names(ends, line)
        width_pt = ax.get_position().width * self.size[0] * 72
        name_x = 1 + NAME_LEADER_PT / width_pt
        dot_x = 1 + (SPLIT_PT / MARKER_PT * MOMENT_MARKER_PT / 2 + 1) / width_pt
        for number in range(len(self.views)):
            ax.text(name_x, placed[number], self.names[number], transform=ax.transAxes,
                    ha="left",
                    va="center", fontsize=FONT["label"], color=self.colors[number])
            if abs(placed[number] - ends[number]) > line / 4:
                ax.plot([dot_x, name_x - 1.5 / width_pt], [ends[number], placed[number]],
                        color=self.colors[number], lw=0.6, transform=ax.transAxes,
                        clip_on=False, gid="leader")

    def _legend_entries(self) -> list[tuple[str, str]]:
        """(name, color) of every class of the first run; none for unlabeled data."""
        run = self.views[0].run
        labels = np.unique(run.labels)
        if labels.size == 1 and labels[0] < 0:
            return []
        return [(class_name(run.label_names, label), cluster_color(self.theme, label))
                for label in labels]

    def _variational(self) -> tuple[bool, ...]:
        """Whether the planes draw a VAE's circles, and its codes' σ ellipses (empty: no
        circles)."""
        layers = {layer for panel in self.description.panels for layer in panel.layers}
        return ("circles" in layers, "ellipses" in layers) if "circles" in layers else ()

    def _key(self) -> tuple[list, list[str]]:
        """The key's handles and names, in the clip's order: first the classes; then what
        the rings are where the planes draw PCA's projection (a ring with no name reads as a
        class), a VAE's circles and ellipses, the decoder's grid points on the planes and its
        sheet (strong where the codes are, faint beyond) and a denoising run's noisy inputs
        (MARK_NAMES' order)."""
        handles = [Line2D([], [], ls="", marker="o", ms=4, mec="none", mfc=color)
                   for _, color in self._legend_entries()]
        names = [name for name, _ in self._legend_entries()]
        keyed: list[tuple[Line2D, str]] = []
        foreground, muted = self.theme.foreground, self.theme.muted
        planes = {mark for panel in self.description.panels
                  for mark in plane_marks(panel.layers)}
        if "ghost" in planes:
            keyed.append((Line2D([], [], ls="", marker="o", ms=5, mfc="none", mec=muted,
                                 mew=0.7), GHOST_NAME))
        if self._variational():  # (lines of no axes: the planes' own lines are theirs alone)
            keyed.append((Line2D([], [], color=foreground, lw=0.8, ls="--"), KEY_TEXTS[0]))
            if self._variational()[1]:
                keyed.append((Line2D([], [], color=foreground, lw=0.5, alpha=0.6),
                              KEY_TEXTS[1]))
        if "grid" in planes and self.decoder:
            keyed.append((Line2D([], [], ls="", marker="+", ms=4, mew=0.6, color=muted),
                          MARK_NAMES["grid"][0]))
        marks = {mark for panel in self.description.panels if panel.decoder is not None
                 and panel.name == "decoder" for mark in sheet_marks(panel.decoder)}
        if self.decoder and marks:  # the sheets' marks but "data" (the classes' dots)
            looks = {"sheet": {"color": foreground, "lw": 0.8, "alpha": 0.75},
                     "beyond": {"color": foreground, "lw": 0.8, "alpha": 0.3},
                     "noisy": {"marker": "x", "ms": 4, "ls": "-", "lw": 0.6, "color": muted}}
            keyed += [(Line2D([], [], **looks[mark]), MARK_NAMES[mark][0])
                      for mark in ("sheet", "beyond", "noisy") if mark in marks]
        self.key_classes = len(names)
        return handles + [h for h, _ in keyed], names + [n for _, n in keyed]

    def _key_rows(self, width: float) -> int:
        """The key's rows: one where it fits the page's width, else two."""
        _, names = self._key()
        if not names:
            return 0
        entry_pt = (KEY_HANDLE + KEY_PAD + KEY_SPACING) * FONT["label"]
        wide = sum(text_width(name, FONT["label"]) for name in names) + entry_pt * len(names)
        return 1 if wide <= (width - LEFT - RIGHT) * 72 else 2

    def _cluster_legend(self, middle: float, rows: int) -> None:
        """The key across the page (see _key), on `rows` rows."""
        handles, names = self._key()
        classes = self.key_classes
        # Each row read left to right, the marks in columns of their own (the "0" sat under
        # "decoder's grid points", apart from 1 to 9; rows read "0 2 4 6 8").
        entries = list(zip(handles, names))
        blank = (Line2D([], [], ls=""), "")
        groups = [group for group in (entries[:classes], entries[classes:]) if group]
        # A few classes on one row of their own (the arc's read "left top / right").
        groups = [group + [blank] * (rows - 1) * len(group)
                  if number == 0 and classes and len(group) <= FEW_ON_ONE_ROW else group
                  for number, group in enumerate(groups)]
        handles, names = map(list, zip(*reading_order(groups, rows, blank)))
        self.figure.legend(handles, names, loc="center",
                           bbox_to_anchor=(0.5, middle / self.size[1]),
                           ncol=-(-len(names) // rows), frameon=False, fontsize=FONT["label"],
                           handlelength=KEY_HANDLE, handletextpad=KEY_PAD,
                           columnspacing=KEY_SPACING,
                           labelcolor=self.theme.foreground)


NAME_LEADER_PT = 9.0  # from the loss axes' right edge to the runs' names: room for a leader


def spread_names(ends: np.ndarray, line: float) -> np.ndarray:
    """Heights (axes fractions) for names beside `ends`, a `line` apart at least, in the
    ends' order and within the axes: each group of names that would overlap centred on its
    ends' mean (so each name stays near its own end: pushed up from the lowest, "RMSProp"
    sat beside Momentum's end)."""
    order = np.argsort(ends, kind="stable")
    groups = [[number] for number in order]  # bottom up

    def heights(group: list[int]) -> np.ndarray:
        steps = (np.arange(len(group)) - (len(group) - 1) / 2) * line
        centre = float(np.mean(ends[group]))
        centre = min(max(centre, line / 2 - steps[0]), 1 - line / 2 - steps[-1])
        return centre + steps

    merged = True
    while merged:
        merged = False
        for below in range(len(groups) - 1):
            if heights(groups[below])[-1] + line > heights(groups[below + 1])[0] + 1e-12:
                groups[below:below + 2] = [groups[below] + groups[below + 1]]
                merged = True
                break
    placed = np.empty(len(ends))
    for group in groups:
        placed[group] = heights(group)
    return placed


FEW_ON_ONE_ROW = 3  # a key's classes up to this many read on one row, whatever its rows
KEY_SPACING = 0.8  # between a key's entries, in font sizes (ten digits and more in 6.3 in)
KEY_HANDLE = 1.6  # a key's symbol (a line's sample), in font sizes
KEY_PAD = 0.5  # between a key's symbol and its name, in font sizes (a line's end touched it)


class BlankedFormatter(Formatter):
    """An axis's own formatter with its numbers between `low` and `high` (data values) left
    out: those beside an inset, which would read as its scale. Everything else it asks of
    the formatter it wraps (a linear axis's "1e27" offset, its digits)."""

    def __init__(self, named: Formatter, low: float, high: float) -> None:
        self.named, self.low, self.high = named, min(low, high), max(low, high)

    def set_axis(self, axis) -> None:
        super().set_axis(axis)
        self.named.set_axis(axis)

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        self.named.set_locs(locs)

    def get_offset(self) -> str:
        return self.named.get_offset()

    def __call__(self, value: float, pos: int | None = None) -> str:
        return "" if self.low <= value <= self.high else self.named(value, pos)


def light(theme) -> bool:
    """Whether the theme's background is light (dark images on it)."""
    return max(mcolors.to_rgb(theme.background)) > 0.5


def hide_colliding_ticks(figure: Figure) -> None:
    """Hide every tick label that would overlap one drawn before it, or come within an em of
    one in its row of x labels (axes in order, labels left to right): the planes of a row sit
    close, and a blow-up's symmetric log ticks reach their edges."""
    figure.canvas.draw()  # tick labels get their text when drawn
    renderer = figure.canvas.get_renderer()
    # "5" at one plane's right edge and "−10" at the next one's left, a word space apart,
    # read as one label, "5 −10" (digits' handout): x labels keep an em apart.
    em = FONT["tick"] * figure.dpi / 72
    kept = []  # (box, whether an x axis's label)
    for ax in figure.axes:
        for axis in (ax.yaxis, ax.xaxis):
            along_x = axis is ax.xaxis
            low, high = sorted(axis.get_view_interval())
            close = 1e-9 * (high - low)
            for tick in axis.get_major_ticks():
                label = tick.label1
                if not (label.get_visible() and label.get_text() and tick.get_visible()):
                    continue
                if not low - close <= tick.get_loc() <= high + close:
                    continue  # beyond the limits: not drawn (its box would hide drawn ones)
                box = label.get_window_extent(renderer)
                wide = Bbox.from_extents(box.x0 - em, box.y0, box.x1 + em, box.y1)
                if any((wide if along_x and other_x else box).overlaps(other)
                       for other, other_x in kept):
                    label.set_visible(False)
                else:
                    kept.append((box, along_x))
