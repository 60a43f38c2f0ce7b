// panel-code.js: the code plane of one run, its layers from the description bottom to top:
// the decoded grid's points (faint), every sample's code at the snapshot colored by class,
// PCA's rings (wider than a dot, under the codes), a VAE's N(0, 1) circles and one-sigma
// ellipses (their key on the title line), a sparse-code run's code axes (under the codes)
// and its readout of codes near zero, the pull arrows. The pointer picks the nearest sample,
// or probes the decoder at the code under it.
page.panelKinds.code = (() => {
  const { Panel, Box, niceTicks, tickText, tickName, symlog, unsymlog, equalAspect, font } = page.kit;
  const LONGEST = 0.12;  // the longest pull arrow, as a fraction of the plane's width (the clip's)
  const { QUANT, MISSING } = page.data;
  const SAMPLE_PICK_PX = 8, TOUCH_PICK_PX = 18;
  const RING_MARGIN = 1.6;  // a PCA ring's radius beyond a dot's (px): the ring shows round it
  // The plane's margins (px): above, right, below (the ticks and axis label; a key's lines
  // under them), and the least on the left (its ticks and label: wider where they need it).
  const TOP = 8, RIGHT = 10, BOTTOM = 38, KEY_LINE = 13, LEFT = 46;
  // A row of planes on one scale (main.js: `row`, the planes in order): the first draws the
  // y axis, its slot Y_AXIS px wider; the others' ticks are the first's, unlabelled, INNER_LEFT
  // px from their slot's edge. Every plane in the row the same width (rowWidth below): the
  // first's as wide as the others' where its axis needs up to Y_AXIS + INNER_LEFT px.
  const Y_AXIS = 52, INNER_LEFT = 8;
  // A sparse run's readout inside the plane: as large as a panel's label (the clip's
  // READOUT_PT), this far from the plane's edges (its INSET_PT).
  const READOUT_PX = 11.5, READOUT_INSET = 4;

  // The 3 x 2 solution of normal . x = right (Gaussian elimination with partial pivoting),
  // or null where the system is singular (codes all alike).
  function solve3(normal, right) {
    const rows = normal.map((row, i) => [...row, ...right[i]]);
    for (let c = 0; c < 3; c++) {
      let pivot = c;
      for (let r = c + 1; r < 3; r++) if (Math.abs(rows[r][c]) > Math.abs(rows[pivot][c])) pivot = r;
      if (!(Math.abs(rows[pivot][c]) > 1e-12 * Math.abs(rows[0][0] + rows[1][1] + rows[2][2]))) return null;
      [rows[c], rows[pivot]] = [rows[pivot], rows[c]];
      for (let r = 0; r < 3; r++) {
        if (r === c) continue;
        const f = rows[r][c] / rows[c][c];
        for (let j = c; j < 5; j++) rows[r][j] -= f * rows[c][j];
      }
    }
    return rows.map((row, i) => [row[3] / row[i], row[4] / row[i]]);
  }

  // Each PCA ring's opacity, the clip's rule (panels/code.py ghost_colors): data.ghostAlpha,
  // divided where more than data.ghostPile rings lie within a ring and a half of it (counted
  // in cells a ring wide, `ringPx`, each with its 8 neighbours; rings off the plane counted at
  // its edge), so a pile reads as faint rings, never as a solid disk.
  function ghostAlphas(centers, ringPx, box, data) {
    const cell = ([px, py]) => [
      Math.floor(Math.min(Math.max(px, box.left - ringPx), box.left + box.width + ringPx) / ringPx),
      Math.floor(Math.min(Math.max(py, box.top - ringPx), box.top + box.height + ringPx) / ringPx)];
    const cells = centers.map(cell), counts = new Map(), key = (cx, cy) => cx + "," + cy;
    for (const [cx, cy] of cells) counts.set(key(cx, cy), (counts.get(key(cx, cy)) || 0) + 1);
    return cells.map(([cx, cy]) => {
      let crowd = 0;
      for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) crowd += counts.get(key(cx + dx, cy + dy)) || 0;
      return data.ghostAlpha * Math.min(1, data.ghostPile / crowd);
    });
  }

  return class CodePanel extends Panel {
    static Y_AXIS = Y_AXIS;                    // (main.js: the row's first slot this much wider)
    static INNER_MARGINS = INNER_LEFT + RIGHT;  // a plane's slot beyond its width, in the row
    static TOP_BOTTOM = TOP + BOTTOM;          // a canvas's height beyond its plane's

    constructor(stage, spec) {
      super(stage, spec, 0.66);
      this.run = stage.runs[spec.run];
      this.following = this.run.follow.length > 0;  // limits that grow with the codes
      this.readoutOnTitle = true;  // a sparse run's readout: on the title line, else inside (fitReadout)
      const point = (event) => this.point(event);
      this.canvas.addEventListener("pointermove", point);
      this.canvas.addEventListener("pointerdown", point);
      this.canvas.addEventListener("pointerleave", (event) => {
        if (event.pointerType === "mouse") stage.setFocus(null);
      });
    }

    drawStill(ctx) {
      const run = this.run, linthresh = run.axes.symlog, { drawAxes } = this.stage.draw;
      const label = linthresh ? (t) => tickName(unsymlog(t, linthresh)) : tickName;
      // The clip's ticks on a symmetric log plane (drawAxes leaves out a label that would
      // touch its neighbour); round ones on a linear plane.
      const symlogged = linthresh && run.axes.ticks.map((v) => symlog(v, linthresh));
      const ticks = (limits, pixels, apart) => symlogged || niceTicks(limits[0], limits[1], Math.max(3, pixels / apart));
      // x's ticks 70 px apart, closer where that leaves fewer than three on the plane (a
      // narrowed plane's x axis read "0  1" alone: seed-default at 640x400)
      const within = (limits) => (t) => t >= limits[0] - 1e-9 && t <= limits[1] + 1e-9;
      const xTicks = (limits, pixels) => {
        let chosen = [];
        for (const apart of [70, 45, 35]) {
          chosen = ticks(limits, pixels, apart);
          if (symlogged || chosen.filter(within(limits)).length >= 3) break;
        }
        return chosen;
      };
      // The left margin holds the widest y tick label drawn and the axis label beside it; the
      // ticks depend on the box's height and limits (equal scales: one unit as long on both
      // axes, as in the clip), which depend on the margin: a few passes settle it.
      ctx.font = font(10.5);
      // The circles' key, where the title line has no room for it, under the plane (inside,
      // on an opaque box, it hid codes): its lines measured on the panel's width first.
      this.keyLines = this.keyInside ? this.keyLinesFor(ctx, this.width - 8) : [];
      ctx.font = font(10.5);
      const top = TOP, right = RIGHT, bottom = BOTTOM + KEY_LINE * this.keyLines.length;
      // A plane the height limits is narrowed to its limits' shape (square at the narrowest),
      // centred in its slot (the slot's spare width left empty), as the clip's axes are: at
      // 640x400 the optimizers' planes were 313x130 px boxes, x widened to -2.5..2.5 around
      // codes in -1..1. (A following plane's limits change with each step: it keeps the slot.)
      const [xs, ys] = run.axes.limits.map(([low, high]) => high - low);
      const inner = this.row && this.row[0] !== this, common = this.row ? this.rowWidth() : Infinity;
      const boxAt = (left) => {
        let width = this.width - left - right;
        if (width > common) { left += width - common; width = common; }  // (the row's planes evenly apart)
        const height = this.height - top - bottom, shaped = Math.max(1, height, Math.round(height * xs / ys));
        // (In a row, from the slot's left edge: centred, a short window's narrowed planes
        // pushed their names past the slot's edge, "Moment…" at 640x360.)
        if (!this.following && shaped < width) { left += this.row ? 0 : Math.floor((width - shaped) / 2); width = shaped; }
        const [xl, yl] = equalAspect(run.axes.limits[0], run.axes.limits[1], width, height);
        return new Box(left, top, width, height, xl, yl);
      };
      const margin = (box) => Math.max(LEFT, Math.ceil(Math.max(...ticks(box.ylim, box.height, 45)
        .map((t) => ctx.measureText(label(t)).width))) + 30);
      let left = inner ? INNER_LEFT : LEFT;
      for (let pass = 0; !inner && pass < 3 && margin(boxAt(left)) > left; pass++) left = margin(boxAt(left));
      this.box = boxAt(left);
      this.readoutPlace = null;  // (a sparse run's readout inside the plane: placed again)
      // The run's name over its plane, from the plane's left edge (from the slot's, a narrowed
      // plane's name stood ~120 px from it).
      this.title.parentElement.style.paddingLeft = this.row ? this.box.left + "px" : "";
      if (this.keyInside) this.keyUnder(ctx);  // fixed: drawn once, outside the plane
      const { xlim: xl, ylim: yl, width, height } = this.box;
      if (this.following) return;  // axes and grid change with each step: drawn in draw()
      drawAxes(ctx, this.box, "code neuron 1", inner ? null : "code neuron 2", xTicks(xl, width), ticks(yl, height, 45),
        label, inner ? false : label);
      this.under(ctx);
    }

    // At most about square, as the clip's axes are: in a tall slot (vae-vs-ae's row of
    // planes and mosaics at 1280x800) a plane filling it drew its codes in half its height
    // (the scales equal). The canvas no taller than the plot's width and the margins above
    // and below it: the slot's spare height left empty.
    naturalHeight() {
      const width = Math.max(120, this.figure.clientWidth), lines = this.keyLines ? this.keyLines.length : 0;
      // (In a row on one scale, as tall as the row's planes are wide: an unlabelled plane's
      // canvas is taller than its slot is wide.)
      if (this.row) return this.rowWidth() + TOP + BOTTOM + KEY_LINE * lines;
      return Math.min(super.naturalHeight(), width - LEFT - RIGHT + TOP + BOTTOM + KEY_LINE * lines);
    }

    // In a row of planes on one scale: the width every plane in it is drawn at (px).
    rowWidth() {
      const first = this.row[0];
      return Math.min(...this.row.map((p) => Math.max(120, p.figure.clientWidth) - (p === first ? Y_AXIS : 0))) - INNER_LEFT - RIGHT;
    }

    // The key of a VAE's circles and ellipses on the title line, right-aligned; under the
    // plane where the title would not stay whole beside it.
    resize() {
      const layers = this.spec.layers, texts = this.stage.data.keyTexts;
      this.keyInside = false; this.keyCorner = null;
      this.title.textContent = this.spec.title;  // the key is weighed against the full title
      if (layers.includes("circles")) {
        this.aside.replaceChildren();
        const sample = (thin) => { const i = document.createElement("i"); if (thin) i.className = "thin"; return i; };
        // The long key, else the short one (the clip's SHORT_KEY_TEXTS), else inside the plane.
        for (const forms of [texts, this.stage.data.shortKeyTexts]) {
          this.aside.replaceChildren(sample(false), forms[0]);
          if (layers.includes("ellipses")) this.aside.append(sample(true), forms[1]);
          this.keyInside = !this.whole();  // to the pixel: one over shows "code la…"
          if (!this.keyInside) break;
        }
        if (this.keyInside) this.aside.replaceChildren();
      } else if (layers.includes("axes")) {
        this.fitReadout();
      } else if (layers.includes("ghost") && !layers.includes("axes")) {
        this.setAside(["\u25CB PCA, fitted onto the codes", "\u25CB PCA"]);  // the clip's legend entry
      } else if (layers.includes("grid")) {
        // The decoder's faint "+" grid points, keyed by the clip's and handout's name (the
        // description's MARK_NAMES) where it fits beside the whole title, else not at all.
        const [long, short] = this.stage.data.markNames.grid;
        this.setAside([`+ ${long}`, `+ ${short}`, ""]);
      }
      super.resize();
    }

    // What lies under the codes and stays: the decoded grid's points, faint; a sparse-code
    // run's code axes; the circles' key when it is inside the plane.
    under(ctx) {
      const decoder = this.spec.decoder;
      if (this.spec.layers.includes("grid") && decoder) {  // the decoder panel's grid, faint
        // As many points as the run's mosaic shows images (fewer where its slot is small).
        const mosaic = this.stage.panels.find((p) => p.spec.name === "decoder" && p.spec.run === this.spec.run && p.side);
        const [x0, x1, y0, y1] = decoder.extent, side = mosaic ? mosaic.side : decoder.side;
        this.gridSide = side;
        // A small "+" each, as clip and handout draw them (the key names a "+").
        ctx.strokeStyle = this.stage.theme.muted; ctx.globalAlpha = 0.35; ctx.lineWidth = 1;
        ctx.beginPath();
        for (let i = 0; i < side; i++) {
          for (let j = 0; j < side; j++) {
            const [px, py] = this.pixel([x0 + (x1 - x0) * i / (side - 1), y0 + (y1 - y0) * j / (side - 1)]);
            ctx.moveTo(px - 2, py); ctx.lineTo(px + 2, py); ctx.moveTo(px, py - 2); ctx.lineTo(px, py + 2);
          }
        }
        ctx.stroke();
        ctx.globalAlpha = 1;
      }
      if (this.spec.layers.includes("axes")) {  // code 1 = 0 and code 2 = 0, strong
        const [x0, y0] = this.pixel([0, 0]), box = this.box;
        ctx.save(); box.clip(ctx);
        ctx.strokeStyle = this.stage.theme.foreground; ctx.globalAlpha = 0.55; ctx.lineWidth = 1.1;
        ctx.beginPath(); ctx.moveTo(box.left, y0); ctx.lineTo(box.left + box.width, y0);
        ctx.moveTo(x0, box.top); ctx.lineTo(x0, box.top + box.height); ctx.stroke();
        ctx.restore();
      }
    }

    // The circles' (and ellipses') key lines for `room` px: one line where it fits, else
    // the circles' and the ellipses' on a line each, else wrapped between words (a
    // comparison's planes at 640 px are narrower than the key).
    keyLinesFor(ctx, room) {
      const layers = this.spec.layers, data = this.stage.data;
      const partsOf = (texts) => ["- - " + texts[0]].concat(layers.includes("ellipses") ? ["\u2014 " + texts[1]] : []);
      ctx.font = font(10.5);
      const fits = (lines) => lines.every((line) => ctx.measureText(line).width <= room);
      // Long on one line, short on one line, long on two, short on two (the clip's
      // SHORT_KEY_TEXTS), else the short form wrapped between words.
      const [long, short] = [partsOf(data.keyTexts), partsOf(data.shortKeyTexts)];
      return [[long.join("   ")], [short.join("   ")], long, short].find(fits)
        || short.flatMap((part) => this.wrapped(ctx, part, room));
    }

    // The key under the plane, below its axis label, from the panel's left edge: it hides
    // no code (as the clip's legend under its plane).
    keyUnder(ctx) {
      const box = this.box;
      this.keyCorner = [4, box.top + box.height + 38];
      this.keyLines.forEach((line, i) => this.stage.draw.text(ctx, line, 4, box.top + box.height + 48 + 13 * i,
        "left", "alphabetic", this.stage.theme.muted, 10.5));
    }

    // `text` on as many lines of `room` as it takes, broken between words (a word wider than
    // the room alone cut).
    wrapped(ctx, text, room) {
      const lines = [];
      for (const word of text.split(" ")) {
        const last = lines.length ? lines[lines.length - 1] + " " + word : null;
        if (last !== null && ctx.measureText(last).width <= room) lines[lines.length - 1] = last;
        else lines.push(this.stage.draw.fitText(ctx, word, room));
      }
      return lines;
    }

    // A sparse-code run's readout of codes near zero, in the clip's words (packed), where
    // the clip puts it: on the title line beside the whole title, else inside the plane in
    // the corner the codes leave freest, on a veil; the title kept whole (at 640x400 the
    // readout beside it cut "code layer" to "code"). Fitted once per layout on its widest
    // words (every share 100 %): it does not move as the run plays.
    fitReadout() {
      this.title.textContent = this.spec.title;
      this.aside.textContent = this.run.silentWidest[0][0];
      this.readoutOnTitle = this.whole();
      this.aside.textContent = "";
    }

    // Inside the plane (no room on the title line): the fewest lines (1, 2 or 3) that fit the plane's width, in the corner whose box covers fewest of the
    // run's codes (sparsity.freest_corner's rule: every snapshot's codes, ties to fewer
    // lines, the top, the left).
    placeReadout(ctx) {
      const box = this.box, widest = this.run.silentWidest, boxes = [];
      ctx.font = font(READOUT_PX);
      for (const form of [0, 1, 2]) {
        const width = Math.max(...widest[form].map((line) => ctx.measureText(line).width));
        if (width <= box.width - 2 * READOUT_INSET) {
          boxes.push([form, width + 2 * READOUT_INSET, 1.25 * widest[form].length * READOUT_PX + 2 * READOUT_INSET]);
        }
      }
      const run = this.run, step = Math.max(1, Math.floor(run.used.length / 25)), points = [];
      for (let k = 0; k < run.used.length && !this.following; k += step) {
        for (let i = 0; i < run.n; i++) { const code = this.code(k, i); if (code) points.push(this.pixel(code)); }
      }
      let best = { covered: Infinity, form: 2, right: false, top: true };
      for (const [form, width, height] of boxes) {
        for (const top of [true, false]) {
          for (const right of [false, true]) {
            const x0 = right ? box.left + box.width - width : box.left, y0 = top ? box.top : box.top + box.height - height;
            const covered = points.filter(([px, py]) => px >= x0 && px <= x0 + width && py >= y0 && py <= y0 + height).length;
            if (covered < best.covered) best = { covered, form, right, top };
          }
        }
      }
      this.readoutPlace = best;
    }

    // The readout at the recorded snapshot k, in the words packed for it.
    axes(ctx, k) {
      const forms = this.run.silent[k];
      if (this.readoutOnTitle) {
        this.aside.textContent = forms[0][0];
        this.readoutLines = forms[0];
        return;
      }
      if (!this.readoutPlace) this.placeReadout(ctx);
      const { form, right, top } = this.readoutPlace, lines = forms[form], box = this.box;
      ctx.save();
      ctx.font = font(READOUT_PX);
      const width = Math.max(...lines.map((line) => ctx.measureText(line).width)) + 2 * READOUT_INSET;
      const height = 1.25 * lines.length * READOUT_PX + 2 * READOUT_INSET;
      const x0 = right ? box.left + box.width - width : box.left, y0 = top ? box.top : box.top + box.height - height;
      // On a veil of the background, opaque (the clip's lets 30 % through: on the page the
      // code axis under it crossed the words at 640x360), in the corner fewest codes are in.
      ctx.fillStyle = this.stage.theme.background;
      ctx.fillRect(x0, y0, width, height);
      lines.forEach((line, i) => this.stage.draw.text(ctx, line, right ? x0 + width - READOUT_INSET : x0 + READOUT_INSET,
        y0 + READOUT_INSET + 1.25 * READOUT_PX * (i + 0.8), right ? "right" : "left", "alphabetic", this.stage.theme.foreground, READOUT_PX));
      ctx.restore();
      this.readoutLines = lines;
    }

    state() {
      return { ...super.state(), layers: this.spec.layers, keyInside: this.keyInside || false, keyLines: this.keyInside ? this.keyLines : null, keyCorner: this.keyInside ? this.keyCorner : null, gridSide: this.gridSide || null, ellipses: this.ellipsesDrawn || 0,
        ghost: this.ghostDrawn || null, ghostAlphas: this.ghostAlphas || null, ringRadius: this.ringRadius || null, dotRadius: this.dotRadius || null,
        axesAt: this.spec.layers.includes("axes") ? this.pixel([0, 0]) : null,
        readout: this.readoutLines || null, readoutInside: this.spec.layers.includes("axes") && !this.readoutOnTitle,
        box: [this.box.left, this.box.top, this.box.width, this.box.height], limits: [this.box.xlim, this.box.ylim] };
    }

    // "follow": linear limits holding every code so far, padded, one unit as long on both
    // axes (the clip's follow mode), with their axes drawn at each step.
    follow(ctx, k) {
      const row = this.run.follow.subarray(4 * k, 4 * k + 4), old = this.box;
      if (row.every(Number.isFinite)) {  // (codes no longer finite: the last limits stay)
        const [x, y] = equalAspect([row[0], row[1]], [row[2], row[3]], old.width, old.height);
        this.box = new Box(old.left, old.top, old.width, old.height, x, y);
      }
      const { xlim: xl, ylim: yl } = this.box;
      this.stage.draw.drawAxes(ctx, this.box, "code neuron 1", "code neuron 2",
        niceTicks(xl[0], xl[1], Math.max(3, old.width / 70)), niceTicks(yl[0], yl[1], Math.max(3, old.height / 45)));
      this.under(ctx);
    }

    draw() {
      const ctx = this.begin(), run = this.run, stage = this.stage, k = stage.snapshot(run);
      if (this.following) this.follow(ctx, k);
      const box = this.box;
      ctx.save();
      box.clip(ctx);
      const many = run.n > 5000, radius = many ? 1.1 : run.n > 1000 ? 2.2 : 2.8;
      const drawn = this.drawn = new Float32Array(run.n * 2).fill(NaN);
      const ax = box.width / (box.xlim[1] - box.xlim[0]), ay = box.height / (box.ylim[1] - box.ylim[0]);
      // From the 16-bit codes straight to pixels: one multiply-add per axis and point.
      const sx = run.span[0] / (2 * QUANT) * ax, sy = run.span[1] / (2 * QUANT) * ay;
      const ox = box.left + (run.low[0] + run.span[0] / 2 - box.xlim[0]) * ax;
      const oy = box.top + box.height - (run.low[1] + run.span[1] / 2 - box.ylim[0]) * ay;
      const codes = run.codes, base = k * run.n * 2;
      // PCA's rings under the codes and wider than a dot (as the clip's, 5 pt rings under
      // 3.6 pt dots): where the codes have become PCA's projection each dot sits in its ring,
      // and a crowd keeps its class colors.
      if (this.spec.layers.includes("ghost")) this.ghost(ctx, k, radius + RING_MARGIN);
      this.dotRadius = radius;
      for (const cls of run.classes) {
        if (stage.hidden.has(cls.value)) continue;
        ctx.globalAlpha = stage.highlight === null || stage.highlight === cls.value ? 0.85 : 0.12;
        ctx.fillStyle = cls.color; ctx.strokeStyle = cls.color; ctx.lineWidth = 0.9;
        ctx.beginPath();
        for (const i of cls.members) {
          const qx = codes[base + 2 * i], qy = codes[base + 2 * i + 1];
          if (qx === MISSING || qy === MISSING) continue;
          let px = ox + qx * sx, py = oy - qy * sy;
          if (this.following) [px, py] = this.pixel(this.code(k, i));
          drawn[2 * i] = px; drawn[2 * i + 1] = py;
          if (many) { ctx.rect(px - radius, py - radius, 2 * radius, 2 * radius); continue; }
          ctx.moveTo(px + radius, py); ctx.arc(px, py, radius, 0, 2 * Math.PI);
        }
        if (cls.hollow) ctx.stroke(); else ctx.fill();
      }
      ctx.globalAlpha = 1;
      for (const layer of this.spec.layers) if (this[layer] && layer !== "ghost") this[layer](ctx, k);
      const focus = stage.focus;
      ctx.strokeStyle = stage.theme.foreground;
      if (focus && focus.run === run && focus.kind === "sample") {
        const px = drawn[2 * focus.sample], py = drawn[2 * focus.sample + 1];
        if (px === px) { ctx.lineWidth = 2; ctx.beginPath(); ctx.arc(px, py, radius + 4, 0, 2 * Math.PI); ctx.stroke(); }
      } else if (focus && focus.run === run && focus.kind === "code") {
        const [cx, cy] = this.pixel(focus.code);
        ctx.lineWidth = 1.5;
        ctx.beginPath(); ctx.moveTo(cx - 7, cy); ctx.lineTo(cx + 7, cy); ctx.moveTo(cx, cy - 7); ctx.lineTo(cx, cy + 7); ctx.stroke();
      }
      ctx.restore();
    }

    // PCA's projection fitted onto the snapshot's codes by the least-squares affine map (the
    // clip's affine_fit), as hollow rings of `ringRadius` px: a linear autoencoder's codes
    // become exactly that.
    ghost(ctx, k, ringRadius) {
      const run = this.run, pca = run.pca, normal = [[0, 0, 0], [0, 0, 0], [0, 0, 0]], right = [[0, 0], [0, 0], [0, 0]];
      for (let i = 0; i < run.n && pca.length; i++) {
        const code = this.code(k, i), row = [pca[2 * i], pca[2 * i + 1], 1];
        if (!code) continue;
        for (let a = 0; a < 3; a++) {
          for (let b = 0; b < 3; b++) normal[a][b] += row[a] * row[b];
          right[a][0] += row[a] * code[0]; right[a][1] += row[a] * code[1];
        }
      }
      const map = solve3(normal, right);
      this.ghostDrawn = [];
      if (!map) return;
      for (let i = 0; i < run.n; i++) {
        const x = pca[2 * i], y = pca[2 * i + 1];
        this.ghostDrawn.push([0, 1].map((c) => x * map[0][c] + y * map[1][c] + map[2][c]));
      }
      const centers = this.ghostDrawn.map((code) => this.pixel(code));
      this.ghostAlphas = ghostAlphas(centers, 2 * ringRadius, this.box, this.stage.data);
      ctx.save();
      ctx.strokeStyle = this.stage.theme.muted; ctx.lineWidth = 0.9;
      this.ringRadius = ringRadius;
      // Each ring stroked alone, at its own opacity: where rings overlap their ink adds up,
      // as the clip's do (one path would draw a pile as one flat blot).
      centers.forEach(([px, py], i) => {
        ctx.globalAlpha = this.ghostAlphas[i];
        ctx.beginPath(); ctx.arc(px, py, ringRadius, 0, 2 * Math.PI); ctx.stroke();
      });
      ctx.restore();
    }

    // A VAE's prior, N(0, 1), at 1 and 2 sigma: dashed circles above the codes.
    circles(ctx) {
      ctx.save();
      // A halo of the background under each dashed circle: seen over a crowd of points.
      ctx.strokeStyle = this.stage.theme.background; ctx.globalAlpha = 0.7; ctx.lineWidth = 3.5;
      for (const radius of [1, 2]) this.outline(ctx, [0, 0], [radius, radius]);
      ctx.strokeStyle = this.stage.theme.foreground; ctx.globalAlpha = 0.85; ctx.lineWidth = 1.3; ctx.setLineDash([5, 4]);
      for (const radius of [1, 2]) this.outline(ctx, [0, 0], [radius, radius]);
      ctx.restore();
    }

    // A VAE's one-sigma ellipse around an even spread of its codes.
    ellipses(ctx, k) {
      const run = this.run;
      ctx.save();
      ctx.strokeStyle = this.stage.theme.foreground; ctx.globalAlpha = 0.5; ctx.lineWidth = 0.6;
      this.ellipsesDrawn = 0;
      for (const sample of run.ellipsePicks) {
        const x = page.data.sampleX(run, sample), code = this.code(k, sample);
        if (!x || !code) continue;
        const sigma = page.model.logVariance(run, k, x).map((v) => Math.exp(0.5 * v));
        this.outline(ctx, code, sigma);
        this.ellipsesDrawn += 1;
      }
      ctx.restore();
    }

    // Where training pulls each code: minus the error's gradient, the longest arrow a fixed
    // share of the plane (as the clip's).
    pull(ctx, k) {
      const run = this.run, arrows = [];
      for (const sample of run.arrowPicks) {
        const x = page.data.sampleX(run, sample), code = this.code(k, sample);
        if (x && code) arrows.push([code, page.model.pull(run, k, code, x)]);
      }
      const longest = Math.max(0, ...arrows.map(([, v]) => Math.hypot(v[0], v[1])));
      if (!(longest > 0)) return;
      const scale = LONGEST * (this.box.xlim[1] - this.box.xlim[0]) / longest;
      ctx.save();
      ctx.strokeStyle = this.stage.theme.foreground; ctx.globalAlpha = 0.55; ctx.lineWidth = 1;
      ctx.beginPath();
      for (const [code, v] of arrows) {
        const [x0, y0] = this.pixel(code), [x1, y1] = this.pixel([code[0] + v[0] * scale, code[1] + v[1] * scale]);
        const angle = Math.atan2(y1 - y0, x1 - x0), head = Math.min(4, Math.hypot(x1 - x0, y1 - y0) / 2);
        ctx.moveTo(x0, y0); ctx.lineTo(x1, y1);
        ctx.lineTo(x1 - head * Math.cos(angle - 0.5), y1 - head * Math.sin(angle - 0.5));
        ctx.moveTo(x1, y1); ctx.lineTo(x1 - head * Math.cos(angle + 0.5), y1 - head * Math.sin(angle + 0.5));
      }
      ctx.stroke();
      ctx.restore();
    }

    // An axis-aligned ellipse of radii `radii` around `center` (codes), as a polygon.
    outline(ctx, center, radii) {
      ctx.beginPath();
      for (let step = 0; step <= 64; step++) {
        const turn = step / 64 * 2 * Math.PI;
        const [px, py] = this.pixel([center[0] + radii[0] * Math.cos(turn), center[1] + radii[1] * Math.sin(turn)]);
        if (step) ctx.lineTo(px, py); else ctx.moveTo(px, py);
      }
      ctx.stroke();
    }

    // Sample i's code at used snapshot k (as quantized), or null where not finite.
    code(k, i) {
      const p = page.data.displayCode(this.run, k, i), linthresh = this.run.axes.symlog;
      return p && [unsymlog(p[0], linthresh), unsymlog(p[1], linthresh)];
    }

    // Where a code lies on the canvas.
    pixel(code) {
      const linthresh = this.following ? 0 : this.run.axes.symlog;
      return [this.box.x(symlog(code[0], linthresh)), this.box.y(symlog(code[1], linthresh))];
    }

    // The pointer over the plane: the nearest pickable sample, else the code under it.
    point(event) {
      const rect = this.canvas.getBoundingClientRect(), stage = this.stage, run = this.run;
      const px = event.clientX - rect.left, py = event.clientY - rect.top;
      if (!this.box.contains(px, py)) {
        if (event.pointerType === "mouse") stage.setFocus(null);
        return;
      }
      const reach = event.pointerType === "touch" ? TOUCH_PICK_PX : SAMPLE_PICK_PX;
      let best = null, bestDistance = reach * reach;
      for (const i of run.hover) {
        const dx = this.drawn[2 * i] - px, dy = this.drawn[2 * i + 1] - py, distance = dx * dx + dy * dy;
        if (distance < bestDistance) { bestDistance = distance; best = i; }
      }
      if (best !== null) {
        const cls = run.classByValue.get(run.labels[best]);
        stage.setFocus({ kind: "sample", run, sample: best }, event,
          (cls.value >= 0 ? (run.labelTitle ? run.labelTitle + ": " : "class: ") + cls.name + "\n" : "") + "sample " + best);
      } else {
        const t = this.box.inverse(px, py), linthresh = this.following ? 0 : run.axes.symlog;
        const code = [unsymlog(t[0], linthresh), unsymlog(t[1], linthresh)];
        stage.setFocus({ kind: "code", run, code }, event,
          "code (" + tickText(code[0]) + ", " + tickText(code[1]) + ")\ndecoded at right");
      }
      if (event.pointerType === "touch") event.preventDefault();
    }
  };
})();
