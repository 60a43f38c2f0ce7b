// panel-recon-profile.js: reconstructions of wider data as profiles (value per feature): a
// few samples' inputs dashed and outputs solid, and at the right the pointed sample or code.
// Under scales = "follow" the value axis grows with the outputs drawn so far (pack.py's
// reconFollow), as the code plane's limits grow with the codes: a diverging network's outputs
// stay on the scale, never a line cut at the frame.
page.panelKinds.reconProfile = (() => {
  const { Panel, Box, niceTicks, tickName, font, HOVER_FORMS } = page.kit;

  return class ReconProfilePanel extends Panel {
    constructor(stage, spec) {
      super(stage, spec, 0.66);
      this.run = stage.runs[spec.run];
      const packed = stage.data.runs[spec.run].reconFollow;
      this.follow = packed ? page.data.decodeArray(packed, "f8") : new Float64Array(0);
      this.following = this.follow.length > 0;  // axes drawn at each step, in draw()
    }

    drawStill(ctx) {
      // The description's value range (shared by the runs of a comparison).
      if (!this.following) this.still(ctx, this.spec.recon ? [this.spec.recon.low, this.spec.recon.high] : this.run.xRange);
    }

    // The two boxes' axes on the value range `range`, padded.
    still(ctx, range) {
      const run = this.run, stage = this.stage, { drawAxes, fitText, text } = stage.draw, d = run.d;
      const pad = 0.06 * (range[1] - range[0]), ylim = [range[0] - pad, range[1] + pad];
      const left = this.following ? this.followLeft(ctx) : 48;
      this.box = new Box(left, 20, this.width * 0.62 - 10 - left, this.height - 58, [0, Math.max(1, d - 1)], ylim);
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

    // Following, the ticks grow as wide as "-5e27": the box starts far enough right for the
    // axis's name to stand clear of the widest of the run (drawAxes sets it beside them), one
    // place for the whole run (a box that moved as the ticks grew would jump frame to frame).
    followLeft(ctx) {
      if (this.left === undefined) {
        ctx.font = font(10.5);
        let widest = 0;
        for (let k = 0; 2 * k < this.follow.length; k++) {
          const [low, high] = this.follow.subarray(2 * k, 2 * k + 2), pad = 0.06 * (high - low);
          for (const t of niceTicks(low - pad, high + pad, 5)) widest = Math.max(widest, ctx.measureText(tickName(t)).width);
        }
        this.left = Math.max(48, Math.ceil(widest) + 31);
      }
      return this.left;
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
      if (this.following) this.still(ctx, Array.from(this.follow.subarray(2 * k, 2 * k + 2)));
      this.outputs = [];
      const focus = this.shown = stage.focusView(run, k);
      for (const s of run.strip) {
        const color = run.classByValue.get(run.labels[s]).color, x = page.data.sampleX(run, s);
        this.line(ctx, this.box, x, color, 1, [4, 3]);
        const output = page.model.reconstruct(run, k, x);
        this.outputs.push(Array.from(output));
        this.line(ctx, this.box, output, color, 1.8);
      }
      if (focus) {
        if (focus.input) this.line(ctx, this.focusBox, focus.input, focus.color, 1.6, [4, 3]);
        this.line(ctx, this.focusBox, focus.output, theme.foreground, 2.4);
      }
      ctx.font = font(10.5);
      stage.draw.text(ctx, stage.draw.fitText(ctx, focus ? focus.title : stage.draw.firstFit(ctx, HOVER_FORMS, this.focusBox.width), this.focusBox.width),
        this.focusBox.left, this.focusBox.top - 6, "left", "alphabetic", focus ? theme.foreground : theme.muted, 10.5);
    }

    // The value axis's limits and the outputs drawn at the last draw, for tests.
    state() { return { ...super.state(), ylim: this.box.ylim.slice(), outputs: this.outputs }; }
  };
})();
