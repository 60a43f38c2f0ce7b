// panel-recon-profile.js: reconstructions of wider data as profiles (value per feature): a
// few samples' inputs dashed and outputs solid, and at the right the pointed sample or code.
page.panelKinds.reconProfile = (() => {
  const { Panel, Box, niceTicks, font, HOVER_FORMS } = page.kit;

  return class ReconProfilePanel extends Panel {
    constructor(stage, spec) {
      super(stage, spec, 0.66);
      this.run = stage.runs[spec.run];
    }

    drawStill(ctx) {
      const run = this.run, stage = this.stage, { drawAxes, fitText, text } = stage.draw, d = run.d;
      // The description's value range (shared by the runs of a comparison), padded.
      const range = this.spec.recon ? [this.spec.recon.low, this.spec.recon.high] : run.xRange;
      const pad = 0.06 * (range[1] - range[0]), ylim = [range[0] - pad, range[1] + pad];
      this.box = new Box(48, 20, this.width * 0.62 - 58, this.height - 58, [0, Math.max(1, d - 1)], ylim);
      const every = Math.max(1, Math.ceil(d / (this.box.width / 46))), xticks = [];
      for (let i = 0; i < d; i += every) xticks.push(i);
      drawAxes(ctx, this.box, "feature", "value", xticks, niceTicks(ylim[0], ylim[1], 5),
        (t) => { ctx.font = font(10.5); return fitText(ctx, run.features[t] || "", 46 * every - 4); });
      this.focusBox = new Box(this.width * 0.62 + 40, 20, this.width * 0.38 - 50, this.height - 58, this.box.xlim, ylim);
      drawAxes(ctx, this.focusBox, "feature", "", niceTicks(0, d - 1, 3).filter((t) => t === Math.round(t)), niceTicks(ylim[0], ylim[1], 5),
        (t) => (run.features[t] ? fitText(ctx, run.features[t], 40) : ""));
      // Words above the boxes, where no curve crosses them.
      ctx.font = font(10);
      text(ctx, fitText(ctx, "dashed: input, solid: output", this.box.width), this.box.left, this.box.top - 6, "left", "alphabetic", stage.theme.muted, 10);
    }

    line(ctx, box, values, color, width, dash) {
      ctx.save();
      box.clip(ctx);  // a diverging run's outputs leave the box: cut at its frame
      ctx.strokeStyle = color; ctx.lineWidth = width; ctx.setLineDash(dash || []); ctx.beginPath();
      values.forEach((v, i) => { if (i) ctx.lineTo(box.x(i), box.y(v)); else ctx.moveTo(box.x(i), box.y(v)); });
      ctx.stroke();
      ctx.restore();
    }

    draw() {
      const ctx = this.begin(), run = this.run, stage = this.stage, theme = stage.theme, k = stage.snapshot(run);
      const focus = this.shown = stage.focusView(run, k);
      for (const s of run.strip) {
        const color = run.classByValue.get(run.labels[s]).color, x = page.data.sampleX(run, s);
        this.line(ctx, this.box, x, color, 1, [4, 3]);
        this.line(ctx, this.box, page.model.reconstruct(run, k, x), color, 1.8);
      }
      if (focus) {
        if (focus.input) this.line(ctx, this.focusBox, focus.input, focus.color, 1.6, [4, 3]);
        this.line(ctx, this.focusBox, focus.output, theme.foreground, 2.4);
      }
      ctx.font = font(10.5);
      stage.draw.text(ctx, stage.draw.fitText(ctx, focus ? focus.title : stage.draw.firstFit(ctx, HOVER_FORMS, this.focusBox.width), this.focusBox.width),
        this.focusBox.left, this.focusBox.top - 6, "left", "alphabetic", focus ? theme.foreground : theme.muted, 10.5);
    }
  };
})();
