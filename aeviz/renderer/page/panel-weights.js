// panel-weights.js: one run's network: the strongest neurons of each layer, every edge colored
// and thickened by its weight, neurons filled by their bias (a VAE's code layer: its means
// above its log-variances); each layer named with its size under it, the activations above;
// the color bar at the right, on the description's color scale (or following the values).
page.panelKinds.weights = (() => {
  const { Panel, tickText, colorFraction, font } = page.kit;

  return class WeightPanel extends Panel {
    constructor(stage, spec) {
      super(stage, spec, 0.5);
      this.run = stage.runs[spec.run];
    }

    // The color scale at used snapshot k: the description's, or ("follow", no scale there)
    // the largest |value| so far.
    scale(k) {
      const colors = this.spec.colors;
      return colors ? { limit: colors.limit, linthresh: colors.linthresh || 0 }
        : { limit: this.run.largest[k] || 1, linthresh: 0 };
    }

    // The title's form for the whole run at this size: the longest whole beside the
    // widest reach of any step (the title read "|w| up to" at the start and "|w| \u2264"
    // at the end of a diverging run), else the shortest.
    reachForm() {
      const forms = [this.spec.title + ": |w| up to ", "weights: |w| up to ", "weights: |w| \u2264 "];
      const reaches = [...new Set(Array.from(this.run.largestEdge, (w) => tickText(w)))];
      const longest = Math.max(...reaches.map((r) => r.length));
      const widest = reaches.filter((r) => r.length === longest);
      return forms.find((form) => widest.every((reach) => {
        this.title.textContent = form + reach;
        return this.whole();
      })) || forms[forms.length - 1];
    }

    resize() {
      this.titleForm = null;  // chosen anew for the new width
      super.resize();
    }

    color(value, scale) {
      const fraction = colorFraction(value, scale.limit, scale.linthresh), cmap = this.stage.data.cmap;
      return { color: cmap[Math.round(fraction * (cmap.length - 1))], strength: Math.abs(2 * fraction - 1) };
    }

    drawStill(ctx) {
      const run = this.run, stage = this.stage, theme = stage.theme, { text, fitText } = stage.draw;
      const layers = run.shown.length, code = run.codeLayer;
      // A VAE's code layer holds its means and, below them, its log-variances.
      const column = (l) => run.shown[l].length * (run.variational && l === code ? 2 : 1);
      const tallest = Math.max(...run.shown.map((_, l) => column(l)));
      const left = 30, right = 92, top = 22, bottom = 44;
      const width = this.width - left - right, height = this.height - top - bottom;
      const dx = width / Math.max(1, layers - 1), dy = height / (tallest + 1);
      this.radius = Math.max(2.5, Math.min(dy * 0.36, dx * 0.14, 12));
      // Neuron 0 on top, as the clip draws it (a canvas's y grows downward: the page drew every
      // layer upside down against the clip); a VAE's log-variances below its means.
      const place = (l, j) => [left + (layers > 1 ? l * dx : width / 2), top + height / 2 - ((column(l) - 1) / 2 - j) * dy];
      this.pos = run.shown.map((s, l) => s.map((_, j) => place(l, j)));
      this.logvarPos = run.variational ? run.shown[code].map((_, j) => place(code, run.shown[code].length + j)) : [];
      const cx = this.pos[code][0][0], band = Math.max(12, this.radius * 2);
      ctx.fillStyle = theme.panel;
      ctx.fillRect(cx - band, top - 4, 2 * band, height + 8);
      // Layer labels: the first choice (most said) whose lines fit their columns.
      ctx.font = font(10);
      const columnWidth = Math.max(dx - 6, 30), edge = (l) => (l === 0 ? this.pos[0][0][0] + columnWidth / 2 : l === layers - 1 ? this.width - right - this.pos[l][0][0] + columnWidth / 2 : columnWidth);
      // A label's room: its column (two where its neighbours say nothing), never past the
      // middle between it and the next label said (in a narrow window the columns are
      // closer than 30 px and "64 (16 shown)" printed over "16").
      const xOf = (l) => this.pos[l][0][0];
      const room = (labels, l, columns) => labels.reduce((least, label, m) => (m === l || !label ? least
        : Math.min(least, Math.abs(xOf(m) - xOf(l)) - 4)), Math.min(columns * columnWidth, 2 * edge(l)));
      const fits = (labels) => labels.every((label, l) => label.split("\n").every((line) => ctx.measureText(line).width <= room(labels, l, 1)));
      const fitting = run.layerLabels.find(fits);
      // None fits: the shortest, for the code layer, the input and the output only (as the
      // clip keeps them first), each with room for two columns.
      const labels = [...(fitting || run.layerLabels[run.layerLabels.length - 1].map((label, l) =>
        (l === 0 || l === code || l === layers - 1 ? label : "")))];
      // Where even a letter and "…" would not fit, the code layer's alone.
      const columns = fitting ? 1 : 2;
      const cramped = (l) => labels[l].split("\n").some((line) => ctx.measureText(fitText(ctx, line, room(labels, l, columns))).width > room(labels, l, columns));
      if (labels.some((_, l) => cramped(l))) labels.forEach((_, l) => { if (l !== code) labels[l] = ""; });
      labels.forEach((label, l) => {
        label.split("\n").forEach((line, row, lines) => {
          const y = this.height - 4 - (lines.length - 1 - row) * 11;
          text(ctx, fitText(ctx, line, room(labels, l, columns)), this.pos[l][0][0], y, "center", "alphabetic",
            l === code ? theme.foreground : theme.muted, 10);
        });
      });
      // The activations: each between its two layers when they fit, else one summary line.
      ctx.font = "italic " + font(10);
      const between = layers > 1 && run.activations.every((name) => ctx.measureText(name).width + 8 < dx);
      ctx.fillStyle = theme.muted; ctx.textBaseline = "alphabetic";
      if (between) {
        ctx.textAlign = "center";
        run.activations.forEach((name, l) => ctx.fillText(name, (this.pos[l][0][0] + this.pos[l + 1][0][0]) / 2, 12));
      } else {
        ctx.textAlign = "left";
        ctx.fillText(fitText(ctx, run.activationSummary, this.width - right - 4), 4, 12);
      }
    }

    // The color bar and its ticks (redrawn each step: a following scale changes them).
    colorBar(ctx, scale) {
      const theme = this.stage.theme, cmap = this.stage.data.cmap, text = this.stage.draw.text;
      const top = 22, height = this.height - 66;
      const x = this.width - 92 + 30, y = top + height * 0.1, bar = height * 0.8;
      for (let i = 0; i < bar; i++) {
        ctx.fillStyle = cmap[Math.round((1 - i / bar) * (cmap.length - 1))];
        ctx.fillRect(x, y + i, 10, 1.5);
      }
      // Weights beyond the scale (the clip's test, packed): the bar's ends are arrows in its
      // end colors, as the clip's colorbar(extend="both") draws them.
      this.arrows = [];
      if (this.run.overRange) {
        const tip = Math.min(9, y - top);
        for (const [base, end, color] of [[y, y - tip, cmap[cmap.length - 1]], [y + bar, y + bar + tip, cmap[0]]]) {
          ctx.fillStyle = color;
          ctx.beginPath(); ctx.moveTo(x, base); ctx.lineTo(x + 10, base); ctx.lineTo(x + 5, end); ctx.closePath(); ctx.fill();
          this.arrows.push([x + 5, end]);
        }
      }
      text(ctx, tickText(scale.limit), x + 13, y + 4, "left", "middle", theme.muted, 10);
      text(ctx, "0", x + 13, y + bar / 2, "left", "middle", theme.muted, 10);
      text(ctx, tickText(-scale.limit), x + 13, y + bar - 2, "left", "middle", theme.muted, 10);
    }

    // For tests: the heading, and where each layer's neurons (and a VAE's log-variances) sit.
    state() {
      return { ...super.state(), positions: this.pos, logvar: this.logvarPos, arrows: this.arrows,
        halves: this.halves };
    }

    // A VAE's code layer: its two halves named right of their neurons ("\u03BC" beside the
    // means, "log \u03C3\u00B2" beside the log-variances), each on a box in the background's
    // color drawn over the edges, as the clip's labels stand; where the layers stand too close
    // for a name between them, none.
    nameHalves(ctx) {
      this.halves = [];
      const run = this.run, theme = this.stage.theme, code = run.codeLayer;
      if (!run.variational || !this.logvarPos.length) return;
      const next = this.pos[code + 1], cx = this.pos[code][0][0], x = cx + this.radius + 4;
      ctx.font = font(11);
      const names = [["\u03BC", this.pos[code]], ["log \u03C3\u00B2", this.logvarPos]];
      const widest = Math.max(...names.map(([name]) => ctx.measureText(name).width));
      if (!next || x + widest + 4 > next[0][0] - this.radius - 2) return;
      for (const [name, points] of names) {
        const y = (points[0][1] + points[points.length - 1][1]) / 2, width = ctx.measureText(name).width;
        ctx.fillStyle = theme.background;
        ctx.fillRect(x - 2, y - 8, width + 4, 16);
        this.stage.draw.text(ctx, name, x, y, "left", "middle", theme.foreground, 11);
        this.halves.push(name);
      }
    }

    draw() {
      const ctx = this.begin(), run = this.run, stage = this.stage, k = stage.snapshot(run);
      const p = run.params, base = k * run.paramCount, scale = this.scale(k);
      if (run.largest.length) {  // the scale's reach, in the one form this size takes
        this.titleForm = this.titleForm || this.reachForm();
        // "|w|": this step's largest weight (an edge, not a bias), as the clip's title says;
        // the color scale keeps the largest weight or bias so far.
        this.title.textContent = this.titleForm + tickText(run.largestEdge[k]);
      }
      this.colorBar(ctx, scale);
      const edges = [];
      for (let l = 0; l + 1 < run.shown.length; l++) {
        const layer = run.layers[l];
        run.shown[l + 1].forEach((to, a) => run.shown[l].forEach((from, b) => {
          const w = p[base + layer.w + to * layer.ins + from];
          edges.push([Math.abs(w), w, this.pos[l][b], this.pos[l + 1][a]]);
        }));
      }
      if (run.variational) {  // the log-variance half, from the layer before the code
        const l = run.codeLayer - 1, ins = run.layerSizes[l], base2 = k * (2 * ins + 2);
        run.shown[l + 1].forEach((to, a) => run.shown[l].forEach((from, b) => {
          const w = run.logvarParams[base2 + to * ins + from];
          edges.push([Math.abs(w), w, this.pos[l][b], this.logvarPos[a]]);
        }));
      }
      edges.sort((u, v) => u[0] - v[0]);  // strongest on top
      const widest = Math.max(this.radius * 0.56, 1.5);
      ctx.lineCap = "round";
      for (const [, w, from, to] of edges) {
        const c = this.color(w, scale);
        if (c.strength * widest < 0.05) continue;
        ctx.strokeStyle = c.color; ctx.lineWidth = widest * c.strength;
        ctx.beginPath(); ctx.moveTo(from[0], from[1]); ctx.lineTo(to[0], to[1]); ctx.stroke();
      }
      ctx.lineWidth = 1.1; ctx.strokeStyle = stage.theme.muted;
      run.shown.forEach((neurons, l) => neurons.forEach((neuron, j) => {
        const [x, y] = this.pos[l][j];
        ctx.fillStyle = l === 0 ? stage.theme.background : this.color(p[base + run.layers[l - 1].b + neuron], scale).color;
        ctx.beginPath(); ctx.arc(x, y, this.radius, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
      }));
      this.logvarPos.forEach(([x, y], j) => {
        const ins = run.layerSizes[run.codeLayer - 1];
        ctx.fillStyle = this.color(run.logvarParams[k * (2 * ins + 2) + 2 * ins + run.shown[run.codeLayer][j]], scale).color;
        ctx.beginPath(); ctx.arc(x, y, this.radius, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
      });
      this.nameHalves(ctx);
    }
  };
})();
