"""The weight graph's words: each layer's name and size under it, its activations above it.

They keep one legible size (FONT["small"], the size the legibility guarantee is about); when
they do not fit, they say less instead of getting smaller: first shorter counts of the neurons
shown ("16 of 64", then "16/64"), then sizes without names (the code layer keeps its name),
then fewer labels (the code layer, the input and the output first).
"""

from __future__ import annotations

from collections import Counter

from matplotlib.text import Text

from aeviz.renderer.panels.placement import fit_text, text_width
from aeviz.renderer.panels.style import FONT

GAP_EM = 0.4        # the least space between two layer labels, in ems
LINE_EM = 1.25      # the height of a line of the activations, in ems
MOST_LINES = 2      # lines the activations may take when they are summarized


def layer_names(count: int, code: int) -> list[str]:
    """"input", "hidden", "code", "output": what each of `count` layers is."""
    return ["input" if layer == 0 else "output" if layer == count - 1 else
            "code" if layer == code else "hidden" for layer in range(count)]


def layer_label_choices(sizes: tuple[int, ...], shown: list[int], code: int) -> list[list[str]]:
    """Every layer's label, from the most to the least said: one list of texts per choice."""
    names = layer_names(len(sizes), code)

    def count(size: int, kept: int, form: str) -> str:
        return str(size) if kept == size else form.format(kept=kept, size=size)

    return [
        [f"{name}\n{size}" + (f"\n{kept} shown" if kept < size else "")
         for name, size, kept in zip(names, sizes, shown)],
        [f"{name}\n{count(size, kept, '{kept} of {size}')}"
         for name, size, kept in zip(names, sizes, shown)],
        [f"{name}\n{count(size, kept, '{kept}/{size}')}"
         for name, size, kept in zip(names, sizes, shown)],
        [("code\n" if layer == code else "") + count(size, kept, "{kept}/{size}")
         for layer, (size, kept) in enumerate(zip(sizes, shown))],
    ]


def fit_layer_labels(labels: list[Text], choices: list[list[str]], code: int,
                     bottom_px: float) -> None:
    """Set `labels` (one per layer, already placed) to the first choice whose texts neither
    overlap nor leave the figure or fall below `bottom_px`; if none does, the last choice
    with labels removed until the rest do, keeping the code layer, input and output first."""
    figure = labels[0].get_figure()  # kept: a label removed below no longer knows it
    gap = GAP_EM * labels[0].get_fontsize() * figure.dpi / 72
    width = figure.bbox.width
    for texts in choices:
        for label, text in zip(labels, texts):
            label.set_text(text)
        boxes = _boxes(labels)
        if all(_inside(box, width, bottom_px) for box in boxes) and not any(
                _overlap(a, b, gap) for i, a in enumerate(boxes) for b in boxes[i + 1:]):
            return
    last = len(labels) - 1
    order = [code, 0, last] + sorted(set(range(len(labels))) - {code, 0, last},
                                     key=lambda layer: (abs(layer - code), layer))
    kept = []
    for layer, box in sorted(zip(range(len(labels)), _boxes(labels)),
                             key=lambda item: order.index(item[0])):
        if _inside(box, width, bottom_px) and not any(_overlap(box, k, gap) for k in kept):
            kept.append(box)
        else:
            labels[layer].remove()


def activation_lines(names: tuple[str, ...], code: int, column_pt: float,
                     room_pt: float) -> tuple[bool, list[str]]:
    """The activations as (one name per weight layer?, lines): each name between its two
    layers when the widest fits there, else a summary wrapped into `room_pt` points."""
    size = FONT["small"]
    if max(text_width(name, size) for name in names) + size < column_pt:  # an em apart
        return True, list(names)
    lines: list[str] = []
    wrap_pt = room_pt - text_width(",", size)  # each line but the last ends with a comma
    for part in summary_parts(names, code):
        if lines and text_width(f"{lines[-1]}, {part}", size) <= wrap_pt:
            lines[-1] = f"{lines[-1]}, {part}"
        else:
            lines.append(part)
    if len(lines) > MOST_LINES:  # the rest on the last line, cut to fit
        lines = lines[:MOST_LINES - 1] + [", ".join(lines[MOST_LINES - 1:])]
    lines = [f"{line}," for line in lines[:-1]] + lines[-1:]
    return False, [fit_text(line, size, room_pt) for line in lines]


def summary_parts(names: tuple[str, ...], code: int) -> list[str]:
    """"tanh", "code identity", "output sigmoid": the most common activation, then each weight
    layer that differs, named by the layer it feeds."""
    common = Counter(names).most_common(1)[0][0]
    feeds = layer_names(len(names) + 1, code)[1:]
    parts = [common]
    for layer, name in enumerate(names):
        if name != common:
            role = feeds[layer] if feeds[layer] != "hidden" else f"layer {layer + 1}"
            parts.append(f"{role} {name}")
    return parts


def _boxes(labels: list[Text]) -> list:
    renderer = labels[0].get_figure().canvas.get_renderer()  # before any label is removed
    return [label.get_window_extent(renderer) for label in labels]


def _overlap(a, b, gap: float) -> bool:
    """Whether two boxes (pixels) overlap or come closer than `gap` pixels side by side."""
    return a.x0 < b.x1 + gap and b.x0 < a.x1 + gap and a.y0 < b.y1 and b.y0 < a.y1


def _inside(box, width: float, bottom_px: float) -> bool:
    """Whether a box (pixels) is within the figure's `width` and above `bottom_px`."""
    return box.x0 >= 0 and box.x1 <= width and box.y0 >= bottom_px - 0.5
