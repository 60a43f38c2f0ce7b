"""What a frame shows, decided once: the one description every output draws.

`describe(views, options, span)` computes, from the runs and the render options, which panels
go in which slots, every panel's limits and color scales (shared by the runs of a comparison,
each run's own, or following the values), the titles, the runs' names and colors, the decoded
grid, a VAE's circles and ellipses, the objective's terms, the pull arrows and the notes for the
user. It draws nothing and imports no matplotlib: clips and stills (scene.py), handouts
(figure.py) and the page (page/, through `to_json`) draw the same description, so they show the
same panels on the same scales.

The fields, as `to_json` gives them (every value plain JSON: numbers, strings, booleans, null,
lists and objects; tuples become lists; field names are stable, new ones are only ever added):

Description
  schema        int, the version of this layout (1)
  size          [width, height] in pixels of a clip or still
  page          [width, height] in inches of the page the layout is designed on (see
                layout.page_height_inches: text grows with the clip, less than the clip)
  header        fraction of the page's height the two header lines take, at its top
  theme         "light" or "dark"
  title         the header's title (the options' title, else the run's or the runs' shared one)
  details       the header's second line, its parts in order of importance (drawers drop
                parts from the end when they do not fit, and join the rest with "  |  ")
  caption       text under the panels, or ""
  scales        "shared", "own" or "follow" (see scales.py)
  span          [first, last] epoch of the clip's timeline (the loss panel's x limits)
  runs          list of Run, in the order given
  panels        list of Panel, in drawing order
  notes         list of str: what the user should be told (panels left out, ...)
  detail_forms  a comparison's second line in words, from long to short ("optimizer and
                learning rate differ", "2 settings differ"): a drawer shows the longest that
                fits, never a cut key; [] for one run

Run
  name          the run's name (its label; drawn above its panels in a comparison)
  color         its color in a comparison (fixed by its name, theme.run_colors); the theme's
                accent when it is drawn alone
  style         its loss curve's line style, as matplotlib's ("-", "--", "-.", ":"): in a
                comparison theme.RUN_STYLES by its place among the runs (runs differ in more
                than color, and a curve under another stays seen), solid alone; clips,
                stills, handouts and pages draw it
  variational   whether it is a VAE (its code plane then has the N(0, 1) circles)
  terms         list of Term: the objective's terms beside the reconstruction error
  stop          how the run ended, as the header of its last frame says it

Term            name (as recorded: "kl", "code_l1"), title (as drawn), color, style (its
                line's, as matplotlib's: TERM_STYLE, dash-dot)

Panel
  name          "code", "loss", "weights", "recon" or "decoder"
  run           the number of the run it shows; null for the loss panel (all runs)
  rect          [x, y, width, height]: fractions of the page, y from the bottom, below the
                header (a comparison's: each edge on a whole pixel of the clip); a drawer with
                a caption (or controls) under the panels squeezes y into the room left above
                that strip
  title         its title (a comparison's per-run panels: the run's name)
  title_color   the title's color (a comparison: the run's), or null for the theme's
  code          CodeLimits (code panels), else null
  loss          LossLimits (loss panel), else null
  colors        ColorScale (weights panels), else null
  decoder       DecoderGrid (decoder panels; also on the code panel of a run whose decoder
                panel is shown: its grid points, faint), else null
  recon         ValueRange (recon panels: the data's range, shared like the code planes),
                else null
  layers        list of str, the code plane's layers from bottom to top: "grid" (the decoded
                grid's points), "ghost" (PCA, with pca_ghost), "trails", "codes",
                "ellipses" (a VAE's one-sigma ellipses: on unless render.ellipses is false),
                "circles" (a VAE's N(0, 1) at 1 and 2 sigma, over both), "axes" (a sparse-code
                run's code axes and its readout of codes near zero), "pull" (the arrows);
                empty for other panels
  plane         a comparison's code plane among code planes alone: its axes' box [x, y,
                width, height] (fractions, as rect; all of one size, on whole pixels), the
                axes' names and shared numbers on the outer planes only (matplotlib's
                label_outer), which gives the planes their room; else null (the drawer
                places the plane in its rect)
  named         the axes ("x", "y") whose name the code plane shows (a comparison's: "x" on
                the bottom plane of each column, "y" on the left column's), else []
  numbered      the axes whose tick labels it shows: the named ones where the runs share
                one scale all along ("shared"), both where each has its own or its limits
                follow its codes ("own", "follow"), else []

CodeLimits      mode ("fixed", "symlog" or "follow"), codes_x and codes_y (the codes' lowest
                and highest value on each axis over the frames shown), start_spread (their
                smallest spread at the first snapshot: a symlog scale's linear part), reach
                (the largest |code|), x and y (the limits: the ranges padded by 6%, which a
                drawer widens on one axis so one unit is as long on both; "symlog": -1.5 reach
                to 1.5 reach), ticks (symlog: the ticks, else []). "follow": these are the
                fixed fallback; a drawer that can grows the limits with the codes instead.
LossLimits      x, y (limits), log (a log y axis), references (list of Reference: level,
                texts from long to short, style "--" for PCA's error, ":" for the stop
                threshold; PCA's only on data of more than 2 dimensions), terms_axis (the
                run's terms on a right axis; one run only), objective (a denoising run: its
                training objective, the RMSE from corrupted inputs, beside the clean RMSE),
                terms_top (that axis's upper limit; it starts at 0; where there is room,
                set so the terms' curves lie in a band under every reference line and RMSE
                curve, with room for a reference label: see terms_top), value_names (the label
                of each run's current value: "RMSE" alone, else the run's name),
                values_left (the value labels top left, not top right: beside a blow-up,
                whose curve ends at the top right, the axis's top 0.15 of a decade above it)
ColorScale      kind ("linear" or "symlog"), limit (the scale is -limit to limit), linthresh
                (symlog: linear within it, else null); "follow" scales: null (per frame)
DecoderGrid     kind ("mosaic": decoded images, "sheet": the decoded grid among the data),
                extent [x0, x1, y0, y1] (the code-plane region decoded: shared by the runs
                like the code planes), side (mosaic: images per side; sheet: grid lines per
                side), steps (points per cell along a sheet's lines), values [low, high] (a
                mosaic's gray scale), x and y (a sheet's limits in the data's plane, before
                widening to equal units; null for a mosaic), region (a sheet drawn strong only
                where the codes are, faint beyond), noisy (a denoising run: how many samples'
                corrupted inputs the sheet shows, each linked to the network's output for it)
ValueRange      low, high (the data's lowest and highest value: an image strip's gray scale, a
                parallel-coordinates plot's range, padded), features (data of up to 3
                features: each feature's limits, padded; else [])
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from aeviz.renderer.decoding import (
    corrupted_inputs,
    noisy_picks,
    sheet_limits,
    sheet_region,
)
from aeviz.renderer.layout import (
    MOSAIC_LABEL_IN,
    Slot,
    beside_own_plane,
    caption_inches_most,
    comparison_slots,
    header_fraction,
    outer_planes,
    page_height_inches,
    single_run_slots,
)
from aeviz.renderer.naming import comparison_detail_forms, lesson_settings, shared_title
from aeviz.renderer.objective import objective_rmse
from aeviz.renderer.scales import (
    BLOW_UP,
    CodeScale,
    ColorScale,
    code_scales,
    color_limits,
    loss_range,
    padded,
    shrunk_runs,
    symlog_ticks,
    wants_log_loss,
)
from aeviz.renderer.theme import RUN_STYLES, THEMES, run_colors
from aeviz.renderer.views import RunView
from aeviz.settings import OPTIMIZER_TITLES, RenderOptions
from aeviz.text import FONT_NAME, missing_glyph, printable

SCHEMA = 1
PANEL_TITLES = {"code": "code layer", "loss": "reconstruction error",
                "weights": "weights and biases", "recon": "reconstruction",
                "decoder": "decoder over the code plane"}
SHORT_TITLES = {"decoder over the code plane": "decoder"}  # where the long form is cut
TERM_TITLES = {"code_l1": "mean Σ|code|", "kl": "KL to N(0, 1)"}
# A term's line: dash-dot, never the dashes of PCA's line or the dots of the stop threshold
# (a KL curve running along PCA's line in the same dashes reads as one line).
TERM_STYLE = "-."
MOSAIC_SIDE = 15    # decoded images per side of the mosaic, at most
SMALLEST_MOSAIC = 3
# Fewer images rather than image pixels smaller than this (screen pixels): an 8 x 8 digit
# 20 px or more, read at the back of a room (at 1.5 px, 12 px digits were not; at 2 px, the
# 16 px digits of a 640x360 comparison were still hard to read on a projector).
PIXEL_PX = 2.5
MOSAIC_GAP = 1      # image pixels between a mosaic's images (the digits would run together)
MESH_SIDE = 15      # grid lines per side of the sheet
MESH_STEPS = 3      # points per grid cell along a sheet's line (its curves stay smooth)
# The mosaic's axes inside its slot (l, b, r, t): on the left its axis label and ticks of
# at most four characters ("−2.5", "−10": clear_ticks keeps few), no more.
MOSAIC_MARGINS_IN = (0.7, 0.6, 0.15, 0.4)


def mosaic_margins(beside: bool) -> tuple[float, float, float, float]:
    """The mosaic's margins (l, b, r, t, inches); `beside` its own run's code plane, no y
    axis label: its room went to the plane (layout.MOSAIC_LABEL_IN)."""
    left, bottom, right, top = MOSAIC_MARGINS_IN
    return (left - MOSAIC_LABEL_IN if beside else left, bottom, right, top)


NOISY_SAMPLES = 40  # a denoising run's corrupted inputs shown on its sheet
TERMS_GAP = 0.15    # the terms' curves this far (of the loss axis's height) under the others,
TERMS_BAND = 0.12   # ... if that leaves them this much of it, else they share the height
# Room for a reference label under the lowest line is kept only where the terms' curves keep
# this much of the axis's height (at 640x360 the label's room left them 0.15: the penalty's
# axis ran 0-3 and its curve lay flat; the label then goes in a key under the plot).
LABELLED_BAND = 0.3
TERMS_CLEAR_PT = 13.0  # and never nearer them than this (a short plot's TERMS_GAP is a few px)
# Room for a reference label under its line: its text (10 pt, 1.25 lines) and a clearance of
# 3 pt either side (panels.loss.reference_line), in points.
REFERENCE_LABEL_PT = 1.25 * 10 + 2 * 3
LOSS_MARGINS_IN = (0.85, 0.6, 0.3, 0.4)  # the loss plot inside its slot (l, b, r, t), inches


@dataclass(frozen=True)
class Term:
    name: str
    title: str
    color: str
    style: str


@dataclass(frozen=True)
class Run:
    name: str
    color: str
    style: str
    variational: bool
    terms: tuple[Term, ...]
    stop: str


@dataclass(frozen=True)
class CodeLimits:
    mode: str
    codes_x: tuple[float, float]
    codes_y: tuple[float, float]
    start_spread: float
    reach: float
    x: tuple[float, float]
    y: tuple[float, float]
    ticks: tuple[float, ...]

    @property
    def scale(self) -> CodeScale:
        """The same limits as scales.CodeScale, for scales.apply_code_scale."""
        return CodeScale(self.codes_x, self.codes_y, self.start_spread, self.reach)


@dataclass(frozen=True)
class Reference:
    level: float
    texts: tuple[str, ...]
    style: str


@dataclass(frozen=True)
class LossLimits:
    x: tuple[float, float]
    y: tuple[float, float]
    log: bool
    references: tuple[Reference, ...]
    terms_axis: bool
    terms_top: float
    value_names: tuple[str, ...]
    objective: bool = False
    values_left: bool = False


@dataclass(frozen=True)
class DecoderGrid:
    kind: str
    extent: tuple[float, float, float, float]
    side: int
    steps: int
    values: tuple[float, float]
    x: tuple[float, float] | None
    y: tuple[float, float] | None
    region: bool = False
    noisy: int = 0

    def points(self, steps: int = 1) -> np.ndarray:
        """The grid's points [count * count, 2], row by row from the top, `steps` points per
        cell along each line (1: the grid's crossings)."""
        x0, x1, y0, y1 = self.extent
        count = (self.side - 1) * steps + 1
        xs, ys = np.linspace(x0, x1, count), np.linspace(y1, y0, count)
        return np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)


