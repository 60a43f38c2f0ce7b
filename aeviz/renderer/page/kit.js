// kit.js: the drawing kit every panel uses: scales, ticks, text, axes, and the Panel base
// (a titled canvas whose still parts are drawn once into a background). The functions above
// Panel are pure: tests call them through aeviz.internals and compare with Python's values.
page.kit = (() => {
  // Python's divmod for floats (CPython's float_divmod), so the ticks below are the clip's.
  function divmod(x, y) {
    let mod = x % y, div = (x - mod) / y;
    if (mod && (y < 0) !== (mod < 0)) { mod += y; div -= 1; }
    let floor = 0;
    if (div) { floor = Math.floor(div); if (div - floor > 0.5) floor += 1; }
    return [floor, mod];
  }

  // matplotlib's tick locator (MaxNLocator with steps 1, 2, 2.5, 5, 10, as the clip's axes
  // use): at most `bins` intervals of a round step over [low, high]; the ticks within it.
  const STEPS = [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20];
  function niceTicks(low, high, bins) {
    bins = Math.max(1, Math.floor(bins));
    if (!(high > low)) return [low];
    const span = high - low, mean = (high + low) / 2;
    const offset = Math.abs(mean) / span < 100 ? 0
      : Math.sign(mean) * Math.pow(10, divmod(Math.log10(Math.abs(mean)), 1)[0]);
    const scale = Math.pow(10, divmod(Math.log10(span / bins), 1)[0]);
    const vmin = low - offset, vmax = high - offset, raw = (vmax - vmin) / bins;
    const steps = STEPS.map((s) => s * scale), first = steps.findIndex((s) => s >= raw);
    const digits = offset ? Math.log10(Math.abs(offset)) : 0;
    let ticks = [];
    for (let i = first; i >= 0; i--) {
      const step = steps[i], best = divmod(vmin, step)[0] * step;
      const tolerance = offset ? Math.min(0.4999, Math.max(1e-10, Math.pow(10, digits - Math.log10(step) - 12))) : 1e-10;
      const [dl, ml] = divmod(vmin - best, step), [dh, mh] = divmod(vmax - best, step);
      const from = Math.abs(ml / step - 1) < tolerance ? dl + 1 : dl;
      const to = Math.abs(mh / step) < tolerance ? dh : dh + 1;
      ticks = [];
      for (let n = from; n <= to; n++) ticks.push(n * step + best);
      if (ticks.filter((t) => t <= vmax && t >= vmin).length >= 2) break;
    }
    return ticks.map((t) => t + offset).filter((t) => t >= low - 1e-12 * span && t <= high + 1e-12 * span);
  }

  // A readout's number, as the clip's short_number: the fewest significant digits, at most
  // `digits` (4), that give the value back ("35.71", "1.2e14"), exponent form beyond 1e-3 to
  // 1e4, a real minus sign. tickName: a tick's value in full, as the clip's tick_name.
  function tickText(value, digits) {
    if (value === 0) return "0";
    let rounded = value;
    for (let shown = 1; shown <= (digits || 4); shown++) {
      rounded = parseFloat(value.toPrecision(shown));
      if (Math.abs(rounded - value) <= 1e-9 * Math.abs(value)) break;
    }
    const size = Math.abs(rounded);
    const text = size >= 1e4 || size < 1e-3 ? rounded.toExponential().replace("e+", "e") : String(rounded);
    return text.replace(/-/g, "\u2212");
  }
  // A y tick label's gap to the frame (px): clear of a curve's end marker (4 px) on the frame
  // (the loss curve's at its first and last epoch), which beside a "5" read "•5".
  const TICK_GAP = 8;
  const TICK_DIGITS = 8;  // as the clip's: round ticks need one or two digits, none this many
  function tickName(value) { return tickText(value, TICK_DIGITS); }

  // The symmetric log of matplotlib's SymLogNorm and of the clip's diverging code plane:
  // linear within `linthresh` of 0, logarithmic beyond.
  function symlog(value, linthresh) {
    return linthresh ? Math.sign(value) * Math.log10(1 + Math.abs(value) / linthresh) : value;
  }
  function unsymlog(value, linthresh) {
    return linthresh ? Math.sign(value) * linthresh * (Math.pow(10, Math.abs(value)) - 1) : value;
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
    // The first of `forms` (long to short) that fits `width`, else the last (for fitText).
    function firstFit(ctx, forms, width) {
      return forms.find((form) => ctx.measureText(form).width <= width) || forms[forms.length - 1];
    }
    // Grid lines, frame, tick labels (a label that would touch the previous one, or pass the
    // canvas's edge, is left out: a cut "7.5e13" reads "7.5e1"; a y label TICK_GAP px left of
    // the frame) and axis labels. `ytext` false: the y ticks' lines without labels (a plane
    // beside one on the same scale, whose axis reads for both).
    function drawAxes(ctx, box, xlabel, ylabel, xticks, yticks, xtext, ytext) {
      const yLabelled = ytext !== false;
      const scale = ctx.getTransform().a || 1;
      const canvasWidth = ctx.canvas.width / scale, canvasHeight = ctx.canvas.height / scale;
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
      xtext = distinct(xticks, xtext); ytext = yLabelled ? distinct(yticks, ytext) : null;
      let lastRight = -Infinity;
      for (const t of xticks) {
        const label = xtext(t), x = box.x(t), half = ctx.measureText(label).width / 2;
        if (x - half < lastRight + 4 || x - half < 0 || x + half > canvasWidth) continue;
        lastRight = x + half;
        text(ctx, label, x, box.top + box.height + 13, "center", "alphabetic", theme.muted, 10.5);
      }
      let lastTop = Infinity, widest = 0;
      for (const t of yLabelled ? yticks : []) {
        const y = box.y(t), width = ctx.measureText(ytext(t)).width;
        if (y + 6 > lastTop - 2 || y - 6 < 0 || y + 6 > canvasHeight || box.left - TICK_GAP - width < 0) continue;
        lastTop = y - 6;
        widest = Math.max(widest, width);
        text(ctx, ytext(t), box.left - TICK_GAP, y, "right", "middle", theme.muted, 10.5);
      }
      if (xlabel) text(ctx, xlabel, box.left + box.width / 2, box.top + box.height + 29, "center", "alphabetic", theme.muted, 11.5);
      if (ylabel) {  // beside the tick labels (a centered box, a mosaic's, has room to its left)
        const x = Math.max(12, box.left - TICK_GAP - widest - 11);
        ctx.save(); ctx.translate(x, box.top + box.height / 2); ctx.rotate(-Math.PI / 2);
        text(ctx, ylabel, 0, 0, "center", "middle", theme.muted, 11.5); ctx.restore();
      }
    }
    // The ticks' labels `format` (default tickName: each tick's value in full) gives, unless
    // two of them read alike: then as many significant digits as tell them apart.
    function distinct(ticks, format) {
      format = format || tickName;
      const alike = (f) => new Set(ticks.map(f)).size < ticks.length;
      if (!alike(format)) return format;
      for (let digits = 2; digits <= 8; digits++) {
        const precise = (t) => {
          const v = parseFloat(t.toPrecision(digits)), size = Math.abs(v);
          const s = v === 0 ? "0" : size >= 1e4 || size < 1e-3 ? v.toExponential().replace("e+", "e") : String(v);
          return s.replace(/-/g, "\u2212");
        };
        if (!alike(precise)) return precise;
      }
      return format;
    }
    return { text, fitText, firstFit, drawAxes };
  }

  // A panel: a titled canvas; `drawStill(ctx)` draws what stays (axes, data) into a
  // background on resize, `draw()` copies it (begin) and draws the snapshot on top.
  // A panel title's short form, where the full one would be cut (the clip's SHORT_TITLES and
  // its generic "code layer" given way).
  const LEAST_HEIGHT = 130;  // px: the least height of a panel's canvas (README, "Interactive page")

  const SHORT_TITLES = { "code layer": "code", "decoder over the code plane": "decoder",
    "reconstruction error": "error", "weights and biases": "weights" };
  // A title's short form: its SHORT_TITLES entry, else a run's name without its closing
  // parenthesis, a detail ("RMSProp (lr 0.005)" cut to "RMSProp (lr…" over a 112 px plane:
  // "RMSProp", as the clip's loss readout drops it); a run's number ("(2)") stays.
  const shortTitle = (title) => SHORT_TITLES[title]
    || title.replace(/ \(([^()]*)\)$/, (detail, inside) => (/^\d+$/.test(inside) ? detail : ""));

  // What a reconstruction panel says before a hover, long to short (a short form, not a cut word).
  const HOVER_FORMS = ["hover the code plane", "hover the codes", "hover a code"];

  class Panel {
    constructor(stage, spec, aspect) {
      const figure = document.createElement("figure");
      figure.className = "panel " + spec.name;
      // The heading: the title, and beside it, right-aligned, what a panel adds on its title
      // line (a key, a readout: `aside`), as the clip's title line holds them.
      const heading = document.createElement("h2"), title = document.createElement("span");
      const aside = document.createElement("span");
      title.className = "title"; aside.className = "aside";
      title.textContent = spec.title;
      if (spec.title_color) title.style.color = spec.title_color;
      heading.append(title, aside);
      const canvas = document.createElement("canvas");
      figure.appendChild(heading);
      figure.appendChild(canvas);
      // Height over width; at most `share` of `room`, the pixels its layout has for the
      // panels' canvases (a described panel's room is fitted to the first screen in main.js;
      // a page's own panel takes a share of the window).
      Object.assign(this, { stage, spec, figure, canvas, aspect, share: 0.36, room: null, ctx: canvas.getContext("2d"),
        title, aside, background: document.createElement("canvas") });
    }
    // The canvas's height for its width now, given all the room it could want: its aspect's.
    naturalHeight() { return Math.max(120, this.figure.clientWidth) * this.aspect; }
    // The canvas's height for its width now: its natural height, at most `share` of `room`.
    fitHeight() {
      const own = this.room === null, room = own ? window.innerHeight : this.room, natural = this.naturalHeight();
      // A described panel never under LEAST_HEIGHT px (unless its width makes it shorter):
      // below, the page scrolls rather than shrink a panel into illegibility.
      const least = own ? 0 : Math.min(natural, LEAST_HEIGHT);
      return Math.max(110, Math.round(Math.max(least, Math.min(natural, room * this.share))));
    }
    resize() {
      const ratio = window.devicePixelRatio || 1;
      const width = Math.max(120, this.figure.clientWidth);
      this.width = width; this.height = this.fitHeight(); this.ratio = ratio;
      for (const c of [this.canvas, this.background]) {
        c.width = Math.round(width * ratio); c.height = Math.round(this.height * ratio);
      }
      this.canvas.style.height = this.height + "px";
      if (!this.aside.textContent) this.fitTitle();
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
    // What the panel drew at the last draw, for tests (each panel adds its own).
    state() { return { title: this.title.textContent, aside: this.aside.textContent }; }
    // Whether the title shows whole in its line.
    titleWhole() { return this.title.scrollWidth <= this.title.clientWidth + 1; }
    // Whether every word the panel drew shows whole (its title here, to the pixel: one pixel
    // over shows the ellipsis, "8.489…"; a panel adds its own).
    whole() { return this.title.scrollWidth <= this.title.clientWidth; }
    // The title in full, else its short form where the full one would be cut ("code" for
    // "code layer", as the clip gives way on a generic title rather than cut a word).
    fitTitle() {
      this.title.textContent = this.spec.title;
      const short = shortTitle(this.spec.title);
      if (short !== this.spec.title && !this.titleWhole()) this.title.textContent = short;
    }
    shortenTitle() { this.title.textContent = shortTitle(this.spec.title); }
    // The longest of `forms` (long to short) beside the full title that leaves it whole, else
    // beside the title's short form, else the shortest (the title then cut).
    setAside(forms) {
      for (const title of new Set([this.spec.title, shortTitle(this.spec.title)])) {
        this.title.textContent = title;
        for (const text of forms) {
          this.aside.textContent = text;
          if (this.titleWhole()) return;
        }
      }
    }
  }

  return { niceTicks, tickText, tickName, symlog, unsymlog, colorFraction, equalAspect,
    gridPoints, Box, font, drawing, Panel, HOVER_FORMS, TICK_GAP, LEAST_HEIGHT };
})();
