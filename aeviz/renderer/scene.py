"""A whole frame: header and panels laid out on one figure, drawn by blitting.

Everything that does not change (axes, ticks, the faint loss curve, labels, colorbar) is drawn
once into a background; each frame restores it and draws only the changing artists on top.
"""

from __future__ import annotations

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from aeviz.renderer.description import Panel, describe, stop_text
from aeviz.renderer.frames import Frame
from aeviz.renderer.labels import PathLabel
from aeviz.renderer.layout import (
    CAPTION_LINE_IN,
    CAPTION_PAD_IN,
    beside_own_plane,
    caption_lines_most,
    page_height_inches,
)
from aeviz.renderer.panels import (
    DYNAMIC,
    FONT,
    CodePanel,
    LossPanel,
    WeightPanel,
    reconstruction_panel,
)
from aeviz.renderer.panels.decoder import decoder_panel
from aeviz.renderer.panels.placement import (
    caption_page,
    caption_pages,
    draw_lines,
    fit_text,
    line_baselines,
    page_note,
    page_seconds,
    reading_order,
    text_width,
    wider_than,
)
from aeviz.renderer.panels.style import frame_pixels
from aeviz.renderer.panels.variational import lower_key_below
from aeviz.renderer.scales import ColorScale
from aeviz.renderer.theme import THEMES
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions
from aeviz.signals import checkpoint

__all__ = ["Scene", "page_height_inches"]

TITLE_IN, DETAILS_IN = 0.18, 0.61  # the header's two lines, inches below the page's top