@dataclass(frozen=True)
class ValueRange:
    low: float
    high: float
    features: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Panel:
    name: str
    run: int | None
    rect: tuple[float, float, float, float]
    title: str
    title_color: str | None = None
    code: CodeLimits | None = None
    loss: LossLimits | None = None
    colors: ColorScale | None = None
    decoder: DecoderGrid | None = None
    recon: ValueRange | None = None
    layers: tuple[str, ...] = ()
    plane: tuple[float, float, float, float] | None = None
    named: tuple[str, ...] = ()
    numbered: tuple[str, ...] = ()


@dataclass(frozen=True)
class Description:
    schema: int
    size: tuple[int, int]
    page: tuple[float, float]
    header: float
    theme: str
    title: str
    details: tuple[str, ...]
    caption: str
    scales: str
    span: tuple[float, float]
    runs: tuple[Run, ...]
    panels: tuple[Panel, ...]
    notes: tuple[str, ...]
    detail_forms: tuple[str, ...] = ()

    def panel(self, name: str, run: int | None = 0) -> Panel | None:
        """The panel `name` of run `run` (the loss panel: any run), or None if not shown."""
        for panel in self.panels:
            if panel.name == name and (name == "loss" or panel.run == run):
                return panel
        return None


def describe(views: list[RunView], options: RenderOptions, span: tuple[float, float],
             page: tuple[float, float] | None = None,
             pixels_high: float | None = None) -> Description:
    """What a frame of `views` shows with `options`, the timeline spanning `span` epochs.

    `page`: the page's size in inches (default: the clip's, see layout.page_height_inches);
    `pixels_high`: its height in pixels (default: the clip's), for notes about sizes."""
    width, height = options.pixels
    if page is None:  # as scene.Scene sizes its figure
        dpi = height / page_height_inches(height)
        page = ((width + 0.01) / dpi, (height + 0.01) / dpi)
        pixels_high = pixels_high or page[1] * dpi
    pixels_high = height if pixels_high is None else pixels_high
    theme = THEMES[options.theme]
    several = len(views) > 1
    names = [v.label for v in views]
    colors = run_colors(theme, names) if several else [theme.accent]
    notes: list[str] = []
    header = header_fraction(page[1])
    mosaics = all(v.run.experiment.data.image_shape is not None for v in views)
    slots = _slots(list(options.panels), len(views), header, page, notes, mosaics)
    planes: dict = {}
    if several:  # the runs' panels alike on the pixel grid, so alike states draw alike
        pixels = (page[0] * pixels_high / page[1], pixels_high)
        slots = [(name, on_pixels(rect, pixels), run) for name, rect, run in slots]
        planes = outer_planes(slots, page, _shared(options.scales, len(views)), pixels)
    shown_names = {name for name, _, _ in slots}
    if options.ellipses and not any(v.run.variational for v in views):
        notes.append("no ellipses: they show a VAE's sampling spread, and no run here is "
                     "variational (model.variational = true)")

    codes = _shown_codes(views, options)
    scales = code_scales(codes, options.scales)
    if options.scales == "shared" and several:
        notes += shrunk_runs(names, codes, scales[0], 0.3 * pixels_high)
    code_limits = [_code_limits(scale, options.scales) for scale in scales]
    color_scales = (_color_scales(views, options.scales) if "weights" in shown_names
                    else [None] * len(views))
    decoders = (_decoder_grids(views, options, slots, page, pixels_high / page[1])
                if "decoder" in shown_names else [None] * len(views))
    recons = _value_ranges(views, options.scales) if "recon" in shown_names else [None] * len(views)

    panels = []
    for name, rect, run in slots:
        if name == "loss":
            plot_inches = (rect[3] * _caption_squeeze(options, page) * page[1]
                           - LOSS_MARGINS_IN[1] - LOSS_MARGINS_IN[3])
            panels.append(Panel("loss", None, rect, PANEL_TITLES["loss"],
                                loss=loss_limits_for(views, options, span, plot_inches)))
            continue
        title = names[run] if several else PANEL_TITLES[name]
        title_color = colors[run] if several else None
        if name == "code":
            plane, named = planes.get(run, (None, ("x", "y")))
            numbered = ("x", "y") if plane is None or not _numbered_outer(
                options.scales, len(views)) else named
            panels.append(Panel("code", run, rect, title, title_color,
                                code=code_limits[run], decoder=decoders[run],
                                layers=code_layers(views[run], options, decoders[run]),
                                plane=plane, named=named, numbered=numbered))
        elif name == "weights":
            panels.append(Panel("weights", run, rect, title, title_color,
                                colors=color_scales[run]))
        elif name == "decoder":
            panels.append(Panel("decoder", run, rect, title, title_color,
                                decoder=decoders[run]))
        else:
            panels.append(Panel("recon", run, rect, title, title_color, recon=recons[run]))
    first = views[0].run
    title = options.title or (shared_title([v.run for v in views], names) if several
                              else first.title)
    notes += _glyphless(title, "title", "title") + _glyphless(options.caption or "", "caption",
                                                              "caption")
    for name in dict.fromkeys(names if several else ()):
        notes += _glyphless(name or "", "run name", "labels")
    return Description(
        schema=SCHEMA, size=(width, height), page=(float(page[0]), float(page[1])),
        header=header, theme=options.theme,
        title=title,
        details=_details(views), caption=options.caption or "", scales=options.scales,
        span=(float(span[0]), float(span[1])),
        runs=tuple(Run(names[n], colors[n], style, bool(v.run.variational),
                       run_terms(v.run, theme), stop_text(v.run))
                   for n, (v, style) in enumerate(zip(views, run_styles(views, options, span)))),
        panels=tuple(panels), notes=tuple(notes),
        detail_forms=tuple(comparison_detail_forms([v.run for v in views])) if several else ())


