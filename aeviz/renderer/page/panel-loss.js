// panel-loss.js: every run's error over the timeline (the future faint), the reference lines
// (PCA's error, the stopping threshold) with labels placed clear of every curve, and the
// readout of the current values.
page.panelKinds.loss = (() => {
  const { Panel, Box, niceTicks, tickText, font } = page.kit;

  return class LossPanel extends Panel {
    constructor(stage, spec) {
      super(stage, spec, 0.5);
      this.runs = stage.runs;
      this.limits = spec.loss;  // the description's: limits, log axis, reference lines, terms
      this.terms = this.limits.terms_axis ? stage.data.description.runs[0].terms : [];
    }

    drawStill(ctx) {
      const stage = this.stage, data = stage.data, theme = stage.theme, runs = this.runs, limits = this.limits;
      this.log = limits.log;
      const f = this.f = this.log ? (v) => Math.log10(Math.max(v, 1e-300)) : (v) => v;
      const right = this.terms.length ? 54 : 12;
      const box = this.box = new Box(52, 8, this.width - 52 - right, this.height - 46, limits.x, limits.y.map(f));
      const yticks = this.log ? niceTicks(Math.ceil(box.ylim[0]), Math.floor(box.ylim[1]), 5).filter((t) => t === Math.round(t))
        : niceTicks(box.ylim[0], box.ylim[1], Math.max(3, box.height / 40));
      let xticks = niceTicks(box.xlim[0], box.xlim[1], Math.max(3, box.width / 80));
      if (!data.within) xticks = xticks.filter((t) => t === Math.round(t));
      stage.draw.drawAxes(ctx, box, data.within ? "epochs completed" : "epoch", "RMSE", xticks, yticks, null,
        this.log ? (t) => tickText(Math.pow(10, t)) : null);
      if (this.terms.length) this.termsAxis(ctx);
      ctx.save();
      box.clip(ctx);
      if (data.future) for (const run of runs) this.curve(ctx, run, Infinity, theme.faint, 1.4);
      for (const reference of limits.references) {
        const y = box.y(f(reference.level));
        ctx.setLineDash(reference.style === "--" ? [5, 4] : [1.5, 3]); ctx.strokeStyle = theme.muted; ctx.lineWidth = 1;
        ctx.beginPath(); ctx.moveTo(box.left, y); ctx.lineTo(box.left + box.width, y); ctx.stroke();
        ctx.setLineDash([]);
        ctx.font = font(10);
        // The longest form of the label that has a clear place beside its line.
        let place = null, label = reference.texts[0];
        for (const text of reference.texts) {
          place = this.clearPlace(ctx.measureText(text).width, y, true);
          label = text;
          if (place) break;
        }
        place = place || this.clearPlace(ctx.measureText(label).width, y, false);
        stage.draw.text(ctx, label, place.x, place.y, place.align, "alphabetic", theme.muted, 10);
      }
      ctx.restore();
    }

    // The objective's other terms (a VAE's KL, the codes' L1 size) on a right axis from 0.
    termsAxis(ctx) {
      const box = this.box, theme = this.stage.theme, top = this.limits.terms_top;
      this.termsBox = new Box(box.left, box.top, box.width, box.height, box.xlim, [0, top]);
      ctx.strokeStyle = theme.faint; ctx.beginPath();
      ctx.moveTo(box.left + box.width + 0.5, box.top); ctx.lineTo(box.left + box.width + 0.5, box.top + box.height); ctx.stroke();
      for (const t of niceTicks(0, top, 4)) {
        this.stage.draw.text(ctx, tickText(t), box.left + box.width + 5, this.termsBox.y(t), "left", "middle", theme.muted, 10.5);
      }
      ctx.save();
      ctx.translate(this.width - 8, box.top + box.height / 2); ctx.rotate(-Math.PI / 2);
      this.stage.draw.text(ctx, this.terms.map((term) => term.title).join(", "), 0, 0, "center", "middle", this.terms[0].color, 11);
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

    // Where a reference line's label goes: above or below its line, right, left or between,
    // the first place no curve crosses (every run's whole curve, drawn or still to come);
    // `strict`: null when there is none, else the nearest place above the line.
    clearPlace(width, y, strict) {
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
        if (x1 > box.left + box.width - 4 - (this.readoutWidth || 0) && y0 < box.top + readouts) return false;
        if (y0 < box.top || y1 > box.top + box.height) return false;
        for (let i = 1; i < points.length; i++) {
          const [ax, ay] = points[i - 1], [bx, by] = points[i];
          if (Math.max(ax, bx) < x0 - 2 || Math.min(ax, bx) > x1 + 2) continue;
          if (Math.max(ay, by) >= y0 - 2 && Math.min(ay, by) <= y1 + 2) return false;
        }
        return true;
      };
      return places.find(clear) || (strict ? null : places[0]);
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

    // The run's term `t` up to epoch `until`, on the right axis.
    termCurve(ctx, run, t, until, color, width, dash) {
      const box = this.termsBox, count = this.terms.length;
      ctx.strokeStyle = color; ctx.lineWidth = width; ctx.setLineDash(dash || []);
      ctx.beginPath();
      for (let i = 0; i < run.timeline.length; i++) {
        const v = run.terms[i * count + t];
        if (run.timeline[i] > until + 1e-9 || !isFinite(v)) break;
        if (i) ctx.lineTo(box.x(run.timeline[i]), box.y(v)); else ctx.moveTo(box.x(run.timeline[i]), box.y(v));
      }
      ctx.stroke(); ctx.setLineDash([]);
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
        this.terms.forEach((term, index) => this.termCurve(ctx, run, index, run.timeline[i], term.color, 1.6, [4, 2]));
        const name = this.limits.value_names[number];
        const value = !isFinite(v) ? "not finite" : v < 1000 ? v.toFixed(4) : v.toExponential(3);
        stage.draw.text(ctx, name + " " + value + (finished ? " (finished)" : ""),
          box.left + box.width - 6, box.top + 16 + 16 * number, "right", "alphabetic", run.color, 11.5);
      });
      ctx.restore();
    }
  };
})();
