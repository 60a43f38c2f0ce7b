// controls.js: the page's texts, the legend, the tooltip, the slider, the buttons, the keys of
// `aeviz view` and playing at the clip's frame rate. `page.controls(stage)` wires them to the
// stage and returns play, pause and playing (for the API).
page.controls = (stage) => {
  const data = stage.data, theme = stage.theme, byId = (id) => document.getElementById(id);
  const root = document.documentElement.style;
  for (const [variable, name] of [["--bg", "background"], ["--fg", "foreground"], ["--muted", "muted"],
    ["--faint", "faint"], ["--panel", "panel"], ["--accent", "accent"]]) root.setProperty(variable, theme[name]);
  byId("title").textContent = data.title;
  // The header's second line: the longest that fits of a comparison's forms in words, or of a
  // run's details with parts dropped from the end (as the clip's header drops them).
  const description = data.description, details = byId("details");
  const detailForms = description.detail_forms.length ? description.detail_forms
    : description.details.map((_, n, parts) => parts.slice(0, parts.length - n).join("  |  "));
  function fitDetails() {
    for (const form of detailForms) {
      details.textContent = form;
      if (details.scrollWidth <= details.clientWidth + 1) return;
    }
  }
  fitDetails();
  if (data.caption) { byId("caption").textContent = data.caption; byId("caption").hidden = false; }
  byId("notes").textContent = data.notes.map((note) => note.replace(/^page: /, "") + ".").join(" ");

  // The legend: every class once; a click hides or shows it, the pointer highlights it.
  const legend = byId("legend"), classes = new Map();
  for (const run of stage.runs) for (const c of run.classes) if (!classes.has(c.value)) classes.set(c.value, c);
  if (classes.size > 1 || (classes.size && [...classes.keys()][0] >= 0)) {
    if (stage.runs[0].labelTitle) {
      const title = document.createElement("span");
      title.className = "title"; title.textContent = stage.runs[0].labelTitle;
      legend.appendChild(title);
    }
    for (const c of classes.values()) {
      const button = document.createElement("button"), swatch = document.createElement("span"), name = document.createElement("span");
      button.type = "button"; button.title = "click: hide / show " + c.name;
      swatch.className = "swatch"; swatch.style.background = c.hollow ? "transparent" : c.color; swatch.style.border = "2px solid " + c.color;
      name.textContent = c.name;
      button.append(swatch, name);
      button.addEventListener("click", () => stage.toggleClass(c.value));
      stage.listeners.push(() => button.classList.toggle("off", stage.hidden.has(c.value)));
      button.addEventListener("pointerenter", (e) => { if (e.pointerType === "mouse") { stage.highlight = c.value; stage.redraw(); } });
      button.addEventListener("pointerleave", () => { stage.highlight = null; stage.redraw(); });
      legend.appendChild(button);
    }
  }

  const tip = byId("tooltip");
  stage.tooltip = (message, event) => {
    if (!message) { tip.hidden = true; return; }
    tip.textContent = message; tip.hidden = false;
    tip.style.left = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 4) + "px";
    tip.style.top = (event.clientY + 14) + "px";
  };

  const slider = byId("slider"), counter = byId("counter"), status = byId("status"), playButton = byId("play");
  // The counter as wide as its widest text from the start, so the title beside it wraps (or
  // not) once: a counter growing while the run plays ("epoch 9" to "epoch 296 finished")
  // would wrap the title then and move everything under it.
  // So too the status ("finished" at the run's end), and the details beside it fitted to the
  // room left from the start: a status appearing at the end dropped "1797 samples".
  const measure = document.createElement("canvas").getContext("2d");
  const holdWidest = (element, texts) => {
    const style = window.getComputedStyle(element);  // (its `font` shorthand reads "" in Chromium)
    measure.font = [style.fontStyle, style.fontWeight, style.fontSize, style.fontFamily].join(" ");
    const widest = Math.max(0, ...[...new Set(texts)].map((text) => measure.measureText(text).width));
    element.style.minWidth = widest ? Math.ceil(widest) + 1 + "px" : "";
  };
  holdWidest(counter, data.counters);
  holdWidest(status, stage.runs.length === 1 ? [stage.runs[0].stop || ""] : []);
  fitDetails();
  slider.max = String(stage.steps.length - 1);
  stage.listeners.push(() => {
    counter.textContent = data.counters[stage.index];
    const run = stage.runs[0], last = run.used[stage.snapshot(run)] === run.timeline.length - 1;
    const stop = stage.runs.length === 1 && last ? run.stop : "";
    if (status.textContent !== stop) status.textContent = stop;
    if (slider.value !== String(stage.index)) slider.value = String(stage.index);
  });

  let playing = false, clock = null;
  function tick(now) {
    if (!playing) return;
    if (clock === null) clock = now;
    const due = Math.floor((now - clock) * data.fps / 1000);
    if (due > 0) {
      clock += due * 1000 / data.fps;
      if (stage.index >= stage.steps.length - 1) { pause(); return; }
      stage.seek(stage.index + due);
    }
    requestAnimationFrame(tick);
  }
  function play() {
    if (playing) return;
    if (stage.index >= stage.steps.length - 1) stage.seek(0);
    playing = true; clock = null; playButton.textContent = "pause";
    requestAnimationFrame(tick);
  }
  function pause() { playing = false; playButton.textContent = "play"; }
  function toggle() { if (playing) pause(); else play(); }
  // The next (or previous) whole epoch.
  function wholeEpoch(direction) {
    const steps = stage.steps, position = steps[stage.index].position;
    const whole = (p) => Math.abs(p - Math.round(p)) < 1e-9;
    for (let i = stage.index + direction; i >= 0 && i < steps.length; i += direction) {
      const p = steps[i].position;
      if (whole(p) && (Math.round(p) !== Math.round(position) || (direction < 0 && p < position - 1e-9))) return stage.seek(i);
    }
    return stage.seek(direction > 0 ? steps.length - 1 : 0);
  }

  slider.addEventListener("input", () => stage.seek(slider.value));
  playButton.addEventListener("click", toggle);
  byId("back").addEventListener("click", () => stage.seek(stage.index - 1));
  byId("forward").addEventListener("click", () => stage.seek(stage.index + 1));
  if (data.within) {
    byId("epochs").hidden = false;
    byId("epoch-back").addEventListener("click", () => wholeEpoch(-1));
    byId("epoch-forward").addEventListener("click", () => wholeEpoch(1));
  }
  // The keys of `aeviz view`: arrows step 1 or 10 snapshots, space plays, home and end jump.
  const KEYS = { ArrowRight: 1, ArrowLeft: -1, ArrowUp: 10, ArrowDown: -10 };
  document.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key in KEYS) stage.seek(stage.index + KEYS[e.key]);
    else if (e.key === " " || e.key === "Spacebar") toggle();
    else if (e.key === "Home") stage.seek(0);
    else if (e.key === "End") stage.seek(stage.steps.length - 1);
    else return;
    e.preventDefault();
  });
  let resizing = null;
  window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(() => { fitDetails(); stage.layout(); }, 100); });
  return { play, pause, playing: () => playing };
};
