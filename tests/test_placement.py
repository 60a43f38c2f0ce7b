"""Reference labels: beside their line where no curve runs, stepping away from a curve that
hugs the line, and a key wherever there is room when nothing near the line is clear."""

import numpy as np

from aeviz.renderer.panels.placement import free_box, free_spot

SIZE, PAD = (0.3, 0.1), (0.02, 0.02)


def hugging_curve(line_y: float, offset: float) -> np.ndarray:
    """A curve falling from the top onto the line and running along it, `offset` above."""
    x = np.linspace(0, 1, 400)
    return np.column_stack([x, line_y + offset + np.maximum(0, 0.9 - 20 * x)])


def test_the_label_goes_to_the_side_without_the_curve():
    box = free_spot(0.5, SIZE, hugging_curve(0.5, 0.01), [], PAD)
    assert box[1] + box[3] == 0.5 - 0.012  # just below the line, the curve runs above it


def test_a_curve_on_both_sides_pushes_the_label_away_until_it_is_clear():
    points = np.concatenate([hugging_curve(0.15, 0.01), hugging_curve(0.15, -0.01)])
    box = free_spot(0.15, SIZE, points, [], PAD)
    assert box[1] == 0.15 + 0.04  # the nearest gap tried that is clear of the curve and pad
    x0, y0, w, h = box
    near = ((points[:, 0] > x0 - PAD[0]) & (points[:, 0] < x0 + w + PAD[0])
            & (points[:, 1] > y0 - PAD[1]) & (points[:, 1] < y0 + h + PAD[1]))
    assert not near.any()


def test_no_room_near_the_line_gives_a_key_elsewhere():
    x = np.linspace(0, 1, 400)
    band = np.concatenate([np.column_stack([x, np.full_like(x, y)])
                           for y in np.arange(0.0, 0.45, 0.02)])  # curves fill the lower half
    assert free_spot(0.2, SIZE, band, [], PAD) is None
    box = free_box(SIZE, band, [(0.01, 0.8, 0.3, 0.15)], PAD)
    assert box[1] > 0.45 + PAD[1] and box[0] > 0.31  # above the curves, beside the taken box
