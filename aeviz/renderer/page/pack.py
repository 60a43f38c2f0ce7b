"""What a page holds: the picture description every output draws (description.py, as JSON),
and the runs' numbers the script needs to draw it at each snapshot, as compact binary.

The panels, their order, titles, limits and color scales, the runs' names and colors, the
decoded grid, the VAE's layers and the objective's terms all come from the description, so a
page shows what a clip of the same runs shows, on the same scales. What the lessons' visuals
read at each snapshot is packed as the clip's own functions give it (a denoising run's
objective, objective.objective_rmse; its noisy inputs, description.noisy_inputs; the sheet's
region, decoding.sheet_region; a sparse run's readout, sparsity.readouts), never worked out
again in the script. The page adds one panel of
its own when the description has none: the reconstruction panel, where the pointer's probe
shows (hover a point for its reconstruction, a code for its decoding).
"""

from __future__ import annotations

import base64
import dataclasses
import math

import numpy as np

from aeviz.errors import AevizError
from aeviz.renderer.decoding import data_projection, sheet_region
from aeviz.renderer.description import (
    MARK_NAMES,
    MESH_SIDE,
    MESH_STEPS,
    PANEL_TITLES,
    Description,
    describe,
    noisy_inputs,
    panel_names,
    to_json,
)
from aeviz.renderer.frames import Frame, plan_frames
from aeviz.renderer.objective import OBJECTIVE_LABEL, objective_rmse
from aeviz.renderer.page.playground import playground_data
from aeviz.renderer.panels.code import GHOST_ALPHA, GHOST_PILE
from aeviz.renderer.panels.graph_labels import layer_label_choices, summary_parts
from aeviz.renderer.panels.images import MOST_SAMPLES, strip_samples
from aeviz.renderer.panels.loss import MARKER_PT, NESTED_SHARE, SPLIT_PT
from aeviz.renderer.panels.pull import MOST_ARROWS
from aeviz.renderer.panels.sparsity import readout_lines, silent_shares
from aeviz.renderer.panels.style import cluster_color, cluster_hollow, padded_limits
from aeviz.renderer.panels.variational import KEY_TEXTS, MOST_ELLIPSES, SHORT_KEY_TEXTS
from aeviz.renderer.panels.weights import strongest_neurons
from aeviz.renderer.scales import RISING_ROOM, growing_extents, padded
from aeviz.renderer.theme import THEMES
from aeviz.renderer.views import RunView, weight_magnitudes
from aeviz.settings import RenderOptions
from aeviz.training.model import forward

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
READOUT_BYTES = 130  # a sparse run's readout at one moment, on 1, 2 and 3 lines, as JSON text


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
    description = describe(views, options, (frames[0].position, frames[-1].position))
    notes += [f"page: {note}" for note in description.notes]
    runs = []
    for number, view in enumerate(views):
        used = sorted({int(frame.indexes[number]) for frame in frames})
        runs.append(_pack_run(view, number, used, description, options, notes))
    for run, beyond in zip(runs, _over_range(views, description)):
        run["overRange"] = beyond
    steps = []
    for frame in frames:
        indexes = [runs[n]["used"].index(int(i)) for n, i in enumerate(frame.indexes)]
        steps.append({"position": frame.position, "indexes": indexes})
    several = len(views) > 1
    if several:
        counters = [f"epoch {int(math.floor(f.position + 1e-9))}" for f in frames]
    else:
        counters = [views[0].step_label(int(f.indexes[0])) for f in frames]
    data = {
        "title": description.title or "aeviz run", "details": "  |  ".join(description.details),
        "caption": description.caption, "counters": counters, "steps": steps,
        "keyTexts": list(KEY_TEXTS), "shortKeyTexts": list(SHORT_KEY_TEXTS),
        "markNames": {mark: list(names) for mark, names in MARK_NAMES.items()},
        "objectiveLabel": OBJECTIVE_LABEL,
        # PCA's rings: a ring's opacity, and the rings around it past which it grows fainter
        # (the clip's ghost_colors rule, ported to panel-code.js's ghostAlphas)
        "ghostAlpha": GHOST_ALPHA, "ghostPile": GHOST_PILE,
        "objectiveColor": theme.runs[2],  # as the loss panel draws the training objective
        # loss end dots at one place: two as halves of one this much larger, a third nested
        "splitShare": SPLIT_PT / MARKER_PT, "nestedShare": NESTED_SHARE,  # (the clip's)
        "risingRoom": RISING_ROOM,  # above a following loss axis's largest value (the clip's)
        "fps": options.fps, "within": any(bool((v.timeline % 1).any()) for v in views),
        "future": options.future,
        "theme": {name: getattr(theme, name) for name in (
            "background", "foreground", "muted", "faint", "panel", "accent")},
        "cmap": _colormap(theme.weight_cmap),
        "runs": runs, "notes": notes,
        "description": to_json(description),
        "panels": page_panels(description, runs),
        "columns": len(views) if several else 2,
        "playground": playground_data(views, b64),
    }
    return data, frames, notes


