// panel-loss.js: every run's error over the timeline (the future faint), the reference lines
// (PCA's error, the stopping threshold) with labels placed clear of every curve, and the
// readout of the current values.
page.panelKinds.loss = (() => {
  const { Panel, Box, niceTicks, tickText, font } = page.kit;

  return class LossPanel extends Panel {
    constructor(stage, spec) {
      super(stage, spec, 0.5);
      this.runs = spec.runs.map((number) => stage.runs[number]);
    }

    drawStill(ctx) {
      const stage = this.stage, data = stage.data, theme = stage.theme, runs = this.runs;
      const values = [];
      for (const run of runs) {
        for (const v of run.loss) if (isFinite(v)) values.push(v);
        if (data.pca && run.pcaLoss !== null) values.push(run.pcaLoss);
        if (run.epsilon > 0) values.push(run.epsilon);
      }
      const low = Math.min(...values), high = Math.max(...values);
      this.log = data.logLoss || (low > 0 && high / low > 1000);
      const f = this.f = this.log ? (v) => Math.log10(Math.max(v, 1e-12)) : (v) => v;
      let yl = [f(low), f(high)];
      const pad = 0.06 * Math.max(yl[1] - yl[0], 1e-3);
      // A linear error axis starts at 0, as the clip's does: heights compare honestly.
      yl = this.log ? [yl[0] - pad, yl[1] + pad] : [Math.min(0, low), yl[1] + pad];
      const first = stage.steps[0].position, last = stage.steps[stage.steps.length - 1].position;
      const box = this.box = new Box(52, 8, this.width - 64, this.height - 46, [first, last > first ? last : first + 1], yl);
      const yticks = this.log ? niceTicks(Math.ceil(yl[0]), Math.floor(yl[1]), 5).filter((t) => t === Math.round(t))
        : niceTicks(yl[0], yl[1], Math.max(3, box.height / 40));
      let xticks = niceTicks(box.xlim[0], box.xlim[1], Math.max(3, box.width / 80));
      if (!data.within) xticks = xticks.filter((t) => t === Math.round(t));
      stage.draw.drawAxes(ctx, box, data.within ? "epochs completed" : "epoch", this.spec.ylabel, xticks, yticks, null,
        this.log ? (t) => tickText(Math.pow(10, t)) : null);
      ctx.save();
      box.clip(ctx);
      if (data.future) for (const run of runs) this.curve(ctx, run, Infinity, theme.faint, 1.4);
      const seen = new Set();
      for (const run of runs) {
        const references = [];
        if (data.pca && run.pcaLoss !== null) references.push([run.pcaLoss, run.pcaText, [5, 4]]);
        if (run.epsilon > 0) references.push([run.epsilon, "stop at " + tickText(run.epsilon), [1.5, 3]]);
        for (const [value, label, dash] of references) {
          if (seen.has(label)) continue;
          seen.add(label);
          const y = box.y(f(value));
          ctx.setLineDash(dash); ctx.strokeStyle = theme.muted; ctx.lineWidth = 1;
          ctx.beginPath(); ctx.moveTo(box.left, y); ctx.lineTo(box.left + box.width, y); ctx.stroke();
          ctx.setLineDash([]);
          ctx.font = font(10);
          const place = this.clearPlace(ctx.measureText(label).width, y);
          stage.draw.text(ctx, label, place.x, place.y, place.align, "alphabetic", theme.muted, 10);
        }
      }
      ctx.restore();
    }

    // The curve's pixels over its whole timeline, every run.
    curvePoints() {
      const points = [];
      for (const run of this.runs) {
        for (let i = 0; i < run.timeline.length && isFinite(run.loss[i]); i++) {
          points.push([this.box.x(run.timeline[i]), this.box.y(this.f(run.loss[i]))]);
        }
      }
      return points;
    }

    // Where a reference line's label goes: above or below its line, right or left, the first
    // place no curve crosses (every run's whole curve, drawn or still to come).
    clearPlace(width, y) {
      const box = this.box, points = this.curvePoints(), readouts = 16 * this.runs.length + 20;
      const places = [];
      for (const at of [1, 0, 0.5, 0.25, 0.75]) {
        const align = at === 1 ? "right" : "left";
        const x = at === 1 ? box.left + box.width - 6 : at === 0 ? box.left + 6 : box.left + at * box.width - width / 2;
        places.push({ x, y: y - 4, align }, { x, y: y + 12, align });
      }
      // A curve that hugs the line everywhere: the label a little higher, still beside it.
      for (const lift of [16, 28, 40]) {
        places.push({ x: box.left + 6, y: y - lift, align: "left" }, { x: box.left + box.width / 2 - width / 2, y: y - lift, align: "left" });
      }
      const clear = (place) => {
        const x0 = place.align === "right" ? place.x - width : place.x, x1 = x0 + width;
        const y0 = place.y - 10, y1 = place.y + 2;
        if (place.align === "right" && y0 < box.top + readouts) return false;  // the readouts' corner
        if (y0 < box.top || y1 > box.top + box.height) return false;
        for (let i = 1; i < points.length; i++) {
          const [ax, ay] = points[i - 1], [bx, by] = points[i];
          if (Math.max(ax, bx) < x0 - 2 || Math.min(ax, bx) > x1 + 2) continue;
          if (Math.max(ay, by) >= y0 - 2 && Math.min(ay, by) <= y1 + 2) return false;
        }
        return true;
      };
      return places.find(clear) || places[0];
    }

    curve(ctx, run, until, color, width) {
      const box = this.box;
      ctx.strokeStyle = color; ctx.lineWidth = width; ctx.lineJoin = "round";
      ctx.beginPath();
      for (let i = 0; i < run.timeline.length; i++) {
        if (run.timeline[i] > until + 1e-9 || !isFinite(run.loss[i])) break;
        const x = box.x(run.timeline[i]), y = box.y(this.f(run.loss[i]));
        if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      }
      ctx.stroke();
    }

    draw() {
      const ctx = this.begin(), box = this.box, stage = this.stage, position = stage.position();
      ctx.save(); ctx.beginPath(); ctx.rect(box.left - 5, box.top - 5, box.width + 10, box.height + 10); ctx.clip();
      this.runs.forEach((run, number) => {
        const i = run.used[stage.snapshot(run)], t = run.timeline[i], v = run.loss[i];
        this.curve(ctx, run, t, run.color, 2.2);
        const finished = position > run.timeline[run.timeline.length - 1] + 1e-9;
        if (isFinite(v)) {
          ctx.fillStyle = run.color;
          ctx.beginPath(); ctx.arc(box.x(t), box.y(this.f(v)), 4, 0, 2 * Math.PI); ctx.fill();
        }
        const name = this.runs.length === 1 ? this.spec.ylabel : run.label;
        const value = !isFinite(v) ? "not finite" : v < 1000 ? v.toFixed(4) : v.toExponential(3);
        stage.draw.text(ctx, name + " " + value + (finished ? " (finished)" : ""),
          box.left + box.width - 6, box.top + 16 + 16 * number, "right", "alphabetic", run.color, 11.5);
      });
      ctx.restore();
    }
  };
})();