def _glyphless(value: str, what: str, option: str) -> list[str]:
    """A note for a text stored in a run before glyphs were checked, which the font cannot
    draw (one line, where matplotlib warned once per character; see `quiet_glyphs`)."""
    missing = missing_glyph(value)
    if missing is None:
        return []
    return [f'the {what} "{printable(value, 60)}" holds "{printable(missing)}" '
            f"(U+{ord(missing):04X}), which {FONT_NAME} has no glyph for (drawn as a box); "
            f"--{option} replaces it"]


def to_json(description: Description) -> dict[str, Any]:
    """The description as plain JSON values (see the module's docstring for the fields)."""
    return _plain(dataclasses.asdict(description))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (np.floating, float)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _slots(names: list[str], runs: int, header: float, page: tuple[float, float],
           notes: list[str], mosaics: bool = False) -> list[Slot]:
    """(panel name, rectangle, run number) for every panel, in drawing order."""
    body = 1 - header
    if runs == 1:
        return single_run_slots(names, body)
    own = [n for n in names if n != "loss"]
    if runs > 2 and "weights" in own and len(own) > 1:
        own.remove("weights")
        notes.append("the weights panel is left out of comparisons of 3 or more runs (too "
                     "small to read); render a run alone to see its weights")
    return comparison_slots(own, runs, "loss" in names, body, page, mosaics,
                            sheets=not mosaics)


