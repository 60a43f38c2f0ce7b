// api.js: window.aeviz, the page's JavaScript API (see README): seek, current, play, pause
// and panels are documented; the rest is what tests and embedding pages may read.
page.api = (stage, player) => {
  const run = (number) => stage.runs[number || 0];
  const panelOf = (name, number) => stage.panels.find((p) => p.spec.name === name && p.spec.run === (number || 0));
  const { symlog, unsymlog } = page.kit;
  return {
    seek: (index) => stage.seek(index),
    current: () => stage.current(),
    play: player.play,
    pause: player.pause,
    // The names of the panels the page draws, in order (each once).
    panels: () => [...new Set(stage.panels.map((p) => p.spec.name))],
    // What the page drew from: every panel's spec (name, run, title, scales).
    description: () => stage.panels.map((p) => p.spec),
    // What panel `name` of run `number` drew at the last draw (its heading, and each
    // panel's own: readouts, line styles, the sheet's strong points, ...), for tests.
    drawn: (name, number) => {
      const panel = name === "loss" ? stage.panels.find((p) => p.spec.name === "loss") : panelOf(name, number);
      return panel ? panel.state() : null;
    },
    playing: player.playing,
    // `listener()` called after each draw of the page (the playground follows its step).
    onDraw: (listener) => { stage.listeners.push(listener); },
    steps: () => stage.steps.length,
    codes: (number) => {  // the codes drawn now for run `number` (hidden classes: null)
      const r = run(number), k = stage.snapshot(r), linthresh = r.axes.symlog;
      return Array.from(r.labels, (label, i) => {
        const p = stage.hidden.has(label) ? null : page.data.displayCode(r, k, i);
        return p && [unsymlog(p[0], linthresh), unsymlog(p[1], linthresh)];
      });
    },
    pointAt: (number, sample) => {  // where a sample's point is drawn, in page pixels
      const panel = panelOf("code", number), rect = panel.canvas.getBoundingClientRect();
      const x = panel.drawn[2 * sample], y = panel.drawn[2 * sample + 1];
      return x === x ? [rect.left + x, rect.top + y] : null;
    },
    codeAt: (number, code) => {  // where a code lies in the plane, in page pixels
      const panel = panelOf("code", number), rect = panel.canvas.getBoundingClientRect(), [x, y] = panel.pixel(code);
      return [rect.left + x, rect.top + y];
    },
    decode: (number, code) => page.model.decode(run(number), stage.snapshot(run(number)), code),
    reconstruct: (number, sample) => {
      const r = run(number), x = page.data.sampleX(r, sample);
      return x && page.model.reconstruct(r, stage.snapshot(r), x);
    },
    focus: (number) => {  // what the reconstruction panel of run `number` shows
      const panel = panelOf("recon", number), shown = panel && panel.shown, f = stage.focus;
      if (!shown) return null;
      return { kind: f.kind, sample: f.kind === "sample" ? f.sample : null, code: f.code || null, title: shown.title,
        input: shown.input && Array.from(shown.input), output: shown.output, note: panel.note || null };
    },
    hideClass: (value) => stage.toggleClass(value),
    redrawTime: () => stage.lastDraw,
    // The first screen's fit (main.js), for tests: each panel fitted to it (the described
    // panels; two a row: the first row's, a comparison's rows of planes), its canvas height and width, the height its width
    // gives it and its least (kit.js); the bottom of the caption, else of the panels (two a
    // row: of the first row), in page pixels; `pairs`: whether the panels stand two a row.
    firstScreen: () => {
      const described = stage.panels.filter((p) => p.spec.rect), caption = document.getElementById("caption");
      const fitted = stage.firstRow || described;
      const single = stage.firstRow && stage.runs.length === 1;  // (its caption may be below)
      const apart = stage.firstRow && stage.captionApart;  // (a phone's comparison: after its planes)
      const ends = fitted.map((p) => p.figure).concat(caption.hidden || single || apart ? [] : [caption]);
      return { panels: fitted.map((p) => ({ name: p.spec.name, run: p.spec.run ?? null, height: p.canvas.getBoundingClientRect().height,
        width: p.canvas.getBoundingClientRect().width,
        natural: p.naturalHeight(), least: page.kit.LEAST_HEIGHT })),
      bottom: Math.max(...ends.map((e) => e.getBoundingClientRect().bottom + window.scrollY)),
      caption: caption.hidden ? null : caption.getBoundingClientRect().bottom + window.scrollY,
      window: window.innerHeight, pairs: !!stage.firstRow };
    },
    // The pure parts, for tests (not a stable interface).
    internals: { kit: page.kit, model: page.model, data: page.data, symlog }
  };
};
