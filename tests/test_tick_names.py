"""Tick labels name their ticks' values: 1.2e14 is "1.2e14", never "1e14" (one digit made the
divergence clip's top tick read 1e14 and the handout's "0, 6e13, 1e14"); readouts keep at most
four significant digits. The page's twin (kit.js) is checked against these in
test_page_browser."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from aeviz.renderer.scales import follow_ticks, short_number, tick_name  # noqa: E402

NAMED = [(0.0, "0"), (1.2e14, "1.2e14"), (4e13, "4e13"), (-8e13, "\u22128e13"),
         (0.1 + 0.2, "0.3"), (2.5, "2.5"), (-0.35, "\u22120.35"), (12.0, "12"), (1e4, "1e4"),
         (1.25e-5, "1.25e\u22125"), (7.5e13, "7.5e13"), (1000.5, "1000.5"),
         (3.1415926e9, "3.1415926e9")]


@pytest.mark.parametrize("value, name", NAMED)
def test_a_tick_is_named_by_its_value(value, name):
    assert tick_name(value) == name


@pytest.mark.parametrize("value, text", [(35.7123, "35.71"), (7.734e27, "7.734e27"),
                                         (1.2e14, "1.2e14"), (21.6, "21.6"),
                                         (0.0874, "0.0874"), (9999.6, "1e4")])
def test_a_readout_keeps_four_digits_at_most(value, text):
    assert short_number(value) == text


def test_the_follow_ticks_of_a_blown_up_plane_read_their_values():
    figure, ax = plt.subplots(figsize=(6.4, 3.6))
    try:
        ax.set_xlim(-1e13, 1.3e14)
        ax.set_ylim(-3e13, 1.45e14)
        follow_ticks(ax, 10)  # matplotlib's tick labels, 10 pt
        figure.canvas.draw()
        for axis in (ax.xaxis, ax.yaxis):
            ticks = axis.get_majorticklocs()
            labels = [label.get_text() for label in axis.get_majorticklabels()]
            assert len(set(labels)) == len(labels)
            read = [float(label.replace("\u2212", "-")) for label in labels]
            assert np.allclose(read, ticks, rtol=1e-9, atol=0), (labels, ticks)
    finally:
        plt.close(figure)