def on_pixels(rect: tuple[float, float, float, float],
              pixels: tuple[float, float]) -> tuple[float, float, float, float]:
    """`rect` with its edges moved to whole pixels of a page `pixels` wide and high: panels
    that are alike (a comparison's) then lie on the pixel grid alike and are drawn to the
    same pixels."""
    x, y, w, h = rect
    (x0, x1), (y0, y1) = ((round(a * size) / size, round(b * size) / size)
                          for a, b, size in ((x, x + w, pixels[0]), (y, y + h, pixels[1])))
    return (x0, y0, x1 - x0, y1 - y0)


def _shown_codes(views: list[RunView], options: RenderOptions) -> list[np.ndarray]:
    """Each run's codes over the snapshots within `render.epochs` (all, when none are)."""
    first, last = options.epoch_bounds
    shown = [v.codes[np.searchsorted(v.timeline, first):
                     max(np.searchsorted(v.timeline, last, "right"), 1)] for v in views]
    return [codes if len(codes) else v.codes for codes, v in zip(shown, views)]


def _code_limits(scale: CodeScale, mode: str) -> CodeLimits:
    if scale.blows_up:
        reach = scale.reach * 1.5
        return CodeLimits("symlog", scale.x, scale.y, scale.start_spread, scale.reach,
                          (-reach, reach), (-reach, reach),
                          tuple(float(t) for t in symlog_ticks(scale.start_spread,
                                                               scale.reach)))
    return CodeLimits("follow" if mode == "follow" else "fixed", scale.x, scale.y,
                      scale.start_spread, scale.reach, padded(scale.x), padded(scale.y), ())


