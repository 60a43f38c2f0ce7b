// panel-decoder-mosaic.js: what the decoder makes of the whole code plane, for images: the
// decoded images of a grid of codes, each placed where its code is (Kingma & Welling's
// manifold figure), on the code plane's axes, redrawn each step.
page.panelKinds.decoderMosaic = (() => {
  const { Panel, Box, niceTicks, gridPoints } = page.kit;
  const GAP = 1;  // image pixels between images
  const PIXEL_PX = 2.5, SMALLEST = 3;  // the clip's PIXEL_PX and SMALLEST_MOSAIC
  const LEFT = 52, RIGHT = 10, TOP = 8, BOTTOM = 38;  // px: the mosaic's margins (ticks, axis labels)

  return class DecoderMosaicPanel extends Panel {
    constructor(stage, spec) {
      super(stage, spec, 0.66);
      this.run = stage.runs[spec.run];
      this.decoder = spec.decoder;  // the description's grid: region, images per side (at most), gray scale
      this.image = document.createElement("canvas");
      this.setSide(spec.decoder.side);
    }

    // `side` images per side: the grid of codes and the small canvas they are drawn into.
    setSide(side) {
      const [rows, cols] = this.run.imageShape;
      this.side = side;
      this.grid = gridPoints(this.decoder.extent, side, 1);
      // One image pixel of background between the images (the clip's GAP): touching, the
      // images ran into each other, a digit's foot into the next one's head.
      this.image.width = side * (cols + GAP) - GAP; this.image.height = side * (rows + GAP) - GAP;
    }

    // No taller than the mosaic its width holds (images undistorted) and its margins: in a
    // tall slot (vae-vs-ae's row at 1280x800, its planes at most square) the rest of the
    // canvas stood empty and held the caption far below.
    naturalHeight() {
      const width = Math.max(120, this.figure.clientWidth), [rows, cols] = this.run.imageShape;
      const tall = (width - LEFT - RIGHT) * (this.side * (rows + GAP) - GAP) / (this.side * (cols + GAP) - GAP);
      return Math.min(super.naturalHeight(), Math.ceil(tall) + TOP + BOTTOM);
    }

    drawStill(ctx) {
      const left = LEFT, top = TOP, bottom = BOTTOM;
      const room = [this.width - left - RIGHT, this.height - top - bottom];
      // Fewer, larger images where the slot is small (as the clip's _mosaic_side): an image
      // pixel PIXEL_PX screen pixels or more, an 8 x 8 digit 20 px, read at the back of a room.
      const [rows, cols] = this.run.imageShape;
      const fits = Math.floor(Math.min((room[0] / PIXEL_PX + GAP) / (cols + GAP), (room[1] / PIXEL_PX + GAP) / (rows + GAP)));
      const side = Math.max(SMALLEST, Math.min(this.decoder.side, fits));
      if (side !== this.side) {
        this.setSide(side);
        // The code plane's faint grid marks these images' codes: redrawn with their number.
        const code = this.stage.panels.find((p) => p.spec.name === "code" && p.spec.run === this.spec.run);
        if (code && code.width) code.resize();
      }
      const [x0, x1, y0, y1] = this.decoder.extent;
      // Each image centered on its code: the mosaic reaches half a cell past the grid.
      const halfX = (x1 - x0) / (side - 1) / 2, halfY = (y1 - y0) / (side - 1) / 2;
      const [width, height] = [this.image.width, this.image.height];
      const scale = Math.min(room[0] / width, room[1] / height);  // undistorted images
      const centered = Math.max(left, (this.width - width * scale) / 2);  // centered in its slot
      this.box = new Box(centered, top, width * scale, height * scale, [x0 - halfX, x1 + halfX], [y0 - halfY, y1 + halfY]);
      const ticks = (limits, pixels) => niceTicks(limits[0], limits[1], Math.max(2, Math.min(4, pixels / 45)));
      this.stage.draw.drawAxes(ctx, this.box, "code neuron 1", "code neuron 2", ticks(this.box.xlim, this.box.width),
        ticks(this.box.ylim, this.box.height));
    }

    draw() {
      const ctx = this.begin(), run = this.run, k = this.stage.snapshot(run), side = this.side, [rows, cols] = run.imageShape;
      const small = this.image.getContext("2d"), image = small.createImageData(this.image.width, this.image.height);
      const [low, high] = this.decoder.values, span = high > low ? high - low : 1;
      // High values dark on a light background, light on a dark one (the clip's gray_r / gray).
      const background = parseInt(this.stage.theme.background.slice(1), 16);
      const light = ((background >> 16) + ((background >> 8) & 255) + (background & 255)) / 3 > 127;
      const rgb = [background >> 16, (background >> 8) & 255, background & 255];
      for (let at = 0; at < image.data.length; at += 4) image.data.set([...rgb, 255], at);  // the gaps
      for (let cell = 0; cell < side * side; cell++) {
        const out = page.model.decode(run, k, [this.grid[2 * cell], this.grid[2 * cell + 1]]);
        const top = Math.floor(cell / side) * (rows + GAP), left = (cell % side) * (cols + GAP);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const v = Math.round(255 * Math.min(1, Math.max(0, (out[r * cols + c] - low) / span)));
            const at = 4 * ((top + r) * this.image.width + left + c);
            image.data[at] = image.data[at + 1] = image.data[at + 2] = light ? 255 - v : v;
            image.data[at + 3] = 255;
          }
        }
      }
      small.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.image, this.box.left, this.box.top, this.box.width, this.box.height);
    }

    // For tests: images per side and one image's size on the screen (CSS px).
    state() {
      return { ...super.state(), side: this.side, imagePx: this.box.width / this.image.width * this.run.imageShape[1] };
    }
  };
})();
