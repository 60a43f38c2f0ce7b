// panel-loss.js: every run's error over the timeline (the future faint), the reference lines
// (PCA's error, the stopping threshold) with labels placed clear of every curve, and the
// readout of the current values (each the recorded snapshot's). A comparison's runs differ in
// line style as well as color; a denoising run's training objective (from noisy inputs) is
// drawn dashed beside its clean RMSE; the objective's other terms (a VAE's KL, the codes' L1
// size) dash-dot on their own right axis, keyed by its title in their color, as the clip's.
page.panelKinds.loss = (() => {
  const { Panel, Box, niceTicks, tickName, font, TICK_GAP } = page.kit;
  const DASHES = { "-": [], "--": [6, 4], "-.": [6, 3, 1.5, 3], ":": [1.5, 3], "-..": [6, 3, 1.5, 3, 1.5, 3] };  // matplotlib's styles (theme.py's line_style)
  const LIFT = 16;  // a lifted label's baseline this far above its line (its foot 14 px above)
  // The current value's dot; it travels the whole curve, so a label keeps this much more room
  // from a curve than from a reference line (as the clip's labels keep from its marker).
  const MARKER = 4;
  // px: a curve this near a reference line runs along it (about a curve's width: identity's
  // 0.0847 on PCA's 0.0845, 0.2 px off at 640 px); one farther off passes between the line and
  // a label on its other side (sigmoid's 0.0874, 3 px off).
  const HUG = 2;
  // A key under the plot stands this far from the axis's title (2.5 ems of its 10 px text, the
  // clip's AXIS_KEY_GAP_EM).
  const AXIS_KEY_GAP = 25;
  // The terms axis's ticks: their text's size, and the room between two labels in sizes of it
  // (the clip's TICK_ROOM, panels/terms.py).
  const TERMS_FONT = 10.5, TICK_ROOM = 1.8, ROUND_TOP_MOST = 2.5;
  // The clip's fitted_ticks (panels/terms.py): ticks from 0 to the first round number at or
  // above `largest` on an axis from 0 to `top` drawn `height` px tall, as many as keep their
  // labels apart; where not even 0 and one more do, 0 and a rounder number up to
  // ROUND_TOP_MOST times `largest` whose label clears 0's; else none (a lone number was read
  // as its curve's value).
  const fittedTicks = (largest, top, height, size) => {
    if (!(largest > 0) || !(top > 0) || !(height > 0)) return [];
    for (const bins of [4, 3, 2, 1]) {
      const ticks = niceTicks(0, largest, bins).filter((t) => t >= 0).map((t) => Number(t.toPrecision(10)));
      if (ticks.length >= 2 && ticks[ticks.length - 1] < largest) {  // on to the first past it
        ticks.push(Number((ticks[ticks.length - 1] + ticks[1] - ticks[0]).toPrecision(10)));
      }
      if (ticks.length < 2 || ticks[ticks.length - 1] > top) continue;
      if ((ticks[1] - ticks[0]) / top * height >= TICK_ROOM * size) return ticks;
    }
    // Too short for that: 0 and a rounder number above the terms, as near them as clears 0.
    const power = Math.pow(10, Math.floor(Math.log10(largest)));
    for (const step of [1, 2, 2.5, 5, 10, 20, 25, 50]) {
      const last = Number((step * power).toPrecision(10));
      if (last < largest) continue;
      if (last > Math.min(top, ROUND_TOP_MOST * largest)) return [];
      if (last / top * height >= TICK_ROOM * size) return [0, last];
    }
    return [];
  };
  // The clip's rule (panels/loss.py end_dot_looks): a later run's dot whose centre lies
  // within an earlier full dot of its size makes the two the halves of one larger dot
  // (`split` of a dot's size), the earlier run's left, the later's right (activations at the
  // end: sigmoid's dot nested in identity's read as one ring); a third there is a dot `share`
  // of theirs, inside; a fourth and the third the halves of that inner dot.
  const endDotLooks = (centres, split, share) => {
    const looks = [], wholes = [];  // each dot's radius before halving
    centres.forEach((c, n) => {
      let whole = MARKER, fill = "full";
      for (let e = 0; e < n; e++) {
        if (!c || !centres[e] || Math.hypot(c[0] - centres[e][0], c[1] - centres[e][1]) >= looks[e].radius) continue;
        if (fill === "full" && looks[e].fill === "full" && looks[e].radius === whole) {
          looks[e] = { radius: whole * split, fill: "left" };
          fill = "right";
        } else {
          whole = Math.min(whole, share * wholes[e]); fill = "full";
        }
      }
      wholes.push(whole);
      looks.push({ radius: fill === "full" ? whole : whole * split, fill });
    });
    return looks;
  };
  // A dot, or a half of one (parted from the other half by a 1 px gap). Any but a lone full
  // dot gets an edge in the page's color, parting it from the dots under it.
  const drawDot = (ctx, x, y, look, color, background) => {
    const { radius, fill } = look;
    const shape = (r) => {
      ctx.beginPath();
      if (fill === "full") { ctx.arc(x, y, r, 0, 2 * Math.PI); return; }
      const side = fill === "left" ? -0.5 : 0.5;  // each half half a pixel off the parting line
      ctx.moveTo(x + side, y - r);
      ctx.arc(x + side, y, r, -Math.PI / 2, Math.PI / 2, fill === "left");
      ctx.closePath();
    };
    const alone = fill === "full" && radius === MARKER;
    if (!alone) { ctx.fillStyle = background; shape(radius + 0.5); ctx.fill(); }
    ctx.fillStyle = color; shape(fill === "full" && !alone ? radius - 0.5 : radius); ctx.fill();
  };
  // A value as the clip's readout writes it: 4 decimals, 4 significant digits from 10 up.
  const valueText = (v) => !isFinite(v) ? "not finite" : v < 10 ? v.toFixed(4)
    : v.toPrecision(4).replace(/e([+-])(\d+)$/, (_, sign, digits) => "e" + sign + digits.padStart(2, "0"));

  return class LossPanel extends Panel {
    constructor(stage, spec) {
      super(stage, spec, 0.5);
      this.runs = stage.runs;
      this.limits = spec.loss;  // the description's: limits, log axis, reference lines, terms
      this.terms = this.limits.terms_axis ? stage.data.description.runs[0].terms : [];
      // The largest finite term (0: none), which numbers their axis.
      this.termsLargest = this.terms.length
        ? Array.from(this.runs[0].terms).reduce((a, v) => (Number.isFinite(v) ? Math.max(a, v) : a), 0) : 0;
      // A denoising run's training objective (one run only): its values, packed per snapshot.
      this.objective = this.limits.objective ? this.runs[0].objective : null;
      this.lines = this.runs.length + (this.objective ? 1 : 0);  // readout lines, top right
      // Beside a blow-up (its curve ends at the top right, on the axis's top): top left.
      this.left = Boolean(this.limits.values_left);
    }

    drawStill(ctx) {
      const stage = this.stage, runs = this.runs, limits = this.limits;
      this.log = limits.log;
      this.f = this.log ? (v) => Math.log10(Math.max(v, 1e-300)) : (v) => v;
      // "follow" scales, one run, a log axis: the axis grows with the values recorded so far
      // (as the clip's), so a blow-up is not given away by the first frames: drawn in draw().
      this.following = stage.data.description.scales === "follow" && runs.length === 1 && this.log;
      if (!this.following) this.still(ctx, limits.y);
    }

    // The axes, the future (faint) and the reference lines with their labels, on RMSE limits
    // `ylim`.
    still(ctx, ylim) {
      const stage = this.stage, data = stage.data, theme = stage.theme, runs = this.runs, limits = this.limits, f = this.f;
      // A terms axis's room: its numbers (as the plot's height numbers them: a KL of 1e30
      // wrote "1.5e30" over the rotated title) and the title.
      let right = 12;
      if (this.terms.length) {
        ctx.font = font(TERMS_FONT);
        const ticks = fittedTicks(this.termsLargest, limits.terms_top, this.height - 46, TERMS_FONT);
        const widest = Math.max(0, ...ticks.map((v) => ctx.measureText(tickName(v)).width));
        right = Math.max(54, TICK_GAP + widest + 22);
      }
      // The readouts' corner (top right), which no curve may cross and no reference label take.
      ctx.font = font(11.5);
      this.readoutWidth = Math.max(...limits.value_names.map((name) => ctx.measureText(name + " 0.0000 (finished)").width),
        this.objective ? ctx.measureText(data.objectiveLabel + " 0.0000").width : 0);
      const box = this.box = this.clearAbove(new Box(52, 8, this.width - 52 - right, this.height - 46, limits.x, ylim.map(f)));
      let yticks = this.log ? niceTicks(Math.ceil(box.ylim[0]), Math.floor(box.ylim[1]), 5).filter((t) => t === Math.round(t))
        : niceTicks(box.ylim[0], box.ylim[1], Math.max(3, box.height / 40));
      if (this.log && yticks.length < 3) {  // at least three ticks: 1, 2 and 5 of each decade
        yticks = [];
        for (let n = Math.floor(box.ylim[0]); n <= Math.ceil(box.ylim[1]); n++) {
          for (const t of [n, n + Math.log10(2), n + Math.log10(5)]) if (t >= box.ylim[0] && t <= box.ylim[1]) yticks.push(t);
        }
      }
      let xticks = niceTicks(box.xlim[0], box.xlim[1], Math.max(3, box.width / 80));
      if (!data.within) xticks = xticks.filter((t) => t === Math.round(t));
      stage.draw.drawAxes(ctx, box, data.within ? "epochs completed" : "epoch", "RMSE", xticks, yticks, null,
        this.log ? (t) => tickName(Math.pow(10, t)) : null);
      if (this.terms.length) this.termsAxis(ctx);
      ctx.save();
      box.clip(ctx);
      if (data.future) {
        for (const run of runs) this.curve(ctx, run, Infinity, theme.faint, 1.4, run.style);
        if (this.objective) this.curve(ctx, runs[0], Infinity, theme.faint, 1.2, "--", this.objective);
        ctx.globalAlpha = 0.25;  // the terms' whole curves in their colors, faint (as the clip's)
        this.terms.forEach((term, index) => this.termCurve(ctx, runs[0], index, Infinity, term.color, 1.2, term.style));
        ctx.globalAlpha = 1;
      }
      this.referenceLines(ctx);
      // Each label: the longest form with a clear place beside its line, else as a key (a
      // sample of its line then the label) under the plot, left of the axis's title, then
      // right of it, as the clip's; else (the shortest) wherever in the plot no curve, line or
      // label is; left out where there is no such place (never drawn across a curve).
      this.taken = [];
      this.labels = [];
      const under = [];  // the keys under the plot, drawn past the plot's clip
      ctx.font = font(11.5);
      // (Apart from the axis's title by AXIS_KEY_GAP: 10 px on, "PCA: 0.0845 epoch" read as
      // one phrase at 640x400.)
      const titleHalf = ctx.measureText(data.within ? "epochs completed" : "epoch").width / 2 + AXIS_KEY_GAP;
      // (Where neither holds a form, the left one from the canvas's edge, under the y axis's
      // numbers: beside activations' planes at 640x400 the loss lost PCA's key, the line
      // its caption reads.)
      const slots = [[box.left, box.left + box.width / 2 - titleHalf], [box.left + box.width / 2 + titleHalf, box.left + box.width],
        [4, box.left + box.width / 2 - titleHalf]];
      ctx.font = font(10);
      for (const reference of limits.references) {
        const y = box.y(f(reference.level)), others = this.lineLevels(reference);
        // Every form beside its line before any a little higher (a longer form lifted over a
        // hugging curve read as the label of another level: 0.13 for a line at 0.0845).
        let place = null, label = null;
        for (const lifted of [false, true]) {
          for (const text of reference.texts) {
            place = this.clearPlace(ctx.measureText(text).width, y, others, lifted);
            label = text;
            if (place) break;
          }
          if (place) break;
        }
        if (!place) {
          for (const slot of slots) {
            label = reference.texts.find((text) => slot[0] + 22 + ctx.measureText(text).width <= slot[1]);
            if (label === undefined) continue;
            const width = 22 + ctx.measureText(label).width;
            place = { x: slot[0] + 22, y: box.top + box.height + 29, align: "left", key: true, under: true };
            slot[0] += width + 12;
            if (slot !== slots[1]) slots[0][0] = slots[2][0] = Math.max(slots[0][0], slot[0]);  // (one row)
            break;
          }
          if (!place) label = reference.texts[reference.texts.length - 1];
        }
        if (!place) {
          place = this.keyPlace(ctx.measureText(label).width + 22, this.lineLevels(null));
          if (place) place = { x: place.x + 22, y: place.y, align: "left", key: true };
        }
        if (!place) continue;
        const width = ctx.measureText(label).width, x0 = place.align === "right" ? place.x - width : place.x;
        const drawn = { text: label, key: Boolean(place.key), box: [x0 - (place.key ? 22 : 0), place.y - 10, x0 + width, place.y + 2] };
        if (place.under) { drawn.under = true; under.push([reference, drawn]); } else {
          this.keyLabel(ctx, reference, drawn);
          this.taken.push(drawn.box);
        }
        this.labels.push(drawn);
      }
      ctx.restore();
      for (const [reference, drawn] of under) this.keyLabel(ctx, reference, drawn);
    }

    // The reference lines, each in a halo of the background: drawn again over the curves
    // each frame (as the clip's), a curve that settles on PCA's error hid PCA's line.
    referenceLines(ctx) {
      const box = this.box, theme = this.stage.theme;
      for (const reference of this.limits.references) {
        const y = box.y(this.f(reference.level));
        ctx.setLineDash(reference.style === "--" ? [5, 4] : [1.5, 3]);
        for (const [color, width] of [[theme.background, 3], [theme.muted, 1]]) {
          ctx.strokeStyle = color; ctx.lineWidth = width;
          ctx.beginPath(); ctx.moveTo(box.left, y); ctx.lineTo(box.left + box.width, y); ctx.stroke();
        }
        ctx.setLineDash([]);
      }
    }

    // A reference line's label `drawn` (text, box), a key's with a sample of its line first.
    keyLabel(ctx, reference, drawn) {
      const theme = this.stage.theme, [x0, y0, x1] = drawn.box;
      if (drawn.key) {
        ctx.setLineDash(reference.style === "--" ? [5, 4] : [1.5, 3]); ctx.strokeStyle = theme.muted; ctx.lineWidth = 1;
        ctx.beginPath(); ctx.moveTo(x0, y0 + 6); ctx.lineTo(x0 + 18, y0 + 6); ctx.stroke();
        ctx.setLineDash([]);
      }
      this.stage.draw.text(ctx, drawn.text, drawn.key ? x0 + 22 : x1, y0 + 10, drawn.key ? "left" : "right", "alphabetic", theme.muted, 10);
    }

    // `box` with the top of its axis raised until no curve passes through the readouts'
    // corner (as the clip's clear_above: a short run's curves reach the top right, where the
    // readouts are); a following axis counts the values recorded so far only.
    clearAbove(box) {
      const f = this.f, corner = this.left ? box.left + 8 : box.left + box.width - 8 - this.readoutWidth;
      const cornerEnd = this.left ? corner + this.readoutWidth : Infinity;
      const below = 1 - (16 * this.lines + 8) / box.height;  // the corner's bottom, a fraction of the height
      const series = this.runs.map((run) => [run, run.loss]);
      if (this.objective) series.push([this.runs[0], this.objective]);
      const until = this.following ? this.stage.position() : Infinity;
      const low = box.ylim[0];
      let high = box.ylim[1];
      for (let pass = 0; pass < 4 && below > 0; pass++) {  // each raise moves the curves down; a few settle it
        let highest = -Infinity;
        for (const [run, values] of series) {
          for (let i = 0; i < run.timeline.length && run.timeline[i] <= until + 1e-9; i++) {
            const y = (f(values[i]) - low) / (high - low);
            const x = box.x(run.timeline[i]);
            if (isFinite(y) && x >= corner && x <= cornerEnd && y > below) highest = Math.max(highest, y);
          }
        }
        if (highest === -Infinity) break;
        high = low + (high - low) * highest / below;
      }
      return new Box(box.left, box.top, box.width, box.height, box.xlim, [low, high]);
    }

    // The pixel rows of the reference lines other than `own` (a label must not sit on them).
    lineLevels(own) {
      return this.limits.references.filter((r) => r !== own).map((r) => this.box.y(this.f(r.level)));
    }

    state() {
      return { ...super.state(), readouts: this.readouts, dots: this.dots, styles: this.runs.map((run) => run.style), dashes: this.runs.map((run) => DASHES[run.style]), labels: this.labels,
        objective: Boolean(this.objective), ylim: this.box.ylim, xlim: this.box.xlim,
        box: [this.box.left, this.box.top, this.box.width, this.box.height], termsTop: this.limits.terms_top, termTicks: this.termTicks || null,
        termDashes: this.termDashes || null };
    }

    // The objective's other terms (a VAE's KL, the codes' L1 size) on a right axis from 0 to
    // the description's terms_top (room above them keeps their curves under the RMSE's),
    // drawn and numbered over the terms' range only, as the clip's (numbered to its top, the
    // VAE's read 0 to 10 beside a KL peaking at 3.4, the clip's 0 to 4: a squashed curve).
    termsAxis(ctx) {
      const box = this.box, theme = this.stage.theme, top = this.limits.terms_top;
      this.termsBox = new Box(box.left, box.top, box.width, box.height, box.xlim, [0, top]);
      const ticks = this.termTicks = fittedTicks(this.termsLargest, top, box.height, TERMS_FONT);
      const end = ticks.length ? this.termsBox.y(ticks[ticks.length - 1]) : box.top;
      // Numbered and named in the term's color (the clip's TermsAxis): a gray number level
      // with PCA's line at the plot's edge was read as PCA's value.
      const own = this.terms.length === 1 ? this.terms[0].color : theme.muted;
      ctx.strokeStyle = theme.faint; ctx.beginPath();
      ctx.moveTo(box.left + box.width + 0.5, end); ctx.lineTo(box.left + box.width + 0.5, box.top + box.height); ctx.stroke();
      for (const t of ticks) {
        this.stage.draw.text(ctx, tickName(t), box.left + box.width + TICK_GAP, this.termsBox.y(t), "left", "middle", own, TERMS_FONT);
      }
      ctx.save();
      ctx.translate(this.width - 8, box.top + box.height / 2); ctx.rotate(-Math.PI / 2);
      this.stage.draw.text(ctx, this.terms.map((term) => term.title).join(", "), 0, 0, "center", "middle", own, 11);
      ctx.restore();
    }

    // The curve's pixels over its whole timeline, every run.
    // (and a denoising run's objective, and the terms on the right axis).
    curvePoints() {
      const points = [], series = this.runs.map((run) => [run, run.loss]);
      if (this.objective) series.push([this.runs[0], this.objective]);
      for (const [run, values] of series) {
        for (let i = 0; i < run.timeline.length; i++) {
          if (isFinite(values[i])) points.push([this.box.x(run.timeline[i]), this.box.y(this.f(values[i]))]);
          else if (points.length) points.push([NaN, NaN]);  // a break: no segment across it
        }
        points.push([NaN, NaN]);
      }
      // The terms' curves on the right axis (as the clip counts them: a label sits on none).
      const run = this.runs[0], count = this.terms.length;
      for (let t = 0; t < count; t++) {
        for (let i = 0; i < run.timeline.length; i++) {
          const v = run.terms[i * count + t];
          points.push(isFinite(v) ? [this.termsBox.x(run.timeline[i]), this.termsBox.y(v)] : [NaN, NaN]);
        }
        points.push([NaN, NaN]);
      }
      return points;
    }

    // Where a reference line's label goes: just above or below its line, right, left or
    // between (`lifted`: a little higher), the first place no curve crosses (every run's whole
    // curve, drawn or still to come), nor hides the line under it (`hides`), nor the other
    // reference lines at `levels`; null when there is none.
    clearPlace(width, y, levels, lifted) {
      const box = this.box, places = [];
      for (const at of [1, 0, 0.5, 0.25, 0.75, 0.125, 0.375, 0.625, 0.875]) {
        const align = at === 1 ? "right" : "left";
        const x = at === 1 ? box.left + box.width - 6 : at === 0 ? box.left + 6 : box.left + at * box.width - width / 2;
        if (lifted) places.push({ x, y: y - LIFT, align });
        else places.push({ x, y: y - 4, align }, { x, y: y + 12, align });
      }
      const points = this.curvePoints();
      return places.find((place) => this.clear(place, width, points, levels) && !this.between(place, width, y, points) &&
        !this.hides(place, width, y, points)) || null;
    }

    // Whether a curve (`points`) hides the line at pixel row `y` under or over a label
    // `width` wide at `place`: comes within HUG of it there (the clip's hides_line). Such a
    // label, with no sample of its line, reads as that curve's name (sigmoid's 0.0874 over
    // PCA's 0.0845 under "PCA, 2 components: 0.0845"): it is a key instead.
    hides(place, width, y, points) {
      const x0 = place.align === "right" ? place.x - width : place.x, x1 = x0 + width;
      for (let i = 1; i < points.length; i++) {
        const [ax, ay] = points[i - 1], [bx, by] = points[i];
        if (!(ax === ax && bx === bx) || Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1) continue;
        const at = (x) => (bx === ax ? ay : ay + (by - ay) * (x - ax) / (bx - ax));
        const ends = bx === ax ? [ay, by] : [at(Math.max(Math.min(ax, bx), x0)), at(Math.min(Math.max(ax, bx), x1))];
        // The segment's part over the label: nearest the line at an end, or across it.
        if (Math.min(...ends) <= y + HUG && Math.max(...ends) >= y - HUG) return true;
      }
      return false;
    }

    // Whether a curve (`points`) passes between a label `width` wide at `place` and its line
    // at pixel row `y`, under or over the label (the clip's _between: such a label reads as
    // that curve's, PCA's over sigmoid's at 0.0874 for a line at 0.0845); a curve within
    // HUG of the line runs along it (identity's at 0.0847) and does not count.
    between(place, width, y, points) {
      const x0 = place.align === "right" ? place.x - width : place.x, x1 = x0 + width;
      const [low, high] = place.y <= y ? [place.y + 2, y - HUG] : [y + HUG, place.y - 10];
      for (let i = 1; i < points.length; i++) {
        const [ax, ay] = points[i - 1], [bx, by] = points[i];
        if (!(ax === ax && bx === bx) || Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1) continue;
        // The segment's part over the label's width: its rows at the label's edges.
        const at = (x) => (bx === ax ? ay : ay + (by - ay) * (x - ax) / (bx - ax));
        const ends = bx === ax ? [ay, by] : [at(Math.max(Math.min(ax, bx), x0)), at(Math.min(Math.max(ax, bx), x1))];
        if (Math.max(...ends) > low && Math.min(...ends) < high) return true;
      }
      return false;
    }

    // A key's place (`width` with its line sample), anywhere in the panel, from the bottom up.
    keyPlace(width, levels) {
      const box = this.box, points = this.curvePoints();
      for (let y = box.top + box.height - 5; y > box.top + 12; y -= 5) {
        for (const x of [box.left + 6, box.left + box.width / 2 - width / 2, box.left + box.width - 6 - width]) {
          const place = { x, y, align: "left" };
          if (this.clear(place, width, points, levels)) return place;
        }
      }
      return null;
    }

    // Whether a label `width` wide at `place` stays clear of the curves (`points`, and the dot
    // anywhere on them), the lines
    // at pixel rows `levels`, the readouts' corner and the labels already placed.
    clear(place, width, points, levels) {
      const box = this.box, readouts = 16 * this.lines + 20;
      const x0 = place.align === "right" ? place.x - width : place.x, x1 = x0 + width;
      const y0 = place.y - 10, y1 = place.y + 2;
      const inCorner = this.left ? x0 < box.left + 4 + (this.readoutWidth || 0) : x1 > box.left + box.width - 4 - (this.readoutWidth || 0);
      if (inCorner && y0 < box.top + readouts) return false;
      if (y0 < box.top || y1 > box.top + box.height || x0 < box.left || x1 > box.left + box.width) return false;
      if (levels.some((level) => level >= y0 - 2 && level <= y1 + 2)) return false;
      if (this.taken.some(([a, b, c, d]) => x0 < c + 4 && x1 > a - 4 && y0 < d + 2 && y1 > b - 2)) return false;
      for (let i = 1; i < points.length; i++) {
        const [ax, ay] = points[i - 1], [bx, by] = points[i];
        if (!(ax === ax && bx === bx)) continue;
        const pad = 2 + MARKER;
        if (Math.max(ax, bx) < x0 - pad || Math.min(ax, bx) > x1 + pad) continue;
        if (Math.max(ay, by) >= y0 - pad && Math.min(ay, by) <= y1 + pad) return false;
      }
      return true;
    }

    // The run's `values` (its loss, else given: the objective) up to epoch `until`, in a
    // matplotlib line `style`; a value not finite ends the curve (the objective's first is
    // NaN: it starts at the second).
    curve(ctx, run, until, color, width, style, values) {
      const box = this.box, series = values || run.loss;
      ctx.strokeStyle = color; ctx.lineWidth = width; ctx.lineJoin = "round";
      ctx.setLineDash(DASHES[style] || []);
      ctx.beginPath();
      let open = false;
      for (let i = 0; i < run.timeline.length; i++) {
        if (run.timeline[i] > until + 1e-9) break;
        if (!isFinite(series[i])) { if (open) break; continue; }
        const x = box.x(run.timeline[i]), y = box.y(this.f(series[i]));
        if (open) ctx.lineTo(x, y); else ctx.moveTo(x, y);
        open = true;
      }
      ctx.stroke();
      ctx.setLineDash([]);
    }

    // The run's term `t` up to epoch `until`, on the right axis, in a matplotlib line `style`
    // (the description's: dash-dot, as the clip's).
    termCurve(ctx, run, t, until, color, width, style) {
      const box = this.termsBox, count = this.terms.length;
      ctx.strokeStyle = color; ctx.lineWidth = width; ctx.setLineDash(DASHES[style] || []);
      this.termDashes = ctx.getLineDash();
      ctx.beginPath();
      for (let i = 0; i < run.timeline.length; i++) {
        const v = run.terms[i * count + t];
        if (run.timeline[i] > until + 1e-9 || !isFinite(v)) break;
        if (i) ctx.lineTo(box.x(run.timeline[i]), box.y(v)); else ctx.moveTo(box.x(run.timeline[i]), box.y(v));
      }
      ctx.stroke(); ctx.setLineDash([]);
    }

    // The RMSE limits of a following axis at the current step: up to the largest value
    // recorded so far (and the reference levels), with the clip's headroom.
    followLimits() {
      const run = this.runs[0], i = run.used[this.stage.snapshot(run)], low = this.limits.y[0];
      let high = Math.max(...this.limits.references.map((r) => r.level));
      for (let j = 0; j <= i; j++) if (isFinite(run.loss[j]) && run.loss[j] > high) high = run.loss[j];
      return high > low ? [low, high * this.stage.data.risingRoom] : this.limits.y;
    }

    // Where the readouts are anchored: the top right, or the top left beside a blow-up.
    readoutX() {
      return this.left ? this.box.left + 6 : this.box.left + this.box.width - 6;
    }

    draw() {
      const ctx = this.begin();
      if (this.following) this.still(ctx, this.followLimits());
      const box = this.box, stage = this.stage, position = stage.position();
      ctx.save(); ctx.beginPath(); ctx.rect(box.left - 5, box.top - 5, box.width + 10, box.height + 10); ctx.clip();
      this.readouts = [];
      const texts = [];  // the readouts, drawn after the reference lines
      const centres = this.runs.map((run) => {
        const i = run.used[stage.snapshot(run)], v = run.loss[i];
        return isFinite(v) ? [box.x(run.timeline[i]), box.y(this.f(v))] : null;
      });
      const looks = endDotLooks(centres, stage.data.splitShare, stage.data.nestedShare);
      this.dots = centres.map((c, n) => (c ? { x: c[0], y: c[1], ...looks[n], color: this.runs[n].color } : null));
      this.runs.forEach((run, number) => {
        const i = run.used[stage.snapshot(run)], t = run.timeline[i], v = run.loss[i];
        this.curve(ctx, run, t, run.color, 2.2, run.style);
        const finished = position > run.timeline[run.timeline.length - 1] + 1e-9;
        this.terms.forEach((term, index) => this.termCurve(ctx, run, index, run.timeline[i], term.color, 1.8, term.style));
        const name = this.limits.value_names[number], readout = name + " " + valueText(v) + (finished ? " (finished)" : "");
        this.readouts.push(readout);
        texts.push([readout, box.top + 16 + 16 * number, run.color]);
      });
      if (this.objective) {  // the training objective, dashed, and its value under the RMSE's
        const run = this.runs[0], i = run.used[stage.snapshot(run)], v = this.objective[i], color = stage.data.objectiveColor;
        this.curve(ctx, run, run.timeline[i], color, 1.8, "--", this.objective);
        const readout = isFinite(v) ? stage.data.objectiveLabel + " " + v.toFixed(4) : "";
        this.readouts.push(readout);
        texts.push([readout, box.top + 32, color]);
      }
      this.referenceLines(ctx);  // over the curves, under the readouts and dots
      for (const [text, y, color] of texts) {
        stage.draw.text(ctx, text, this.readoutX(), y, this.left ? "left" : "right", "alphabetic", color, 11.5);
      }
      // The dots over every curve (as the clip's markers): a later run's curve ran over an
      // earlier run's half dot.
      centres.forEach((c, n) => c && drawDot(ctx, ...c, looks[n], this.runs[n].color, stage.theme.background));
      ctx.restore();
    }
  };
})();
