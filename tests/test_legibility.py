"""Text stays readable at small sizes: the smallest text of any frame is at least 11 px at
640x360 and 13.5 px at 1280x720 (font size; DejaVu's digits are 0.73 of it: 8 and 10 px), and
no text is cut off by the frame's edge."""

from __future__ import annotations

import pytest
from matplotlib.text import Text

from aeviz import trajectory
from aeviz.config import RenderOptions
from aeviz.render.frames import Frame
from aeviz.render.labels import PathLabel
from aeviz.render.scene import Scene
from aeviz.render.views import RunView

SMALLEST_PX = {"640x360": 11.0, "1280x720": 13.5}


def drawn_texts(scene: Scene, frame: Frame, monkeypatch) -> list[tuple[str, float, object]]:
    """(text, font size in pixels, extent) of every text a full redraw of `frame` draws (tick
    labels outside the limits exist but are not drawn), and of the changing labels."""
    drawn = []
    draw = Text.draw

    def recording(text: Text, renderer) -> None:
        if text.get_visible() and text.get_text():
            drawn.append(text)
        draw(text, renderer)

    monkeypatch.setattr(Text, "draw", recording)
    scene.draw_full(frame)
    renderer = scene.figure.canvas.get_renderer()
    found = [(t.get_text(), t.get_fontsize(), t.get_window_extent(renderer)) for t in drawn]
    found += [(label.get_text(), label._font.get_size_in_points(),
               label.get_window_extent(renderer))
              for label in scene.figure.findobj(PathLabel) if label.get_text()]
    return [(text, points * scene.figure.dpi / 72, box) for text, points, box in found]


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("runs, panels", [(1, ("code", "loss", "weights")),
                                          (1, ("code", "loss", "weights", "recon")),
                                          (2, ("code", "loss", "weights")),
                                          (4, ("code", "loss"))])
def test_smallest_text_and_nothing_cut_off(tiny_run_path, size, runs, panels, monkeypatch):
    run = trajectory.load(tiny_run_path)
    views = [RunView(run, f"run {i + 1}") for i in range(runs)]
    options = RenderOptions(size=size, panels=panels)
    scene = Scene(views, options, (0, 12))
    texts = drawn_texts(scene, Frame(12.0, (12.0,) * runs), monkeypatch)
    assert len(texts) > 20
    smallest = min(texts, key=lambda t: t[1])
    assert smallest[1] >= SMALLEST_PX[size], smallest[:2]
    width, height = options.pixels
    for text, _, box in texts:
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1, (
            text, box)