def _color_scales(views: list[RunView], mode: str) -> list[ColorScale | None]:
    """One weight color scale per run: shared by all, or each its own; none to follow."""
    if mode == "follow":
        return [None] * len(views)
    if mode == "own":
        return [color_limits([view]) for view in views]
    return [color_limits(views)] * len(views)


def _shared(mode: str, count: int) -> bool:
    """Whether the runs share a scale: "shared", and "follow" (its fixed parts), do."""
    return mode != "own" and count > 1


def _numbered_outer(mode: str, count: int) -> bool:
    """Whether a comparison's inner planes may leave their tick numbers to the outer ones:
    only where every plane has the same limits all along ("shared"; "follow" grows each
    run's limits frame by frame, "own" gives each its own)."""
    return mode == "shared" and count > 1


def _decoder_grids(views: list[RunView], options: RenderOptions, slots: list[Slot],
                   page: tuple[float, float], dpi: float) -> list[DecoderGrid | None]:
    """Each run's decoded grid: the code-plane region (the codes' extent over the whole run,
    padded; one region for the runs of a comparison unless the scales are each run's own),
    and what a drawer needs to draw it on limits shared the same way."""
    rects = {run: rect for name, rect, run in slots if name == "decoder"}
    beside = {run: beside_own_plane(slots, rect, run) for run, rect in rects.items()}
    # A mosaic counts its images in the room it will have, not in its unsqueezed slot.
    squeeze = _caption_squeeze(options, page)
    rects = {run: (x, y, w, h * squeeze) for run, (x, y, w, h) in rects.items()}
    groups = [[view] if not _shared(options.scales, len(views)) else views for view in views]
    return [_decoder_grid(group, view, rects.get(n), page, dpi, beside.get(n, False))
            for n, (group, view) in enumerate(zip(groups, views))]


def _caption_squeeze(options: RenderOptions, page: tuple[float, float]) -> float:
    """The share of their slots' height the panels keep: the scene squeezes them above a
    caption (at its most lines); 1 without one."""
    if not (options.caption and options.caption.strip()):
        return 1.0
    body = 1 - header_fraction(page[1])
    return (body - caption_inches_most(page[1], page[0]) / page[1]) / body


def decoder_grid_for(view: RunView, rect: tuple[float, float, float, float] | None,
                     page: tuple[float, float], dpi: float) -> DecoderGrid:
    """The decoded grid of a run drawn alone, its panel at `rect` on a page of `page` inches
    at `dpi`."""
    return _decoder_grid([view], view, rect, page, dpi)


def _decoder_grid(group: list[RunView], view: RunView,
                  rect: tuple[float, float, float, float] | None,
                  page: tuple[float, float], dpi: float, beside: bool = False) -> DecoderGrid:
    """`view`'s grid on the region, gray scale and limits shared by the runs `group`
    (`beside`: a mosaic right of its own plane, see mosaic_margins)."""
    lows = np.min([v.codes.min(axis=tuple(range(v.codes.ndim - 1))) for v in group], axis=0)
    highs = np.max([v.codes.max(axis=tuple(range(v.codes.ndim - 1))) for v in group], axis=0)
    extent = (*padded((float(lows[0]), float(highs[0]))),
              *padded((float(lows[1]), float(highs[1]))))
    values = (min(float(v.run.x.min()) for v in group),
              max(float(v.run.x.max()) for v in group))
    shape = view.run.experiment.data.image_shape
    if shape is not None:
        side = _mosaic_side(rect, shape, page, dpi, beside)
        return DecoderGrid("mosaic", extent, side, 1, values, None, None)
    grid = DecoderGrid("sheet", extent, MESH_SIDE, MESH_STEPS, values, None, None,
                       region=True, noisy=_noisy_count(view))
    # The limits hold every run's noisy inputs, each run's own (a plain run beside a
    # denoising one is drawn on the same limits as it).
    reach = [sheet_limits(v, grid.points(grid.steps), _region_of(grid),
                          noisy_inputs(v, dataclasses.replace(grid, noisy=_noisy_count(v))))
             for v in group]
    x = (min(r[0][0] for r in reach), max(r[0][1] for r in reach))
    y = (min(r[1][0] for r in reach), max(r[1][1] for r in reach))
    return dataclasses.replace(grid, x=x, y=y)


