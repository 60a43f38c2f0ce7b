// panel-recon-images.js: reconstructions of images: a strip of samples (input above, output
// below) and at the right the pointed sample's images, or the probed code's decoding.
page.panelKinds.reconImages = (() => {
  const { Panel, font, HOVER_FORMS } = page.kit;

  return class ReconImagesPanel extends Panel {
    constructor(stage, spec) {
      super(stage, spec, 0.66);
      this.run = stage.runs[spec.run];
      this.image = document.createElement("canvas");
      [this.image.height, this.image.width] = this.run.imageShape;
    }

    drawStill(ctx) {
      const run = this.run, { text, fitText } = this.stage.draw, theme = this.stage.theme, shape = run.imageShape;
      const strip = run.strip.length, cols = Math.min(strip, 6), rows = Math.ceil(strip / cols);
      const stripWidth = this.width * 0.64;
      // Each row: its class names (14 px), the input and the output, 6 px apart from the next;
      // every row whole within the panel's height.
      const rowsHeight = (this.height - 4 - 2 - rows * 14 - (rows - 1) * 6) / (2 * rows);
      const cell = Math.min((stripWidth - 40) / cols, rowsHeight * shape[1] / shape[0]);
      Object.assign(this, { cell, cellHeight: cell * shape[0] / shape[1], cols, focusLeft: stripWidth + 10 });
      for (let r = 0; r < rows; r++) {
        const y = 4 + r * (2 * this.cellHeight + 20);  // (14 for the names, 6 apart)
        text(ctx, "input", 36, y + 12 + this.cellHeight / 2, "right", "middle", theme.muted, 10);
        text(ctx, "output", 36, y + 12 + this.cellHeight * 1.5, "right", "middle", theme.muted, 10);
        for (let c = 0; c < cols && r * cols + c < strip; c++) {
          const s = run.strip[r * cols + c], cls = run.classByValue.get(run.labels[s]);
          ctx.font = font(10);
          text(ctx, fitText(ctx, cls.value >= 0 ? cls.name : "#" + s, cell), 42 + c * cell + cell / 2, y + 10, "center", "alphabetic", cls.color, 10);
        }
      }
    }

    // The title whole and the hint before a hover whole beside the strip (its shortest form
    // cut at a narrow width: "hover a c…").
    whole() {
      const ctx = this.ctx;
      ctx.font = font(10.5);
      return super.whole() && ctx.measureText(HOVER_FORMS[HOVER_FORMS.length - 1]).width <= this.width - this.focusLeft;
    }

    // An image of `values` (dark is high, as the clip's), scaled into the given rectangle.
    putImage(ctx, values, x, y, width, height) {
      const [rows, cols] = this.run.imageShape, small = this.image.getContext("2d"), image = small.createImageData(cols, rows);
      const range = this.spec.recon ? [this.spec.recon.low, this.spec.recon.high] : this.run.xRange;
      const low = range[0], span = range[1] > low ? range[1] - low : 1;
      for (let i = 0; i < rows * cols; i++) {
        const v = Math.round(255 * Math.min(1, Math.max(0, (values[i] - low) / span)));
        image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = 255 - v; image.data[4 * i + 3] = 255;
      }
      small.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(this.image, x, y, width, height);
      ctx.strokeStyle = this.stage.theme.faint; ctx.lineWidth = 1; ctx.strokeRect(x + 0.5, y + 0.5, width - 1, height - 1);
    }

    draw() {
      const ctx = this.begin(), run = this.run, stage = this.stage, theme = stage.theme, k = stage.snapshot(run);
      const focus = this.shown = stage.focusView(run, k), cell = this.cell, ch = this.cellHeight;
      run.strip.forEach((s, n) => {
        const r = Math.floor(n / this.cols), c = n % this.cols, x = 42 + c * cell, y = 4 + r * (2 * ch + 20) + 14;
        const input = page.data.sampleX(run, s);
        this.putImage(ctx, input, x + 1, y, cell - 2, ch);
        this.putImage(ctx, page.model.reconstruct(run, k, input), x + 1, y + ch, cell - 2, ch);
      });
      const left = this.focusLeft, size = Math.min(this.width - left - 10, (this.height - 40) / 2);
      const height = size * run.imageShape[0] / run.imageShape[1];
      ctx.font = font(10.5);
      stage.draw.text(ctx, stage.draw.fitText(ctx, focus ? focus.title : stage.draw.firstFit(ctx, HOVER_FORMS, this.width - left), this.width - left), left, 14, "left", "alphabetic",
        focus ? theme.foreground : theme.muted, 10.5);
      if (focus) {
        if (focus.input) this.putImage(ctx, focus.input, left, 20, size, height);
        this.putImage(ctx, focus.output, left, focus.input ? 24 + height : 20, size, height);
      }
    }
  };
})();
