// panel-decoder-sheet.js: what the decoder makes of the whole code plane, for other data: a
// grid of codes decoded each step and drawn as a mesh (a curve-net sheet) among the data, in
// the data's own plane (2-D), through the clip's fixed camera (3-D) or on the data's first
// two principal axes. Where the description says so (`region`), the sheet is strong only
// where the codes are and faint beyond (there the decoder extrapolates); a denoising run's
// corrupted inputs (x) are each linked to the network's output for them.
page.panelKinds.decoderSheet = (() => {
  const { Panel, Box, niceTicks, equalAspect, gridPoints, font } = page.kit;

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

    drawStill(ctx) {
      const run = this.run, stage = this.stage, theme = stage.theme, names = this.projection.names;
      const left = 46, top = 18, right = 10, bottom = 38, camera = run.d === 3;
      const width = this.width - left - right, height = this.height - top - bottom;
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
      // The key, its longest form that fits above the plane (a denoising run's: shorter ones).
      const forms = run.noisy.length ? ["\u25CF data   \u2014 decoded grid   \u00D7\u2014 noisy input \u2192 output",
        "\u25CF data  \u2014 grid  \u00D7\u2014 noisy \u2192 output", "\u2014 grid  \u00D7\u2014 noisy \u2192 output",
        "\u00D7\u2014 noisy \u2192 output"]
        : ["\u25CF data   \u2014 decoded grid"];
      const room = box.left + box.width - 4;  // over the axis's margin too: from the panel's left edge
      const fits = forms.find((form) => ctx.measureText(form).width <= room);
      this.key = fits || stage.draw.fitText(ctx, forms[forms.length - 1], room);
      stage.draw.text(ctx, this.key, box.left + box.width, box.top - 5, "right", "alphabetic", theme.muted, 10);
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
      return { ...super.state(), key: this.key, strong: this.strong, links: this.links };
    }

    // The three data axes as short arrows in the lower left corner, each named past its tip.
    triad(ctx) {
      const box = this.box, theme = this.stage.theme, length = Math.min(26, 0.2 * box.height);
      const ox = box.left + 1.5 * length, oy = box.top + box.height - 1.5 * length;
      ctx.strokeStyle = theme.muted; ctx.lineWidth = 0.9;
      this.projection.axes.forEach((direction, i) => {
        const dx = direction[0] * length, dy = -direction[1] * length, norm = Math.hypot(direction[0], direction[1]) || 1;
        ctx.beginPath(); ctx.moveTo(ox, oy); ctx.lineTo(ox + dx, oy + dy); ctx.stroke();
        this.stage.draw.text(ctx, this.run.features[i], ox + dx + 0.45 * length * direction[0] / norm,
          oy + dy - 0.45 * length * direction[1] / norm, "center", "middle", theme.muted, 10);
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