class Scene:
    """The figure for one clip: `draw(frame)` returns the frame's RGBA pixels."""

    def __init__(self, views: list[RunView], options: RenderOptions, span: tuple[float, float],
                 figure: Figure | None = None, bottom: float = 0.0,
                 still: tuple[int, int] | None = None):
        """`figure`: draw into this one (the viewer's window) instead of a new Agg figure;
        `bottom`: a strip of that height (figure fraction) is left free, for controls;
        `still`: a still, showing frame (number, count) of the clip (its caption's page)."""
        self.views, self.options, self.bottom = views, options, bottom
        self.theme = theme = THEMES[options.theme]
        # The theme as rcParams: what the panels do not set themselves looks the same in
        # clips, stills and handouts (see Theme.rc).
        with rc_context(theme.rc(FONT)):
            if figure is None:
                width, height = options.pixels
                dpi = height / page_height_inches(height)
                # A hair over the exact size: Agg truncates the figure's size to whole pixels.
                figure = Figure(figsize=((width + 0.01) / dpi, (height + 0.01) / dpi), dpi=dpi)
                FigureCanvasAgg(figure)
            self.figure = figure
            self.figure.set_facecolor(theme.background)
            self.canvas = figure.canvas
            page = tuple(float(side) for side in figure.get_size_inches())
            self.description = describe(views, options, span, page, page[1] * figure.dpi)
            self.notes: list[str] = list(self.description.notes)  # what the user is told
            self.header = self.description.header
            self.colors = [run.color for run in self.description.runs]
            self.norms: dict[ColorScale, object] = {}  # each shared color scale's one norm
            self._header(views[0])
            caption = self._caption(bottom, still)
            # (panel, number of the run it shows, or None for the shared loss panel)
            low = bottom + caption  # the panels fit above the free strip and the caption
            squeeze = (1 - self.header - low) / (1 - self.header)
            self.slots = [(p.name, p.rect, p.run) for p in self.description.panels]
            self.squeeze = (low, squeeze)
            self.panels = [(self._panel(panel, (x, low + y * squeeze, w, h * squeeze)),
                            panel.run)
                           for panel in self.description.panels
                           for x, y, w, h in [panel.rect]]
            self._show_decoder_grids()
            self._centre_runs(low)
            self._keys_clear_of_classes()
            self.artists = [a for p, _ in self.panels for a in p.artists] + self.header_artists
            self.notes += [note for panel, _ in self.panels
                           for note in getattr(panel, "notes", [])]
            if figure.legends:
                self._details_clear_of(figure.legends[0])
        # What blitting draws onto (see draw): the figure bare of the changing artists and
        # of a caption in pages, and that with the page shown.
        self.bare = self.background = None

    def _centre_runs(self, low: float) -> None:
        """Several runs and no loss panel: the panels moved down to the middle of the room
        between the header and `low` (the caption's top). Four square panels in a row at
        1280x720 filled the top of it and left 120 px empty above the caption."""
        self.lowered_in = 0.0  # how far the panels were moved down (inches)
        if len(self.views) < 2 or any(name == "loss" for name, _, _ in self.slots):
            return
        figure = self.figure
        renderer = self.canvas.get_renderer()
        # (A key a plane adds under itself is clipped out of its tight box: measured apart.)
        boxes = [ax.get_tightbbox(renderer) for ax in figure.axes] + [
            key.get_window_extent(renderer) for ax in figure.axes for key in ax.findobj(Legend)]
        bottom = min(box.y0 for box in boxes) / figure.bbox.height
        shift = (bottom - low) / 2  # down only: the planes' titles stay clear of the header
        if shift * figure.get_size_inches()[1] < 0.05:
            return
        for ax in figure.axes:
            x, y, width, height = ax.get_position().bounds
            ax.set_position([x, y - shift, width, height])
        self.lowered_in = shift * figure.get_size_inches()[1]

    def _norm(self, scale: ColorScale | None):
        """The matplotlib norm of a color scale: one object for the runs that share it."""
        if scale is None:
            return None
        if scale not in self.norms:
            self.norms[scale] = scale.norm()
        return self.norms[scale]

    def _panel(self, described: Panel, slot: tuple[float, float, float, float]):
        """The panel `described`, drawn in `slot` (the description's rectangle, squeezed
        above a caption or controls)."""
        checkpoint()  # a stop signal acts between panels, not after the whole scene is built
        fig, theme, options, views = self.figure, self.theme, self.options, self.views
        name, title = described.name, described.title
        if name == "loss":
            return LossPanel(fig, slot, views, theme, options, self.description.span,
                             limits=described.loss, colors=self.colors,
                             styles=[run.style for run in self.description.runs])
        view = views[described.run]
        if name == "recon":
            return reconstruction_panel(fig, slot, view, theme, title, described.recon,
                                        title_color=described.title_color)
        if name == "decoder":
            beside = beside_own_plane(list(self.slots), described.rect, described.run)
            return decoder_panel(fig, slot, view, theme, title, described.decoder,
                                 title_color=described.title_color, beside=beside)
        if name == "weights":
            return WeightPanel(fig, slot, view, theme, options, title,
                               norm=self._norm(described.colors),
                               title_color=described.title_color)
        several = len(views) > 1
        panel = CodePanel(fig, slot, view, theme, options, title, legend=not several,
                          legend_span=None if several else self._with_decoder(slot, described),
                          scale=described.code.scale, title_color=described.title_color,
                          layers=described.layers, plane=self._squeezed(described.plane),
                          named=described.named, numbered=described.numbered,
                          top=any(beside_own_plane(list(self.slots), rect, described.run)
                                  for name, rect, _ in self.slots if name == "decoder"))
        if several and described.run == 0 and len(panel.ax.get_legend_handles_labels()[0]) > 1:
            # one legend for all, above the code planes, not above the loss panel
            handles, labels = panel.ax.get_legend_handles_labels()
            right = max(x + w for _, (x, _, w, _), run in self.slots if run is not None)
            self._classes_key(handles, labels, right - 0.005)
        return panel

    def _with_decoder(self, slot, described: Panel):
        """The code plane's `slot` and its own decoder's beside it (one run's three columns),
        as one strip, for its key; None where no decoder stands right of it."""
        for name, rect, run in self.slots:
            if name == "decoder" and run == described.run and beside_own_plane(
                    list(self.slots), rect, run):
                return (slot[0], slot[1], slot[2] + rect[2], slot[3])
        return None

    def _squeezed(self, plane):
        """A plane's box squeezed above the caption (or controls) as the slots are: the
        margins between planes shrink with it, the planes stay of one size (on whole
        pixels)."""
        if plane is None:
            return None
        low, squeeze = self.squeeze
        x, y, w, h = plane
        pixels = self.figure.bbox.height
        top, height = round((low + (y + h) * squeeze) * pixels), round(h * squeeze * pixels)
        return (x, (top - height) / pixels, w, height / pixels)

    def _classes_key(self, handles: list, labels: list[str], right: float) -> None:
        """The classes' key above the code planes, its right edge at `right`; wider than the
        room left of it (ten digits over two narrow planes at 640x360 lost their "0" off the
        frame's left), moved right up to the page's margin, else folded into two rows."""
        fig, margin = self.figure, 0.012
        top = self._below_top(DETAILS_IN - 0.06)
        renderer = self.canvas.get_renderer()
        forms = list(dict.fromkeys((len(labels), -(-len(labels) // 2))))
        for columns in forms:
            rows = -(-len(labels) // columns)  # each row read left to right (see reading_order)
            entries = reading_order([list(zip(handles, labels))], rows,
                                    (Line2D([], [], ls=""), ""))
            legend = fig.legend(*zip(*entries), loc="upper right", ncol=len(entries) // rows,
                                bbox_to_anchor=(right, top), frameon=False,
                                fontsize=FONT["tick"], markerscale=2.2, handletextpad=0.2,
                                columnspacing=1.0, labelcolor=self.theme.foreground)
            box = legend.get_window_extent(renderer).transformed(fig.transFigure.inverted())
            if box.x0 >= margin:
                return
            if box.width <= 1 - 2 * margin:
                legend.set_bbox_to_anchor((min(right + margin - box.x0, 1 - margin), top),
                                          transform=fig.transFigure)
                return
            if columns != forms[-1]:
                legend.remove()

    def _keys_clear_of_classes(self) -> None:
        """A plane's key (the VAE's circles) under the classes' key, never over it."""
        if not self.figure.legends:
            return
        renderer = self.canvas.get_renderer()
        classes = self.figure.legends[0].get_window_extent(renderer)
        width = self.figure.bbox.width
        for _, (x, _, w, _), run in self.slots:
            if run is None:
                continue
            for ax in self.figure.axes:
                if x <= ax.get_position().x0 < x + w:
                    for key in [a for a in ax.artists if isinstance(a, Legend)]:
                        self._replace_artist(key, lower_key_below(key, classes, renderer,
                                                                  (x + w) * width))

    def _replace_artist(self, old, new) -> None:
        """`new` drawn in place of `old` by the panels that keep it among their artists."""
        for panel, _ in self.panels:
            panel.artists = [new if artist is old else artist for artist in panel.artists]

    def _show_decoder_grids(self) -> None:
        """The decoder panel's grid, faint on the same run's code plane: the two read
        together (the code panel's "grid" layer)."""
        for (panel, _), described in zip(self.panels, self.description.panels):
            if described.name == "code" and "grid" in described.layers:
                panel.show_grid(described.decoder.points())

    def _below_top(self, inches: float) -> float:
        """The figure fraction `inches` below the top of the page."""
        return 1 - inches / self.figure.get_size_inches()[1]

    def _header(self, view: RunView) -> None:
        fig, theme, run = self.figure, self.theme, view.run
        width_pt = fig.get_size_inches()[0] * 72
        counter_pt = text_width(self.widest_counter(), 17)
        several = len(self.views) > 1
        title = fit_text(self.description.title, 17, 0.97 * width_pt - counter_pt - 12,
                         bold=True)
        self.title = fig.text(0.012, self._below_top(TITLE_IN), title, ha="left", va="top",
                              fontsize=17, fontweight="bold", color=theme.foreground)
        self.counter_pt = counter_pt
        details = list(self.description.details)
        # A comparison's line in words: its longest form that fits (see _details_clear_of).
        self.detail_forms = self.description.detail_forms if several else ()
        # Room for the stop reason (one run) or the clusters' legend (several) on the right.
        room = 0.97 * width_pt - text_width(stop_text(run), FONT["label"]) - 12
        if several:
            room = 0.45 * width_pt
            details = [next((form for form in self.detail_forms
                             if not wider_than(form, FONT["label"], room)),
                            self.detail_forms[-1])]
        while len(details) > 1 and wider_than("  |  ".join(details), FONT["label"], room):
            details.pop()
        self.details = fig.text(0.012, self._below_top(DETAILS_IN),
                                fit_text("  |  ".join(details), FONT["label"], room),
                                ha="left", va="top", fontsize=FONT["label"], color=theme.muted)
        self.counter = PathLabel(fig, 0.988, self._below_top(TITLE_IN), fig.transFigure,
                                 size=17, color=theme.foreground, zorder=DYNAMIC, ha="right")
        self.status = PathLabel(fig, 0.988, self._below_top(DETAILS_IN), fig.transFigure,
                                size=FONT["label"], color=theme.muted, zorder=DYNAMIC,
                                ha="right")
        fig.add_artist(self.counter)
        fig.add_artist(self.status)
        self.header_artists = [self.counter, self.status]

    def _caption(self, bottom: float, still: tuple[int, int] | None) -> float:
        """Draw `options.caption` (if set) in a strip just above `bottom`: wrapped to at most
        caption_lines_most lines across the page; where it does not fit whole, its pages
        (caption_pages) take turns, each drawn once and shown by show_caption_page, the
        strip as tall as the tallest, each page's first line at its top (nothing moves
        between pages). `still`: (frame number, frame count) of the clip's frame a still
        shows, whose page it keeps. Returns the strip's height (figure fraction; 0 without
        a caption, which leaves the layout as it was)."""
        text = self.options.caption
        self.caption_lines: list = []  # the texts drawn, one per line, of the page shown
        self.caption_pages: list[list] = []  # every page's texts (hidden but the one shown)
        self.caption_seconds: list[float] = []  # the time each page takes to read
        self.caption_page = 0
        if not text or not text.strip():
            return 0.0
        fig = self.figure
        width_in, height_in = fig.get_size_inches()
        most = caption_lines_most(height_in, width_in)
        # A margin on the right: Agg draws text a little wider than its outline measures.
        room = 0.97 * width_in * 72 - 2 * FONT["label"]
        pages = caption_pages(text, FONT["label"], room, most)
        self.caption_seconds = page_seconds(pages)
        if still is not None:
            self.caption_page = caption_page(*still, self.caption_seconds)
        pixels = frame_pixels(fig)
        note = page_note(text, pages, self.caption_page, f"a {pixels} frame",
                         still=still is not None)
        if note:
            self.notes.append(note)
        # As tall as its lines, their math included (a fraction, a sum's limits).
        blocks = [line_baselines(page.lines, FONT["label"])[1] / 72 for page in pages]
        block_in = max(blocks)
        base_in = bottom * height_in + 0.5 * CAPTION_PAD_IN
        for page, block in zip(pages, blocks):
            texts = draw_lines(fig, 0.012, base_in + block_in - block, page.lines,
                               FONT["label"], self.theme.foreground)
            for line in texts:
                line.set_visible(len(self.caption_pages) == self.caption_page)
            self.caption_pages.append(texts)
        self.caption_lines = self.caption_pages[self.caption_page]
        lines = max(len(page.lines) for page in pages)
        return (max(lines * CAPTION_LINE_IN, block_in) + CAPTION_PAD_IN) / height_in

    def show_caption_page(self, number: int, count: int) -> None:
        """Show the caption's page for frame `number` of `count` (see caption_page). The
        page is part of the blitting's background: a new page (a few times a clip) draws
        its lines onto the bare background once, and the frames between draw nothing more."""
        if len(self.caption_pages) < 2:
            return
        page = caption_page(number, count, self.caption_seconds)
        if page == self.caption_page:
            return
        for line in self.caption_lines:
            line.set_visible(False)
        self.caption_page, self.caption_lines = page, self.caption_pages[page]
        for line in self.caption_lines:
            line.set_visible(True)
        self.background = None

    def _details_clear_of(self, legend) -> None:
        """Shorten the header's second line to end before the clusters' legend beside it."""
        renderer = self.canvas.get_renderer()
        key = legend.get_window_extent(renderer)
        room_pt = (key.x0 - self.details.get_window_extent(renderer).x0) * 72 / \
            self.figure.dpi - FONT["label"]
        forms = self.detail_forms or (self.details.get_text(),)
        title_x1 = self.title.get_window_extent(renderer).x1
        beside_pt = (self.figure.bbox.width - title_x1) * 72 / self.figure.dpi - \
            self.counter_pt - 0.012 * self.figure.get_size_inches()[0] * 72 - 2 * 12
        gap_pt = 12
        after_pt = (0.988 * self.figure.bbox.width - key.x1) * 72 / self.figure.dpi - gap_pt
        for form in forms:  # the longest form that fits: in its place, after the legend on
            if not wider_than(form, FONT["label"], room_pt):  # its row, else beside the title
                self.details.set_text(form)
                return
            if self.detail_forms and not wider_than(form, FONT["label"], after_pt):
                # (at 640x360 the four optimizers' "optimizer and learning rate differ" fits
                # there, where beside the title only "2 settings differ" did, naming none)
                self.details.set_position(((key.x1 + gap_pt * self.figure.dpi / 72) /
                                           self.figure.bbox.width,
                                           (key.y0 + key.y1) / 2 / self.figure.bbox.height))
                self.details.set_verticalalignment("center")
                self.details.set_text(form)
                return
            if self.detail_forms and not wider_than(form, FONT["label"], beside_pt):
                x = (title_x1 + 12 * self.figure.dpi / 72) / self.figure.bbox.width
                self.details.set_position((x, self._below_top(TITLE_IN + 0.06)))
                self.details.set_text(form)
                return
        # Nowhere room for a form in words: no line rather than a stub ("3…").
        cut = fit_text(forms[-1], FONT["label"], room_pt)
        self.details.set_text(cut if not self.detail_forms or len(cut) > 12 else "")

    def widest_counter(self) -> str:
        """The longest text the epoch counter will show, to keep the title clear of it."""
        return max((view.step_label(i) for view in self.views for i in range(len(view))),
                   key=len)

    def _update_header(self, frame: Frame, states) -> None:
        if len(self.views) == 1:
            view, state = self.views[0], states[0]
            self.counter.set_text(view.step_label(state.snapshot))
            run = view.run
            last = state.snapshot == len(run) - 1
            self.status.set_text(self.description.runs[0].stop if last else "")
        else:
            # The latest recorded moment of any run, named as that run names it (a frame
            # between snapshots names the recorded moment before it, as for one run; a run
            # recorded by batch read "epoch 0" from its fractional timeline).
            _, number = max((v.timeline[s.snapshot], n)
                            for n, (v, s) in enumerate(zip(self.views, states)))
            self.counter.set_text(self.views[number].step_label(states[number].snapshot))
            self.status.set_text("")

    def update(self, frame: Frame) -> list:
        """Set every changing artist to `frame`; return them."""
        states = [view.state(index, frame.position)
                  for view, index in zip(self.views, frame.indexes)]
        for panel, run_number in self.panels:
            panel.update(states if run_number is None else states[run_number])
        self._update_header(frame, states)
        return self.artists

    def draw(self, frame: Frame) -> memoryview:
        """The frame's pixels (RGBA, row-major), drawn by blitting onto the saved background
        (by a full redraw when the scales follow the values: then the axes change too). A
        caption in pages is left out of the bare background and drawn onto a copy of it
        once a page (see show_caption_page): its lines are drawn a few times a clip, never
        every frame."""
        if self.options.scales == "follow":
            return self.draw_full(frame)
        if self.bare is None:
            paged = self.caption_pages if len(self.caption_pages) > 1 else []
            for artist in self.artists + [line for page in paged for line in page]:
                artist.set_animated(True)  # left out of the background
            self.canvas.draw()
            self.bare = self.canvas.copy_from_bbox(self.figure.bbox)
            self.background = None if paged else self.bare
        if self.background is None:  # the bare background and the page shown
            self.canvas.restore_region(self.bare)
            for line in self.caption_lines:
                self.figure.draw_artist(line)
            self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self.background)
        for artist in sorted(self.update(frame), key=lambda a: a.get_zorder()):
            self.figure.draw_artist(artist)
        return self.canvas.buffer_rgba()

    def draw_full(self, frame: Frame) -> memoryview:
        """The same frame by a complete redraw (the reference the blitting must match)."""
        self.update(frame)
        for artist in self.artists + [line for page in self.caption_pages for line in page]:
            artist.set_animated(False)
        self.canvas.draw()
        self.bare = self.background = None
        return self.canvas.buffer_rgba()
