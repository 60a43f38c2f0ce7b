"""What a page holds: the runs' numbers as compact binary, their texts, colors and layout.

Colors, titles, panel names and moment names come from the renderer's own helpers (theme,
naming, scene, panels), so a page says and shows what a clip of the same runs says and shows.
"""

from __future__ import annotations

import base64
import dataclasses
import math

import numpy as np

from aeviz.errors import AevizError
from aeviz.renderer.frames import Frame, plan_frames
from aeviz.renderer.naming import comparison_details, shared_title
from aeviz.renderer.page.playground import playground_data
from aeviz.renderer.panels.graph_labels import _summary_parts, layer_label_choices
from aeviz.renderer.panels.images import MOST_SAMPLES, strip_samples
from aeviz.renderer.panels.style import (
    BLOW_UP,
    cluster_color,
    cluster_hollow,
    padded_limits,
)
from aeviz.renderer.panels.weights import _strongest_neurons
from aeviz.renderer.scales import color_scales
from aeviz.renderer.scene import _stop_text
from aeviz.renderer.theme import THEMES, run_colors
from aeviz.renderer.views import RunView
from aeviz.settings import OPTIMIZER_TITLES, RenderOptions
from aeviz.training.model import LEAK

# The caps on what goes into a page. Snapshots (every sample's code, every weight) are thinned
# to an even spread (first and last kept) so that they take at most SNAPSHOT_BYTES; a run
# whose first and last snapshots alone exceed it is refused (render a clip). The samples a
# pointer can pick (their data, for the reconstruction) are capped at HOVER_SAMPLES, or fewer
# when the data is wide. Every point is drawn whatever the thinning; the page says when
# something was thinned.
SNAPSHOT_BYTES = 12_000_000
HOVER_SAMPLES = 10_000
HOVER_BYTES = 4_000_000
QUANT = 32767  # codes are int16 on the run's fixed axes: [-QUANT, QUANT]; -32768: not finite
CMAP_STEPS = 256


def b64(array: np.ndarray, dtype: str) -> str:
    """The array's values as little-endian `dtype` bytes, base64 text."""
    return base64.b64encode(np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<"))
                            .tobytes()).decode("ascii")


def pack_runs(views: list[RunView], options: RenderOptions
              ) -> tuple[dict, list[Frame], list[str]]:
    """The page's data (plain JSON values), the slider's moments, and notes for the user."""
    theme = THEMES[options.theme]
    notes: list[str] = []
    # Every recorded moment (of any run) within render.epochs and render.every, once.
    frames = plan_frames([v.timeline for v in views],
                         dataclasses.replace(options, duration=0.0, hold=0.0, smooth=0,
                                             pace="linear"))
    frames = _thinned(frames, views, notes)
    several = len(views) > 1
    runs = []
    colors = run_colors(theme, [v.label for v in views]) if several else [theme.accent]
    # One scale per quantity, as in clips (scales.py): shared by every run unless "own"; the
    # weights' colors follow the largest value so far with "follow", as in clips; the code
    # plane keeps the fixed scale over all snapshots (the clip's fixed fallback), which holds
    # the whole blow-up.
    norms = color_scales(views, "own" if options.scales == "own" else "shared")
    code_runs = [[v] for v in views] if options.scales == "own" else [views] * len(views)
    for number, view in enumerate(views):
        used = sorted({int(frame.indexes[number]) for frame in frames})
        runs.append(_pack_run(view, used, colors[number], several, options, notes,
                              norms[number], code_runs[number]))
    steps = []
    for frame in frames:
        indexes = [runs[n]["used"].index(int(i)) for n, i in enumerate(frame.indexes)]
        steps.append({"position": frame.position, "indexes": indexes})
    first = views[0].run
    if several:
        title = options.title or shared_title([v.run for v in views], [v.label for v in views])
        details = comparison_details([v.run for v in views])
        counters = [f"epoch {int(math.floor(f.position + 1e-9))}" for f in frames]
    else:
        title = options.title or first.title or "aeviz run"
        layers = "-".join(str(n) for n in first.layer_sizes)
        train = first.experiment.train
        optimizer = OPTIMIZER_TITLES.get(train.optimizer, train.optimizer)
        details = "  |  ".join([f"{optimizer}, learning rate {train.learning_rate:g}, "
                                f"batch {train.batch_size}", f"layers {layers}",
                                f"{len(first.x)} samples"])
        counters = [views[0].step_label(int(f.indexes[0])) for f in frames]
    panels, columns = page_panels(runs, options, notes)
    data = {
        "title": title, "details": details, "caption": options.caption or "",
        "counters": counters, "steps": steps, "fps": options.fps,
        "within": any(bool((v.timeline % 1).any()) for v in views),
        "logLoss": options.log_loss, "pca": options.pca, "future": options.future,
        "theme": {name: getattr(theme, name) for name in (
            "background", "foreground", "muted", "faint", "panel", "accent")},
        "cmap": _colormap(theme.weight_cmap), "leak": LEAK,
        "runs": runs, "notes": notes, "panels": panels, "columns": columns,
        "playground": playground_data(views, b64),
    }
    return data, frames, notes