def page_panels(description: Description, runs: list[dict]) -> list[dict]:
    """The panels the page draws, in order: the description's (each with the kind of script
    part that draws it), then the page's probe panel if the description has no "recon"."""
    several = len(runs) > 1
    panels = to_json(description)["panels"]
    if "recon" not in panel_names(description):
        panels += [{"name": "recon", "run": number, "rect": None,
                    "title": run["label"] if several else PANEL_TITLES["recon"],
                    # In its run's color, as its code plane's title (a comparison).
                    "title_color": run["color"] if several else None,
                    "code": None, "loss": None, "colors": None,
                    "decoder": None, "recon": None, "layers": []}
                   for number, run in enumerate(runs)]
    kinds = {"mosaic": "decoderMosaic", "sheet": "decoderSheet"}
    for panel in panels:
        run = runs[panel["run"]] if panel["run"] is not None else None
        panel["kind"] = (run["reconKind"] if panel["name"] == "recon" else
                         kinds[panel["decoder"]["kind"]] if panel["name"] == "decoder" else
                         panel["name"])
        panel["wide"] = several and panel["name"] == "loss"
    return panels


def _over_range(views: list[RunView], description: Description) -> list[bool]:
    """Per run: whether weights lie beyond its weight graph's color scale (the bar then ends
    in arrows): the clip's test (its colorbar's extend) on the whole run, taken over every run
    that shares the scale, so that one scale has one bar (twins alike at epoch 0 are drawn
    alike); a following scale (none here) never clips."""
    scales = [panel.colors if (panel := description.panel("weights", number)) else None
              for number in range(len(views))]
    reach = [weight_magnitudes([view])[2] if scale is not None else 0.0
             for view, scale in zip(views, scales)]
    return [scale is not None and any(r > scale.limit for r, other in zip(reach, scales)
                                      if other == scale)
            for scale in scales]


def snapshot_bytes(views: list[RunView]) -> int:
    """What one moment of the slider adds to the page: every run's codes (two int16 each),
    weights and biases (a VAE's log-variance ones too) and largest weight (float32), and the
    lesson's readouts a moment may carry: a decoder sheet's region (one bit per grid point;
    counted for every run of data that is not images), a sparse run's readout of codes near
    zero (on 1, 2 and 3 lines, about READOUT_BYTES) and under "follow" a profile's value limits (two
    float64: counted for every run)."""
    total = 0
    for view in views:
        run = view.run
        if run.experiment.data.image_shape is None:
            total += ((MESH_SIDE - 1) * MESH_STEPS + 1) ** 2 // 8 + 1
        if run.experiment.train.code_l1:
            total += READOUT_BYTES
        params = sum(w[0].size + b[0].size for w, b in zip(run.weights, run.biases))
        if run.variational:
            params += run.logvar_weights[0].size + run.logvar_biases[0].size
        total += len(run.x) * 4 + params * 4 + 4 + 16
    return total


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


