// main.js: the page assembled: the data read, the stage made, one panel per entry of
// data.panels (in order, each by its kind from page.panelKinds), the controls wired, the API
// published, everything drawn.
(() => {
  const data = JSON.parse(document.getElementById("aeviz-data").textContent);
  const stage = new page.Stage(data), main = document.getElementById("panels");
  main.style.gridTemplateColumns = "repeat(" + data.columns + ", minmax(0, 1fr))";
  for (const spec of data.panels) {
    const panel = new page.panelKinds[spec.kind](stage, spec);
    stage.panels.push(panel);
    main.appendChild(panel.figure);
  }
  const player = page.controls(stage);
  window.aeviz = page.api(stage, player);
  stage.layout();
})();
