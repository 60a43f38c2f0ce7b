/* The page as a playground: retrain the run live, with aeviz's own maths (rng.js, nn.js,
 * trainer.js, in a Web Worker), and ask the decoder "what if?".
 *
 * Attached to the page through a narrow interface only: the page's JSON data (its
 * `playground` entry, see playground.py, and its first run's classes and recorded loss), one
 * container element (#aeviz-playground, made here when the page has none) and the page's API
 * object window.aeviz, to which this adds retrain(), experiment() and playground.
 */
/* global URL, Blob, Worker, AEVIZ_WORKER_SOURCE, aevizRandom, aevizNet, aevizTrainer */
(function () {
  const DATA = JSON.parse(document.getElementById("aeviz-data").textContent);
  const P = DATA.playground;
  if (!P || !P.experiment) return;  // a comparison: its runs' own pages retrain
  const RUN = DATA.runs[0], TH = DATA.theme;
  const KNOBS = P.knobs || [];
  const api = window.aeviz || (window.aeviz = {});
  // A tick's number as the page writes it (kit.js, through the page's API).
  const tickText = api.internals ? api.internals.kit.tickText : (value, digits) => value.toPrecision(digits);
  const PLAYGROUND_CSS = `
.playground { margin-top: 14px; border-top: 1px solid var(--faint); padding-top: 6px; }
.playground h2 { font-size: 17px; margin: 4px 0; }
.playground h3 { font-size: 14px; font-weight: 500; margin: 0 0 2px; }
.playground .knobs { display: flex; flex-wrap: wrap; gap: 4px 12px; }
.playground label { display: inline-flex; gap: 4px; align-items: center; font-size: 13px; max-width: 100%; }
.playground input, .playground select, .playground button { font: inherit; font-size: 13px; }
.playground input, .playground select { min-width: 0; max-width: 100%; }
.playground .buttons { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; }
.playground .views { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 8px 14px; }
.playground figure { margin: 0; }
.playground canvas { width: 100%; display: block; }
.playground canvas.live-code { touch-action: none; cursor: crosshair; }
.playground .path, .playground .prior, .playground .denoise { margin-top: 6px; }
.playground .knobs [aria-invalid="true"] { outline: 2px solid var(--refused); outline-offset: 1px; scroll-margin: 8px 0; }
.playground .refusal { flex: 1 0 100%; margin: 0 0 2px; color: var(--refused); font-size: 13px;
                       font-weight: 600; overflow-wrap: anywhere; scroll-margin: 8px 0; }`;
  // Why a retrained run stopped, in words ("(epochs)" after its epochs read as a cipher; a
  // lecturer's): all its epochs need no word.
  const STOPPED = {converged: ": stopped under its epsilon", diverged: ": diverged",
    interrupted: ": stopped"};
  // A refusal's red, readable on the theme's background (GitHub's danger reds, light and dark).
  const REFUSED = parseInt(TH.background.slice(1, 3), 16) < 128 ? "#ff7b72" : "#cf222e";

  function bytes(text) {
    const raw = atob(text), out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }
  const n = RUN.n, d = RUN.d;
  const X = P.x ? Float64Array.from(new Float32Array(bytes(P.x))) : null;
  const labelBytes = bytes(RUN.labels);  // int32 (int16 in pages of older aeviz)
  const labels = labelBytes.byteLength === 4 * n ? new Int32Array(labelBytes) : new Int16Array(labelBytes);
  const colorOf = {};
  RUN.classes.forEach((c) => { colorOf[c.value] = c.color; });
  const recordedLoss = Array.from(new Float64Array(bytes(RUN.loss)));
  const recordedCodes = new Int16Array(bytes(RUN.codes));  // int16 on the run's axes (pack.py)
  const recordedTimeline = Array.from(new Float64Array(bytes(RUN.timeline)));
  // The playground starts from the snapshot the page's slider shows (its code plane, decoder
  // views and readout follow the slider until a retrain: the last snapshot's codes under a
  // header saying "epoch 0" read as epoch 0's). render.future = false: the recorded run is not
  // given away beyond what the page has shown (its slider's step) or the student's own run has
  // reached (as the main loss panel hides the curve not yet reached): the loss chart draws the
  // recorded curve only that far.
  const HIDE_FUTURE = DATA.future === false;
  // The epochs the page covers (render.epochs: a page cut to 0:20 drew the recorded curve to
  // epoch 300 beside a readout of epoch 20): the recorded curve is drawn within them only.
  const COVERED = [DATA.steps[0].position, DATA.steps[DATA.steps.length - 1].position];
  /** The page's slider now: its step's position (epochs completed) and used snapshot. */
  function pageShown() {
    const index = typeof api.current === "function" ? api.current().index : 0;
    const now = DATA.steps[index] || DATA.steps[0];
    return {position: now.position, k: now.indexes[0]};
  }

  /** The recorded run's codes at `position` (epochs completed, the timeline's: a mini-batch
   * snapshot of epoch 1 at 3 of 13 batches is 3/13) for drawing behind the retrained run's:
   * its snapshot there, else (a step within an epoch the page holds no snapshot of) the last
   * whole epoch's, as at the epoch's start; null if the page holds neither. */
  function recordedAt(position) {
    let k = RUN.used.findIndex((i) => Math.abs(recordedTimeline[i] - position) < 1e-9);
    if (k < 0) k = RUN.epochs.lastIndexOf(Math.floor(position + 1e-9));
    if (k < 0) return null;
    const QUANT = 32767, [[x0, x1], [y0, y1]] = RUN.axes.limits, linthresh = RUN.axes.symlog;
    const shown = (t) => (linthresh ? Math.sign(t) * linthresh * (Math.pow(10, Math.abs(t)) - 1) : t);
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const qx = recordedCodes[(k * n + i) * 2], qy = recordedCodes[(k * n + i) * 2 + 1];
      const missing = qx === -32768 || qy === -32768;
      out[2 * i] = missing ? NaN : shown(x0 + (qx + QUANT) / (2 * QUANT) * (x1 - x0));
      out[2 * i + 1] = missing ? NaN : shown(y0 + (qy + QUANT) / (2 * QUANT) * (y1 - y0));
    }
    return out;
  }
  let xLow = Infinity, xHigh = -Infinity;
  if (X) for (const v of X) { if (v < xLow) xLow = v; if (v > xHigh) xHigh = v; }
  if (!(xHigh > xLow)) { xLow = 0; xHigh = 1; }

  // ---- the experiment: overrides as `--set` takes them, checked as the schema checks ----
  const clone = (value) => JSON.parse(JSON.stringify(value));
  const knobByKey = {};
  KNOBS.forEach((knob) => { knobByKey[knob.key] = knob; });

  function checked(key, value) {
    // (An own key only: "__proto__" or "constructor" must not reach Object's prototype.)
    const knob = Object.prototype.hasOwnProperty.call(knobByKey, key) ? knobByKey[key] : null;
    const variational = Boolean(P.experiment.model.variational);
    if (!knob || (knob.variational && !variational)) {
      const allowed = KNOBS.filter((k) => variational || !k.variational).map((k) => k.key);
      throw new Error(`${key}: not a key the page retrains with${knob ? " (this run is not a variational autoencoder)" : ""}; allowed: ${allowed.join(", ")}`);
    }
    const shown = JSON.stringify(value);
    if (knob.kind === "choice") {
      if (!knob.choices.includes(value)) throw new Error(`${key}: must be one of ${knob.choices.join(", ")}, got ${shown}`);
      return value;
    }
    if (knob.kind === "layers") {
      const old = P.experiment.model.layers;
      if (!Array.isArray(value) || value.length !== old.length || !value.every((v) => Number.isInteger(v) && v >= 1 && v <= 4096)
          || value[0] !== old[0] || value[value.length - 1] !== old[old.length - 1]) {
        throw new Error(`${key}: must be ${old.length} whole numbers from 1 to 4096, the first and last ${old[0]} (the data's width), got ${shown}`);
      }
      const code = P.experiment.model.code_layer;
      if (value[code] !== 2 || value.slice(1, -1).filter((v) => v === 2).length !== 1) {
        throw new Error(`${key}: the code layer (entry ${code}) stays the one hidden layer of 2 neurons, got ${shown}`);
      }
      return value;
    }
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`${key}: must be a number, got ${shown}`);
    if (knob.kind === "integer" && !Number.isInteger(value)) throw new Error(`${key}: must be a whole number, got ${shown}`);
    if (knob.above !== undefined && !(value > knob.above)) throw new Error(`${key}: must be > ${knob.above}, got ${shown}`);
    if (knob.minimum !== undefined && !(value >= knob.minimum)) throw new Error(`${key}: must be >= ${knob.minimum}, got ${shown}`);
    if (knob.below !== undefined && !(value < knob.below)) throw new Error(`${key}: must be < ${knob.below}, got ${shown}`);
    if (knob.maximum !== undefined && !(value <= knob.maximum)) throw new Error(`${key}: must be <= ${knob.maximum}, got ${shown}`);
    return value;
  }

  // A knob's text read as `aeviz train --set` reads a value (TOML): whole numbers (decimal, or
  // 0x, 0o, 0b), floats with digits on both sides of a point, inf and nan; anything else is a
  // string there ("abc", ".5", "Infinity"), refused as the CLI refuses it. (Number() read "0x1g"
  // as NaN, "" as 0, "Infinity" as a number.)
  const TOML_WHOLE = /^[+-]?(0|[1-9](_?\d)*)$|^0x[\da-fA-F](_?[\da-fA-F])*$|^0o[0-7](_?[0-7])*$|^0b[01](_?[01])*$/;
  const TOML_FLOAT = /^[+-]?(0|[1-9](_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d(_?\d)*)?$|^[+-]?(inf|nan)$/;
  function tomlNumber(text) {  // {value, whole} or null
    const digits = text.replace(/_/g, "");
    if (TOML_WHOLE.test(text)) return {value: Number(digits), whole: true};
    if (!TOML_FLOAT.test(text)) return null;
    const special = {inf: Infinity, "+inf": Infinity, "-inf": -Infinity, nan: NaN, "+nan": NaN, "-nan": NaN};
    return {value: digits in special ? special[digits] : Number(digits), whole: false};
  }
  /** A float as Python's repr writes it in the CLI's messages ("2.0", "1e-05", "inf"). */
  function pythonFloat(value) {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    const size = Math.abs(value);
    if (size !== 0 && (size >= 1e16 || size < 1e-4)) return value.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
    return Number.isInteger(value) ? value.toFixed(1) : String(value);
  }
  /** `text` as the CLI prints it (aeviz/text.py, printable): every character a terminal or
   * a page's layout would act on (controls, line breaks, bidirectional controls: typed
   * U+202E turned the message around) as \uXXXX. */
  function printable(text) {
    // eslint-disable-next-line no-control-regex
    const refused = /[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\u2060\ufeff]/gu;
    return text.replace(refused, (found) => `\\u${found.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }
  /** The value of knob `key` typed as `text`, as `--set key=text` gives it to the schema;
   * what the schema refuses for its type is refused here with the CLI's message (its bounds:
   * `checked`). */
  function typed(key, text) {
    const knob = knobByKey[key];
    if (knob.kind === "choice") return text;
    if (knob.kind === "layers") {  // (entries that are not whole numbers stay text: refused by `checked`)
      return text.split(",").map((part) => {
        const number = tomlNumber(part.trim());
        return number && number.whole ? number.value : part.trim();
      });
    }
    const whole = knob.kind === "integer", number = tomlNumber(text);
    const wanted = whole ? "a whole number" : "a number";
    if (!number) throw new Error(`${key}: must be ${wanted}, got string "${printable(text.length > 60 ? text.slice(0, 59) + "\u2026" : text)}"`);
    if (whole && !number.whole) {  // (the CLI's words: settings/fields.py, AS_DIGITS)
      const asDigits = Number.isInteger(number.value) ? " written as digits alone (a point or an exponent makes a TOML decimal)" : "";
      throw new Error(`${key}: must be a whole number${asDigits}, got number ${pythonFloat(number.value)}`);
    }
    if (!Number.isFinite(number.value)) throw new Error(`${key}: must be a finite number, got ${pythonFloat(number.value)}`);
    return number.value;
  }

  /** The recorded experiment with `overrides` set, as `aeviz train --set` would read them:
   * a key the stored (resolved) experiment wrote out for a default follows the key it
   * defaulted from (output_activation the activation, code_layer the layers, dampening
   * beta1), unless it is set too. dtype is float64: the page's arithmetic. */
  function resolved(overrides) {
    if (overrides === null || typeof overrides !== "object" || Array.isArray(overrides)) {
      throw new Error('overrides: expected an object such as {"train.epochs": 5}');
    }
    const exp = clone(P.experiment), given = Object.keys(overrides), model = P.experiment.model;
    // (An output activation equal to the last activation counts as derived from it.)
    const lastActivation = typeof model.activation === "string" ? model.activation : model.activation[model.activation.length - 1];
    if (given.includes("model.activation") && !given.includes("model.output_activation")
        && model.output_activation === lastActivation) delete exp.model.output_activation;
    if (given.includes("model.layers")) delete exp.model.code_layer;
    const stored = P.experiment.train;
    if (given.includes("train.beta1") && !given.includes("train.dampening") && stored.dampening === stored.beta1) {
      delete exp.train.dampening;
    }
    for (const key of given) {
      const [table, name] = key.split(".");
      exp[table][name] = checked(key, overrides[key]);
    }
    if (exp.model.code_layer === undefined) exp.model.code_layer = aevizTrainer.codeLayerOf(exp.model);
    // The page's budget (playground.py, epoch_cost): 3 multiply-adds per weight and sample.
    // Checked for the network retrained, not only the one recorded: layers of 4096 would
    // hold the tab for hours and take gigabytes.
    const sizes = exp.model.layers, coded = exp.model.code_layer;
    let weights = 0;
    for (let i = 1; i < sizes.length; i++) weights += sizes[i - 1] * sizes[i];
    if (exp.model.variational) weights += sizes[coded - 1] * sizes[coded];
    if (!P.off && 3 * n * weights > P.limit) {  // (off: the recorded network is over it)
      throw new Error(`model.layers: one epoch of ${JSON.stringify(sizes)} on these ${n} samples costs ${(3 * n * weights).toPrecision(2)} multiply-adds; the page trains up to ${P.limit.toExponential(0)} (train it with aeviz train)`);
    }
    if (exp.train.dampening === undefined) exp.train.dampening = exp.train.beta1;
    if (exp.model.output_activation === undefined) exp.model.output_activation = aevizTrainer.activationsOf(exp.model).slice(-1)[0];
    exp.train.dtype = "float64";
    return exp;
  }

  // TOML as aeviz.settings.tomlwriter writes it: scalars, then tables and arrays of tables.
  function tomlValue(value) {
    if (typeof value === "boolean") return value ? "true" : "false";
    // (A whole number past 1e21 as digits: String() writes 1e+21, a float to TOML.)
    if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) >= 1e21 ? BigInt(value).toString() : String(value);
    if (typeof value === "string") return JSON.stringify(value);
    return "[" + value.map(tomlValue).join(", ") + "]";
  }
  function dumpTable(table, name, lines) {
    const isTable = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
    const isTableArray = (v) => Array.isArray(v) && v.length > 0 && v.every(isTable);
    for (const [key, value] of Object.entries(table)) {
      if (value !== null && !isTable(value) && !isTableArray(value)) lines.push(`${key} = ${tomlValue(value)}`);
    }
    for (const [key, value] of Object.entries(table)) {
      const dotted = name ? `${name}.${key}` : key;
      if (isTable(value)) {
        lines.push("", `[${dotted}]`);
        dumpTable(value, dotted, lines);
      } else if (isTableArray(value)) {
        for (const item of value) {
          lines.push("", `[[${dotted}]]`);
          dumpTable(item, dotted, lines);
        }
      }
    }
  }
  function toml(exp) {
    if (P.inexact) throw new Error(P.off);  // its whole numbers past 2**53 are rounded here
    const lines = ["# The experiment of a run retrained in an aeviz page. `aeviz train` of this file (saved",
                   "# beside the original experiment: data paths are relative to it) records the same",
                   "# loss at every epoch, in float64 as the page computes."];
    dumpTable(exp, "", lines);
    return lines.join("\n") + "\n";
  }

  // ---- the model the decoder views use: the live run's, else the recorded one the slider shows ----
  let experiment = resolved({});
  function modelOf(exp, params) {
    const names = aevizTrainer.activationsOf(exp.model);
    const net = new aevizNet.Autoencoder(exp.model.layers, names, aevizRandom.defaultRng(0),
                                         exp.model.variational ? exp.model.code_layer : null);
    net.params.set(params.subarray(0, Math.min(params.length, net.params.length)));
    return net;
  }
  const recordedParams = new Float32Array(bytes(RUN.params));
  /** The recorded model the playground starts from: the snapshot the page's slider shows
   * (future shown or not); and its words. */
  function recordedModel() {
    const k = pageShown().k, count = RUN.paramCount;
    const params = Float64Array.from(recordedParams.subarray(k * count, (k + 1) * count));
    return {model: modelOf(experiment, params), k, label: `the recorded run at ${RUN.moments[k]}`};
  }
  let {model, label: modelLabel, k: modelSnapshot} = recordedModel();

  function encode(rows) {  // codes (the VAE's means) of the samples `rows`
    const input = new Float64Array(rows.length * d);
    rows.forEach((row, r) => input.set(X.subarray(row * d, row * d + d), r * d));
    return model.forward(input, rows.length)[experiment.model.code_layer];
  }
  function decode(codes, rows) {
    const outputs = model.forwardFrom(Float64Array.from(codes), rows, experiment.model.code_layer);
    return outputs[outputs.length - 1];
  }
  function reconstruct(input, rows) {
    const outputs = model.forward(Float64Array.from(input), rows);
    return outputs[outputs.length - 1];
  }

  // ---- the Worker ----
  const workerUrl = URL.createObjectURL(new Blob([AEVIZ_WORKER_SOURCE], {type: "text/javascript"}));
  let worker = null, pending = null, stepPending = null;
  const live = {codes: null, records: [], epoch: 0, steps: 0, stopReason: null, pull: null, running: false};

  function fail(message) {
    status(message);
    const error = new Error(message);
    if (pending) pending.reject(error);
    if (stepPending) stepPending.reject(error);
    pending = stepPending = null;
  }

  function onMessage(event) {
    const m = event.data;
    if (m.type === "progress") {
      live.codes = m.codes;
      live.shownStep = m.shownStep;
      live.records.push(...m.records);
      live.epoch = m.epoch;
      live.steps = m.steps;
      live.stepsPerEpoch = m.stepsPerEpoch;
      live.stopReason = m.stopReason;
      live.pull = m.pull || null;
      model = modelOf(experiment, m.params);
      modelLabel = "the run retrained here";
      dirty();
      if (m.pull) status(`step ${m.steps} (epoch ${m.epoch}, batch ${(m.steps - 1) % m.stepsPerEpoch + 1} of ${m.stepsPerEpoch}): the arrows show where it pulls its batch's codes`);
      if (m.pull && stepPending) {
        stepPending.resolve({epoch: m.epoch, step: m.steps, rows: m.pull.rows, rmse: m.current,
                             arrows: Array.from(m.pull.arrows)});
        stepPending = null;
      }
    } else if (m.type === "done") {
      live.running = false;
      live.stopReason = m.stopReason;
      const result = {epoch: m.epoch, loss: m.loss, terms: m.terms, stopReason: m.stopReason};
      live.result = result;
      // Named by its last record's moment ("1 epochs" read wrong, and a run that diverged in
      // batch 12 of epoch 1 claimed the whole epoch; a lecturer's).
      const lastRecord = live.records.filter((r) => Number.isFinite(r.rmse)).pop();
      const reached = lastRecord ? momentOf(lastRecord) : `epoch ${m.epoch[m.epoch.length - 1]}`;
      status(`retrained to ${reached}, RMSE ${m.loss[m.loss.length - 1].toPrecision(4)}${STOPPED[m.stopReason] || ""}`);
      if (pending) pending.resolve(result);
      if (stepPending) stepPending.resolve({epoch: m.epoch[m.epoch.length - 1], step: live.steps, stopReason: m.stopReason});
      pending = stepPending = null;
      dirty();
    } else if (m.type === "error") {
      live.running = false;
      fail(m.message);
    }
  }

  function startRun(exp) {
    if (worker) worker.terminate();
    if (pending) pending.reject(new Error("replaced by a new run"));
    if (stepPending) stepPending.reject(new Error("replaced by a new run"));
    pending = stepPending = null;
    experiment = exp;
    Object.assign(live, {codes: null, records: [], epoch: 0, steps: 0, stopReason: null, pull: null,
                         running: false, result: null});
    // A new run starts on limits of its own: grown by a run that blew up, they drew the next
    // run, which learns, as one pixel at the plane's edge.
    codeLimits = null;
    limitsOfLive = false;
    worker = new Worker(workerUrl);
    worker.onmessage = onMessage;
    worker.onerror = (event) => { event.preventDefault(); live.running = false; fail(`training stopped: ${event.message}`); };
    worker.postMessage({type: "start", experiment: exp, x: X, n});
  }

  function retrain(overrides) {
    if (P.off) return Promise.reject(new Error(P.off));
    let exp;
    try {
      exp = resolved(overrides === undefined ? {} : overrides);
    } catch (error) {
      return Promise.reject(error);
    }
    startRun(exp);
    showKnobs(exp);
    return go();
  }

  function go() {
    return new Promise((resolve, reject) => {
      pending = {resolve, reject};
      live.running = true;
      status("training in the page ...");
      worker.postMessage({type: "run"});
    });
  }

  function step() {
    if (P.off) return Promise.reject(new Error(P.off));
    if (!worker || live.stopReason !== null) {
      let exp;
      try {
        exp = resolved(knobOverrides());
      } catch (error) {
        status(error.message);
        return Promise.reject(error);
      }
      startRun(exp);
    }
    if (live.running) return Promise.reject(new Error("training is running: stop it first"));
    return new Promise((resolve, reject) => {
      stepPending = {resolve, reject};
      worker.postMessage({type: "step"});
    });
  }

  /** Train with the knobs: on from the steps taken, if the knobs are those of the run in
   * progress; else a fresh run. */
  function train() {
    let exp;
    try {
      exp = resolved(knobOverrides());
    } catch (error) {
      return Promise.reject(error);
    }
    if (worker && !live.running && live.stopReason === null && JSON.stringify(exp) === JSON.stringify(experiment)) {
      return go();
    }
    return retrain(knobOverrides());
  }

  function stop() {
    if (worker && live.running) worker.postMessage({type: "stop"});
  }

  function reset() {
    if (worker) worker.terminate();
    worker = null;
    if (pending) pending.reject(new Error("reset"));
    if (stepPending) stepPending.reject(new Error("reset"));
    pending = stepPending = null;
    experiment = resolved({});
    Object.assign(live, {codes: null, records: [], epoch: 0, steps: 0, stopReason: null, pull: null,
                         running: false, result: null});
    ({model, label: modelLabel, k: modelSnapshot} = recordedModel());
    showKnobs(experiment);
    status("the recorded run; change a knob and train");
    dirty();
  }

  // ---- the panel ----
  function element(tag, attributes, parent, text) {
    const e = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) e.setAttribute(name, value);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  let box = document.getElementById("aeviz-playground");
  if (!box) {
    box = element("section", {id: "aeviz-playground"});
    const footer = document.querySelector("footer");
    document.body.insertBefore(box, footer || null);
  }
  box.className = "playground";
  box.style.setProperty("--refused", REFUSED);
  element("style", {}, document.head, PLAYGROUND_CSS);
  element("h2", {}, box, "Retrain it yourself");
  const statusLine = element("p", {class: "muted", id: "aeviz-playground-status"}, box);
  function status(text) { statusLine.textContent = text; }
  // Keys typed into the knobs are for them, not for the page's slider (its keys are the
  // document's: arrows, space, home, end).
  box.addEventListener("keydown", (event) => {
    if (event.target.matches("input, select")) event.stopPropagation();
  });
  const knobsBox = element("div", {class: "knobs"}, box);
  const inputs = {}, knobLabels = {};
  const variational = Boolean(P.experiment.model.variational);
  for (const knob of KNOBS) {
    if (knob.variational && !variational) continue;
    const label = element("label", {}, knobsBox);
    element("span", {}, label, knob.label || knob.key.split(".")[1].replace(/_/g, " "));
    let input;
    if (knob.kind === "choice") {
      input = element("select", {"data-key": knob.key}, label);
      // A network with an activation per layer (the digits: identity at the code) keeps
      // them as its first choice, named in full; a name picked sets every layer.
      const perLayer = knob.key === "model.activation" && Array.isArray(P.experiment.model.activation);
      if (perLayer) {
        const names = P.experiment.model.activation.join(", ");
        element("option", {value: names}, input, `per layer: ${names}`);
      }
      for (const choice of knob.choices) element("option", {value: choice}, input, choice);
    } else {
      // (the layers' box as wide as the recorded list: the digits' was cut to "64, 64, 16, 2, 16, 64, (")
      const wide = knob.kind === "layers" ? Math.max(16, P.experiment.model.layers.join(", ").length + 2) : 7;
      input = element("input", {"data-key": knob.key, type: "text", size: wide}, label);
    }
    inputs[knob.key] = input;
    knobLabels[knob.key] = label;
  }
  /** An optimizer's own knobs shown only while an optimizer that reads them is chosen. */
  function showReadKnobs() {
    const optimizer = inputs["train.optimizer"].value;
    for (const knob of KNOBS) {
      if (knob.optimizers && knobLabels[knob.key]) knobLabels[knob.key].style.display = knob.optimizers.includes(optimizer) ? "" : "none";
    }
    showRefusals(true);  // (the lines of knobs changed)
  }
  inputs["train.optimizer"].addEventListener("change", showReadKnobs);
  function valueOf(exp, key) {
    const [table, name] = key.split(".");
    return exp[table][name];
  }
  function showKnobs(exp) {
    for (const [key, input] of Object.entries(inputs)) {
      const value = valueOf(exp, key);
      input.value = value === undefined || value === null ? "" : Array.isArray(value) ? value.join(", ") : String(value);
    }
    showReadKnobs();
  }
  /** Whether knob `key` is read: an optimizer's own setting only while an optimizer that
   * reads it is chosen (a hidden dampening of 7 refused Adam's Step; a hidden beta1 reached
   * SGD's downloaded experiment). */
  function isRead(key) {
    const readers = knobByKey[key].optimizers;
    return !readers || readers.includes(inputs["train.optimizer"].value);
  }
  /** Knob `key`'s value if it overrides the `recorded` experiment (read, not blank, not the
   * recorded value's text), else undefined; throws what the CLI says of a value typed that
   * `--set` would refuse. */
  function overrideOf(key, recorded) {
    const text = inputs[key].value.trim();
    const old = valueOf(recorded, key);
    const oldText = old === undefined || old === null ? "" : Array.isArray(old) ? old.join(", ") : String(old);
    if (text === oldText.trim() || text === "" || !isRead(key)) return undefined;
    return typed(key, text);
  }
  /** The knobs read that differ from the recorded experiment, as overrides; throws what the
   * CLI says of a value typed that `--set` would refuse. */
  function knobOverrides() {
    const overrides = {}, recorded = resolved({});
    for (const key of Object.keys(inputs)) {
      const value = overrideOf(key, recorded);
      if (value !== undefined) overrides[key] = value;
    }
    return overrides;
  }

  // ---- a refused knob: outlined, its message (the CLI's) on a line of its own under the
  // knob's line of knobs. (Said in the status line above the knobs, it was cut off at the
  // window's top at 640x400, and only once Train was pressed.) ----
  const knobOrder = Object.keys(inputs);
  const refusalLines = {};  // knob key -> its message's element, placed among the knobs while refused
  for (const key of knobOrder) {
    refusalLines[key] = element("p", {class: "refusal", role: "alert", id: `aeviz-refusal-${key.replace(".", "-")}`,
                                      "data-for": key});
  }
  const refusedKeys = () => knobOrder.filter((key) => refusalLines[key].isConnected);
  /** What the CLI says of knob `key`'s text, null if it is taken. Each knob is checked alone:
   * no check of resolved() reads two knobs. */
  function refusalOf(key, recorded) {
    try {
      const value = overrideOf(key, recorded);
      if (value !== undefined) resolved({[key]: value});
      return null;
    } catch (error) {
      return error.message;
    }
  }
  /** Knob `key`'s message placed under its line of knobs: after the last knob shown on it
   * and the messages of the knobs before it on it. (A message placed ends a line where it
   * ended anyway: the lines of knobs stay as they were.) */
  function placeRefusal(key) {
    const label = knobLabels[key];
    let after = label;
    for (let next = label.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.style.display === "none") continue;  // an optimizer's knob not shown
      if (next.offsetTop !== label.offsetTop) break;
      after = next;
    }
    const earlier = (line) => line && line.classList.contains("refusal")
      && knobOrder.indexOf(line.dataset.for) < knobOrder.indexOf(key);
    while (earlier(after.nextElementSibling)) after = after.nextElementSibling;
    after.after(refusalLines[key]);
  }
  /** Every knob checked: a refused one marked (aria-invalid, outlined) with its message under
   * its line (right under the knob, the knobs beside it moved down a line), the rest unmarked.
   * A message already shown stays where it is (moved, a screen reader says it again) unless
   * `relayout`: the lines of knobs changed (the window's width, the knobs shown). */
  function showRefusals(relayout = false) {
    const recorded = resolved({});
    if (relayout) for (const line of Object.values(refusalLines)) line.remove();
    for (const [key, input] of Object.entries(inputs)) {
      const refusal = refusalOf(key, recorded), line = refusalLines[key];
      if (!refusal) {
        line.remove();
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
        continue;
      }
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", line.id);
      if (line.textContent !== refusal) line.textContent = refusal;
      if (!line.isConnected) placeRefusal(key);
    }
  }
  /** Knob `key` and its message in view, the window scrolled only as far as it needs. */
  function bringIntoView(key) {
    inputs[key].scrollIntoView({block: "nearest"});
    refusalLines[key].scrollIntoView({block: "nearest"});
  }
  // Checked as the student types, picks or leaves a knob; brought into view as they type
  // only (scrolled as they left it, by a press on Train, the page moved under the pointer
  // between the press and its release, and the click was lost).
  knobsBox.addEventListener("change", () => showRefusals());
  knobsBox.addEventListener("input", (event) => {
    showRefusals();
    const key = event.target.dataset.key;
    if (key && refusedKeys().includes(key)) bringIntoView(key);
  });
  window.addEventListener("resize", () => showRefusals(true));

  const buttons = element("div", {class: "buttons"}, box);
  const button = (name, title, action) => {
    const b = element("button", {type: "button", id: `aeviz-${name.toLowerCase()}`, title}, buttons, name);
    b.addEventListener("click", action);
    return b;
  };
  // A button's run that a later press replaced or reset is not an error to show.
  const quiet = (promise) => promise.catch((error) => {
    if (error.message !== "replaced by a new run" && error.message !== "reset") status(error.message);
  });
  // Train and Step refused while a knob is: the first one's message brought into view, the
  // knob focused.
  const pressed = (action) => () => {
    showRefusals();
    const key = refusedKeys()[0];
    if (key === undefined) return quiet(action());
    inputs[key].focus({preventScroll: true});
    bringIntoView(key);
  };
  button("Train", "train with these knobs, drawing as it goes", pressed(train));
  button("Step", "one mini-batch; arrows show where it pulls its samples' codes", pressed(step));
  button("Stop", "stop after the step in progress", stop);
  button("Reset", "back to the recorded run and its knobs", reset);
  button("Download", "the experiment of the run shown, as TOML for aeviz train", () => {
    const link = element("a", {href: URL.createObjectURL(new Blob([api.experiment()], {type: "text/plain"})),
                               download: "retrained.toml"});
    link.click();
  });
  if (P.off) {
    for (const control of box.querySelectorAll("input, select, #aeviz-train, #aeviz-step, #aeviz-stop")) control.disabled = true;
    if (P.inexact) box.querySelector("#aeviz-download").disabled = true;
  }

  const views = element("div", {class: "views"}, box);
  function canvasPanel(title, cls) {
    const figure = element("figure", {class: `panel ${cls}`}, views);
    const heading = element("h3", {}, figure, title);
    const canvas = element("canvas", {class: cls}, figure);
    return {figure, heading, canvas};
  }
  const planePanel = canvasPanel("live code plane (grey: the recorded run): drag to decode", "live-code");
  // Its scale in its heading (0.18 at its foot and 7.7e27 at its top read as a linear axis;
  // said at its foot, between the time axis's ends, it read as that axis's name).
  const LOSS_HEADING = "RMSE per epoch, log scale: recorded (grey), retrained (colour)";
  const lossPanel = canvasPanel(LOSS_HEADING, "live-loss");
  const decodedPanel = canvasPanel("decoded at the dragged code", "decoded");
  const pathBox = element("div", {class: "path"}, box);
  element("span", {}, pathBox, "path between samples (or shift-click two points) ");
  const pathFrom = element("input", {type: "text", size: 5, value: "0", "aria-label": "from sample"}, pathBox);
  const pathTo = element("input", {type: "text", size: 5, value: String(Math.max(0, n - 1)), "aria-label": "to sample"}, pathBox);
  const pathCanvas = element("canvas", {class: "strip"}, pathBox);
  let priorCanvas = null, noiseSlider = null, noiseSample = null, denoiseCanvas = null;
  if (variational) {
    const priorBox = element("div", {class: "prior"}, box);
    const b = element("button", {type: "button"}, priorBox, "decode 16 codes drawn from N(0, 1)");
    b.addEventListener("click", () => { prior(16); });
    priorCanvas = element("canvas", {class: "prior"}, priorBox);
    priorCanvas.hidden = true;  // until pressed (empty, at the page's width, it left a blank screen)
  }
  const corrupts = Boolean(P.experiment.train.noise || P.experiment.train.masking);
  if (corrupts) {
    const denoiseBox = element("div", {class: "denoise"}, box);
    element("span", {}, denoiseBox, "noise ");
    noiseSlider = element("input", {type: "range", min: "0", max: "1", step: "0.01",
                                    value: String(P.experiment.train.noise || 0), "aria-label": "noise"}, denoiseBox);
    element("span", {}, denoiseBox, " on sample ");
    noiseSample = element("input", {type: "text", size: 5, value: "0", "aria-label": "sample"}, denoiseBox);
    denoiseCanvas = element("canvas", {class: "denoise"}, denoiseBox);
    const redo = () => denoise(Number(noiseSample.value) || 0, Number(noiseSlider.value));
    noiseSlider.addEventListener("input", redo);
    noiseSample.addEventListener("change", redo);
  }
  if (P.off) status(P.off);
  else status("the recorded run; change a knob and train");

  // ---- drawing ----
  function sized(canvas, height) {
    const ratio = window.devicePixelRatio || 1, width = canvas.clientWidth || 300;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.height = `${height}px`;
    }
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.fillStyle = TH.background;
    g.fillRect(0, 0, width, height);
    return {g, width, height};
  }

  // The live code plane's limits: the recorded run's plane limits (the page's code plane's),
  // linear, grown (never shrunk) only when the codes drawn leave them. Fixed limits and one
  // unit as long on both axes: a tight epoch 0 looks tight (fitted to each snapshot, x and y
  // apart, four clusters spanning 0.08 x 0.04 filled the box).
  const linthresh0 = RUN.axes.symlog;
  const unlog = (t) => (linthresh0 ? Math.sign(t) * linthresh0 * (Math.pow(10, Math.abs(t)) - 1) : t);
  const RECORDED_LIMITS = RUN.axes.limits.map(([a, b]) => [unlog(a), unlog(b)]);
  // A run drawn with scales = "follow" (too-high-learning-rate: its codes blow up to ~1e14):
  // the page's plane follows the codes, snapshot by snapshot, on limits holding every code so
  // far (pack.py's `follow`, panel-code.js); so does this one. The recorded run's limits put
  // epoch 0's codes in one dot and gave the blow-up away. Before a retrain: the page's
  // limits at the snapshot shown (the last finite ones, as its plane keeps); after: limits
  // holding every code the student's run has drawn.
  const FOLLOW = RUN.follow ? new Float64Array(bytes(RUN.follow)) : new Float64Array(0);
  const FOLLOWING = FOLLOW.length > 0;
  function followLimits(k) {
    for (let j = Math.min(k, FOLLOW.length / 4 - 1); j >= 0; j--) {
      const row = FOLLOW.subarray(4 * j, 4 * j + 4);
      if (row.every(Number.isFinite)) return [[row[0], row[1]], [row[2], row[3]]];
    }
    return RECORDED_LIMITS;
  }
  function heldLimits(codes) {  // limits holding `codes`, padded as pack.py's (6 %)
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < codes.length; i += 2) {
      const a = codes[i], b = codes[i + 1];
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      x0 = Math.min(x0, a); x1 = Math.max(x1, a); y0 = Math.min(y0, b); y1 = Math.max(y1, b);
    }
    if (!(x1 >= x0 && y1 >= y0)) return null;
    const padX = 0.06 * Math.max(x1 - x0, 1e-3), padY = 0.06 * Math.max(y1 - y0, 1e-3);
    return [[x0 - padX, x1 + padX], [y0 - padY, y1 + padY]];
  }
  let codeLimits = null;  // [[x0, x1], [y0, y1]]
  let limitsOfLive = false;  // whether codeLimits hold the student's run's codes (follow)
  function grownLimits(old, codes) {
    let [[x0, x1], [y0, y1]] = old;
    const padX = (x1 - x0) * 0.05, padY = (y1 - y0) * 0.05;
    for (let i = 0; i < codes.length; i += 2) {
      const a = codes[i], b = codes[i + 1];
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      if (a < x0) x0 = a - padX;
      if (a > x1) x1 = a + padX;
      if (b < y0) y0 = b - padY;
      if (b > y1) y1 = b + padY;
    }
    return [[x0, x1], [y0, y1]];
  }
  function currentCodes() {
    if (live.codes) return live.codes;
    if (!X) return new Float64Array(0);
    const all = [];
    for (let i = 0; i < n; i++) all.push(i);
    return encode(all);
  }
  const plane = {toPixel: null, fromPixel: null};
  let dragCode = null;

  function drawPlane() {
    const {g, width, height} = sized(planePanel.canvas, 320);
    const codes = currentCodes();
    if (!live.codes) {  // the recorded run (back to its limits on a reset)
      codeLimits = FOLLOWING ? followLimits(modelSnapshot) : RECORDED_LIMITS;
      limitsOfLive = false;
    } else if (!codeLimits || (FOLLOWING && !limitsOfLive)) {
      codeLimits = FOLLOWING ? heldLimits(codes) || followLimits(modelSnapshot) : RECORDED_LIMITS;
      limitsOfLive = true;
    }
    codeLimits = grownLimits(codeLimits, codes);
    // A line under the plane for the words on a step's arrows (inside, the arrows crossed them).
    const m = 8, w = width - 2 * m, h = height - 2 * m - 16;
    const [[lx0, lx1], [ly0, ly1]] = codeLimits;
    // One scale for both axes: the limits centred in the box, the roomier axis showing more.
    const scale = Math.min(w / ((lx1 - lx0) || 1), h / ((ly1 - ly0) || 1));
    const cx = (lx0 + lx1) / 2, cy = (ly0 + ly1) / 2;
    const x0 = cx - w / 2 / scale, x1 = cx + w / 2 / scale;
    plane.toPixel = (a, b) => [m + w / 2 + (a - cx) * scale, m + h / 2 - (b - cy) * scale];
    plane.fromPixel = (px, py) => [cx + (px - m - w / 2) / scale, cy - (py - m - h / 2) / scale];
    g.strokeStyle = TH.faint;
    g.strokeRect(m, m, w, h);
    const behind = live.codes && live.stepsPerEpoch ? recordedAt(live.shownStep / live.stepsPerEpoch) : null;
    // The title says what is drawn (it said "grey: the recorded run" above the recorded
    // codes in class colours).
    const title = !live.codes ? `live code plane: the recorded run at ${RUN.moments[modelSnapshot]}; drag to decode`
      : behind ? "live code plane: your run (colour), the recorded run at its step (grey); drag to decode"
        : "live code plane: your run; drag to decode";
    if (planePanel.heading.textContent !== title) planePanel.heading.textContent = title;
    if (behind) {  // the recorded run at the same epoch, in grey behind
      g.fillStyle = TH.faint;
      for (let i = 0; i < n; i++) {
        const [px, py] = plane.toPixel(behind[2 * i], behind[2 * i + 1]);
        if (px >= m && px <= m + w && py >= m && py <= m + h) g.fillRect(px - 1.5, py - 1.5, 3, 3);
      }
    }
    for (let i = 0; i < codes.length / 2; i++) {
      const a = codes[2 * i], b = codes[2 * i + 1];
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      const [px, py] = plane.toPixel(a, b);
      g.fillStyle = colorOf[labels[i]] || TH.foreground;
      g.fillRect(px - 1.5, py - 1.5, 3, 3);
    }
    if (live.pull) {  // the last step's pull arrows, from its samples' codes before it
      const {rows, arrows, before} = live.pull;
      let longest = 0;
      for (let i = 0; i < rows.length; i++) longest = Math.max(longest, Math.hypot(arrows[2 * i], arrows[2 * i + 1]));
      // The longest arrow 12 % of the plane's width, as aeviz's pull arrows.
      const gain = longest > 0 ? 0.12 * (x1 - x0) / longest : 0;
      g.save();
      g.beginPath();
      g.rect(m, m, w, h);
      g.clip();  // an arrow from a code near the frame stays in the plane
      g.strokeStyle = TH.foreground;
      g.globalAlpha = 0.6;
      g.lineWidth = 1.2;
      rows.forEach((row, i) => {
        const [ax, ay] = plane.toPixel(before[2 * row], before[2 * row + 1]);
        const [bx, by] = plane.toPixel(before[2 * row] + arrows[2 * i] * gain, before[2 * row + 1] + arrows[2 * i + 1] * gain);
        const length = Math.hypot(bx - ax, by - ay);
        g.beginPath();
        g.moveTo(ax, ay);
        g.lineTo(bx, by);
        if (length > 4) {  // its head
          const ux = (bx - ax) / length, uy = (by - ay) / length;
          g.moveTo(bx - 4 * ux - 3 * uy, by - 4 * uy + 3 * ux);
          g.lineTo(bx, by);
          g.lineTo(bx - 4 * ux + 3 * uy, by - 4 * uy - 3 * ux);
        }
        g.stroke();
      });
      g.restore();
      g.fillStyle = TH.muted;
      g.font = "12px sans-serif";
      g.fillText(`step ${live.steps}: where it pulls its batch's codes`, m + 4, height - 6);
    }
    if (dragCode) {
      const [px, py] = plane.toPixel(dragCode[0], dragCode[1]);
      g.strokeStyle = TH.foreground;
      g.lineWidth = 2;
      g.beginPath();
      g.arc(px, py, 7, 0, 2 * Math.PI);
      g.stroke();
    }
    g.lineWidth = 1;
  }

  // What the loss chart drew last, for tests.
  /** A record's moment: "epoch 300", or a mini-batch record's "epoch 1, batch 3/13". */
  function momentOf(r) {
    const spe = live.stepsPerEpoch, batch = spe ? r.step - (r.epoch - 1) * spe : 0;
    return batch > 0 && batch < spe ? `epoch ${r.epoch}, batch ${batch}/${spe}` : `epoch ${r.epoch}`;
  }
  let recordedDrawn = 0, lossAxis = null, livePlaces = [], lossReadout = "", sliderMark = null, lossLabels = null;
  // The recorded curve's top where it reaches OFF_CHART times above the student's run (then
  // cut, and said in the chart's heading: offChartNote); null where the chart holds it whole.
  const OFF_CHART = 100;
  let recordedAbove = null, offChartNote = "";
  function drawLoss() {
    const {g, width, height} = sized(lossPanel.canvas, 320);
    const live1 = live.records.filter((r) => Number.isFinite(r.rmse));
    // Each record at its place on the timeline (a mini-batch snapshot between epochs).
    const at = (r) => (live.stepsPerEpoch ? r.step / live.stepsPerEpoch : r.epoch);
    // The recorded curve: within the epochs the page covers, whole, or (future hidden) as far
    // as the page's slider or the student's run has come.
    const reach = HIDE_FUTURE ? Math.max(pageShown().position, live.stepsPerEpoch ? live.steps / live.stepsPerEpoch : 0)
      : Infinity;
    const shown = recordedTimeline.map((e) => e >= COVERED[0] - 1e-9 && e <= Math.min(reach, COVERED[1]) + 1e-9);
    const recordedXs = recordedTimeline.filter((e, i) => shown[i]), recordedYs = recordedLoss.filter((v, i) => shown[i]);
    recordedDrawn = recordedXs.length;
    const epochs = [COVERED[1]].concat(live1.map(at));
    const liveValues = live1.map((r) => r.rmse).filter((v) => v > 0);
    // The student's run on its own scale where the recorded curve reaches far above it (a
    // recorded blow-up to 7.7e27 left a retrained run that learns a flat line on the floor):
    // the recorded curve cut at the top, and said so.
    const liveTop = liveValues.length ? Math.max(...liveValues) : Infinity;
    recordedAbove = recordedYs.some((v) => v > OFF_CHART * liveTop) ? Math.max(...recordedYs) : null;
    const values = recordedYs.filter((v) => recordedAbove === null || v <= OFF_CHART * liveTop)
      .concat(liveValues).filter((v) => v > 0 && Number.isFinite(v));
    if (!values.length) return;
    // The time axis from the page's first epoch (a page cut to 100:200 left its left half
    // empty); from 0 once the student's run (which starts at 0) has begun.
    const e0 = live.records.length || live.running ? 0 : COVERED[0];
    const e1 = Math.max(e0 + 1, ...epochs), l0 = Math.log10(Math.min(...values)), l1 = Math.log10(Math.max(...values));
    // The axis's two labels never alike (0.107 to 0.111 read "0.11" twice): as many digits as
    // tell them apart; one label when the values are one.
    // Written as the page's ticks are (kit.js's tickText: "0.18", "7.7e27"); one value (epoch
    // 0 alone) read "0.17637102", its digits sought to tell it from itself.
    const label = (l, digits) => tickText(Math.pow(10, l), digits);
    let digits = 2;
    while (digits < 8 && l1 > l0 && label(l1, digits) === label(l0, digits)) digits++;
    const top = label(l1, digits);
    const bottom = top === label(l0, digits) ? "" : label(l0, digits);
    // The left margin as wide as the axis's labels ("7.7e+27" on a diverging run's page).
    g.font = "11px sans-serif";
    const m = Math.max(34, Math.ceil(Math.max(g.measureText(top).width, g.measureText(bottom).width)) + 10);
    // The readout above the box (a curve starts at its top left: never across the words).
    const t = 24, w = width - m - 8, h = height - t - 22;
    const px = (e) => m + (e - e0) / (e1 - e0) * w, py = (v) => t + (1 - (Math.log10(v) - l0) / ((l1 - l0) || 1)) * h;
    g.strokeStyle = TH.faint;
    g.strokeRect(m, t, w, h);
    const line = (xs, ys, color) => {
      g.strokeStyle = color;
      g.lineWidth = 2;
      g.beginPath();
      xs.forEach((e, i) => { if (ys[i] > 0) (i ? g.lineTo : g.moveTo).call(g, px(e), py(ys[i])); });
      g.stroke();
    };
    g.save();
    g.beginPath();
    g.rect(m, t, w, h);
    g.clip();  // (the recorded curve's part above the axis: cut at the box)
    line(recordedXs, recordedYs, TH.faint);
    line(live1.map(at), live1.map((r) => r.rmse), TH.accent);
    g.restore();
    // Before the student's run has a record, a dot on the recorded curve where the slider is
    // (with the future shown the curve runs on past it); 3 px, so that at the curve's top left
    // it stays clear of the axis's top label and the readout.
    const last = live1[live1.length - 1], marked = recordedLoss[RUN.used[modelSnapshot]];
    sliderMark = null;
    if (!last && marked > 0 && Number.isFinite(marked)) {
      sliderMark = [recordedTimeline[RUN.used[modelSnapshot]], marked];
      g.fillStyle = TH.muted;
      g.beginPath();
      g.arc(px(sliderMark[0]), py(Math.min(Math.max(marked, Math.pow(10, l0)), Math.pow(10, l1))), 3, 0, 2 * Math.PI);
      g.fill();
    }
    lossAxis = [Math.pow(10, l0), Math.pow(10, l1)];
    lossLabels = {y: [top, bottom].filter(Boolean), x: [String(e0), `epoch ${Math.round(e1)}`]};
    livePlaces = live1.map(at);
    g.fillStyle = TH.muted;
    g.font = "11px sans-serif";
    g.textAlign = "right";
    g.fillText(top, m - 5, t + 8);  // (clear of the slider's dot at the curve's top left)
    g.fillText(bottom, m - 5, t + h);
    g.fillText(`epoch ${Math.round(e1)}`, m + w, height - 4);
    g.textAlign = "left";
    g.fillText(String(e0), m, height - 4);
    g.font = "12px sans-serif";
    // Before the student's run has a record, the recorded snapshot the playground shows (the
    // slider's, future shown or not) beside its recorded RMSE, always named as the recorded
    // run's ("epoch 300 | RMSE 0.04210" stood under a header saying "epoch 0"). After, the last
    // record's moment beside its RMSE (the epoch in progress beside the last finished one's
    // RMSE read as if it were that epoch's).
    const recorded = recordedLoss[RUN.used[modelSnapshot]];
    const [moment, value] = last ? [momentOf(last), last.rmse.toPrecision(4)]
      : [RUN.moments[modelSnapshot], Number.isFinite(recorded) ? recorded.toPrecision(4) : "not finite"];
    const forms = last ? [`${moment} | RMSE ${value}`, `${moment}: ${value}`, `RMSE ${value}`]
      : [`recorded run at ${moment} | RMSE ${value}`, `recorded at ${moment}: ${value}`, `recorded: ${value}`];
    // The longest form that fits the chart's width (at 640 "epoch 1, batch 12/13 | RMSE
    // 7.670e+27" ran past the canvas's edge).
    lossReadout = forms.find((form) => g.measureText(form).width <= width - m - 4) || forms[forms.length - 1];
    g.fillText(lossReadout, m, t - 8);
    // In the chart's heading (it wraps; drawn in the box it lay over the curves' readout):
    offChartNote = recordedAbove === null ? "" : `; the recorded run goes up to ${tickText(recordedAbove, 2)}, above the chart`;
    const heading = LOSS_HEADING + offChartNote;
    if (lossPanel.heading.textContent !== heading) lossPanel.heading.textContent = heading;
    g.lineWidth = 1;
  }

  // One decoded output drawn into the box (x, y, w, h): an image, the point among the data,
  // or a profile of its features.
  function drawOutput(g, output, x, y, w, h, compare, limits) {
    g.strokeStyle = TH.faint;
    g.strokeRect(x, y, w, h);
    // Within its box: a diverging network's outputs are far outside the data's range.
    g.save();
    g.beginPath();
    g.rect(x, y, w, h);
    g.clip();
    drawInside(g, output, x, y, w, h, compare, limits);
    g.restore();
  }

  function drawInside(g, output, x, y, w, h, compare, limits) {
    const shape = RUN.imageShape;
    if (shape) {
      const [rows, cols] = shape, cell = Math.min(w / cols, h / rows);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const t = Math.max(0, Math.min(1, (output[r * cols + c] - xLow) / (xHigh - xLow)));
          const level = Math.round(255 * (1 - t));
          g.fillStyle = `rgb(${level},${level},${level})`;
          g.fillRect(x + c * cell, y + r * cell, Math.ceil(cell), Math.ceil(cell));
        }
      }
      return;
    }
    if (d <= 3 && X) {  // the point among the data (features 0 and 1)
      const lim = limits || pointLimits([]);
      const fx = (v) => x + (v - lim[0][0]) / (lim[0][1] - lim[0][0]) * w;
      const fy = (v) => y + (1 - (v - lim[1][0]) / (lim[1][1] - lim[1][0])) * h;
      g.fillStyle = TH.faint;
      for (let i = 0; i < n; i++) g.fillRect(fx(X[i * d]) - 1, fy(X[i * d + 1]) - 1, 2, 2);
      g.fillStyle = TH.accent;
      g.beginPath();
      g.arc(fx(output[0]), fy(output[1]), Math.max(3, w / 40), 0, 2 * Math.PI);
      g.fill();
      return;
    }
    const profile = (values, color) => {  // a profile: one point per feature
      g.strokeStyle = color;
      g.lineWidth = 2;
      g.beginPath();
      for (let j = 0; j < d; j++) {
        const t = (values[j] - xLow) / (xHigh - xLow);
        const px = x + (d > 1 ? j / (d - 1) : 0.5) * w * 0.9 + w * 0.05, py = y + (1 - t) * h;
        (j ? g.lineTo : g.moveTo).call(g, px, py);
      }
      g.stroke();
      g.lineWidth = 1;
    };
    if (compare) profile(compare, TH.faint);
    profile(output, TH.accent);
    if (w >= 200) {  // the features' names under a large profile
      g.fillStyle = TH.muted;
      g.font = "11px sans-serif";
      // Each name cut to the room between its neighbours (whole, they ran into each other),
      // the first and last ones aligned inwards (within the box).
      const room = d > 1 ? w * 0.9 / (d - 1) - 6 : w - 8, edge = room / 2 + w * 0.05 - 3;
      for (let j = 0; j < d; j++) {
        let name = String(RUN.features[j]).slice(0, 12);
        const fits = d > 1 && (j === 0 || j === d - 1) ? edge : room;
        while (name.length > 1 && g.measureText(name + "\u2026").width > fits) name = name.slice(0, -1);
        if (name !== String(RUN.features[j]).slice(0, 12)) name += "\u2026";
        g.textAlign = d > 1 && j === 0 ? "left" : d > 1 && j === d - 1 ? "right" : "center";
        const at = x + (d > 1 ? j / (d - 1) : 0.5) * w * 0.9 + w * 0.05;
        g.fillText(name, j === 0 && d > 1 ? Math.min(at, x + 3) : j === d - 1 && d > 1 ? Math.max(at, x + w - 3) : at, y + h - 4);
      }
      g.textAlign = "left";
    }
  }

  let decodedShown = null;
  function drawDecoded() {
    // Before a drag, the hint alone (an empty panel left a blank screen under a narrow window).
    const {g, width, height} = sized(decodedPanel.canvas, dragCode ? 320 : 40);
    if (!dragCode) {
      g.fillStyle = TH.muted;
      g.font = "13px sans-serif";
      g.fillText("drag across the live code plane", 10, 24);
      return;
    }
    decodedShown = Array.from(decode(dragCode, 1));
    const side = Math.min(width, height) - 16;
    drawOutput(g, decodedShown, (width - side) / 2, 8, side, side);
  }

  let stripShown = null, priorShown = null, denoiseShown = null;
  /** The limits a point among the data is drawn on: the data's, grown to hold `points`
   * (the noise demo's noisy input fell off the panel's edge), padded. */
  function pointLimits(points) {
    const lim = (RUN.dataLimits.length ? RUN.dataLimits : [[xLow, xHigh], [xLow, xHigh]]).map((l) => l.slice());
    for (const point of points) {
      for (let j = 0; j < 2; j++) {
        const v = point[j], pad = (lim[j][1] - lim[j][0]) * 0.08;
        if (!Number.isFinite(v)) continue;
        if (v < lim[j][0]) lim[j][0] = v - pad;
        if (v > lim[j][1]) lim[j][1] = v + pad;
      }
    }
    return lim;
  }
  /** Decoded outputs side by side (a VAE's prior: 8 a row at most), captions under them; a
   * point among the data on limits holding the points `hold`. */
  function drawStrip(canvas, outputs, captions, hold) {
    const count = outputs.length, width = canvas.clientWidth || 300;
    const cell = Math.min(120, Math.floor((width - 8) / Math.min(count, canvas.classList.contains("prior") ? 8 : count)));
    const perRow = Math.max(1, Math.floor((width - 8) / cell)), rows = Math.ceil(count / perRow);
    const {g} = sized(canvas, rows * cell + 8 + (captions ? 14 : 0));
    outputs.forEach((output, i) => {
      const x = 4 + (i % perRow) * cell, y = 4 + Math.floor(i / perRow) * cell;
      drawOutput(g, output, x + 2, y + 2, cell - 4, cell - 4, undefined, hold && pointLimits(hold));
      if (captions) {
        g.fillStyle = TH.muted;
        g.font = "11px sans-serif";
        g.fillText(captions[i], x + 4, y + cell + 10);
      }
    });
  }

  /** The straight path between samples a and b's codes, decoded at `count` points. */
  function path(a, b, count = 9) {
    if (!X) throw new Error(P.off);
    const ends = encode([a, b]), codes = [];
    for (let i = 0; i < count; i++) {
      const t = count > 1 ? i / (count - 1) : 0;
      codes.push([ends[0] + t * (ends[2] - ends[0]), ends[1] + t * (ends[3] - ends[1])]);
    }
    const decoded = decode(codes.flat(), count), outputs = [];
    for (let i = 0; i < count; i++) outputs.push(Array.from(decoded.subarray(i * d, i * d + d)));
    stripShown = {a, b, codes, decoded: outputs};
    pathFrom.value = String(a);
    pathTo.value = String(b);
    drawStrip(pathCanvas, outputs);
    return stripShown;
  }

  let priorDraws = 0;
  /** `count` codes from N(0, 1) (a stream of their own: default_rng([seed, 3, k]) for the
   * k-th press) and what the decoder makes of them. */
  function prior(count = 16) {
    const rng = aevizRandom.defaultRng([experiment.train.seed, 3, priorDraws++]);
    const codes = [];
    for (let i = 0; i < count; i++) codes.push([rng.standardNormal(), rng.standardNormal()]);
    const decoded = decode(codes.flat(), count), outputs = [];
    for (let i = 0; i < count; i++) outputs.push(Array.from(decoded.subarray(i * d, i * d + d)));
    priorShown = {codes, decoded: outputs};
    if (priorCanvas) {
      priorCanvas.hidden = false;
      drawStrip(priorCanvas, outputs);
    }
    return priorShown;
  }

  /** Sample `sample` with Gaussian noise of std `noise` (its draws fixed per sample:
   * default_rng([seed, 4, sample])), and the reconstruction of the noisy input. */
  function denoise(sample, noise) {
    if (!X) throw new Error(P.off);
    const clean = Array.from(X.subarray(sample * d, sample * d + d));
    const rng = aevizRandom.defaultRng([experiment.train.seed, 4, sample]);
    const corrupted = clean.map((v) => v + noise * rng.standardNormal());
    const output = Array.from(reconstruct(corrupted, 1));
    // (limits: what the panels' points are drawn on, noisy input included)
    const limits = d <= 3 && !RUN.imageShape ? pointLimits([clean, corrupted]) : null;
    denoiseShown = {sample, noise, clean, corrupted, output, limits};
    if (noiseSlider) {
      noiseSlider.value = String(noise);
      noiseSample.value = String(sample);
    }
    if (denoiseCanvas) drawStrip(denoiseCanvas, [clean, corrupted, output], ["clean", "noisy input", "reconstruction"], [clean, corrupted]);
    return denoiseShown;
  }

  let frames = 0, needed = false;
  function dirty() {
    if (needed) return;
    needed = true;
    requestAnimationFrame(() => {
      needed = false;
      frames += 1;
      drawPlane();
      drawLoss();
      drawDecoded();
      if (stripShown) path(stripShown.a, stripShown.b, stripShown.codes.length);
      if (denoiseShown) denoise(denoiseShown.sample, denoiseShown.noise);
    });
  }

  function dragTo(code) {
    dragCode = [code[0], code[1]];
    dirty();
    return Array.from(decode(dragCode, 1));
  }
  const canvas = planePanel.canvas;
  let dragging = false;
  const pointed = (event) => {
    if (!plane.fromPixel) return;
    const rect = canvas.getBoundingClientRect();
    dragTo(plane.fromPixel(event.clientX - rect.left, event.clientY - rect.top));
  };
  /** The sample drawn nearest to page pixel (x, y) on the live plane, or null. */
  function nearestSample(x, y) {
    const rect = canvas.getBoundingClientRect(), codes = currentCodes();
    let best = null, bestDistance = Infinity;
    for (let i = 0; i < codes.length / 2; i++) {
      const [px, py] = plane.toPixel(codes[2 * i], codes[2 * i + 1]);
      const distance = Math.hypot(rect.left + px - x, rect.top + py - y);
      if (distance < bestDistance) { best = i; bestDistance = distance; }
    }
    return best;
  }
  let pickedFirst = true;  // shift-clicks pick the path's ends in turn
  canvas.addEventListener("pointerdown", (event) => {
    if (event.shiftKey && X && plane.toPixel) {
      const sample = nearestSample(event.clientX, event.clientY);
      if (sample !== null) {
        (pickedFirst ? pathFrom : pathTo).value = String(sample);
        pickedFirst = !pickedFirst;
        redoPath();
      }
      return;
    }
    dragging = true;
    canvas.setPointerCapture(event.pointerId);
    pointed(event);
  });
  canvas.addEventListener("pointermove", (event) => { if (dragging) pointed(event); });
  canvas.addEventListener("pointerup", () => { dragging = false; });
  const redoPath = () => {
    const a = Number(pathFrom.value), b = Number(pathTo.value);
    if (Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= 0 && a < n && b < n && X) path(a, b);
  };
  pathFrom.addEventListener("change", redoPath);
  pathTo.addEventListener("change", redoPath);
  window.addEventListener("resize", dirty);

  // The playground follows the page's slider: until a retrain, the model at the snapshot
  // shown and its readout (future hidden: the recorded loss curve drawn that far too).
  if (typeof api.onDraw === "function") {
    let lastIndex = pageShown().k;
    api.onDraw(() => {
      const k = pageShown().k;
      if (k === lastIndex) return;
      lastIndex = k;
      if (!worker) ({model, label: modelLabel, k: modelSnapshot} = recordedModel());
      dirty();
    });
  }

  showKnobs(experiment);
  if (X) {
    redoPath();
    if (corrupts) denoise(0, Number(noiseSlider.value));
  }
  dirty();

  // ---- the API (see README) ----
  api.retrain = retrain;
  api.experiment = () => toml(experiment);
  api.playground = {
    off: () => P.off || null,
    step, stop, reset, train,
    experimentFor: (overrides) => toml(resolved(overrides)),  // throws as retrain rejects
    knobs: knobOverrides,
    setKnob: (key, value) => {
      if (!Object.prototype.hasOwnProperty.call(inputs, key)) {
        throw new Error(`${key}: not a knob of this page; knobs: ${Object.keys(inputs).join(", ")}`);
      }
      const input = inputs[key], knob = knobByKey[key];
      if (input.tagName === "SELECT") {  // (a choice it does not offer left the select blank)
        const offered = Array.from(input.options).map((option) => option.value);
        if (!offered.includes(String(value))) throw new Error(`${key}: must be one of ${offered.join(" | ")}, got ${JSON.stringify(String(value))}`);
      } else {  // checked at once, as a choice is ("abc" was refused at Train only, as "got null")
        const layers = knob.kind === "layers" && Array.isArray(value);
        if (typeof value !== "string" && typeof value !== "number" && !layers) {
          throw new Error(`${key}: must be ${knob.kind === "layers" ? "a list of whole numbers" : knob.kind === "integer" ? "a whole number" : "a number"}, got ${String(JSON.stringify(value))}`);
        }
        // (a number as TOML writes it: Infinity as inf)
        const asText = typeof value === "number" && !Number.isFinite(value) ? pythonFloat(value) : String(value);
        checked(key, typed(key, asText.trim()));
      }
      const text = String(value);
      input.value = text;
      if (key === "train.optimizer") showReadKnobs();
      showRefusals();
    },
    model: () => ({params: Array.from(model.params), layers: model.layers.slice(),
                   activations: model.activations.slice(), codeLayer: experiment.model.code_layer,
                   from: modelLabel, snapshot: worker ? null : modelSnapshot}),
    // What the loss chart drew last: how many recorded points (from epoch `first`), its axis's
    // [low, high], where on the timeline it drew the retrained run's records, its readout, and
    // where on it the slider's recorded point is marked ([epoch, RMSE]; null: none).
    lossChart: () => ({recorded: recordedDrawn, axis: lossAxis, live: livePlaces, readout: lossReadout,
                       first: recordedDrawn ? recordedTimeline.find((e) => e >= COVERED[0] - 1e-9) : null,
                       mark: sliderMark, labels: lossLabels, offChart: offChartNote}),
    codes: () => Array.from(currentCodes()),
    planeLimits: () => codeLimits && codeLimits.map((axis) => axis.slice()),  // [[x0, x1], [y0, y1]], as last drawn
    recordedAt: (epoch) => { const codes = recordedAt(epoch); return codes && Array.from(codes); },
    drag: dragTo,
    dragged: () => dragCode && {code: dragCode.slice(), output: Array.from(decode(dragCode, 1))},
    pointAt: (code) => {  // where `code` lies on the live code plane, in page pixels
      const rect = canvas.getBoundingClientRect(), [px, py] = plane.toPixel(code[0], code[1]);
      return [rect.left + px, rect.top + py];
    },
    path, prior, denoise,
    frames: () => frames,
    live: () => ({epoch: live.epoch, steps: live.steps, running: live.running,
                  stopReason: live.stopReason, records: live.records.length}),
  };
})();
