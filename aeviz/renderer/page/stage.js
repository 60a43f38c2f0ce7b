// stage.js: what every panel and control shares: the decoded runs, the slider's steps, the
// current step, the pointer's focus, hidden and highlighted classes; `redraw()` draws every
// panel at the current step. Panels read it; controls change it through its methods.
page.Stage = class Stage {
  constructor(data) {
    this.data = data;
    this.theme = data.theme;
    this.draw = page.kit.drawing(data.theme);
    const layersOf = (sizes, names) => page.model.layout(sizes, names);
    this.runs = data.runs.map((packed, number) => page.data.decodeRun(packed, number, layersOf));
    this.steps = data.steps;
    this.index = 0;
    this.focus = null;          // {kind: "sample", run, sample} or {kind: "code", run, code}
    this.hidden = new Set();    // class values hidden by the legend
    this.highlight = null;      // the class value the legend's pointer is on
    this.panels = [];
    this.listeners = [];        // called after each redraw (the controls' readouts)
    this.tooltip = () => {};    // set by the controls
    this.lastDraw = 0;
    this.firstRow = null;       // two a row (main.js): the first row's panels, fitted to the screen
    this.arrange = () => {};
    this.fit = () => {};
  }

  snapshot(run) { return this.steps[this.index].indexes[run.number]; }
  position() { return this.steps[this.index].position; }

  redraw() {
    const start = performance.now();
    for (const panel of this.panels) panel.draw();
    for (const listener of this.listeners) listener();
    this.lastDraw = performance.now() - start;
  }

  layout() {
    this.arrange();  // the panels' places for the window's width (main.js)
    // A panel with another to its right ("beside"): its title line's key keeps room from that
    // panel's title (page.css).
    for (const panel of this.panels) {
      const right = panel.figure.getBoundingClientRect().right, row = panel.figure.parentElement.getBoundingClientRect().right;
      panel.figure.toggleAttribute("data-beside", right < row - 2);
    }
    for (const panel of this.panels) panel.resize();
    this.fit();      // the described panels' heights for the first screen (main.js)
    this.alikeTitles();
    this.redraw();
  }

  // The runs' panels of one kind name their runs alike: where one title gives way to its
  // short form, each does ("SGD (lr 0.1)" beside a bare "Momentum" at 640x400 read as
  // momentum having no rate; the loss panel names every run in full).
  alikeTitles() {
    const kinds = new Map();
    for (const panel of this.panels) {
      if (panel.spec.run === undefined || panel.spec.run === null || panel.aside.textContent) continue;
      kinds.set(panel.spec.name, [...(kinds.get(panel.spec.name) || []), panel]);
    }
    for (const panels of kinds.values()) {
      if (panels.length < 2) continue;
      // Fitted again at the widths the layout left (fitted at an earlier width, two of the
      // optimizers' titles were cut, "Momentum (lr 0…", in a window 661 to 695 px wide).
      for (const panel of panels) panel.fitTitle();
      if (panels.some((panel) => panel.title.textContent !== panel.spec.title)) {
        for (const panel of panels) panel.shortenTitle();
      }
    }
  }

  seek(index) {
    this.index = Math.max(0, Math.min(this.steps.length - 1, Math.round(Number(index)) || 0));
    this.redraw();
    return this.current();
  }

  current() {
    const step = this.steps[this.index], run = this.runs[0];
    return { index: this.index, position: step.position, moment: this.data.counters[this.index],
      epoch: this.runs.length > 1 ? Math.floor(step.position + 1e-9) : run.epochs[step.indexes[0]] };
  }

  setFocus(focus, event, message) {
    this.focus = focus;
    this.tooltip(focus ? message : null, event);
    this.redraw();
  }

  // What a reconstruction panel of `run` shows at used snapshot k: the pointed sample (its
  // input and output) or the probed code (its decoding), else null.
  focusView(run, k) {
    const focus = this.focus;
    if (!focus || focus.run !== run) return null;
    if (focus.kind === "sample") {
      const cls = run.classByValue.get(run.labels[focus.sample]), input = page.data.sampleX(run, focus.sample);
      return { title: "sample " + focus.sample + (cls.value >= 0 ? " (" + cls.name + ")" : ""), input,
        output: input && page.model.reconstruct(run, k, input), color: cls.color };
    }
    const tickText = page.kit.tickText;
    return { title: "decoder at (" + tickText(focus.code[0]) + ", " + tickText(focus.code[1]) + ")", input: null,
      output: page.model.decode(run, k, focus.code), color: this.theme.foreground };
  }

  toggleClass(value) {
    if (this.hidden.has(value)) this.hidden.delete(value); else this.hidden.add(value);
    const focus = this.focus;
    if (focus && focus.kind === "sample" && this.hidden.has(focus.run.labels[focus.sample])) this.focus = null;
    this.redraw();
  }
};