def _pack_run(view: RunView, number: int, used: list[int], description: Description,
              options: RenderOptions, notes: list[str]) -> dict:
    """One run's numbers and texts, for the snapshots `used`."""
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
    code = description.panel("code", number)
    layers = code.layers if code else ()
    # The samples whose ellipses or arrows the code plane draws (as the clip picks them).
    ellipses = _spread(n, MOST_ELLIPSES) if "ellipses" in layers else []
    arrows = _spread(n, MOST_ARROWS) if "pull" in layers else []
    hover = _hover_samples(n, d, sorted(set(strip) | set(ellipses) | set(arrows)))
    if len(hover) < n:
        notes.append(f"page: {view.label}: {n:,} samples, {len(hover):,} of them (every "
                     f"{n // len(hover)}th) respond to the pointer; all are drawn")
    if "trails" in layers and number == 0:
        notes.append("page: the code plane's trails are drawn in clips and stills only")
    codes, axes = _quantized_codes(view, used, code.code if code else None)
    params = _parameters(run.weights, run.biases, used)
    image_shape = run.experiment.data.image_shape
    pairs = ([] if image_shape is not None or d > 3 else
             [[0, 1]] if d == 2 else [[0, 1], [0, 2], [1, 2]])
    shown = strongest_neurons(run)
    largest = (np.maximum.accumulate(view.largest_weights())[used]
               if options.scales == "follow" else np.zeros(0))
    # The title's "|w|": each snapshot's largest weight (an edge, not a bias), as the clip's.
    largest_edge = (view.largest_weights(biases=False)[used] if options.scales == "follow"
                    else np.zeros(0))
    decoder = description.panel("decoder", number)
    sheet = decoder is not None and decoder.decoder.kind == "sheet"
    # The plane a decoder sheet is seen in (only for a sheet: for wide data it costs a
    # principal-axes fit).
    center, projection, projected_names = (data_projection(run.x.astype(float), run) if sheet
                                           else (np.zeros(d), np.zeros((d, 2)), ("", "")))
    # "follow": the code plane's limits at each used snapshot (every code so far, padded).
    follow = (np.array([[*padded((x0, x1)), *padded((y0, y1))] for x0, x1, y0, y1 in
                        growing_extents(np.asarray(view.codes, float))[used]])
              if options.scales == "follow" and code is not None else np.zeros(0))
    described = description.runs[number]
    grid = decoder.decoder if sheet else None
    loss = description.panel("loss")
    objective = (objective_rmse(run) if loss is not None and loss.loss.objective and number == 0
                 else None)
    noisy = noisy_inputs(view, grid) if grid is not None else None
    profile = image_shape is None and not pairs
    # "follow": a profile's value axis at each used snapshot (it grows with the outputs drawn)
    recon_follow = (_recon_follow(view, strip, used) if options.scales == "follow" and profile
                    else np.zeros(0))
    return {
        "label": described.name, "color": described.color, "stop": described.stop,
        "variational": described.variational,
        "terms": b64(run.terms if run.terms is not None else np.zeros(0), "f8"),
        "n": n, "d": d, "layerSizes": [int(s) for s in run.layer_sizes],
        "activations": list(run.activations), "codeLayer": run.code_layer,
        "imageShape": list(image_shape) if image_shape else None,
        "classes": classes, "labelTitle": run.experiment.data.label_column or "",
        "labels": b64(labels, "i4"),
        "features": [run.feature_name(i) for i in range(d)],
        "used": used, "epochs": [int(run.epoch[i]) for i in used],
        "moments": [run.moment(i) for i in used],
        "timeline": b64(view.timeline, "f8"), "loss": b64(run.loss, "f8"),
        # PCA's projection of the data [N, 2], which the page fits onto each snapshot's codes
        # (`pca_ghost`: a linear autoencoder's codes become it).
        "pca": b64(view.pca[1] if "ghost" in layers else np.zeros(0), "f4"),
        "codes": codes, "axes": axes, "follow": b64(follow, "f8"),
        "params": b64(params, "f4"), "paramCount": int(params.shape[1]),
        "logvarParams": b64(_parameters([run.logvar_weights], [run.logvar_biases], used)
                            if run.variational else np.zeros(0), "f4"),
        "shown": [[int(i) for i in s] for s in shown],
        "layerLabels": layer_label_choices(tuple(run.layer_sizes), [len(s) for s in shown],
                                           run.code_layer),
        "activationSummary": ", ".join(summary_parts(tuple(run.activations),
                                                      run.code_layer)),
        "largest": b64(largest, "f4"),
        "largestEdge": b64(largest_edge, "f4"),
        # The loss curve's line style: a comparison's runs differ in more than color.
        "style": description.runs[number].style,
        # A denoising run: its training objective per snapshot (NaN at the first).
        "objective": b64(objective if objective is not None else np.zeros(0), "f8"),
        # A sparse-code run: the readout of codes near zero at each used snapshot (on 1, 2
        # and 3 lines, as the clip draws it), counted on the recorded codes as the clip
        # counts them; and its widest (every share 100 %), which the page fits once.
        "silent": [readout_lines(silent_shares(view.codes[i])) for i in used]
        if "axes" in layers else [],
        "silentWidest": readout_lines(np.ones(2)) if "axes" in layers else [],
        # A sheet drawn strong where the codes are: which grid points are, per used snapshot.
        "region": b64(np.packbits([sheet_region(view.codes[i], grid.extent, grid.side,
                                                grid.steps).ravel() for i in used], axis=1)
                      if grid is not None and grid.region else np.zeros(0), "u1"),
        # A denoising run's corrupted inputs (one fixed draw, the clip's), each linked on the
        # sheet to the network's output for it.
        "noisy": b64(noisy if noisy is not None else np.zeros(0), "f8"),
        "hover": b64(np.asarray(hover), "i4"), "hoverX": b64(run.x[hover], "f4"),
        "strip": strip, "ellipsePicks": ellipses, "arrowPicks": arrows, "pairs": pairs,
        "reconKind": ("reconImages" if image_shape is not None else
                      "reconSpace" if pairs else "reconProfile"),
        "reconFollow": b64(recon_follow, "f8"),
        "dataLimits": [list(padded_limits(run.x[:, i].astype(float))) for i in range(d)]
        if pairs else [],
        "projection": {"center": center.tolist(), "axes": projection.tolist(),
                       "names": list(projected_names),
                       "data": b64((run.x.astype(float) - center) @ projection
                                   if sheet else np.zeros(0), "f4")},
    }


