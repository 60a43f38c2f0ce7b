"""Where the panels of a frame go: rectangles in figure fractions, below the header.

One run: the first panel large on the left, the others stacked on the right (four panels:
the second across the right half's top, the last two side by side below it; the code plane,
decoder and loss: three columns). Several runs: a
grid of cells, one per run, each holding that run's own panels stacked, and the shared loss
panel to the right or below, whichever leaves the code planes closest to square.
"""

from __future__ import annotations

import math

Rect = tuple[float, float, float, float]  # left, bottom, width, height in figure fractions

# The layout is designed on a page 7.2 inches tall; dpi scales it to the clip's size, so text
# and lines grow with the clip. Below 720 px the page gets shorter, so text shrinks less than
# the clip: at 360 px the page is 4.5 inches (80 dpi), and the smallest text (10 pt) is 11 px.
HEIGHT_IN = 7.2
SMALLEST_HEIGHT_IN = 4.5
HEADER_IN = 0.83      # the title lines, in inches of the page
LOSS_SIDE = 0.36      # width of a loss panel beside the runs (fraction of the page)
# ... beside runs shown by their decoded sheets alone: narrower. A sheet keeps one unit as long
# on both axes, so its width is what sizes it (the 2-D arc is wide and flat), while the loss's
# lesson is two curves apart: at 0.36, 640x360 drew each plane 135 px wide over an empty half.
LOSS_SIDE_SHEETS = 0.33
LOSS_BELOW = 0.36     # height of a loss panel below them (fraction of the body), at least:
LOSS_PLOT_SHARE = 1 / 3   # the loss plot itself is a third of the page's height or more
LOSS_MARGINS_IN = 1.0     # above and below the loss plot (its title, ticks and axis label)

# A run's code plane, decoder and loss side by side: their widths (fractions of the page).
THREE_COLUMNS = {"code": 0.36, "decoder": 0.27, "loss": 0.37}
# A run's mosaic right of its own code plane names no y axis (the plane beside it does, and
# the mosaic's axes are the code plane's): the room of its label goes to the plane, which is
# what limits both (four panels in a row: each as wide as a quarter page less its margins).
MOSAIC_LABEL_IN = 0.25
# A code plane's or mosaic's margins in its slot (inches), across (its y axis's ticks and
# name, a little on the right) and down (its title; its x axis's ticks and name).
PANEL_MARGINS_IN = (0.85, 1.0)
# A loss panel below the runs only where their panels keep plots this tall (inches, once
# PANEL_MARGINS_IN are taken): squareness alone put three planes' 0.5 in above the loss in a
# 640x400 viewer (they were 30 px tall), 0.8 in at 854x480, where beside it they have 3.6.
LOSS_BELOW_LEAVES_IN = 1.0

# The caption (`render.caption`), when set: a strip under the panels, at most two lines (one
# on a page under TWO_LINES_IN tall, where a second would squeeze a comparison's code planes
# until their ticks collide).
CAPTION_LINES, CAPTION_LINE_IN, CAPTION_PAD_IN, TWO_LINES_IN = 2, 0.2, 0.1, 6.0

Slot = tuple[str, Rect, int | None]  # panel name, rectangle, run number (None: all runs)


def page_height_inches(height: int) -> float:
    """The page the layout is drawn on, for a clip `height` pixels tall (see HEIGHT_IN)."""
    shrink = (HEIGHT_IN - SMALLEST_HEIGHT_IN) / 360
    return float(min(max(SMALLEST_HEIGHT_IN + (height - 360) * shrink, SMALLEST_HEIGHT_IN),
                     HEIGHT_IN))


def caption_lines_most(height_in: float, width_in: float | None = None) -> int:
    """The most lines a caption takes on a page `height_in` inches tall and `width_in` wide
    (default 16:9): on a page narrower than 16:9 (1024x768), as many more as hold what
    the lines of a 16:9 page of that height hold (two lines at 1280x720 dropped their last
    sentence at 1024x768, where the same height has room for a third)."""
    lines = CAPTION_LINES if height_in >= TWO_LINES_IN else 1
    wide_in = height_in * 16 / 9
    if width_in is None or width_in >= wide_in:
        return lines
    return math.ceil(lines * wide_in / width_in - 0.01)  # (16:9 to a hundredth of a pixel)


def caption_inches_most(height_in: float, width_in: float | None = None) -> float:
    """The tallest strip a caption of plain text takes under the panels of a page
    `height_in` inches tall (the scene squeezes the panels above it; a shorter caption
    leaves them a little more, math taller than a line takes a little more)."""
    return caption_lines_most(height_in, width_in) * CAPTION_LINE_IN + CAPTION_PAD_IN


def header_fraction(height_in: float) -> float:
    """The figure fraction the header takes on a page `height_in` inches tall."""
    return HEADER_IN / height_in