def _noisy_count(view: RunView) -> int:
    """How many noisy inputs a run's sheet shows: some for a denoising run, else none."""
    train = view.run.experiment.train
    return NOISY_SAMPLES if (train.noise or train.masking) else 0


def _region_of(grid: DecoderGrid):
    """Where a state's codes are on the sheet's grid (the part drawn strong), as a function
    of the state."""
    return lambda state: sheet_region(state.codes, grid.extent, grid.side, grid.steps)


def noisy_inputs(view: RunView, grid: DecoderGrid) -> np.ndarray | None:
    """The corrupted inputs a denoising run's sheet shows (one fixed draw), else None."""
    if not grid.noisy:
        return None
    train = view.run.experiment.train
    x = view.run.x.astype(float)[noisy_picks(len(view.run.x), grid.noisy)]
    return corrupted_inputs(x, train.noise or 0.0, train.masking or 0.0)


def _mosaic_side(rect: tuple[float, float, float, float] | None, shape: tuple[int, int],
                 page: tuple[float, float], dpi: float, beside: bool = False) -> int:
    """Images per side of a mosaic in `rect`: as many as keep an image's pixel at least
    PIXEL_PX screen pixels, the gaps between them counted (SMALLEST_MOSAIC to MOSAIC_SIDE; the
    page's panel-decoder-mosaic.js counts alike); no panel: the most."""
    if rect is None:
        return MOSAIC_SIDE
    left, bottom, right, top = mosaic_margins(beside)
    room = ((rect[2] * page[0] - left - right) * dpi, (rect[3] * page[1] - bottom - top) * dpi)
    return mosaic_side_for(room, shape)


def mosaic_side_for(room: tuple[float, float], shape: tuple[int, int]) -> int:
    """Images per side of a mosaic of `shape` (rows, columns) images in `room` (width, height,
    screen pixels), each image pixel PIXEL_PX screen pixels or more."""
    height, width = shape
    fits = min((room[0] / PIXEL_PX + MOSAIC_GAP) / (width + MOSAIC_GAP),
               (room[1] / PIXEL_PX + MOSAIC_GAP) / (height + MOSAIC_GAP))
    return int(np.clip(math.floor(fits), SMALLEST_MOSAIC, MOSAIC_SIDE))


def _value_ranges(views: list[RunView], mode: str) -> list[ValueRange]:
    """The data's range, one for the runs of a comparison unless the scales are each run's."""
    alike = len({v.run.x.shape[1] for v in views}) == 1  # data of one kind: one scale
    groups = ([views] * len(views) if _shared(mode, len(views)) and alike
              else [[v] for v in views])
    return [value_range(group) for group in groups]


def value_range(views: list[RunView]) -> ValueRange:
    """The data's range over the runs `views`, and each feature's limits (up to 3 features:
    the input space's axes)."""
    low = min(float(v.run.x.min()) for v in views)
    high = max(float(v.run.x.max()) for v in views)
    dims = views[0].run.x.shape[1]
    if dims > 3:
        return ValueRange(low, high)
    features = tuple(padded((min(float(v.run.x[:, i].min()) for v in views),
                             max(float(v.run.x[:, i].max()) for v in views)))
                     for i in range(dims))
    return ValueRange(low, high, features)


def loss_limits_for(views: list[RunView], options: RenderOptions,
                    span: tuple[float, float], plot_inches: float | None = None) -> LossLimits:
    """The loss panel's limits, reference lines and terms axis for `views` over `span`, the
    plot `plot_inches` tall (unknown: room enough for a reference label under its line)."""
    single = len(views) == 1
    objective = objective_rmse(views[0].run) if single else None
    # PCA's line beside a blow-up teaches nothing and lies a hair above the axis's floor,
    # where its label cannot sit beside it: both left out.
    blow_up = any(blows_up(v.run.loss) for v in views)
    pca = options.pca and not blow_up
    losses = np.concatenate([v.run.loss for v in views]
                            + ([[v.pca[0] for v in views]] if pca else [])
                            + ([objective[np.isfinite(objective)]]
                               if objective is not None else []))
    log = wants_log_loss(losses, options.log_loss)
    # A run that ends on its highest loss (a blow-up) gets the room above it.
    rising = any(len(v.run.loss) > 1 and v.run.loss[-1] >= np.nanmax(v.run.loss) for v in views)
    x, y = loss_range(span, losses, log, rising)
    x = (x[0], whole_epoch_end(x[1], views))
    epsilon = views[0].run.experiment.train.epsilon if single else 0.0
    # A level under a log axis's floor (PCA's 0 on data of its own dimension) has no line
    # to draw, so neither its label nor its key.
    references = tuple(Reference(float(level), tuple(texts), style)
                       for level, texts, style in reference_levels(views, epsilon, pca)
                       if not log or level >= y[0])
    run = views[0].run
    terms_axis = single and run.terms is not None
    below = [run.loss] + ([objective] if objective is not None else [])
    known = bool(plot_inches and plot_inches > 0)
    gap = max(TERMS_GAP, REFERENCE_LABEL_PT / 72 / plot_inches) if known else TERMS_GAP
    clear = max(TERMS_GAP, TERMS_CLEAR_PT / 72 / plot_inches) if known else TERMS_GAP
    top = (terms_top(run.terms, y, log,
                     [ref.level for ref in references], below, gap, clear)
           if terms_axis and run.terms.size else 1.0)
    return LossLimits(x, y, log, references, bool(terms_axis), top,
                      tuple("RMSE" if single else v.label for v in views),
                      objective is not None, log and blow_up)