# The panels a page draws: each named as in [render] panels, drawn by a kind of page.js. The
# reconstruction panel is the page's probe (hover a point or a code: its output is drawn
# there), so a page always has one, after the code plane.
TITLES = {"code": "code layer", "loss": "reconstruction error",
          "weights": "weights and biases", "recon": "reconstruction"}
PAGE_PANELS = ("code", "recon", "loss", "weights", "decoder")
TITLES["decoder"] = "decoder over the code plane"


def page_panels(runs: list[dict], options: RenderOptions, notes: list[str]
                ) -> tuple[list[dict], int]:
    """The panels in drawing order (name, kind, run, title, wide) and the grid's columns;
    notes for what the page cannot draw."""
    names = list(options.panels)
    if "recon" not in names:
        names.insert(names.index("code") + 1 if "code" in names else 0, "recon")
    for name in [n for n in names if n not in PAGE_PANELS]:
        names.remove(name)
        notes.append(f"page: the {name} panel is drawn in clips and stills only")
    for option in ("pull", "ellipses"):
        if getattr(options, option):
            notes.append(f"page: {option} is drawn in clips and stills only")
    several = len(runs) > 1
    if several and len(runs) > 2 and "weights" in names:
        names.remove("weights")
        notes.append("page: the weights panel is left out of comparisons of 3 or more runs "
                     "(too small to read); render a run alone to see its weights")
    panels = []
    for name in names:
        if name == "loss":
            panels.append({"name": "loss", "kind": "loss", "runs": list(range(len(runs))),
                           "title": TITLES["loss"], "ylabel": "RMSE", "wide": several})
            continue
        for number, run in enumerate(runs):
            kind = {"recon": run["reconKind"], "decoder": run["decoderKind"]}.get(name, name)
            panels.append({"name": name, "kind": kind,
                           "run": number, "title": run["label"] if several else TITLES[name],
                           "color": run["color"] if several else None, "wide": False})
    return panels, len(runs) if several else 2


def decoder_part(view: RunView, theme) -> dict:
    """What a page's decoder panel needs of a run: the grid of codes it decodes each step,
    and for a sheet the projection of data space onto the screen (as the clip's)."""
    from aeviz.renderer.panels import decoder

    run = view.run
    if run.experiment.data.image_shape is not None:
        side = decoder.MOSAIC_SIDE
        grid, extent = decoder.decoder_grid(view.codes, side)
        return {"decoderKind": "decoderMosaic", "decoderGrid": b64(grid, "f8"),
                "decoderSide": side, "decoderExtent": list(extent),
                "decoderRange": [float(run.x.min()), float(run.x.max())]}
    x = run.x.astype(float)
    center, axes, names = decoder.data_projection(x, run)
    count = (decoder.MESH_SIDE - 1) * decoder.MESH_STEPS + 1
    grid, _ = decoder.decoder_grid(view.codes, decoder.MESH_SIDE, decoder.MESH_STEPS)
    flat = (x - center) @ axes
    final = (decoder.decode(view, grid, view.state(len(view) - 1)) - center) @ axes
    shown = np.concatenate([flat, final])
    return {"decoderKind": "decoderSheet", "decoderGrid": b64(grid, "f8"),
            "decoderCount": count, "decoderSteps": decoder.MESH_STEPS,
            "decoderCenter": center.tolist(), "decoderAxes": axes.tolist(),
            "decoderNames": list(names), "decoderData": b64(flat, "f4"),
            "decoderLimits": [list(padded_limits(shown[:, 0])),
                              list(padded_limits(shown[:, 1]))]}