def single_run_slots(names: list[str], body: float) -> list[Slot]:
    """One run: one panel fills the body; two share it; more: the first large on the left."""
    if len(names) == 1:
        rects = [(0, 0, 1, body)]
    elif len(names) == 2:
        rects = [(0, 0, 0.5, body), (0.5, 0, 0.5, body)]
    elif sorted(names) == ["code", "decoder", "loss"]:
        # Three columns, each as tall as the body: stacked beside the plane, the decoder got
        # half the height (a 4 x 4 mosaic of 60 px at 640x360) and empty room beside it.
        widths = [THREE_COLUMNS[name] for name in names]
        lefts = [sum(widths[:i]) for i in range(3)]
        rects = [(left, 0, width, body) for left, width in zip(lefts, widths)]
    elif len(names) == 4:  # the second wide above, the last two side by side below (taller:
        left, half, low = 0.38, (1 - 0.38) / 2, 0.58 * body   # a graph and its names)
        rects = [(0, 0, left, body), (left, low, 1 - left, body - low),
                 (left, 0, half, low), (left + half, 0, half, low)]
    else:
        left = 0.45
        share = body / (len(names) - 1)
        rects = [(0, 0, left, body)] + [(left, body - (i + 1) * share, 1 - left, share)
                                        for i in range(len(names) - 1)]
    return [(name, rect, None if name == "loss" else 0) for name, rect in zip(names, rects)]


