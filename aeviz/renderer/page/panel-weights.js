// panel-weights.js: one run's network: the strongest neurons of each layer, every edge colored
// and thickened by its weight, neurons filled by their bias; each layer named with its size
// under it, the activations above; the color bar at the right.
page.panelKinds.weights = (() => {
  const { Panel, tickText, colorFraction, font } = page.kit;

  return class WeightPanel extends Panel {
    constructor(stage, spec) {
      super(stage, spec, 0.5);
      this.run = stage.runs[spec.run];
      this.heading = this.figure.querySelector("h2");
    }

    // The color scale at used snapshot k: fixed, or the largest |value| so far ("follow").
    scale(k) {
      const run = this.run;
      return run.largest.length ? { limit: run.largest[k] || 1, linthresh: 0 }
        : { limit: run.weightLimit, linthresh: run.weightLinthresh };
    }

    color(value, scale) {
      const fraction = colorFraction(value, scale.limit, scale.linthresh), cmap = this.stage.data.cmap;
      return { color: cmap[Math.round(fraction * (cmap.length - 1))], strength: Math.abs(2 * fraction - 1) };
    }

    drawStill(ctx) {
      const run = this.run, stage = this.stage, theme = stage.theme, { text, fitText } = stage.draw;
      const layers = run.shown.length, tallest = Math.max(...run.shown.map((s) => s.length));
      const left = 30, right = 92, top = 22, bottom = 34;
      const width = this.width - left - right, height = this.height - top - bottom;
      const dx = width / Math.max(1, layers - 1), dy = height / (tallest + 1);
      this.radius = Math.max(2.5, Math.min(dy * 0.36, dx * 0.14, 12));
      this.pos = run.shown.map((s, l) => s.map((_, j) =>
        [left + (layers > 1 ? l * dx : width / 2), top + height / 2 + ((s.length - 1) / 2 - j) * dy]));
      const code = run.codeLayer, cx = this.pos[code][0][0], band = Math.max(12, this.radius * 2);
      ctx.fillStyle = theme.panel;
      ctx.fillRect(cx - band, top - 4, 2 * band, height + 8);
      // Layer labels: the first choice (most said) whose lines fit their columns.
      ctx.font = font(10);
      const column = Math.max(dx - 6, 30), edge = (l) => (l === 0 ? this.pos[0][0][0] + column / 2 : l === layers - 1 ? this.width - right - this.pos[l][0][0] + column / 2 : column);
      const fits = (labels) => labels.every((label, l) => label.split("\n").every((line) => ctx.measureText(line).width <= Math.min(column, 2 * edge(l))));
      const labels = run.layerLabels.find(fits) || run.layerLabels[run.layerLabels.length - 1];
      labels.forEach((label, l) => {
        label.split("\n").slice(-2).forEach((line, row, lines) => {
          const y = this.height - 4 - (lines.length - 1 - row) * 12;
          text(ctx, fitText(ctx, line, Math.min(column, 2 * edge(l))), this.pos[l][0][0], y, "center", "alphabetic",
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
      const top = 22, height = this.height - 56;
      const x = this.width - 92 + 30, y = top + height * 0.1, bar = height * 0.8;
      for (let i = 0; i < bar; i++) {
        ctx.fillStyle = cmap[Math.round((1 - i / bar) * (cmap.length - 1))];
        ctx.fillRect(x, y + i, 10, 1.5);
      }
      text(ctx, tickText(scale.limit), x + 13, y + 4, "left", "middle", theme.muted, 10);
      text(ctx, "0", x + 13, y + bar / 2, "left", "middle", theme.muted, 10);
      text(ctx, tickText(-scale.limit), x + 13, y + bar - 2, "left", "middle", theme.muted, 10);
    }

    draw() {
      const ctx = this.begin(), run = this.run, stage = this.stage, k = stage.snapshot(run);
      const p = run.params, base = k * run.paramCount, scale = this.scale(k);
      if (run.largest.length) this.heading.textContent = this.spec.title + ": |w| up to " + tickText(scale.limit);
      this.colorBar(ctx, scale);
      const edges = [];
      for (let l = 0; l + 1 < run.shown.length; l++) {
        const layer = run.layers[l];
        run.shown[l + 1].forEach((to, a) => run.shown[l].forEach((from, b) => {
          const w = p[base + layer.w + to * layer.ins + from];
          edges.push([Math.abs(w), w, this.pos[l][b], this.pos[l + 1][a]]);
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
    }
  };
})();