def snapshot_bytes(views: list[RunView]) -> int:
    """What one moment of the slider adds to the page: every run's codes (two int16 each),
    weights and biases (float32) and largest weight (float32)."""
    return sum(len(v.run.x) * 4 + sum(w[0].size + b[0].size for w, b in
                                      zip(v.run.weights, v.run.biases)) * 4 + 4
               for v in views)


def _thinned(frames: list[Frame], views: list[RunView], notes: list[str]) -> list[Frame]:
    """The moments, evenly thinned (first and last kept) so that their snapshots take at most
    SNAPSHOT_BYTES; a run too large for even its first and last is refused."""
    per_snapshot = snapshot_bytes(views)
    most = SNAPSHOT_BYTES // per_snapshot
    if len(frames) <= most:
        return frames
    budget = f"{SNAPSHOT_BYTES / 1e6:g} MB"
    if most < 2:
        raise AevizError(f"a page cannot hold this run: one snapshot takes "
                         f"{per_snapshot / 1e6:.1f} MB and a page holds at most {budget} of "
                         "snapshots; render a clip or a still instead")
    picks = np.unique(np.round(np.linspace(0, len(frames) - 1, most)).astype(int))
    kept = [frames[i] for i in picks]
    notes.append(f"page: {len(frames)} snapshots thinned to {len(kept)} (evenly, first and "
                 f"last kept) to keep the page's snapshots within {budget}")
    return kept


def _pack_run(view: RunView, used: list[int], color: str, several: bool,
              options: RenderOptions, notes: list[str], norm, scaled_with: list[RunView]
              ) -> dict:
    """One run's data; `norm` is its weight color scale, `scaled_with` the runs whose codes
    set its code plane's limits (itself alone, or every run of the comparison)."""
    run = view.run
    theme = THEMES[options.theme]
    n, d = run.x.shape
    labels = np.asarray(run.labels)
    classes = []
    for value in np.unique(labels):
        value = int(value)
        name = (run.label_names[value] if 0 <= value < len(run.label_names)
                else f"class {value}" if value >= 0 else "samples")
        classes.append({"value": value, "name": name, "color": cluster_color(theme, value),
                        "hollow": cluster_hollow(theme, value),
                        "count": int((labels == value).sum())})
    strip = strip_samples(labels, MOST_SAMPLES)
    hover = _hover_samples(n, d, strip)
    if len(hover) < n:
        notes.append(f"page: {view.label}: {n:,} samples, {len(hover):,} of them (every "
                     f"{n // len(hover)}th) respond to the pointer; all are drawn")
    codes, axes = _quantized_codes(view, used, scaled_with)
    params = np.concatenate(
        [np.concatenate([w[used].reshape(len(used), -1), b[used]], axis=1)
         for w, b in zip(run.weights, run.biases)], axis=1)
    linthresh = float(getattr(norm, "linthresh", 0.0))
    image_shape = run.experiment.data.image_shape
    pairs = ([] if image_shape is not None or d > 3 else
             [[0, 1]] if d == 2 else [[0, 1], [0, 2], [1, 2]] if d == 3 else [])
    loss_pca = float(view.pca[0]) if options.pca else None
    shown = _strongest_neurons(run)
    follow = options.scales == "follow"
    largest = (np.maximum.accumulate(view.largest_weights())[used] if follow
               else np.zeros(0))
    decoder = decoder_part(view, theme) if "decoder" in options.panels else {
        "decoderKind": None}
    return {
        **decoder,
        "label": view.label,
        "color": color,  # the run's, fixed by its name (theme.run_colors)
        "n": n, "d": d, "layerSizes": [int(s) for s in run.layer_sizes],
        "activations": list(run.activations), "codeLayer": run.code_layer,
        "imageShape": list(image_shape) if image_shape else None,
        "classes": classes, "labelTitle": run.experiment.data.label_column or "",
        "labels": b64(labels, "i4"),
        "features": [run.feature_name(i) for i in range(d)],
        "used": used, "epochs": [int(run.epoch[i]) for i in used],
        "moments": [run.moment(i) for i in used],
        "timeline": b64(view.timeline, "f8"), "loss": b64(run.loss, "f8"),
        "pcaLoss": loss_pca,
        "pcaText": f"PCA, 2 components: {loss_pca:.4f}" if loss_pca is not None else "",
        "epsilon": 0.0 if several else float(run.experiment.train.epsilon),
        "stop": _stop_text(run),
        "codes": codes, "axes": axes,
        "params": b64(params, "f4"), "paramCount": int(params.shape[1]),
        "shown": [[int(i) for i in s] for s in shown],
        "layerLabels": layer_label_choices(tuple(run.layer_sizes), [len(s) for s in shown],
                                           run.code_layer),
        "activationSummary": ", ".join(_summary_parts(tuple(run.activations),
                                                      run.code_layer)),
        "weightLimit": float(norm.vmax), "weightLinthresh": linthresh,
        "largest": b64(largest, "f4"),
        "hover": b64(np.asarray(hover), "i4"), "hoverX": b64(run.x[hover], "f4"),
        "strip": strip, "pairs": pairs,
        "reconKind": ("reconImages" if image_shape is not None else
                      "reconSpace" if pairs else "reconProfile"),
        "dataLimits": [list(padded_limits(run.x[:, i].astype(float))) for i in range(d)]
        if pairs else [],
    }


