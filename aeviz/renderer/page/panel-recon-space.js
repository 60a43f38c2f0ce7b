// panel-recon-space.js: reconstructions of 2-D or 3-D data, in data space (one box per pair
// of features): the data faint and still, each output a dot with a line to its input; the
// pointed sample's input circled and its output (or the probed code's decoding) a diamond.
page.panelKinds.reconSpace = (() => {
  const { Panel, Box, niceTicks, font } = page.kit;
  const RECON_POINTS = 2000;  // reconstructions drawn, at most (each costs a forward pass)

  return class ReconSpacePanel extends Panel {
    constructor(stage, spec) {
      const run = stage.runs[spec.run];
      super(stage, spec, run.d === 3 ? 0.45 : 0.66);
      this.run = run;
    }

    drawStill(ctx) {
      const run = this.run, stage = this.stage, { drawAxes } = stage.draw;
      const part = this.width / run.pairs.length;
      this.boxes = run.pairs.map((pair, n) => {
        const box = new Box(n * part + 46, 20, part - 56, this.height - 58, run.dataLimits[pair[0]], run.dataLimits[pair[1]]);
        if (box.width > box.height) { box.left += (box.width - box.height) / 2; box.width = box.height; }
        // Each box's axes named outside it, beside its ticks (the second and third boxes' y
        // names sat inside, over the data: decoder-manifold's "z" at 640x400).
        drawAxes(ctx, box, run.features[pair[0]], run.features[pair[1]],
          niceTicks(box.xlim[0], box.xlim[1], 4), niceTicks(box.ylim[0], box.ylim[1], 4));
        ctx.save();
        box.clip(ctx);
        ctx.globalAlpha = 0.35;  // the data, faint and still; the reconstructions move on top
        for (let h = 0; h < run.hover.length; h++) {
          const x = run.hoverX.subarray(h * run.d, (h + 1) * run.d);
          ctx.fillStyle = run.classByValue.get(run.labels[run.hover[h]]).color;
          ctx.fillRect(box.x(x[pair[0]]) - 1.5, box.y(x[pair[1]]) - 1.5, 3, 3);
        }
        ctx.restore();
        return box;
      });
    }

    // What the last draw drew: its boxes (left, top, width, height), for tests.
    state() { return { ...super.state(), boxes: this.boxes.map((b) => [b.left, b.top, b.width, b.height]) }; }

    draw() {
      const ctx = this.begin(), run = this.run, stage = this.stage, theme = stage.theme, k = stage.snapshot(run);
      const focus = this.shown = stage.focusView(run, k);
      const inputs = [], outputs = [], stride = Math.ceil(run.hover.length / RECON_POINTS);
      for (let h = 0; h < run.hover.length; h += stride) {
        const x = run.hoverX.subarray(h * run.d, (h + 1) * run.d);
        inputs.push(x);
        outputs.push(page.model.reconstruct(run, k, x));
      }
      let outside = false;
      this.boxes.forEach((box, n) => {
        const [i, j] = run.pairs[n];
        ctx.save();
        box.clip(ctx);  // a diverging run's outputs leave the box: cut at its frame
        ctx.strokeStyle = theme.muted; ctx.globalAlpha = 0.6; ctx.lineWidth = 0.5; ctx.beginPath();
        outputs.forEach((y, h) => { ctx.moveTo(box.x(inputs[h][i]), box.y(inputs[h][j])); ctx.lineTo(box.x(y[i]), box.y(y[j])); });
        ctx.stroke();
        ctx.globalAlpha = 0.8; ctx.fillStyle = theme.foreground; ctx.beginPath();
        for (const y of outputs) { const px = box.x(y[i]), py = box.y(y[j]); ctx.moveTo(px + 1.6, py); ctx.arc(px, py, 1.6, 0, 2 * Math.PI); }
        ctx.fill();
        ctx.restore();
        if (!focus) return;
        ctx.lineWidth = 2;
        if (focus.input) { ctx.strokeStyle = focus.color; ctx.beginPath(); ctx.arc(box.x(focus.input[i]), box.y(focus.input[j]), 6, 0, 2 * Math.PI); ctx.stroke(); }
        // The output's diamond, held at the frame when it lies outside (drawn hollow there):
        // what the decoder makes of a far code is still seen, and said to be off the axes.
        let ox = box.x(focus.output[i]), oy = box.y(focus.output[j]);
        const inside = box.contains(ox, oy);
        ox = Math.min(box.left + box.width, Math.max(box.left, ox));
        oy = Math.min(box.top + box.height, Math.max(box.top, oy));
        outside = outside || !inside;
        ctx.beginPath(); ctx.moveTo(ox, oy - 7); ctx.lineTo(ox + 7, oy); ctx.lineTo(ox, oy + 7); ctx.lineTo(ox - 7, oy); ctx.closePath();
        if (inside) { ctx.fillStyle = theme.foreground; ctx.fill(); } else { ctx.strokeStyle = theme.foreground; ctx.stroke(); }
      });
      const note = this.note = focus ? focus.title + ": \u25C6 output" + (outside ? " (\u25C7 beyond the axes)" : "") : "dots: outputs, lines to their inputs";
      ctx.font = font(10.5);
      stage.draw.text(ctx, stage.draw.fitText(ctx, note, this.width - this.boxes[0].left), this.boxes[0].left, 4, "left", "top",
        focus ? theme.foreground : theme.muted, 10.5);
    }
  };
})();
