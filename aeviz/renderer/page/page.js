// aeviz page: a recorded autoencoder run, drawn on canvases. No library, no network.
// The data comes from the JSON script element above; see aeviz/renderer/page/pack.py.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("aeviz-data").textContent);
  var TH = DATA.theme;
  var QUANT = 32767;
  var SAMPLE_PICK_PX = 8, TOUCH_PICK_PX = 18;
  var RECON_POINTS = 2000;  // reconstructions drawn in a data-space panel, at most

  // ---- data ------------------------------------------------------------------------------
  function buffer(text) {
    var raw = atob(text), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }
  var ACTIVATIONS = {
    identity: function (z) { return z; },
    sigmoid: function (z) { return 1 / (1 + Math.exp(-z)); },
    tanh: Math.tanh,
    relu: function (z) { return z > 0 ? z : 0; },
    leaky_relu: function (z) { return z > 0 ? z : 0.01 * z; }
  };

  function prepare(run, number) {
    run.number = number;
    run.labelArray = new Int16Array(buffer(run.labels));
    run.timelineArray = new Float64Array(buffer(run.timeline));
    run.lossArray = new Float64Array(buffer(run.loss));
    run.codeArray = new Int16Array(buffer(run.codes));
    run.paramArray = new Float32Array(buffer(run.params));
    run.hoverArray = new Int32Array(buffer(run.hover));
    run.hoverX = new Float32Array(buffer(run.hoverX));
    run.hoverRow = {};
    for (var k = 0; k < run.hoverArray.length; k++) run.hoverRow[run.hoverArray[k]] = k;
    run.classByValue = {};
    run.classes.forEach(function (c) { run.classByValue[c.value] = c; c.members = []; });
    for (var s = 0; s < run.labelArray.length; s++) run.classByValue[run.labelArray[s]].members.push(s);
    run.classes.forEach(function (c) { c.members = Int32Array.from(c.members); });
    run.layers = [];
    var offset = 0;
    for (var l = 0; l + 1 < run.layerSizes.length; l++) {
      var ins = run.layerSizes[l], outs = run.layerSizes[l + 1];
      run.layers.push({ ins: ins, outs: outs, w: offset, b: offset + ins * outs,
                        act: ACTIVATIONS[run.activations[l]] });
      offset += ins * outs + outs;
    }
    var lim = run.axes.limits;
    run.low = [lim[0][0], lim[1][0]];
    run.span = [lim[0][1] - lim[0][0], lim[1][1] - lim[1][0]];
    var low = Infinity, high = -Infinity;
    for (var i = 0; i < run.hoverX.length; i++) {
      if (run.hoverX[i] < low) low = run.hoverX[i];
      if (run.hoverX[i] > high) high = run.hoverX[i];
    }
    run.xRange = [low, high > low ? high : low + 1];
    run.kind = run.imageShape ? "images" : run.pairs.length ? "space" : "profile";
    return run;
  }
  var runs = DATA.runs.map(prepare);
  var steps = DATA.steps;

  // Display coordinates of codes: the raw code, or its symmetric log for a diverging run.
  function toDisplay(run, v) {
    var lt = run.axes.symlog;
    return lt ? Math.sign(v) * Math.log10(1 + Math.abs(v) / lt) : v;
  }
  function fromDisplay(run, t) {
    var lt = run.axes.symlog;
    return lt ? Math.sign(t) * lt * (Math.pow(10, Math.abs(t)) - 1) : t;
  }
  // The code of sample i at snapshot k in display coordinates, or null where not finite.
  function displayCode(run, k, i) {
    var base = (k * run.n + i) * 2, qx = run.codeArray[base], qy = run.codeArray[base + 1];
    if (qx === -32768 || qy === -32768) return null;
    return [run.low[0] + (qx + QUANT) / (2 * QUANT) * run.span[0],
            run.low[1] + (qy + QUANT) / (2 * QUANT) * run.span[1]];
  }

  // A dense forward pass with snapshot k's parameters, from layer `from` to the output:
  // the arithmetic of aeviz.training.model.forward (z = a W^T + b, a = act(z)).
  function forward(run, k, input, from) {
    var a = Array.prototype.slice.call(input), params = run.paramArray, base = k * run.paramCount;
    for (var l = from; l < run.layers.length; l++) {
      var layer = run.layers[l], out = new Array(layer.outs);
      for (var o = 0; o < layer.outs; o++) {
        var z = params[base + layer.b + o], row = base + layer.w + o * layer.ins;
        for (var j = 0; j < layer.ins; j++) z += a[j] * params[row + j];
        out[o] = layer.act(z);
      }
      a = out;
    }
    return a;
  }
  function sampleX(run, sample) {
    var row = run.hoverRow[sample];
    if (row === undefined) return null;
    return run.hoverX.subarray(row * run.d, (row + 1) * run.d);
  }
  function reconstruct(run, k, sample) {
    var x = sampleX(run, sample);
    return x ? forward(run, k, x, 0) : null;
  }
  function decode(run, k, code) { return forward(run, k, code, run.codeLayer); }

  // ---- state -----------------------------------------------------------------------------
  var state = { index: 0, playing: false, hidden: {}, highlight: null, focus: null };
  function snapshotOf(run) { return steps[state.index].indexes[run.number]; }

  // ---- drawing helpers -------------------------------------------------------------------
  function niceTicks(low, high, count) {
    var span = high - low;
    if (!(span > 0)) return [low];
    var step = Math.pow(10, Math.floor(Math.log10(span / count)));
    var err = span / count / step;
    step *= err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1;
    var ticks = [];
    for (var t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) {
      ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    }
    return ticks;
  }
  function tickText(v) {
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace("e+", "e");
    return String(parseFloat(v.toPrecision(4)));
  }
  function font(size, weight) {
    return (weight || "") + " " + size + "px system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";
  }
  function text(ctx, s, x, y, align, baseline, color, size) {
    ctx.fillStyle = color || TH.muted;
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
  function weightColor(run, v) {
    var limit = run.weightLimit, lt = run.weightLinthresh, f;
    if (lt) {
      var s = function (u) {
        var a = Math.abs(u);
        return Math.sign(u) * (a <= lt ? a / lt : 1 + Math.log10(a / lt));
      };
      f = (s(v) + s(limit)) / (2 * s(limit));
    } else {
      f = (v + limit) / (2 * limit);
    }
    if (!isFinite(f)) f = v > 0 ? 1 : 0;
    f = Math.min(1, Math.max(0, f));
    return { color: DATA.cmap[Math.round(f * (DATA.cmap.length - 1))], strength: Math.abs(2 * f - 1) };
  }

  // A panel: a titled canvas whose still parts are drawn once into a background.
  function Panel(kind, title, aspect) {
    var figure = document.createElement("figure");
    figure.className = "panel " + kind;
    var heading = document.createElement("h2");
    heading.textContent = title;
    var canvas = document.createElement("canvas");
    figure.appendChild(heading);
    figure.appendChild(canvas);
    this.figure = figure; this.canvas = canvas; this.aspect = aspect;
    this.ctx = canvas.getContext("2d");
    this.background = document.createElement("canvas");
  }
  Panel.prototype.resize = function () {
    var ratio = window.devicePixelRatio || 1;
    var width = Math.max(120, this.figure.clientWidth);
    var height = Math.round(Math.min(width * this.aspect, window.innerHeight * 0.36));
    this.width = width; this.height = Math.max(110, height); this.ratio = ratio;
    for (var c of [this.canvas, this.background]) {
      c.width = Math.round(width * ratio); c.height = Math.round(this.height * ratio);
    }
    this.canvas.style.height = this.height + "px";
    var bg = this.background.getContext("2d");
    bg.setTransform(ratio, 0, 0, ratio, 0, 0);
    bg.fillStyle = TH.background;
    bg.fillRect(0, 0, this.width, this.height);
    this.drawStill(bg);
  };
  Panel.prototype.begin = function () {
    var ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.background, 0, 0);
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    return ctx;
  };
  // Axes in a box: maps data (x, y) to canvas pixels.
  function Box(left, top, width, height, xlim, ylim) {
    this.left = left; this.top = top; this.width = width; this.height = height;
    this.xlim = xlim; this.ylim = ylim;
  }
  Box.prototype.x = function (v) { return this.left + (v - this.xlim[0]) / (this.xlim[1] - this.xlim[0]) * this.width; };
  Box.prototype.y = function (v) { return this.top + (1 - (v - this.ylim[0]) / (this.ylim[1] - this.ylim[0])) * this.height; };
  Box.prototype.inverse = function (px, py) {
    return [this.xlim[0] + (px - this.left) / this.width * (this.xlim[1] - this.xlim[0]),
            this.ylim[0] + (1 - (py - this.top) / this.height) * (this.ylim[1] - this.ylim[0])];
  };
  function drawAxes(ctx, box, xlabel, ylabel, xticks, yticks, xtext, ytext) {
    ctx.save();
    ctx.strokeStyle = TH.faint; ctx.lineWidth = 0.6; ctx.globalAlpha = 0.6;
    ctx.beginPath();
    xticks.forEach(function (t) { var x = Math.round(box.x(t)) + 0.5; ctx.moveTo(x, box.top); ctx.lineTo(x, box.top + box.height); });
    yticks.forEach(function (t) { var y = Math.round(box.y(t)) + 0.5; ctx.moveTo(box.left, y); ctx.lineTo(box.left + box.width, y); });
    ctx.stroke();
    ctx.restore();
    ctx.strokeStyle = TH.faint; ctx.lineWidth = 1;
    ctx.strokeRect(box.left + 0.5, box.top + 0.5, box.width, box.height);
    var lastRight = -Infinity;  // tick labels that would overlap the previous one are left out
    xticks.forEach(function (t) {
      var label = (xtext || tickText)(t), x = box.x(t);
      ctx.font = font(10.5);
      var half = ctx.measureText(label).width / 2;
      if (x - half < lastRight + 4) return;
      lastRight = x + half;
      text(ctx, label, x, box.top + box.height + 13, "center", "alphabetic", TH.muted, 10.5);
    });
    yticks.forEach(function (t) { text(ctx, (ytext || tickText)(t), box.left - 5, box.y(t), "right", "middle", TH.muted, 10.5); });
    if (xlabel) text(ctx, xlabel, box.left + box.width / 2, box.top + box.height + 29, "center", "alphabetic", TH.muted, 11.5);
    if (ylabel) {
      ctx.save(); ctx.translate(12, box.top + box.height / 2); ctx.rotate(-Math.PI / 2);
      text(ctx, ylabel, 0, 0, "center", "middle", TH.muted, 11.5); ctx.restore();
    }
  }
  function inside(box, x, y) { return x >= box.left && x <= box.left + box.width && y >= box.top && y <= box.top + box.height; }

  // ---- code panel ------------------------------------------------------------------------
  function CodePanel(run, title) {
    Panel.call(this, "code", title, 0.66);
    this.run = run;
    var self = this;
    this.canvas.addEventListener("pointermove", function (e) { self.point(e); });
    this.canvas.addEventListener("pointerdown", function (e) { self.point(e); });
    this.canvas.addEventListener("pointerleave", function (e) {
      if (e.pointerType === "mouse") { state.focus = null; tooltip(null); redraw(); }
    });
  }
  CodePanel.prototype = Object.create(Panel.prototype);
  CodePanel.prototype.drawStill = function (ctx) {
    var run = this.run, left = 52, top = 8, right = 10, bottom = 38;
    var width = this.width - left - right, height = this.height - top - bottom;
    var xl = run.axes.limits[0].slice(), yl = run.axes.limits[1].slice();
    // Equal scales: one unit is as long on both axes, as in the clip.
    var sx = xl[1] - xl[0], sy = yl[1] - yl[0];
    if (sy / sx < height / width) { var g = (sx * height / width - sy) / 2; yl = [yl[0] - g, yl[1] + g]; }
    else { var h = (sy * width / height - sx) / 2; xl = [xl[0] - h, xl[1] + h]; }
    this.box = new Box(left, top, width, height, xl, yl);
    var xt, yt, label = null;
    if (run.axes.symlog) {
      var ticks = function (lim) {
        var out = [0], top = fromDisplay(run, lim[1]);
        for (var p = Math.ceil(Math.log10(run.axes.symlog)); Math.pow(10, p) <= top; p += Math.max(1, Math.ceil(Math.log10(top / run.axes.symlog) / 3))) {
          out.push(toDisplay(run, Math.pow(10, p))); out.unshift(toDisplay(run, -Math.pow(10, p)));
        }
        return out;
      };
      xt = ticks(xl); yt = ticks(yl);
      label = function (t) { return tickText(fromDisplay(run, t)); };
    } else {
      xt = niceTicks(xl[0], xl[1], Math.max(3, width / 70)); yt = niceTicks(yl[0], yl[1], Math.max(3, height / 45));
    }
    drawAxes(ctx, this.box, "code neuron 1", "code neuron 2", xt, yt, label, label);
  };
  CodePanel.prototype.draw = function () {
    var ctx = this.begin(), run = this.run, k = snapshotOf(run), box = this.box;
    ctx.save();
    ctx.beginPath(); ctx.rect(box.left, box.top, box.width, box.height); ctx.clip();
    var many = run.n > 5000, radius = many ? 1.1 : run.n > 1000 ? 2.2 : 2.8;
    var drawn = this.drawn = new Float32Array(run.n * 2).fill(NaN);
    var x0 = box.left, y0 = box.top + box.height;
    var ax = box.width / (box.xlim[1] - box.xlim[0]), ay = box.height / (box.ylim[1] - box.ylim[0]);
    for (var c = 0; c < run.classes.length; c++) {
      var cls = run.classes[c];
      if (state.hidden[cls.value]) continue;
      ctx.globalAlpha = state.highlight === null || state.highlight === cls.value ? 0.85 : 0.12;
      ctx.fillStyle = cls.color; ctx.strokeStyle = cls.color; ctx.lineWidth = 0.9;
      ctx.beginPath();
      // From the 16-bit codes straight to pixels: one multiply-add per axis and point.
      var members = cls.members, codes = run.codeArray, base = k * run.n * 2;
      var sx = run.span[0] / (2 * QUANT) * ax, sy = run.span[1] / (2 * QUANT) * ay;
      var ox = x0 + (run.low[0] + QUANT * run.span[0] / (2 * QUANT) - box.xlim[0]) * ax;
      var oy = y0 - (run.low[1] + QUANT * run.span[1] / (2 * QUANT) - box.ylim[0]) * ay;
      for (var m = 0; m < members.length; m++) {
        var i = members[m], qx = codes[base + 2 * i], qy = codes[base + 2 * i + 1];
        if (qx === -32768 || qy === -32768) continue;
        var px = ox + qx * sx, py = oy - qy * sy;
        drawn[2 * i] = px; drawn[2 * i + 1] = py;
        if (many) { ctx.rect(px - radius, py - radius, 2 * radius, 2 * radius); continue; }
        ctx.moveTo(px + radius, py); ctx.arc(px, py, radius, 0, 2 * Math.PI);
      }
      if (cls.hollow) ctx.stroke(); else ctx.fill();
    }
    ctx.globalAlpha = 1;
    var focus = state.focus;
    if (focus && focus.run === run && focus.kind === "sample") {
      var q = [drawn[2 * focus.sample], drawn[2 * focus.sample + 1]];
      if (q[0] === q[0]) {
        ctx.strokeStyle = TH.foreground; ctx.lineWidth = 2;
        ctx.beginPath(); ctx.arc(q[0], q[1], radius + 4, 0, 2 * Math.PI); ctx.stroke();
      }
    } else if (focus && focus.kind === "code" && focus.run === run) {
      var cx = box.x(toDisplay(run, focus.code[0])), cy = box.y(toDisplay(run, focus.code[1]));
      ctx.strokeStyle = TH.foreground; ctx.lineWidth = 1.5;
      ctx.beginPath(); ctx.moveTo(cx - 7, cy); ctx.lineTo(cx + 7, cy); ctx.moveTo(cx, cy - 7); ctx.lineTo(cx, cy + 7); ctx.stroke();
    }
    ctx.restore();
  };
  // The pointer over the plane: the nearest pickable sample, else the code under it.
  CodePanel.prototype.point = function (event) {
    var rect = this.canvas.getBoundingClientRect();
    var px = event.clientX - rect.left, py = event.clientY - rect.top;
    var run = this.run, k = snapshotOf(run), box = this.box;
    if (!inside(box, px, py)) { if (event.pointerType === "mouse") { state.focus = null; tooltip(null); redraw(); } return; }
    var reach = event.pointerType === "touch" ? TOUCH_PICK_PX : SAMPLE_PICK_PX, best = null, bestD = reach * reach;
    for (var h = 0; h < run.hoverArray.length; h++) {
      var i = run.hoverArray[h], sx = this.drawn[2 * i];
      if (!(sx === sx)) continue;
      var dx = sx - px, dy = this.drawn[2 * i + 1] - py, d = dx * dx + dy * dy;
      if (d < bestD) { bestD = d; best = i; }
    }
    if (best !== null) {
      var cls = run.classByValue[run.labelArray[best]];
      state.focus = { kind: "sample", run: run, sample: best };
      tooltip((cls.value >= 0 ? (run.labelTitle ? run.labelTitle + ": " : "class: ") + cls.name + "\n" : "") + "sample " + best, event);
    } else {
      var t = box.inverse(px, py), code = [fromDisplay(run, t[0]), fromDisplay(run, t[1])];
      state.focus = { kind: "code", run: run, code: code };
      tooltip("code (" + tickText(code[0]) + ", " + tickText(code[1]) + ")\ndecoded at right", event);
    }
    if (event.pointerType === "touch") event.preventDefault();
    redraw();
    void k;
  };

  // ---- loss panel ------------------------------------------------------------------------
  function LossPanel() { Panel.call(this, "loss", DATA.titles.loss, 0.5); }
  LossPanel.prototype = Object.create(Panel.prototype);
  LossPanel.prototype.drawStill = function (ctx) {
    var values = [];
    runs.forEach(function (run) {
      run.lossArray.forEach(function (v) { if (isFinite(v)) values.push(v); });
      if (DATA.pca && run.pcaLoss !== null) values.push(run.pcaLoss);
      if (run.epsilon > 0) values.push(run.epsilon);
    });
    var low = Math.min.apply(null, values), high = Math.max.apply(null, values);
    this.log = DATA.logLoss || (low > 0 && high / low > 1000);
    var f = this.log ? function (v) { return Math.log10(Math.max(v, 1e-12)); } : function (v) { return v; };
    this.f = f;
    var yl = [f(low), f(high)], pad = 0.06 * Math.max(yl[1] - yl[0], 1e-3);
    yl = [yl[0] - pad, yl[1] + pad];
    if (!this.log) yl[0] = Math.max(yl[0], Math.min(0, low));
    var first = steps[0].position, last = steps[steps.length - 1].position;
    var xl = [first, last > first ? last : first + 1];
    var box = this.box = new Box(52, 8, this.width - 64, this.height - 46, xl, yl);
    var yticks = this.log ? niceTicks(Math.ceil(yl[0]), Math.floor(yl[1]), 5).filter(function (t) { return t === Math.round(t); })
                          : niceTicks(yl[0], yl[1], Math.max(3, box.height / 40));
    var xticks = niceTicks(xl[0], xl[1], Math.max(3, box.width / 80));
    if (!DATA.within) xticks = xticks.filter(function (t) { return t === Math.round(t); });
    drawAxes(ctx, box, DATA.within ? "epochs completed" : "epoch", "RMSE", xticks, yticks, null,
             this.log ? function (t) { return tickText(Math.pow(10, t)); } : null);
    ctx.save(); ctx.beginPath(); ctx.rect(box.left, box.top, box.width, box.height); ctx.clip();
    var self = this;
    if (DATA.future) runs.forEach(function (run) { self.curve(ctx, run, Infinity, TH.faint, 1.4); });
    var seen = {};
    runs.forEach(function (run) {
      var refs = [];
      if (DATA.pca && run.pcaLoss !== null) refs.push([run.pcaLoss, "PCA, 2 components: " + run.pcaLoss.toFixed(4), [5, 4]]);
      if (run.epsilon > 0) refs.push([run.epsilon, "stop at " + tickText(run.epsilon), [1.5, 3]]);
      refs.forEach(function (ref) {
        if (seen[ref[1]]) return;
        seen[ref[1]] = true;
        var y = box.y(f(ref[0]));
        ctx.setLineDash(ref[2]); ctx.strokeStyle = TH.muted; ctx.lineWidth = 1;
        ctx.beginPath(); ctx.moveTo(box.left, y); ctx.lineTo(box.left + box.width, y); ctx.stroke();
        ctx.setLineDash([]);
        text(ctx, ref[1], box.left + box.width - 6, y - 4, "right", "alphabetic", TH.muted, 10);
      });
    });
    ctx.restore();
  };
  LossPanel.prototype.curve = function (ctx, run, until, color, width) {
    var box = this.box, f = this.f, started = false;
    ctx.strokeStyle = color; ctx.lineWidth = width; ctx.lineJoin = "round";
    ctx.beginPath();
    for (var i = 0; i < run.timelineArray.length; i++) {
      var t = run.timelineArray[i];
      if (t > until + 1e-9) break;
      var v = run.lossArray[i];
      if (!isFinite(v)) break;
      var x = box.x(t), y = box.y(f(v));
      if (started) ctx.lineTo(x, y); else { ctx.moveTo(x, y); started = true; }
    }
    ctx.stroke();
  };
  LossPanel.prototype.draw = function () {
    var ctx = this.begin(), box = this.box, self = this, position = steps[state.index].position;
    ctx.save(); ctx.beginPath(); ctx.rect(box.left - 5, box.top - 5, box.width + 10, box.height + 10); ctx.clip();
    runs.forEach(function (run, number) {
      var k = snapshotOf(run), i = run.used[k], t = run.timelineArray[i], v = run.lossArray[i];
      self.curve(ctx, run, t, run.color, 2.2);
      var finished = position > run.timelineArray[run.timelineArray.length - 1] + 1e-9;
      if (isFinite(v)) {
        ctx.fillStyle = run.color;
        ctx.beginPath(); ctx.arc(box.x(t), box.y(self.f(v)), 4, 0, 2 * Math.PI); ctx.fill();
      }
      var name = runs.length === 1 ? "RMSE" : run.label;
      text(ctx, name + " " + (!isFinite(v) ? "not finite" : v < 1000 ? v.toFixed(4) : v.toExponential(3)) + (finished ? " (finished)" : ""),
           box.left + box.width - 6, box.top + 16 + 16 * number, "right", "alphabetic", run.color, 11.5);
    });
    ctx.restore();
  };

  // ---- weights panel ---------------------------------------------------------------------
  function WeightPanel(run, title) { Panel.call(this, "weights", title, 0.5); this.run = run; }
  WeightPanel.prototype = Object.create(Panel.prototype);
  WeightPanel.prototype.drawStill = function (ctx) {
    var run = this.run, layers = run.shown.length, tallest = Math.max.apply(null, run.shown.map(function (s) { return s.length; }));
    var left = 20, right = 84, top = 8, bottom = 22;
    var width = this.width - left - right, height = this.height - top - bottom;
    var dx = width / Math.max(1, layers - 1), dy = height / (tallest + 1);
    this.radius = Math.max(2.5, Math.min(dy * 0.36, dx * 0.14, 12));
    this.pos = run.shown.map(function (s, l) {
      return s.map(function (_, j) { return [left + (layers > 1 ? l * dx : width / 2), top + height / 2 + ((s.length - 1) / 2 - j) * dy]; });
    });
    var code = run.codeLayer, cx = this.pos[code][0][0];
    ctx.fillStyle = TH.panel;
    ctx.fillRect(cx - Math.max(12, this.radius * 2), top, 2 * Math.max(12, this.radius * 2), height);
    for (var l = 0; l < layers; l++) {
      var label = run.layerSizes[l] + (l === code ? " code" : "") + (run.shown[l].length < run.layerSizes[l] ? " (" + run.shown[l].length + " shown)" : "");
      text(ctx, label, this.pos[l][0][0], this.height - 6, "center", "alphabetic", TH.muted, 10);
    }
    // The color scale, fixed for the whole run.
    var bx = this.width - right + 22, by = top + height * 0.1, bh = height * 0.8;
    for (var i = 0; i < bh; i++) {
      ctx.fillStyle = DATA.cmap[Math.round((1 - i / bh) * (DATA.cmap.length - 1))];
      ctx.fillRect(bx, by + i, 10, 1.5);
    }
    text(ctx, tickText(run.weightLimit), bx + 13, by + 4, "left", "middle", TH.muted, 10);
    text(ctx, "0", bx + 13, by + bh / 2, "left", "middle", TH.muted, 10);
    text(ctx, tickText(-run.weightLimit), bx + 13, by + bh - 2, "left", "middle", TH.muted, 10);
  };
  WeightPanel.prototype.draw = function () {
    var ctx = this.begin(), run = this.run, k = snapshotOf(run), p = run.paramArray, base = k * run.paramCount;
    var edges = [];
    for (var l = 0; l + 1 < run.shown.length; l++) {
      var layer = run.layers[l];
      for (var a = 0; a < run.shown[l + 1].length; a++) {
        for (var b = 0; b < run.shown[l].length; b++) {
          var w = p[base + layer.w + run.shown[l + 1][a] * layer.ins + run.shown[l][b]];
          edges.push([Math.abs(w), w, this.pos[l][b], this.pos[l + 1][a]]);
        }
      }
    }
    edges.sort(function (u, v) { return u[0] - v[0]; });  // strongest on top
    var widest = Math.max(this.radius * 0.56, 1.5);
    ctx.lineCap = "round";
    for (var e = 0; e < edges.length; e++) {
      var c = weightColor(run, edges[e][1]);
      if (c.strength * widest < 0.05) continue;
      ctx.strokeStyle = c.color; ctx.lineWidth = widest * c.strength;
      ctx.beginPath(); ctx.moveTo(edges[e][2][0], edges[e][2][1]); ctx.lineTo(edges[e][3][0], edges[e][3][1]); ctx.stroke();
    }
    ctx.lineWidth = 1.1; ctx.strokeStyle = TH.muted;
    for (var l2 = 0; l2 < run.shown.length; l2++) {
      for (var j = 0; j < run.shown[l2].length; j++) {
        var q = this.pos[l2][j];
        ctx.fillStyle = l2 === 0 ? TH.background : weightColor(run, p[base + run.layers[l2 - 1].b + run.shown[l2][j]]).color;
        ctx.beginPath(); ctx.arc(q[0], q[1], this.radius, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
      }
    }
  };

  // ---- reconstruction panel --------------------------------------------------------------
  function ReconPanel(run, title) { Panel.call(this, "recon", title, run.kind === "space" && run.d === 3 ? 0.45 : 0.66); this.run = run; }
  ReconPanel.prototype = Object.create(Panel.prototype);
  // What the panel focuses on: the pointed sample or code of this run, else nothing.
  ReconPanel.prototype.focus = function (k) {
    var f = state.focus, run = this.run;
    if (!f || f.run !== run) return null;
    if (f.kind === "sample") {
      var cls = run.classByValue[run.labelArray[f.sample]];
      return { title: "sample " + f.sample + (cls.value >= 0 ? " (" + cls.name + ")" : ""), input: sampleX(run, f.sample),
               output: reconstruct(run, k, f.sample), color: cls.color };
    }
    return { title: "decoder at (" + tickText(f.code[0]) + ", " + tickText(f.code[1]) + ")", input: null,
             output: decode(run, k, f.code), color: TH.foreground };
  };
  ReconPanel.prototype.drawStill = function (ctx) {
    var run = this.run;
    if (run.kind === "space") {
      var count = run.pairs.length, part = this.width / count;
      this.boxes = run.pairs.map(function (pair, n) {
        var box = new Box(n * part + 46, 20, part - 56, 0, run.dataLimits[pair[0]], run.dataLimits[pair[1]]);
        return box;
      });
      var self = this;
      this.boxes.forEach(function (box, n) {
        box.height = self.height - 58;
        if (box.width > box.height) { box.left += (box.width - box.height) / 2; box.width = box.height; }
        var pair = run.pairs[n];
        drawAxes(ctx, box, run.features[pair[0]], n === 0 ? run.features[pair[1]] : "", niceTicks(box.xlim[0], box.xlim[1], 4), niceTicks(box.ylim[0], box.ylim[1], 4));
        if (n > 0) text(ctx, run.features[pair[1]], box.left + 4, box.top + 12, "left", "alphabetic", TH.muted, 10.5);
        // The data, faint and still; the reconstructions move on top.
        ctx.globalAlpha = 0.35;
        for (var h = 0; h < run.hoverArray.length; h++) {
          var x = run.hoverX.subarray(h * run.d, (h + 1) * run.d);
          ctx.fillStyle = run.classByValue[run.labelArray[run.hoverArray[h]]].color;
          ctx.fillRect(box.x(x[pair[0]]) - 1.5, box.y(x[pair[1]]) - 1.5, 3, 3);
        }
        ctx.globalAlpha = 1;
      });
    } else if (run.kind === "profile") {
      var d = run.d, pad = 0.06 * (run.xRange[1] - run.xRange[0]);
      this.box = new Box(48, 8, this.width * 0.62 - 58, this.height - 46, [0, Math.max(1, d - 1)], [run.xRange[0] - pad, run.xRange[1] + pad]);
      var every = Math.max(1, Math.ceil(d / (this.box.width / 46)));
      var xt = []; for (var i = 0; i < d; i += every) xt.push(i);
      drawAxes(ctx, this.box, "feature", "value", xt, niceTicks(this.box.ylim[0], this.box.ylim[1], 5),
               function (t) { ctx.font = font(10.5); return fitText(ctx, run.features[t] || "", 46 * every - 4); });
      this.focusBox = new Box(this.width * 0.62 + 40, 8, this.width * 0.38 - 50, this.height - 46, this.box.xlim, this.box.ylim);
      drawAxes(ctx, this.focusBox, "feature", "", niceTicks(0, d - 1, 3).filter(function (t) { return t === Math.round(t); }), niceTicks(this.box.ylim[0], this.box.ylim[1], 5),
               function (t) { return run.features[t] ? fitText(ctx, run.features[t], 40) : ""; });
      text(ctx, "dashed: input, solid: output", this.box.left + 4, this.box.top + 12, "left", "alphabetic", TH.muted, 10);
    } else {
      var shape = run.imageShape, strip = run.strip.length, cols = Math.min(strip, 6), rows = Math.ceil(strip / cols);
      var stripWidth = this.width * 0.64, cell = Math.min((stripWidth - 40) / cols, (this.height - 10) / (rows * 2 + rows * 0.35) * shape[1] / shape[0]);
      this.cell = cell; this.cellHeight = cell * shape[0] / shape[1]; this.cols = cols;
      this.image = document.createElement("canvas");
      this.image.width = shape[1]; this.image.height = shape[0];
      for (var r = 0; r < rows; r++) {
        var y = 4 + r * (2 * this.cellHeight + 20);
        text(ctx, "input", 36, y + 12 + this.cellHeight / 2, "right", "middle", TH.muted, 10);
        text(ctx, "output", 36, y + 12 + this.cellHeight * 1.5, "right", "middle", TH.muted, 10);
        for (var c2 = 0; c2 < cols && r * cols + c2 < strip; c2++) {
          var s = run.strip[r * cols + c2], cls = run.classByValue[run.labelArray[s]];
          text(ctx, fitText(ctx, cls.value >= 0 ? cls.name : "#" + s, cell), 42 + c2 * cell + cell / 2, y + 10, "center", "alphabetic", cls.color, 10);
        }
      }
      this.focusLeft = stripWidth + 10;
    }
  };
  ReconPanel.prototype.putImage = function (ctx, values, x, y, width, height) {
    var shape = this.run.imageShape, image = this.image.getContext("2d").createImageData(shape[1], shape[0]);
    var low = this.run.xRange[0], span = this.run.xRange[1] - this.run.xRange[0];
    for (var i = 0; i < shape[0] * shape[1]; i++) {
      var v = Math.round(255 * Math.min(1, Math.max(0, (values[i] - low) / span)));
      image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = 255 - v; image.data[4 * i + 3] = 255;
    }
    this.image.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.image, x, y, width, height);
    ctx.strokeStyle = TH.faint; ctx.lineWidth = 1; ctx.strokeRect(x + 0.5, y + 0.5, width - 1, height - 1);
  };
  ReconPanel.prototype.draw = function () {
    var ctx = this.begin(), run = this.run, k = snapshotOf(run), focus = this.focus(k), self = this;
    this.shown = focus;
    if (run.kind === "space") {
      // Every pickable sample's reconstruction, or an even share of them for large data
      // (the whole cloud would hide itself and cost a forward pass per sample per step).
      var outputs = [], rows = [], stride = Math.ceil(run.hoverArray.length / RECON_POINTS);
      for (var h = 0; h < run.hoverArray.length; h += stride) {
        rows.push(h);
        outputs.push(forward(run, k, run.hoverX.subarray(h * run.d, (h + 1) * run.d), 0));
      }
      this.boxes.forEach(function (box, n) {
        var pair = run.pairs[n];
        ctx.save(); ctx.beginPath(); ctx.rect(box.left, box.top, box.width, box.height); ctx.clip();
        ctx.strokeStyle = TH.muted; ctx.globalAlpha = 0.6; ctx.lineWidth = 0.5; ctx.beginPath();
        for (var h = 0; h < outputs.length; h++) {
          var x = run.hoverX.subarray(rows[h] * run.d, (rows[h] + 1) * run.d);
          ctx.moveTo(box.x(x[pair[0]]), box.y(x[pair[1]])); ctx.lineTo(box.x(outputs[h][pair[0]]), box.y(outputs[h][pair[1]]));
        }
        ctx.stroke();
        ctx.globalAlpha = 0.8; ctx.fillStyle = TH.foreground; ctx.beginPath();
        for (var h2 = 0; h2 < outputs.length; h2++) { var px = box.x(outputs[h2][pair[0]]), py = box.y(outputs[h2][pair[1]]); ctx.moveTo(px + 1.6, py); ctx.arc(px, py, 1.6, 0, 2 * Math.PI); }
        ctx.fill(); ctx.globalAlpha = 1;
        if (focus) {
          ctx.lineWidth = 2;
          if (focus.input) { ctx.strokeStyle = focus.color; ctx.beginPath(); ctx.arc(box.x(focus.input[pair[0]]), box.y(focus.input[pair[1]]), 6, 0, 2 * Math.PI); ctx.stroke(); }
          var ox = box.x(focus.output[pair[0]]), oy = box.y(focus.output[pair[1]]);
          ctx.fillStyle = TH.foreground; ctx.beginPath(); ctx.moveTo(ox, oy - 7); ctx.lineTo(ox + 7, oy); ctx.lineTo(ox, oy + 7); ctx.lineTo(ox - 7, oy); ctx.closePath(); ctx.fill();
        }
        ctx.restore();
      });
      var note = focus ? focus.title + ": \u25C6 output" : "dots: outputs, lines to their inputs";
      ctx.font = font(10.5);
      text(ctx, fitText(ctx, note, this.width - this.boxes[0].left), this.boxes[0].left, 4, "left", "top", focus ? TH.foreground : TH.muted, 10.5);
    } else if (run.kind === "profile") {
      var box = this.box, line = function (values, color, width, dash, into) {
        var b = into || box;
        ctx.strokeStyle = color; ctx.lineWidth = width; ctx.setLineDash(dash || []); ctx.beginPath();
        for (var i = 0; i < values.length; i++) { var x = b.x(i), y = b.y(values[i]); if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y); }
        ctx.stroke(); ctx.setLineDash([]);
      };
      run.strip.forEach(function (s) {
        var color = run.classByValue[run.labelArray[s]].color;
        line(sampleX(run, s), color, 1, [4, 3]);
        line(reconstruct(run, k, s), color, 1.8);
      });
      if (focus) {
        if (focus.input) line(focus.input, focus.color, 1.6, [4, 3], this.focusBox);
        line(focus.output, TH.foreground, 2.4, null, this.focusBox);
      }
      ctx.font = font(10.5);
      text(ctx, fitText(ctx, focus ? focus.title : "hover the code plane", this.focusBox.width), this.focusBox.left + 2, this.focusBox.top + 12, "left", "alphabetic", focus ? TH.foreground : TH.muted, 10.5);
    } else {
      var cell = this.cell, ch = this.cellHeight;
      run.strip.forEach(function (s, n) {
        var r = Math.floor(n / self.cols), c = n % self.cols, x = 42 + c * cell, y = 4 + r * (2 * ch + 20) + 14;
        self.putImage(ctx, sampleX(run, s), x + 1, y, cell - 2, ch);
        self.putImage(ctx, reconstruct(run, k, s), x + 1, y + ch, cell - 2, ch);
      });
      var left = this.focusLeft, size = Math.min(this.width - left - 10, (this.height - 40) / 2);
      var fh = size * run.imageShape[0] / run.imageShape[1];
      ctx.font = font(10.5);
      text(ctx, fitText(ctx, focus ? focus.title : "hover the code plane", this.width - left), left, 14, "left", "alphabetic", focus ? TH.foreground : TH.muted, 10.5);
      if (focus) {
        if (focus.input) this.putImage(ctx, focus.input, left, 20, size, fh);
        this.putImage(ctx, focus.output, left, focus.input ? 24 + fh : 20, size, fh);
      }
    }
  };

  // ---- page ------------------------------------------------------------------------------
  var root = document.documentElement.style;
  root.setProperty("--bg", TH.background); root.setProperty("--fg", TH.foreground);
  root.setProperty("--muted", TH.muted); root.setProperty("--faint", TH.faint);
  root.setProperty("--panel", TH.panel); root.setProperty("--accent", TH.accent);
  document.getElementById("title").textContent = DATA.title;
  document.getElementById("details").textContent = DATA.details;
  if (DATA.caption) { var cap = document.getElementById("caption"); cap.textContent = DATA.caption; cap.hidden = false; }
  document.getElementById("notes").textContent = DATA.notes.map(function (n) { return n.replace(/^page: /, "") + "."; }).join(" ");

  var several = runs.length > 1, panels = [], main = document.getElementById("panels");
  var codePanels = runs.map(function (run) { return new CodePanel(run, several ? run.label : DATA.titles.code); });
  var reconPanels = runs.map(function (run) { return new ReconPanel(run, several ? run.label : DATA.titles.recon); });
  var weightPanels = runs.map(function (run) { return new WeightPanel(run, several ? run.label : DATA.titles.weights); });
  var lossPanel = new LossPanel();
  if (several) {
    main.style.gridTemplateColumns = "repeat(" + runs.length + ", minmax(0, 1fr))";
    panels = codePanels.concat([lossPanel], reconPanels, weightPanels);
    lossPanel.figure.style.gridColumn = "1 / -1";
  } else {
    main.style.gridTemplateColumns = "minmax(0, 1fr) minmax(0, 1fr)";
    panels = [codePanels[0], reconPanels[0], lossPanel, weightPanels[0]];
  }
  panels.forEach(function (p) { main.appendChild(p.figure); });

  // The legend: every class once; click hides or shows it, hovering highlights it.
  var legend = document.getElementById("legend"), classes = [], seenClass = {};
  runs.forEach(function (run) { run.classes.forEach(function (c) { if (!seenClass[c.value]) { seenClass[c.value] = true; classes.push(c); } }); });
  if (classes.length > 1 || (classes.length && classes[0].value >= 0)) {
    if (runs[0].labelTitle) { var lt = document.createElement("span"); lt.className = "title"; lt.textContent = runs[0].labelTitle; legend.appendChild(lt); }
    classes.forEach(function (c) {
      var b = document.createElement("button"), sw = document.createElement("span"), name = document.createElement("span");
      b.type = "button"; b.dataset.value = c.value; b.title = "click: hide / show " + c.name;
      sw.className = "swatch"; sw.style.background = c.hollow ? "transparent" : c.color; sw.style.border = "2px solid " + c.color;
      name.textContent = c.name;
      b.appendChild(sw); b.appendChild(name);
      b.addEventListener("click", function () { toggleClass(c.value); });
      b.addEventListener("pointerenter", function (e) { if (e.pointerType === "mouse") { state.highlight = c.value; redraw(); } });
      b.addEventListener("pointerleave", function () { state.highlight = null; redraw(); });
      legend.appendChild(b);
    });
  }
  function toggleClass(value) {
    state.hidden[value] = !state.hidden[value];
    legend.querySelectorAll("button").forEach(function (b) { b.classList.toggle("off", !!state.hidden[b.dataset.value]); });
    if (state.focus && state.focus.kind === "sample" && state.hidden[state.focus.run.labelArray[state.focus.sample]]) state.focus = null;
    redraw();
  }

  var tip = document.getElementById("tooltip");
  function tooltip(message, event) {
    if (!message) { tip.hidden = true; return; }
    tip.textContent = message; tip.hidden = false;
    var x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 4);
    tip.style.left = x + "px"; tip.style.top = (event.clientY + 14) + "px";
  }

  var slider = document.getElementById("slider"), counter = document.getElementById("counter");
  var status = document.getElementById("status"), playButton = document.getElementById("play");
  slider.max = String(steps.length - 1);
  var lastDraw = 0;
  function redraw() {
    var start = performance.now();
    var step = steps[state.index];
    counter.textContent = DATA.counters[state.index];
    var run = runs[0], last = run.used[step.indexes[0]] === run.timelineArray.length - 1;
    status.textContent = !several && last ? run.stop : "";
    if (slider.value !== String(state.index)) slider.value = String(state.index);
    panels.forEach(function (p) { p.draw(); });
    lastDraw = performance.now() - start;
  }
  function layout() { panels.forEach(function (p) { p.resize(); }); redraw(); }
  function seek(index) {
    index = Math.max(0, Math.min(steps.length - 1, Math.round(Number(index)) || 0));
    state.index = index;
    redraw();
    return current();
  }
  function current() {
    var step = steps[state.index];
    return several ? { index: state.index, epoch: Math.floor(step.position + 1e-9), position: step.position, moment: DATA.counters[state.index] }
                   : { index: state.index, epoch: runs[0].epochs[step.indexes[0]], position: step.position, moment: DATA.counters[state.index] };
  }

  var clock = null;
  function tick(now) {
    if (!state.playing) return;
    if (clock === null) clock = now;
    var due = Math.floor((now - clock) * DATA.fps / 1000);
    if (due > 0) {
      clock += due * 1000 / DATA.fps;
      if (state.index >= steps.length - 1) { pause(); return; }
      seek(state.index + due);
    }
    requestAnimationFrame(tick);
  }
  function play() {
    if (state.playing) return;
    if (state.index >= steps.length - 1) seek(0);
    state.playing = true; clock = null; playButton.textContent = "pause";
    requestAnimationFrame(tick);
  }
  function pause() { state.playing = false; playButton.textContent = "play"; }
  function toggle() { if (state.playing) pause(); else play(); }
  function wholeEpoch(direction) {
    var position = steps[state.index].position;
    for (var i = state.index + direction; i >= 0 && i < steps.length; i += direction) {
      var p = steps[i].position;
      if (Math.abs(p - Math.round(p)) < 1e-9 && Math.round(p) !== Math.round(position) || (direction < 0 && Math.abs(p - Math.round(p)) < 1e-9 && p < position - 1e-9)) return seek(i);
    }
    return seek(direction > 0 ? steps.length - 1 : 0);
  }

  slider.addEventListener("input", function () { seek(slider.value); });
  playButton.addEventListener("click", toggle);
  document.getElementById("back").addEventListener("click", function () { seek(state.index - 1); });
  document.getElementById("forward").addEventListener("click", function () { seek(state.index + 1); });
  if (DATA.within) {
    document.getElementById("epochs").hidden = false;
    document.getElementById("epoch-back").addEventListener("click", function () { wholeEpoch(-1); });
    document.getElementById("epoch-forward").addEventListener("click", function () { wholeEpoch(1); });
  }
  // The keys of `aeviz view`: arrows step 1 or 10 snapshots, space plays, home and end jump.
  var KEYS = { ArrowRight: 1, ArrowLeft: -1, ArrowUp: 10, ArrowDown: -10 };
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key in KEYS) seek(state.index + KEYS[e.key]);
    else if (e.key === " " || e.key === "Spacebar") toggle();
    else if (e.key === "Home") seek(0);
    else if (e.key === "End") seek(steps.length - 1);
    else return;
    e.preventDefault();
  });
  var resizing = null;
  window.addEventListener("resize", function () { clearTimeout(resizing); resizing = setTimeout(layout, 100); });

  // The page's JavaScript API (see README): seek, current, play, pause; the rest is what
  // tests and embedding pages may read.
  window.aeviz = {
    seek: seek, current: current, play: play, pause: pause,
    playing: function () { return state.playing; },
    steps: function () { return steps.length; },
    codes: function (run) {  // the codes drawn now for run number `run` (hidden classes: null)
      var r = runs[run || 0], k = snapshotOf(r), out = [];
      for (var i = 0; i < r.n; i++) {
        var p = state.hidden[r.labelArray[i]] ? null : displayCode(r, k, i);
        out.push(p && [fromDisplay(r, p[0]), fromDisplay(r, p[1])]);
      }
      return out;
    },
    pointAt: function (run, sample) {  // where sample's point is drawn, in page (client) pixels
      var panel = codePanels[run || 0], rect = panel.canvas.getBoundingClientRect();
      var x = panel.drawn[2 * sample], y = panel.drawn[2 * sample + 1];
      return x === x ? [rect.left + x, rect.top + y] : null;
    },
    codeAt: function (run, code) {  // where a code lies in the plane, in page pixels
      var panel = codePanels[run || 0], rect = panel.canvas.getBoundingClientRect(), r = runs[run || 0];
      return [rect.left + panel.box.x(toDisplay(r, code[0])), rect.top + panel.box.y(toDisplay(r, code[1]))];
    },
    decode: function (run, code) { var r = runs[run || 0]; return decode(r, snapshotOf(r), code); },
    reconstruct: function (run, sample) { var r = runs[run || 0]; return reconstruct(r, snapshotOf(r), sample); },
    focus: function (run) {  // what the reconstruction panel of run `run` shows
      var shown = reconPanels[run || 0].shown, f = state.focus;
      if (!shown) return null;
      return { kind: f.kind, sample: f.kind === "sample" ? f.sample : null, code: f.code || null, title: shown.title,
               input: shown.input && Array.from(shown.input), output: shown.output };
    },
    hideClass: toggleClass,
    redrawTime: function () { return lastDraw; }
  };
  layout();
})();