def _hover_samples(n: int, d: int, strip: list[int]) -> list[int]:
    """The samples that respond to the pointer: all, or an even spread (strip samples kept)."""
    most = max(1, min(HOVER_SAMPLES, HOVER_BYTES // (4 * d)))
    if n <= most:
        return list(range(n))
    spread = np.arange(0, n, math.ceil(n / most))
    return sorted(set(spread.tolist()) | set(strip))


def _quantized_codes(view: RunView, used: list[int], scaled_with: list[RunView]
                     ) -> tuple[str, dict]:
    """The codes of the used snapshots as int16 on fixed axes (as the code panel fixes them:
    padded limits, or a symmetric log scale for codes that blow up), the limits holding every
    finite code of the runs `scaled_with` (the smallest starting spread among them, as
    scales.code_scale)."""
    codes = np.asarray(view.codes, dtype=float)
    every = [np.asarray(v.codes, dtype=float) for v in scaled_with]
    finite = np.concatenate([c[np.isfinite(c).all(axis=-1)] for c in every])
    spreads = [np.ptp(start) for start in (c[0][np.isfinite(c[0]).all(axis=-1)] for c in every)
               if start.size]
    start_spread = float(min(spreads)) if spreads else 0.0
    start_spread = start_spread or 1e-3
    reach = float(np.abs(finite).max()) if finite.size else 1.0
    linthresh = start_spread if reach > BLOW_UP * start_spread else 0.0
    shown = codes[used]
    if linthresh:
        shown = np.sign(shown) * np.log10(1 + np.abs(shown) / linthresh)
        top = math.log10(1 + 1.5 * reach / linthresh)
        limits = [[-top, top], [-top, top]]
    else:
        limits = [list(padded_limits(finite[:, 0])), list(padded_limits(finite[:, 1]))] \
            if finite.size else [[-1.0, 1.0], [-1.0, 1.0]]
    low = np.array([limits[0][0], limits[1][0]])
    high = np.array([limits[0][1], limits[1][1]])
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.rint((shown - low) / (high - low) * 2 * QUANT - QUANT)
    bad = ~np.isfinite(scaled).all(axis=-1, keepdims=True) | np.zeros_like(scaled, bool)
    quantized = np.where(bad, -32768, np.clip(np.nan_to_num(scaled), -QUANT, QUANT))
    return b64(quantized, "i2"), {"limits": limits, "symlog": linthresh, "reach": reach}


def _colormap(name: str) -> list[str]:
    """The weight colormap sampled at CMAP_STEPS points, as #rrggbb."""
    import matplotlib
    from matplotlib import colors as mcolors

    cmap = matplotlib.colormaps[name]
    return [mcolors.to_hex(cmap(i / (CMAP_STEPS - 1))) for i in range(CMAP_STEPS)]
