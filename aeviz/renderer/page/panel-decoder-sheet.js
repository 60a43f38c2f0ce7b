// panel-decoder-sheet.js: what the decoder makes of the whole code plane, for other data: a
// grid of codes decoded each step and drawn as a mesh (a curve-net sheet) among the data, in
// the data's own plane (2-D), through the clip's fixed camera (3-D) or on the data's first
// two principal axes.
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
      ctx.font = font(10);
      stage.draw.text(ctx, "\u25CF data   \u2014 decoded grid", box.left + box.width, box.top - 5, "right", "alphabetic", theme.muted, 10);
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
      ctx.strokeStyle = this.stage.theme.foreground; ctx.globalAlpha = 0.75; ctx.lineWidth = 0.8;
      ctx.beginPath();
      // The lines of constant code 2 (rows), then of constant code 1 (columns).
      for (let line = 0; line < count; line += steps) {
        for (let along = 0; along < count; along++) {
          const row = points[line * count + along];
          if (along) ctx.lineTo(box.x(row[0]), box.y(row[1])); else ctx.moveTo(box.x(row[0]), box.y(row[1]));
        }
        for (let along = 0; along < count; along++) {
          const column = points[along * count + line];
          if (along) ctx.lineTo(box.x(column[0]), box.y(column[1])); else ctx.moveTo(box.x(column[0]), box.y(column[1]));
        }
      }
      ctx.stroke();
      ctx.restore();
    }
  };
})();