def _recon_follow(view: RunView, samples: list[int], used: list[int]) -> np.ndarray:
    """For "follow": per used snapshot, the lowest and highest value a reconstruction profile
    draws so far ([used, 2]): every sample's data, and the outputs for `samples` (the ones it
    draws) at every snapshot up to it, never shrinking (the code plane's growing_extents), so
    the value axis zooms out as a diverging network's outputs run away, frame by frame.
    Outputs that are not finite leave the limits as they were."""
    run = view.run
    x = run.x.astype(float)
    picked = x[samples]
    lows, highs = [], []
    for i in range(max(used) + 1):
        with np.errstate(all="ignore"):
            output = forward(picked, [np.asarray(w[i], float) for w in run.weights],
                             [np.asarray(b[i], float) for b in run.biases], run.activations)[-1]
        finite = output[np.isfinite(output)]
        lows.append(finite.min() if finite.size else np.inf)
        highs.append(finite.max() if finite.size else -np.inf)
    low = np.minimum.accumulate(np.minimum(lows, x.min()))
    high = np.maximum.accumulate(np.maximum(highs, x.max()))
    return np.column_stack([low, high])[used]


def _parameters(weights, biases, used: list[int]) -> np.ndarray:
    """Each used snapshot's weights and biases, layer by layer, as one row."""
    return np.concatenate(
        [np.concatenate([w[used].reshape(len(used), -1), b[used]], axis=1)
         for w, b in zip(weights, biases)], axis=1)


def _spread(count: int, most: int) -> list[int]:
    """`most` samples spread evenly over `count` (all when there are fewer), as the clip's
    ellipses and arrows pick them."""
    if count <= most:
        return list(range(count))
    return np.unique(np.linspace(0, count - 1, most).round().astype(int)).tolist()


def _hover_samples(n: int, d: int, kept: list[int]) -> list[int]:
    """The samples that respond to the pointer: all, or an even spread (with `kept`)."""
    most = max(1, min(HOVER_SAMPLES, HOVER_BYTES // (4 * d)))
    if n <= most:
        return list(range(n))
    spread = np.arange(0, n, math.ceil(n / most))
    return sorted(set(spread.tolist()) | set(kept))


def _quantized_codes(view: RunView, used: list[int], limits) -> tuple[str, dict]:
    """The codes of the used snapshots as int16 on the code plane's fixed axes, as the
    description sets them (`limits`, a CodeLimits: padded limits, or a symmetric log scale
    for codes that blow up); a run without a code plane: its codes' own range."""
    shown = np.asarray(view.codes, dtype=float)[used]
    if limits is None:
        finite = shown[np.isfinite(shown).all(axis=-1)]
        box = ([list(padded_limits(finite[:, 0])), list(padded_limits(finite[:, 1]))]
               if finite.size else [[-1.0, 1.0], [-1.0, 1.0]])
        linthresh, reach, ticks = 0.0, 0.0, []
    elif limits.mode == "symlog":
        linthresh, reach, ticks = limits.start_spread, limits.reach, list(limits.ticks)
        top = math.log10(1 + 1.5 * reach / linthresh)
        box = [[-top, top], [-top, top]]
        shown = np.sign(shown) * np.log10(1 + np.abs(shown) / linthresh)
    else:
        linthresh, reach, ticks = 0.0, limits.reach, []
        box = [list(limits.x), list(limits.y)]
    low = np.array([box[0][0], box[1][0]])
    high = np.array([box[0][1], box[1][1]])
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.rint((shown - low) / (high - low) * 2 * QUANT - QUANT)
    bad = ~np.isfinite(scaled).all(axis=-1, keepdims=True) | np.zeros_like(scaled, bool)
    quantized = np.where(bad, -32768, np.clip(np.nan_to_num(scaled), -QUANT, QUANT))
    return b64(quantized, "i2"), {"limits": box, "symlog": linthresh, "reach": reach,
                                  "ticks": ticks}


def _colormap(name: str) -> list[str]:
    """The weight colormap sampled at CMAP_STEPS points, as #rrggbb."""
    import matplotlib
    from matplotlib import colors as mcolors

    cmap = matplotlib.colormaps[name]
    return [mcolors.to_hex(cmap(i / (CMAP_STEPS - 1))) for i in range(CMAP_STEPS)]
