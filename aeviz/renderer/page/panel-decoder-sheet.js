// panel-decoder-sheet.js: what the decoder makes of the whole code plane, for other data: a
// grid of codes decoded each step and drawn as a mesh (a curve-net sheet) among the data, in
// the data's own plane (2-D), through the clip's fixed camera (3-D) or on the data's first
// two principal axes. Where the description says so (`region`), the sheet is strong only
// where the codes are and faint beyond (there the decoder extrapolates); a denoising run's
// corrupted inputs (x) are each linked to the network's output for them.
page.panelKinds.decoderSheet = (() => {
  const { Panel, Box, niceTicks, equalAspect, gridPoints, font } = page.kit;
  // The key: each mark's sample before its name, the gap between entries, a row's height.
  const KEY_SYMBOLS = { data: "\u25CF ", sheet: "\u2014 ", beyond: "\u2014 ", noisy: "\u00D7\u2014 " };
  const KEY_GAP = "   ", KEY_LINE = 13;
  const DOT = "\u25CF", DOTS = 3;  // the data's sample: a dot of each of its first classes' colors
  const FLATTEST = 2;  // a flat sheet's plane at most this many times as wide as tall (the clip's)
  // px: the plane's margins: the y axis's ticks and name left, the x axis's below, a tick's
  // half above (a key's rows above add theirs), a little right; the key column's gap.
  const LEFT = 46, RIGHT = 10, BOTTOM = 38, TOP = 8, COLUMN_GAP = 10;

  const stage_text = (stage, ctx, text, x, y, color) => stage.draw.text(ctx, text, x, y, "left", "alphabetic", color, 10);

  return class DecoderSheetPanel extends Panel {
    constructor(stage, spec) {
      super(stage, spec, 0.66);
      const run = this.run = stage.runs[spec.run];
      this.decoder = spec.decoder;  // the description's grid: region, lines, steps, limits
      this.grid = gridPoints(spec.decoder.extent, spec.decoder.side, spec.decoder.steps);
      this.flat = run.projected;    // the data in the plane it is seen in
      this.projection = run.projection;
    }

    // A data-space point on the screen's plane: (y - center) . axes.
    project(y) {
      const { center, axes } = this.projection;
      let u = 0, v = 0;
      for (let i = 0; i < y.length; i++) { const d = y[i] - center[i]; u += d * axes[i][0]; v += d * axes[i][1]; }
      return [u, v];
    }

    // The key's entries [symbol, name, faint] in rows: the long names in the fewest rows that
    // fit over the panel's width (the axis's margin too), else the short ones so (a lone
    // "beyond" or "grid" means nothing to a student: denoising at 640x400).
    keyRows(ctx, width = this.width) {
      const names = this.stage.data.markNames, marks = ["data", "sheet"];
      if (this.decoder.region) marks.push("beyond");
      if (this.run.noisy.length) marks.push("noisy");
      const entries = (form) => marks.map((mark) => [this.symbol(mark), names[mark][form], mark === "beyond", mark]);
      ctx.font = font(10);
      const room = width - 14, widthOf = (row) => ctx.measureText(row.map(([s, t]) => s + t).join(KEY_GAP)).width;
      const split = (all, count) => {
        const each = Math.ceil(all.length / count), rows = [];
        for (let i = 0; i < all.length; i += each) rows.push(all.slice(i, i + each));
        return rows;
      };
      // (Then the long names in three rows, each holding what fits: beside the loss at
      // 640x400 denoising-vs-plain's sheets are 196 px wide, too narrow for two.)
      const filled = (all) => all.reduce((rows, entry) => {
        const last = rows[rows.length - 1];
        if (last && widthOf([...last, entry]) <= room) last.push(entry); else rows.push([entry]);
        return rows;
      }, []);
      for (const form of [0, 1]) {
        for (let count = 1; count <= 2; count++) {
          const rows = split(entries(form), count);
          if (rows.every((row) => widthOf(row) <= room)) return rows;
        }
        const rows = filled(entries(form));
        if (form === 0 && rows.length <= 3 && rows.every((row) => widthOf(row) <= room)) return rows;
      }
      return split(entries(1), 2);
    }

    // The key as a column, one entry a line (a long one broken before its arrow: "noisy
    // input" over "\u2192 output"), its long names: for beside the plane (plane below).
    keyColumn() {
      const names = this.stage.data.markNames, marks = ["data", "sheet"], lines = [];
      if (this.decoder.region) marks.push("beyond");
      if (this.run.noisy.length) marks.push("noisy");
      for (const mark of marks) {
        const [name, ...rest] = names[mark][0].split(" \u2192 ");
        lines.push([this.symbol(mark), name, mark === "beyond", mark]);
        if (rest.length) lines.push(["", "\u2192 " + rest.join(" \u2192 "), false]);
      }
      return lines;
    }

    // Where a flat sheet's plane goes in a `width` x `height` canvas, and its key: rows above
    // it, or (a single run's page) a column beside it where that gives the larger plane. A
    // plane the height limits is narrowed to its shape, centred in what is left of its slot:
    // at 640x400 denoising's was 142x87 px under a two-row key, with 100 px spare beside it.
    // {left, top, width, height, beside}: beside, the key column's width.
    plane(width, height) {
      const ctx = this.ctx, shape = this.shape();
      const fitted = (top, room) => {  // the plane in `room` px right of LEFT, cut to its shape
        const h = Math.max(1, height - top - BOTTOM);
        let left = LEFT, w = Math.max(1, room);
        if (h / w < shape) { const narrower = Math.max(1, Math.round(h / shape)); left += Math.floor((w - narrower) / 2); w = narrower; }
        return { left, top, width: w, height: h, beside: 0 };
      };
      const shown = (plane) => plane.width * Math.min(plane.height, plane.width * shape);  // its limits' area
      const above = fitted(this.keyTop(ctx), width - LEFT - RIGHT);
      if (this.run.d === 3 || this.stage.runs.length > 1 || this.keyRows(ctx, width).length < 2) return above;
      const lines = this.keyColumn(), column = this.columnWidth(lines);
      const side = fitted(TOP, width - LEFT - RIGHT - COLUMN_GAP - column);
      if (side.height < lines.length * KEY_LINE || shown(side) <= 1.1 * shown(above)) return above;
      // (the plane and the key column centred together; a plane its width limits no taller
      // than its shape, the spare height under it, rather than y widened)
      side.height = Math.min(side.height, Math.round(side.width * shape));
      side.beside = column;
      return side;
    }

    columnWidth(lines) {
      this.ctx.font = font(10);
      return Math.ceil(Math.max(...lines.map(([s, t]) => this.ctx.measureText(s ? s + t : "\u00D7\u2014 " + t).width)));
    }

    // The canvas width at which, at this height, the key beside the plane leaves the plane
    // its shape's full width (main.js widens a height-limited sheet's column to it, within
    // what the panel beside it keeps), or null where the key stays above.
    besideWidth(height) {
      if (this.run.d === 3 || this.stage.runs.length > 1 || this.keyRows(this.ctx, this.figure.clientWidth).length < 2) return null;
      const lines = this.keyColumn(), column = this.columnWidth(lines);
      if (height - TOP - BOTTOM < lines.length * KEY_LINE) return null;
      return LEFT + Math.ceil((height - TOP - BOTTOM) / this.shape()) + COLUMN_GAP + column + RIGHT;
    }

    // The plane's top: under the most key rows of the page's sheets, so a comparison's planes
    // stand level (denoising-vs-plain at 640x400: the denoising plane's two rows beside the
    // plain one's one).
    keyTop(ctx) {
      const sheets = this.stage.panels.filter((panel) => panel instanceof DecoderSheetPanel);
      const rows = Math.max(...sheets.map((sheet) => sheet.keyRows(ctx, Math.max(120, sheet.figure.clientWidth)).length));
      return 18 + KEY_LINE * (rows - 1);
    }

    // A flat (2-D) sheet's plane cut to what it shows, as the clip's (panels/decoder.py
    // _key_below): the description's limits (data, decoded grid, noisy inputs) at equal
    // scales, never flatter than FLATTEST nor taller than square, as a code plane
    // (panel-code.js): denoising's y axis ran -1.6..1.6 around data in -0.85..1.0. (The key's
    // rows above it, for this width.)
    naturalHeight() {
      if (this.run.d === 3) return super.naturalHeight();
      const width = Math.max(120, this.figure.clientWidth), top = this.keyTop(this.ctx);
      return Math.min(super.naturalHeight(), (width - 46 - 10) * this.shape() + top + 38);
    }

    // The flat plane's height over its width: the description's limits' at equal scales,
    // between 1 / FLATTEST and square.
    shape() {
      const { x, y } = this.decoder;
      return Math.min(1, Math.max((y[1] - y[0]) / (x[1] - x[0]), 1 / FLATTEST));
    }

    drawStill(ctx) {
      const run = this.run, stage = this.stage, theme = stage.theme, names = this.projection.names;
      const camera = run.d === 3;
      // A flat sheet's plane kept to its shape where the window's height limits it: narrower,
      // centred in its slot, rather than x widened past what the sheet shows (denoising at
      // 640x400: 243x87 px, x -2.8..2.8 around data in -1.5..1.5); its key beside it where
      // that makes it larger (plane above).
      const above = this.keyTop(ctx), place = camera ? { left: LEFT, top: above, width: this.width - LEFT - RIGHT,
        height: this.height - above - BOTTOM, beside: 0 } : this.plane(this.width, this.height);
      const { left, top, width, height, beside } = place;
      const [xl, yl] = equalAspect(this.decoder.x, this.decoder.y, width, height);
      const box = this.box = new Box(left, top, width, height, xl, yl);
      // A camera's plane has no meaningful ticks: the data's axes as a triad instead.
      stage.draw.drawAxes(ctx, box, names[0], names[1], camera ? [] : niceTicks(xl[0], xl[1], 4),
        camera ? [] : niceTicks(yl[0], yl[1], 4));
      ctx.save();
      box.clip(ctx);
      ctx.globalAlpha = 0.45;
      for (let i = 0; i < run.n; i++) {
        ctx.fillStyle = run.classByValue.get(run.labels[i]).color;
        ctx.beginPath(); ctx.arc(box.x(this.flat[2 * i]), box.y(this.flat[2 * i + 1]), 1.6, 0, 2 * Math.PI); ctx.fill();
      }
      ctx.restore();
      if (camera) this.triad(ctx);
      if (this.run.noisy.length) this.crosses(ctx);
      ctx.font = font(10);
      // The key: every mark drawn, by its name in the description's MARK_NAMES (as the
      // clip's legend), its long names where they fit above the plane, else its short ones,
      // else the short ones in two rows (the plane lowered for them in drawStill).
      if (beside) { this.keyBeside(ctx, box.left + box.width + COLUMN_GAP, box.top); return; }
      const rows = this.keyRows(ctx);
      this.key = rows.map((row) => row.map(([s, t]) => s + t).join(KEY_GAP)).join(KEY_GAP);
      this.keyBox = null;
      rows.forEach((row, n) => {
        // right-aligned with the plane (a narrowed one's too, where the row fits the canvas):
        // drawn from the last entry leftwards
        let x = Math.max(box.left + box.width, ctx.measureText(row.map(([s, t]) => s + t).join(KEY_GAP)).width + 4);
        const y = box.top - 5 - KEY_LINE * (rows.length - 1 - n);
        for (const [symbol, name, faint, mark] of [...row].reverse()) {
          // A faint mark's sample faint, as the mark is; its name as legible as every other
          // (drawn faint too, "beyond the codes" was the hardest text of the panel to read).
          stage.draw.text(ctx, name, x, y, "right", "alphabetic", theme.muted, 10);
          ctx.globalAlpha = faint ? 0.45 : 1;
          const start = x - ctx.measureText(name).width - ctx.measureText(symbol).width;
          if (mark === "data" && this.dots().length) this.sample(ctx, start, y);
          else stage.draw.text(ctx, symbol, x - ctx.measureText(name).width, y, "right", "alphabetic", theme.muted, 10);
          ctx.globalAlpha = 1;
          x -= ctx.measureText(symbol + name + KEY_GAP).width;
        }
      });
      ctx.globalAlpha = 1;
    }

    // The key as a column from (x, top), left-aligned, each line's sample and name as in the
    // rows (a broken line's arrow under its name). Its box kept for tests.
    keyBeside(ctx, x, top) {
      const theme = this.stage.theme, lines = this.keyColumn();
      ctx.font = font(10);
      this.key = lines.map(([s, t]) => (s ? KEY_GAP + s : " ") + t).join("").trim();  // (as the rows')
      let width = 0;
      lines.forEach(([symbol, name, faint, mark], n) => {
        const y = top + KEY_LINE * (n + 1) - 3, indent = symbol ? 0 : ctx.measureText("\u00D7\u2014 ").width;
        ctx.globalAlpha = faint ? 0.45 : 1;
        if (mark === "data" && this.dots().length) this.sample(ctx, x, y);
        else if (symbol) stage_text(this.stage, ctx, symbol, x, y, theme.muted);
        ctx.globalAlpha = 1;
        stage_text(this.stage, ctx, name, x + indent + (symbol ? ctx.measureText(symbol).width : 0), y, theme.muted);
        width = Math.max(width, indent + ctx.measureText(symbol + name).width);
      });
      this.keyBox = [x, top, width, KEY_LINE * lines.length];
    }

    // The data's colors in the key: each of its first (up to three) classes' colors in the
    // order the samples first show them, as the clip's ClassDots (panels/decoder.py): a grey
    // "\u25CF data" keyed the blue, orange and green arc (data of one class: one dot, its color).
    dots() {
      if (!this.dotColors) {
        const colors = new Set();
        for (let i = 0; i < this.run.n && colors.size < DOTS; i++) colors.add(this.run.classByValue.get(this.run.labels[i]).color);
        this.dotColors = [...colors];
      }
      return this.dotColors;
    }

    // The data mark's sample: a dot of each of the data's colors.
    symbol(mark) { return mark === "data" && this.dots().length ? DOT.repeat(this.dots().length) + " " : KEY_SYMBOLS[mark]; }

    // The data's dots side by side from `x` on the text line at `y`, each in a dot
    // character's width (what the key measured for it), centred on the x-height; kept for tests.
    sample(ctx, x, y) {
      const each = ctx.measureText(DOT).width, radius = Math.min(3, 0.42 * each);
      this.keyDots = this.dots().map((color, i) => {
        const cx = x + each * (i + 0.5), cy = y - 3.5;
        ctx.fillStyle = color;
        ctx.beginPath(); ctx.arc(cx, cy, radius, 0, 2 * Math.PI); ctx.fill();
        return [cx, cy, radius, color];
      });
    }

    // The corrupted inputs as small crosses (they stay: one fixed draw).
    crosses(ctx) {
      const run = this.run, box = this.box, d = run.d;
      ctx.save(); box.clip(ctx);
      ctx.strokeStyle = this.stage.theme.muted; ctx.lineWidth = 0.7;
      ctx.beginPath();
      for (let i = 0; i < run.noisy.length / d; i++) {
        const [u, v] = this.project(run.noisy.subarray(i * d, (i + 1) * d)), x = box.x(u), y = box.y(v);
        ctx.moveTo(x - 2.5, y - 2.5); ctx.lineTo(x + 2.5, y + 2.5); ctx.moveTo(x - 2.5, y + 2.5); ctx.lineTo(x + 2.5, y - 2.5);
      }
      ctx.stroke(); ctx.restore();
    }

    // Whether grid point p lies where the codes are at used snapshot k (packed by pack.py).
    inside(k, p) {
      const count = (this.decoder.side - 1) * this.decoder.steps + 1, bytes = Math.ceil(count * count / 8);
      return (this.run.region[k * bytes + (p >> 3)] >> (7 - (p & 7))) & 1;
    }

    // What the last draw drew: which grid points were strong, the outputs linked to the
    // noisy inputs, the key.
    state() {
      return { ...super.state(), key: this.key, keyBox: this.keyBox || null, keyDots: this.keyDots || null, strong: this.strong, links: this.links, triad: this.triadCorner || null,
        box: [this.box.left, this.box.top, this.box.width, this.box.height], xlim: this.box.xlim, ylim: this.box.ylim };
    }

    // The three data axes as short arrows, each named past its tip, in the corner holding the
    // fewest data points (as the clip's _triad: a fixed lower left corner sat on the data).
    triad(ctx) {
      const box = this.box, theme = this.stage.theme, length = Math.min(26, 0.2 * box.height), axes = this.projection.axes;
      // Each arrow's name ends 1.45 lengths and half a line from the corner: kept off the box's edge.
      const edge = 1.45 * length + 9, xs = { left: box.left + edge, right: box.left + box.width - edge, center: box.left + box.width / 2 };
      const ys = { lower: box.top + box.height - edge, upper: box.top + edge, center: box.top + box.height / 2 };
      const tips = axes.map((d) => [d[0] * length, -d[1] * length]).concat(axes.map((d) => [1.45 * d[0] * length, -1.45 * d[1] * length]));
      const covered = ([ox, oy]) => {  // the data points near the arrows and their names
        const marks = [];
        for (const [dx, dy] of tips) for (let t = 0; t <= 1; t += 0.2) marks.push([ox + t * dx, oy + t * dy]);
        let near = 0;
        for (let i = 0; i < this.run.n; i++) {
          const px = box.x(this.flat[2 * i]), py = box.y(this.flat[2 * i + 1]);
          if (marks.some(([mx, my]) => Math.max(Math.abs(px - mx), Math.abs(py - my)) <= 0.3 * length)) near++;
        }
        return near;
      };
      const corners = ["lower left", "lower right", "upper left", "upper right", "upper center", "lower center",
        "center left", "center right"].map((name) => { const [v, h] = name.split(" "); return [name, [xs[h], ys[v]]]; });
      let best = corners[0], fewest = Infinity;
      const counts = {};
      for (const corner of corners) {  // the lower left on a tie
        const count = counts[corner[0]] = covered(corner[1]);
        if (count < fewest) { fewest = count; best = corner; }
      }
      const [ox, oy] = best[1], box4 = [box.left, box.top, box.left + box.width, box.top + box.height];
      this.triadCorner = { corner: best[0], covered: counts, box: box4, names: [] };
      ctx.strokeStyle = theme.muted; ctx.lineWidth = 0.9;
      axes.forEach((direction, i) => {
        const dx = direction[0] * length, dy = -direction[1] * length, norm = Math.hypot(direction[0], direction[1]) || 1;
        ctx.beginPath(); ctx.moveTo(ox, oy); ctx.lineTo(ox + dx, oy + dy); ctx.stroke();
        const x = ox + dx + 0.45 * length * direction[0] / norm, y = oy + dy - 0.45 * length * direction[1] / norm;
        this.stage.draw.text(ctx, this.run.features[i], x, y, "center", "middle", theme.muted, 10);
        this.triadCorner.names.push([x, y]);  // each name's center (for tests)
      });
    }

    draw() {
      const ctx = this.begin(), run = this.run, k = this.stage.snapshot(run), box = this.box;
      const steps = this.decoder.steps, count = (this.decoder.side - 1) * steps + 1, points = [];
      for (let p = 0; p < count * count; p++) {
        points.push(this.project(page.model.decode(run, k, [this.grid[2 * p], this.grid[2 * p + 1]])));
      }
      ctx.save();
      box.clip(ctx);
      const region = this.decoder.region, theme = this.stage.theme;
      // A segment is strong where both its ends are where the codes are (the clip's NaN-broken
      // line); with a region, the whole sheet faint under it.
      const mesh = (strong) => {
        ctx.beginPath();
        // The lines of constant code 2 (rows), then of constant code 1 (columns).
        for (const rows of [true, false]) {
          for (let line = 0; line < count; line += steps) {
            let open = false;
            for (let along = 0; along < count; along++) {
              const p = rows ? line * count + along : along * count + line, [u, v] = points[p];
              if (strong && !this.inside(k, p)) { open = false; continue; }
              if (open) ctx.lineTo(box.x(u), box.y(v)); else ctx.moveTo(box.x(u), box.y(v));
              open = true;
            }
          }
        }
        ctx.stroke();
      };
      ctx.strokeStyle = theme.foreground;
      this.strong = region ? Array.from({ length: count * count }, (_, p) => this.inside(k, p)) : null;
      if (region) { ctx.globalAlpha = 0.12; ctx.lineWidth = 0.5; mesh(false); }
      ctx.globalAlpha = 0.75; ctx.lineWidth = 0.8; mesh(region);
      this.links = [];
      if (run.noisy.length) {  // each corrupted input to the network's output for it
        ctx.strokeStyle = theme.muted; ctx.globalAlpha = 0.7; ctx.lineWidth = 0.6;
        ctx.beginPath();
        for (let i = 0; i < run.noisy.length / run.d; i++) {
          const input = run.noisy.subarray(i * run.d, (i + 1) * run.d), output = page.model.reconstruct(run, k, input);
          const [u0, v0] = this.project(input), [u1, v1] = this.project(output);
          this.links.push(output);
          ctx.moveTo(box.x(u0), box.y(v0)); ctx.lineTo(box.x(u1), box.y(v1));
        }
        ctx.stroke();
      }
      ctx.restore();
    }
  };
})();
