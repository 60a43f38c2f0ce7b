// kit.js: the drawing kit every panel uses: scales, ticks, text, axes, and the Panel base
// (a titled canvas whose still parts are drawn once into a background). The functions above
// Panel are pure: tests call them through aeviz.internals and compare with Python's values.
page.kit = (() => {
  // Round tick values for [low, high], about `count` of them, at steps of 1, 2, 5 x 10^k.
  function niceTicks(low, high, count) {
    const span = high - low;
    if (!(span > 0)) return [low];
    let step = Math.pow(10, Math.floor(Math.log10(span / count)));
    const error = span / count / step;
    step *= error >= 7.5 ? 10 : error >= 3.5 ? 5 : error >= 1.5 ? 2 : 1;
    const ticks = [];
    for (let i = Math.ceil(low / step - 1e-9); i * step <= high + step * 1e-9; i++) {
      ticks.push(i === 0 ? 0 : i * step);
    }
    return ticks;
  }

  // A tick's text, as the clip's short_number: 4 significant digits, exponent form ("1e9")
  // for very large or small values, a real minus sign.
  function tickText(value) {
    const rounded = parseFloat(value.toPrecision(4));
    if (rounded === 0) return "0";
    const size = Math.abs(rounded);
    const text = size >= 1e4 || size < 1e-3 ? rounded.toExponential(0).replace("e+", "e") : String(rounded);
    return text.replace("-", "\u2212");
  }

  // The symmetric log of matplotlib's SymLogNorm and of the clip's diverging code plane:
  // linear within `linthresh` of 0, logarithmic beyond.
  function symlog(value, linthresh) {
    return linthresh ? Math.sign(value) * Math.log10(1 + Math.abs(value) / linthresh) : value;
  }
  function unsymlog(value, linthresh) {
    return linthresh ? Math.sign(value) * linthresh * (Math.pow(10, Math.abs(value)) - 1) : value;
  }

  // The clip's ticks of a symmetric log axis (scales.symlog_ticks): 0 and the decades from
  // linthresh to reach on each side, at most perSide of them (the largest kept), in data units.
  function symlogTicks(linthresh, reach, perSide) {
    const decades = [];
    for (let d = Math.ceil(Math.log10(linthresh)); d <= Math.floor(Math.log10(reach)); d++) decades.push(d);
    const stride = Math.max(1, Math.ceil(decades.length / perSide));
    const kept = decades.reverse().filter((_, i) => i % stride === 0).reverse().map((d) => Math.pow(10, d));
    return [...kept.map((v) => -v).reverse(), 0, ...kept];
  }

  // Where `value` falls on the weight color scale, 0 (most negative) to 1: matplotlib's
  // Normalize(-limit, limit), or its SymLogNorm(linthresh) (base 10, linscale 1: linear within
  // linthresh, stretched by 1 / (1 - 1/10), logarithmic beyond), as the clip's.
  const LINSCALE = 1 / (1 - 1 / 10);
  function colorFraction(value, limit, linthresh) {
    const stretch = (u) => {
      const size = Math.abs(u);
      return Math.sign(u) * (size <= linthresh ? LINSCALE * size / linthresh : LINSCALE + Math.log10(size / linthresh));
    };
    let fraction = linthresh ? (stretch(value) + stretch(limit)) / (2 * stretch(limit))
      : (value + limit) / (2 * limit);
    if (!isFinite(fraction)) fraction = value > 0 ? 1 : 0;
    return Math.min(1, Math.max(0, fraction));
  }

  // Limits that give both axes one unit per pixel, grown around the given ones.
  function equalAspect(xlim, ylim, width, height) {
    const sx = xlim[1] - xlim[0], sy = ylim[1] - ylim[0];
    if (sy / sx < height / width) {
      const grow = (sx * height / width - sy) / 2;
      return [xlim, [ylim[0] - grow, ylim[1] + grow]];
    }
    const grow = (sy * width / height - sx) / 2;
    return [[xlim[0] - grow, xlim[1] + grow], ylim];
  }

  // The decoded grid's points, as description.DecoderGrid.points: `count` = (side - 1) *
  // steps + 1 per side over extent [x0, x1, y0, y1], row by row from the top, flat [x, y, ...].
  function gridPoints(extent, side, steps) {
    const [x0, x1, y0, y1] = extent, count = (side - 1) * steps + 1, points = [];
    const at = (low, high, i) => (i === count - 1 ? high : low + i * ((high - low) / (count - 1)));  // numpy.linspace
    for (let row = 0; row < count; row++) {
      for (let column = 0; column < count; column++) points.push(at(x0, x1, column), at(y1, y0, row));
    }
    return points;
  }

  // Axes in a box: maps data (x, y) to canvas pixels and back.
  class Box {
    constructor(left, top, width, height, xlim, ylim) {
      Object.assign(this, { left, top, width, height, xlim, ylim });
    }
    x(value) { return this.left + (value - this.xlim[0]) / (this.xlim[1] - this.xlim[0]) * this.width; }
    y(value) { return this.top + (1 - (value - this.ylim[0]) / (this.ylim[1] - this.ylim[0])) * this.height; }
    inverse(px, py) {
      return [this.xlim[0] + (px - this.left) / this.width * (this.xlim[1] - this.xlim[0]),
        this.ylim[0] + (1 - (py - this.top) / this.height) * (this.ylim[1] - this.ylim[0])];
    }
    contains(px, py) {
      return px >= this.left && px <= this.left + this.width && py >= this.top && py <= this.top + this.height;
    }
    clip(ctx) { ctx.beginPath(); ctx.rect(this.left, this.top, this.width, this.height); ctx.clip(); }
  }

  function font(size, weight) {
    return (weight || "") + " " + size + "px system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";
  }

  // The drawing side of the kit needs the theme: made once the page knows it.
  function drawing(theme) {
    function text(ctx, s, x, y, align, baseline, color, size) {
      ctx.fillStyle = color || theme.muted;
      ctx.font = font(size || 11);
      ctx.textAlign = align || "left";
      ctx.textBaseline = baseline || "alphabetic";
      ctx.fillText(s, x, y);
    }
    function fitText(ctx, s, width) {
      if (ctx.measureText(s).width <= width) return s;
      while (s.length > 1 && ctx.measureText(s + "\u2026").width > width) s = s.slice(0, -1);
      return s + "\u2026";
    }
    // Grid lines, frame, tick labels (a label that would touch the previous one is left out)
    // and axis labels.
    function drawAxes(ctx, box, xlabel, ylabel, xticks, yticks, xtext, ytext) {
      ctx.save();
      ctx.strokeStyle = theme.faint; ctx.lineWidth = 0.6; ctx.globalAlpha = 0.6;
      ctx.beginPath();
      for (const t of xticks) { const x = Math.round(box.x(t)) + 0.5; ctx.moveTo(x, box.top); ctx.lineTo(x, box.top + box.height); }
      for (const t of yticks) { const y = Math.round(box.y(t)) + 0.5; ctx.moveTo(box.left, y); ctx.lineTo(box.left + box.width, y); }
      ctx.stroke();
      ctx.restore();
      ctx.strokeStyle = theme.faint; ctx.lineWidth = 1;
      ctx.strokeRect(box.left + 0.5, box.top + 0.5, box.width, box.height);
      ctx.font = font(10.5);
      let lastRight = -Infinity;
      for (const t of xticks) {
        const label = (xtext || tickText)(t), x = box.x(t), half = ctx.measureText(label).width / 2;
        if (x - half < lastRight + 4) continue;
        lastRight = x + half;
        text(ctx, label, x, box.top + box.height + 13, "center", "alphabetic", theme.muted, 10.5);
      }
      let lastTop = Infinity;
      for (const t of yticks) {
        const y = box.y(t);
        if (y + 6 > lastTop - 2) continue;
        lastTop = y - 6;
        text(ctx, (ytext || tickText)(t), box.left - 5, y, "right", "middle", theme.muted, 10.5);
      }
      if (xlabel) text(ctx, xlabel, box.left + box.width / 2, box.top + box.height + 29, "center", "alphabetic", theme.muted, 11.5);
      if (ylabel) {
        ctx.save(); ctx.translate(12, box.top + box.height / 2); ctx.rotate(-Math.PI / 2);
        text(ctx, ylabel, 0, 0, "center", "middle", theme.muted, 11.5); ctx.restore();
      }
    }
    return { text, fitText, drawAxes };
  }

  // A panel: a titled canvas; `drawStill(ctx)` draws what stays (axes, data) into a
  // background on resize, `draw()` copies it (begin) and draws the snapshot on top.
  class Panel {
    constructor(stage, spec, aspect) {
      const figure = document.createElement("figure");
      figure.className = "panel " + spec.name;
      const heading = document.createElement("h2");
      heading.textContent = spec.title;
      if (spec.title_color) heading.style.color = spec.title_color;
      const canvas = document.createElement("canvas");
      figure.appendChild(heading);
      figure.appendChild(canvas);
      // Height over width; at most `share` of the window's height (see main.js).
      Object.assign(this, { stage, spec, figure, canvas, aspect, share: 0.36, ctx: canvas.getContext("2d"),
        background: document.createElement("canvas") });
    }
    resize() {
      const ratio = window.devicePixelRatio || 1;
      const width = Math.max(120, this.figure.clientWidth);
      const height = Math.round(Math.min(width * this.aspect, window.innerHeight * this.share));
      this.width = width; this.height = Math.max(110, height); this.ratio = ratio;
      for (const c of [this.canvas, this.background]) {
        c.width = Math.round(width * ratio); c.height = Math.round(this.height * ratio);
      }
      this.canvas.style.height = this.height + "px";
      const bg = this.background.getContext("2d");
      bg.setTransform(ratio, 0, 0, ratio, 0, 0);
      bg.fillStyle = this.stage.theme.background;
      bg.fillRect(0, 0, this.width, this.height);
      this.drawStill(bg);
    }
    begin() {
      const ctx = this.ctx;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(this.background, 0, 0);
      ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
      return ctx;
    }
    drawStill() {}
    draw() { this.begin(); }
  }

  return { niceTicks, tickText, symlog, unsymlog, symlogTicks, colorFraction, equalAspect,
    gridPoints, Box, font, drawing, Panel };
})();