def comparison_slots(own: list[str], runs: int, loss: bool, body: float,
                     page: tuple[float, float], mosaics: bool = False,
                     sheets: bool = False) -> list[Slot]:
    """Several runs: `own` panels per run in a grid of cells, the loss panel beside or below;
    a cell's panels stacked, or (two, without a loss panel) side by side where that leaves
    them closer to square. Two runs of two panels and no loss panel: all four in a row, each
    run a row of its two, or each a column, whichever gives the largest panels once their
    margins are taken (on a 16:9 frame four in a row; on a squarer one two rows).

    `page` is (width, height) in inches: squareness is judged on the page, not in fractions.
    `mosaics`: the decoder panels are mosaics (see MOSAIC_LABEL_IN); `sheets`: the runs'
    own panels are decoded sheets alone (a loss beside them LOSS_SIDE_SHEETS wide).
    """
    columns = runs if runs <= 3 else math.ceil(math.sqrt(runs))
    rows = math.ceil(runs / columns)
    below = max(LOSS_BELOW * body, LOSS_PLOT_SHARE + LOSS_MARGINS_IN / page[1])
    side = LOSS_SIDE_SHEETS if sheets and own == ["decoder"] else LOSS_SIDE
    choices = [(0.0, 0.0)] if not loss else [(side, 0.0), (0.0, below)]
    stacked = max(len(own), 1)
    if runs == 2 and stacked == 2 and not loss:
        grids = [(2, 1, 2, 1), (1, 2, 2, 1), (2, 1, 1, 2)]  # columns, rows, across, down
        columns, rows, across, down = max(grids, key=lambda g: _panel_inches(
            body, page, g[0] * g[2], g[1] * g[3]))
        side, below = 0.0, 0.0
    else:
        # Side by side only for a cell of two panels and no loss panel to share the page with
        # (more in a row, or beside a loss plot, they grow thin).
        shapes = ((1, stacked), (stacked, 1)) if stacked == 2 and not loss else ((1, stacked),)
        arrangements = [(side, below, across) for side, below in choices for across in shapes]
        tall = [c for c in arrangements if not c[1] or (body - c[1]) / (rows * c[2][1])
                * page[1] - PANEL_MARGINS_IN[1] >= LOSS_BELOW_LEAVES_IN]
        side, below, (across, down) = min(tall or arrangements, key=lambda c: _squareness(
            c[:2], columns * c[2][0], rows * c[2][1], body, page))
    width, height = 1 - side, body - below
    cell_w, cell_h = width / columns, height / rows
    panel_w, panel_h = cell_w / across, cell_h / down
    # The plane beside its mosaic: wider by the room the mosaic's y axis label would take.
    beside = mosaics and across == 2 and own == ["code", "decoder"]
    shift = MOSAIC_LABEL_IN / page[0] if beside else 0.0
    widths, offsets = [panel_w + shift, panel_w - shift], [0.0, shift]
    slots = []
    for run in range(runs):
        column, row = run % columns, run // columns
        for number, name in enumerate(own):
            left = column * cell_w + (number % across) * panel_w
            top = body - row * cell_h - (number // across) * panel_h
            wide = widths[number] if shift else panel_w
            left += offsets[number] if shift else 0.0
            slots.append((name, (left, top - panel_h, wide, panel_h), run))
    if loss:
        rect = (width, 0, side, body) if side else (0, 0, 1, below)
        slots.append(("loss", rect, None))
    return slots


def _panel_inches(body: float, page: tuple[float, float], columns: int, rows: int) -> float:
    """The side of the largest square panel in a grid of `columns` by `rows` slots on the body
    once each slot's margins (PANEL_MARGINS_IN: tick labels, axis names, title) are taken."""
    across, down = PANEL_MARGINS_IN
    return min(page[0] / columns - across, body * page[1] / rows - down)


def _squareness(choice: tuple[float, float], columns: int, rows: int, body: float,
                page: tuple[float, float]) -> float:
    """How far a panel is from square (0: square) in a grid of `columns` by `rows` panels,
    for a loss placement (`choice`: its width beside, its height below)."""
    side, below = choice
    width_in = (1 - side) / columns * page[0]
    height_in = (body - below) / rows * page[1]
    return abs(math.log(width_in / height_in))


def beside_own_plane(slots: list[Slot], rect: Rect, run: int | None) -> bool:
    """Whether the panel at `rect` sits right of run `run`'s code plane, on its row (a
    comparison's mosaic there names no y axis, see MOSAIC_LABEL_IN)."""
    return any(name == "code" and other == run and abs(left + width - rect[0]) < 1e-4
               and abs(bottom - rect[1]) < 1e-4
               for name, (left, bottom, width, _), other in slots)


# A comparison's code planes with their axes named on the outer planes only (matplotlib's
# label_outer): the margins, inches, of a plane that names and numbers an axis, numbers it
# only (each plane its own scale) or neither (a shared scale, numbered on the outer planes).
# (left: the y axis's; bottom: the x axis's; above every plane its title, right a little.)
OUTER_LEFT_IN = {"named": 0.9, "numbered": 0.5, "bare": 0.12}
OUTER_BOTTOM_IN = {"named": 0.6, "numbered": 0.3, "bare": 0.08}
OUTER_TOP_IN, OUTER_RIGHT_IN = 0.4, 0.1


def outer_planes(slots: list[Slot], page: tuple[float, float], shared: bool,
                 pixels: tuple[float, float]) -> dict[int, tuple[Rect, tuple[str, ...]]]:
    """A comparison of code planes alone (no other panel per run): each run's plane box and
    the axes it names ("x": the bottom plane of its column, "y": the left column's), every
    plane as large as the others, the room of the axes' names (and, `shared`: of their
    numbers) left to the outer planes. The boxes on whole pixels of a page `pixels` wide and
    high, all of one size (runs side by side draw alike). Empty where the runs have other
    panels too."""
    cells = [(rect, run) for name, rect, run in slots if run is not None]
    if not cells or any(name != "code" for name, _, run in slots if run is not None):
        return {}
    xs = sorted({round(rect[0], 9) for rect, _ in cells})
    tops = sorted({round(rect[1] + rect[3], 9) for rect, _ in cells}, reverse=True)
    columns, rows = len(xs), len(tops)
    left, right = xs[0], max(rect[0] + rect[2] for rect, _ in cells)
    top, bottom = tops[0], min(rect[1] for rect, _ in cells)
    inner = "bare" if shared else "numbered"
    width_in, height_in = (right - left) * page[0], (top - bottom) * page[1]
    plane_w = (width_in - OUTER_LEFT_IN["named"] - (columns - 1) * OUTER_LEFT_IN[inner]
               - columns * OUTER_RIGHT_IN) / columns
    plane_h = (height_in - OUTER_BOTTOM_IN["named"] - (rows - 1) * OUTER_BOTTOM_IN[inner]
               - rows * OUTER_TOP_IN) / rows
    if plane_w <= 0 or plane_h <= 0:
        return {}
    dpi = pixels[1] / page[1]
    w_px, h_px = math.floor(plane_w * dpi), math.floor(plane_h * dpi)
    runs = len(cells)
    planes = {}
    for rect, run in cells:
        column = xs.index(round(rect[0], 9))
        row = tops.index(round(rect[1] + rect[3], 9))
        x_in = left * page[0] + OUTER_LEFT_IN["named"] + column * (
            plane_w + OUTER_RIGHT_IN + OUTER_LEFT_IN[inner])
        top_in = top * page[1] - OUTER_TOP_IN - row * (
            plane_h + OUTER_BOTTOM_IN[inner] + OUTER_TOP_IN)
        x0, y1 = round(x_in * dpi), round(top_in * dpi)
        named = (("x",) if run + columns >= runs else ()) + (("y",) if column == 0 else ())
        planes[run] = ((x0 / pixels[0], (y1 - h_px) / pixels[1], w_px / pixels[0],
                        h_px / pixels[1]), named)
    return planes