# Two runs' curves closer than CLOSE_HEIGHT of the loss axis's height at more than
# CLOSE_SHARE of their common moments: the later one dashed, so that both stay seen.
CLOSE_HEIGHT, CLOSE_SHARE = 0.03, 0.1


def run_styles(views: list[RunView], options: RenderOptions,
               span: tuple[float, float]) -> list[str]:
    """Each run's loss curve style: solid where its color tells it from every earlier run's
    (their curves apart: denoising-vs-plain's jagged dash-dot read as a smeared band, and as
    the denoising clip's dashed objective); where it runs close to an earlier run's curve,
    RUN_STYLES' style of its place, so a curve under another stays seen."""
    if len(views) == 1:
        return ["-"]
    limits = loss_limits_for(views, options, span)
    low, high = limits.y

    def height(loss: np.ndarray) -> np.ndarray:  # a loss as a share of the axis's height
        if limits.log and low > 0:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.log10(np.maximum(loss, low) / low) / np.log10(high / low)
        return (loss - low) / (high - low)

    def close(one: RunView, other: RunView) -> bool:
        common, mine, theirs = np.intersect1d(one.timeline, other.timeline,
                                              return_indices=True)
        if not common.size:
            return False
        apart = np.abs(height(np.asarray(one.run.loss, float)[mine])
                       - height(np.asarray(other.run.loss, float)[theirs]))
        return bool(np.mean(~(apart >= CLOSE_HEIGHT)) > CLOSE_SHARE)

    return [RUN_STYLES[n % len(RUN_STYLES)] if any(close(view, views[earlier])
                                                   for earlier in range(n)) else "-"
            for n, view in enumerate(views)]


def blows_up(loss: np.ndarray) -> bool:
    """Whether a run's loss ends more than BLOW_UP times its lowest (a diverging run)."""
    finite = loss[np.isfinite(loss) & (loss > 0)]
    return bool(finite.size) and float(np.log10(finite[-1]) - np.log10(finite.min())) > float(
        np.log10(BLOW_UP))


def whole_epoch_end(right: float, views: list[RunView]) -> float:
    """The loss axis's right end: where the timeline ends with the runs' last snapshot inside
    an epoch (a run that diverged or met its target mid-epoch), the next whole epoch, so the
    axis does not tell from the first frame when the run will stop."""
    last = max(float(view.timeline[-1]) for view in views)
    whole = math.ceil(right - 1e-9)
    return float(whole) if abs(right - last) < 1e-9 and whole > right else right


def terms_top(terms: np.ndarray, y: tuple[float, float], log: bool, levels: list[float],
              curves: list[np.ndarray], gap: float = TERMS_GAP,
              clear: float = TERMS_GAP) -> float:
    """The terms axis's upper limit (it starts at 0): where there is room, the terms' curves
    lie in a band `gap` (a fraction of the loss axis's height: room for a reference label,
    where that leaves them LABELLED_BAND; else `clear`, at least TERMS_GAP) under every
    reference line and every RMSE curve, so the penalty's
    dash-dot never runs along PCA's dashes (at 640x360 the two read as one line); else 1.4
    times the largest term."""
    largest = float(np.nanmax(terms))
    if not np.isfinite(largest) or largest <= 0:
        return 1.0

    def height(value: float) -> float:  # the fraction of the loss axis's height
        low, high = y
        if log:
            return float(np.log(max(value, low) / low) / np.log(high / low))
        return (value - low) / (high - low)

    values = np.concatenate([np.ravel(c) for c in curves]) if curves else np.array([])
    values = values[np.isfinite(values)]
    lowest = min([height(level) for level in levels]
                 + ([height(float(values.min()))] if values.size else [1.0]))
    # Room for a label under the lowest line first; else the curves apart at least (the
    # label then goes where the loss panel finds room).
    for band, least in ((lowest - gap, LABELLED_BAND), (lowest - clear, TERMS_BAND)):
        if band >= least:
            return largest / band
    return largest * 1.4


def code_layers(view: RunView, options: RenderOptions,
                decoder: DecoderGrid | None = None) -> tuple[str, ...]:
    """The code plane's layers, bottom to top: a VAE's circles above its codes, so they
    show in a crowded plane; the arrows above all."""
    layers = ["grid"] if decoder is not None else []
    layers += ["ghost"] if options.pca_ghost else []
    layers += ["trails"] if options.trails else []
    layers += ["codes"]
    if view.run.variational:
        # σ shown unless asked not to (render.ellipses None: not set, shown); the prior's
        # circles over the ellipses (forty dark ellipses at 640x360 hid the 1σ circle)
        layers += (["ellipses"] if options.ellipses is not False else []) + ["circles"]
    if view.run.experiment.train.code_l1:
        layers += ["axes"]
    layers += ["pull"] if options.pull else []
    return tuple(layers)


# The key: each mark a panel draws by one name (and its short form, where a key has little
# room), the same in clip, still and handout (the page's key says the same words).
MARK_NAMES = {
    "ghost": ("PCA", "PCA"),                            # PCA's answer, rings on the plane
    "grid": ("decoder's grid points", "grid points"),   # the decoded grid's points, "+"
    "data": ("data", "data"),                           # the data among the decoded sheet
    "sheet": ("decoded grid", "grid"),                  # the sheet where the codes are
    "beyond": ("beyond the codes", "beyond"),           # the same sheet, faint, beyond them
    "noisy": ("noisy input → output", "noisy → output"),  # a denoising run's x
}


def plane_marks(layers: Sequence[str]) -> tuple[str, ...]:
    """What a code plane's key names besides its classes (MARK_NAMES' keys), in the key's
    order: PCA's rings and the decoder's "+" grid points, where the plane draws them."""
    return tuple(mark for mark in ("ghost", "grid") if mark in layers)


def sheet_marks(grid: DecoderGrid) -> tuple[str, ...]:
    """What a decoded sheet's key names (MARK_NAMES' keys), in the key's order: the data,
    the sheet where the codes are, the faint sheet beyond them (a sheet with a region) and a
    denoising run's noisy inputs joined to their outputs; nothing for a mosaic."""
    if grid.kind != "sheet":
        return ()
    return ("data", "sheet") + (("beyond",) if grid.region else ()) + (
        ("noisy",) if grid.noisy else ())


def run_terms(run, theme) -> tuple[Term, ...]:
    """The objective's other terms of `run` (a VAE's KL, the codes' L1 size), titled and
    colored as the loss panel's right axis draws them."""
    names = list(run.term_names) if run.terms is not None else []
    return tuple(Term(name, TERM_TITLES.get(name, name), theme.runs[(1 + n) % len(theme.runs)],
                      TERM_STYLE)
                 for n, name in enumerate(names))


def _details(views: list[RunView]) -> tuple[str, ...]:
    if len(views) > 1:
        return (comparison_detail_forms([v.run for v in views])[0],)
    run = views[0].run
    train = run.experiment.train
    optimizer = OPTIMIZER_TITLES.get(train.optimizer, train.optimizer)
    # The lesson's own settings (noise, a VAE's β, ...) right after the optimizer: the
    # layers and samples give way first when the line is too long.
    return (f"{optimizer}, learning rate {train.learning_rate:g}, batch {train.batch_size}",
            *lesson_settings(run.experiment),
            f"layers {'-'.join(str(n) for n in run.layer_sizes)}", f"{len(run.x)} samples")


def reference_levels(views: list[RunView], epsilon: float,
                     pca: bool) -> list[tuple[float, list[str], str]]:
    """The loss panel's reference lines: (level, its label's forms from long to short, line
    style): PCA's error (dashed), the stop threshold (dotted)."""
    # PCA's line only where it teaches: data of more than 2 dimensions, which 2 components
    # cannot hold (on 2-D data PCA is exact and its line lies on the axis).
    # Runs of different data: each line names the runs whose data it is.
    floors: dict[float, list[str]] = {}
    for v in views if pca else ():
        if v.run.x.shape[1] > 2:
            floors.setdefault(round(v.pca[0], 12), []).append(v.label or "")
    same_data = all(np.array_equal(v.run.x, views[0].run.x) for v in views[1:])
    levels = []
    for floor, names in sorted(floors.items()):
        whose = "" if same_data else f" ({', '.join(names)})"
        levels.append((floor, [f"PCA, 2 components{whose}: {floor:.4f}",
                               f"PCA{whose}: {floor:.4f}"], "--"))
    if epsilon > 0:
        levels.append((epsilon, [f"stop at {epsilon:g}"], ":"))
    return levels


def stop_text(run) -> str:
    """How the run ended, for the header of its last frame."""
    reason = run.stop_reason
    if reason == "converged":
        return f"converged: RMSE ≤ {run.experiment.train.epsilon:g}"
    if reason == "diverged":
        # The trajectory keeps only finite snapshots: the frame this is said on shows the last
        # of them, with its finite RMSE; what was no longer finite is the step after it.
        return f"diverged in epoch {run.meta.diverged_at}: last finite state shown"
    if reason == "interrupted":
        return "interrupted"
    return "finished"


def panel_names(description: Description) -> list[str]:
    """The names of the panels drawn, in drawing order (a comparison's repeated once)."""
    names: list[str] = []
    for panel in description.panels:
        if panel.name not in names:
            names.append(panel.name)
    return names


__all__: Sequence[str] = ["Description", "Panel", "Run", "describe", "panel_names",
                          "to_json"]
