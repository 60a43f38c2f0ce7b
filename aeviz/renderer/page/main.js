// main.js: the page assembled: the data read, the stage made, one panel per entry of
// data.panels (in order, each by its kind from page.panelKinds), laid out as the description
// lays them out (the caption under them; in a narrow window two a row), the controls wired,
// the API published, everything drawn.
(() => {
  const data = JSON.parse(document.getElementById("aeviz-data").textContent);
  const stage = new page.Stage(data), main = document.getElementById("panels");
  const OWN_WIDTH = 300;  // px: the narrowest a page's own panel sits beside another
  // px: the shortest window whose page may stand a single run's panels in one row (fit
  // below), where that row leaves every main panel MAIN_WIDTH: in a shorter one the panels'
  // titles and readouts no longer fit beside each other. (Comparisons never stand in one
  // row: four planes and a loss in one row at 640 px left the loss no room for PCA's label.)
  const ROW_HEIGHT = 400;
  // px: the narrowest a main panel (a code plane, a loss curve, a decoder) is read at. Where
  // the description's layout or one row would make one narrower (a 640 px window), the
  // panels stand two a row instead (pairs below) and the page scrolls for the rows below
  // the first.
  const MAIN_WIDTH = 240;
  const MAIN = new Set(["code", "loss", "decoder"]);
  for (const spec of data.panels) {
    const panel = new page.panelKinds[spec.kind](stage, spec);
    stage.panels.push(panel);
    main.appendChild(panel.figure);
  }
  layOut(stage.panels, data.description, main);
  const player = page.controls(stage);
  window.aeviz = page.api(stage, player);
  // Twice, as a resize does: the first fit measures the caption's room in the description's
  // grid before it is rearranged two a row; fitted again in the rearranged one (at 640x400
  // too-high-learning-rate's caption ended 17 px below the fold until the window was resized).
  stage.layout();
  stage.layout();

  // The description's layout as a CSS grid: the edges of its panels' rectangles are the
  // grid's lines and each panel keeps its rectangle's proportions, so the page arranges the
  // panels as the clip does. The page's own panels (no rectangle) go in rows below, each
  // under its run's code plane.
  function layOut(panels, description, grid) {
    const described = panels.filter((p) => p.spec.rect);
    const round = (v) => Math.round(v * 1000) / 1000;
    const lines = (values) => [...new Set(values.map(round))].sort((a, b) => a - b);
    const xs = lines(described.flatMap(({ spec }) => [spec.rect[0], spec.rect[0] + spec.rect[2]]));
    const tops = lines(described.flatMap(({ spec }) => [-(spec.rect[1] + spec.rect[3]), -spec.rect[1]]));
    const span = (list, from, to) => (list.indexOf(round(from)) + 1) + " / " + (list.indexOf(round(to)) + 1);
    const body = 1 - description.header, [pageWidth, pageHeight] = description.page;
    const caption = document.getElementById("caption");
    grid.appendChild(caption);
    caption.style.gridColumn = "1 / -1";
    // The description's grid: as the clip has it.
    let current = null;  // the layout now: "described", "row" or "pairs"
    const asDescribed = () => {
      current = "described";
      for (const panel of described) panel.row = null;
      grid.style.columnGap = "";
      for (const panel of described) { panel.figure.style.justifySelf = ""; panel.figure.style.width = ""; }
      grid.style.gridTemplateColumns = xs.slice(1).map((x, i) => "minmax(0, " + (x - xs[i]) + "fr)").join(" ") || "1fr";
      for (const panel of described) {
        const [x, y, width, height] = panel.spec.rect;
        panel.figure.style.gridColumn = span(xs, x, x + width);
        panel.figure.style.gridRow = span(tops, -(y + height), -y);
        panel.aspect = height * pageHeight / (width * pageWidth);
        panel.share = height / body;  // of the room fitted to the first screen (fit below)
        panel.room = window.innerHeight;
      }
      // The caption right under the description's panels, as the clip has it (the lesson in
      // the first screen); the page's own panels below it.
      caption.style.gridRow = String(tops.length);
      return tops.length + 1;
    };
    // One row, in the description's order, every panel at most square, the planes (code,
    // decoder) narrowest, the others half as wide again (a curve's ticks and readouts, a
    // strip of images): where the description's stacks (a loss over weights, four planes
    // two high) would not fit a short window, a row keeps every panel on the first screen.
    // The loss curve's readouts ("Momentum 0.0540") want the most width.
    const WIDTHS = { code: 1, decoder: 1, loss: 1.75 };
    const widthOf = (panel) => WIDTHS[panel.spec.name] || 1.5;
    const inOneRow = () => {
      current = "row";
      for (const panel of described) panel.row = null;
      grid.style.gridTemplateColumns = described.map((p) => "minmax(0, " + widthOf(p) + "fr)").join(" ");
      grid.style.columnGap = "8px";
      described.forEach((panel, i) => {
        panel.figure.style.gridColumn = String(i + 1);
        panel.figure.style.gridRow = "1";
        panel.aspect = 1;  // at most square: the room, not the width, sets the height
        panel.share = 1;
        panel.room = window.innerHeight;
      });
      caption.style.gridRow = "2";
      return 3;
    };
    // Two a row, across the window: a single run's code plane and loss first (the lesson:
    // they take the first screen, square at most), then its other panels in the
    // description's order; a comparison's by kind, each kind's runs side by side in the runs'
    // order (the code planes, then the decoders, then the loss, then the rest): in the
    // description's order a run's plane stood beside its own mosaic and the other runs were
    // below the fold. The caption under the first row (the first screen holds the lesson and,
    // in a comparison, one panel of each of two runs). A comparison of three runs or four:
    // its planes together, then the caption, then the loss (the one panel holding every run,
    // read by the caption: "SGD stalls on the plateau"), then the runs' other panels. A panel
    // left alone in its row spans it, at its rectangle's proportions; one whose kind stands
    // two in a row above (activations' third plane) keeps their column's width, centred, so
    // it reads as one of them and not as the partner of the panel beside it. The rows below
    // the caption are not fitted: the page scrolls to them.
    //
    // Where a comparison's planes all fit one row each PLANE_LEAST px wide or more
    // (activations' three at 640 px, 138 px each), or larger than two rows of two would draw
    // them (the optimizers' four at 640x400 on one scale, one y axis: 112 px, where two rows
    // fitted to the window were 84 px each and cut at the fold), they do: the caption under
    // them, then the loss, within about 1.1 screens at 640x400. Else two rows of two, fitted
    // to the window together. With the loss between the rows, the lecturer never saw the four
    // planes together and the caption came before half of them. Either way the loss comes
    // before the runs' other panels: after the one row of planes, three decoder sheets (two a
    // row) put it 2.3 screens down.
    // (A two-run comparison's planes take one row of two: its decoders or mosaics follow
    // them, each under its own run's plane.)
    const ranks = stage.runs.length === 1 ? { code: 0, loss: 1 } : { code: 0, decoder: 1, loss: 2 };
    const rank = (panel) => (panel.spec.name in ranks ? ranks[panel.spec.name] : 3);
    const comparison = stage.runs.length > 1, LOSS_ASPECT = 0.5;
    const PLANE_LEAST = 120, PLANE_MARGINS = 56, GAP = 14, COLUMNS = 36;  // (36: rows of 1, 2, 3 or 4)
    const planes = described.filter((panel) => panel.spec.name === "code");
    // A row of planes on one scale (every run's limits alike, none following its codes) and
    // no other kind two a row below (only the loss, across the page): one y axis, the first
    // plane's, its slot wider by the axis's room (page.panelKinds.code.Y_AXIS), the others'
    // ticks left out and the planes 8 px apart. At 640 px four planes with an axis each were
    // 83 px wide, no larger than two rows of two (84 px, cut at the fold): one shared axis
    // makes them 110 px or more, in one row on the first screen.
    const CodePanel = page.panelKinds.code, ROW_GAP = 8;
    const sameAxes = planes.every((p) => !p.run.follow.length
      && JSON.stringify(p.run.axes) === JSON.stringify(planes[0].run.axes));
    const shareable = comparison && sameAxes && described.every((p) => p.spec.name === "code" || p.spec.name === "loss");
    // The planes' width (px) in one row, and in two rows of two (as wide as half the
    // window allows, as tall as half the room under the header does, never under the least
    // height a panel keeps): one row where its planes are 120 px or more, or larger.
    const rowPlane = () => (shareable
      ? (grid.clientWidth - ROW_GAP * (planes.length - 1) - CodePanel.Y_AXIS) / planes.length - CodePanel.INNER_MARGINS
      : (grid.clientWidth - GAP * (planes.length - 1)) / planes.length - PLANE_MARGINS);
    const pairPlane = () => {
      const top = grid.getBoundingClientRect().top + window.scrollY, TITLE = 22, ROW = 8;
      const high = (window.innerHeight - top) / 2 - TITLE - ROW - CodePanel.TOP_BOTTOM;
      return Math.min((grid.clientWidth - GAP) / 2 - PLANE_MARGINS, Math.max(page.kit.LEAST_HEIGHT - CodePanel.TOP_BOTTOM, high));
    };
    const planesInOneRow = () => comparison && planes.length > 2 && planes.length <= 4
      && (rowPlane() >= PLANE_LEAST || rowPlane() > pairPlane());
    const rowsOf = () => {
      // By rank, then each kind together in the order kinds first come (runs in order: the
      // sort is stable); interleaved by run, a two-run comparison's recon and weights never
      // stood side by side with their own kind.
      const first = {};
      described.forEach((panel, i) => { if (!(panel.spec.name in first)) first[panel.spec.name] = i; });
      let order = [...described].sort((a, b) => rank(a) - rank(b) || first[a.spec.name] - first[b.spec.name]);
      let rows = [];
      const oneRow = planesInOneRow();
      if (oneRow) {  // (below)
        rows.push(order.filter((panel) => planes.includes(panel)));
        order = order.filter((panel) => !planes.includes(panel));
      }
      for (let i = 0; i < order.length; i += 2) {
        const pair = order.slice(i, i + 2), kind = pair[0].spec.name;
        // (a comparison's kinds each in rows of their own; a single run's plane and loss a pair)
        if (comparison && pair.length === 2 && pair[1].spec.name !== kind) { rows.push([pair[0]]); i -= 1; } else rows.push(pair);
      }
      // Three planes or more: the loss right after the planes' rows, before the runs' other
      // panels, and the caption between them (`lead` below).
      const planeRows = (list) => { const n = list.findIndex((row) => row[0].spec.name !== "code"); return n < 0 ? list.length : n; };
      const loss = rows.findIndex((row) => row[0].spec.name === "loss"), many = comparison && planes.length > 2;
      if (many && loss > planeRows(rows)) rows.splice(planeRows(rows), 0, ...rows.splice(loss, 1));
      // Two or three runs whose planes (code planes, else decoder sheets: denoising-vs-plain)
      // take the first row, the loss right after it: the loss stands at the row's end, as
      // the clip's beside its planes, and the caption under them (at 640x400 the loss was
      // below the fold, under the caption). Three only on one scale (one y axis: 84 px each
      // at 640x400; each with its own, 55). Four planes keep their row to themselves (on one
      // scale, 112 px each at 640x400; beside the loss they would be 70).
      const firstKind = rows[0][0].spec.name, next = rows.findIndex((row) => row[0].spec.name !== firstKind);
      const besideLoss = comparison && (rows[0].length === 2 || (rows[0].length === 3 && shareable)) && next === 1
        && rows[1][0].spec.name === "loss" && rows[0].every((panel) => panel.spec.name === firstKind);
      // A phone's window (375 px): two a row would leave each panel narrower than a main
      // panel is read at (the loss plot was 53 px wide, its readout over PCA's label): one a
      // row, in the same order, each across the window.
      const phone = (grid.clientWidth - GAP) / 2 < MAIN_WIDTH;
      if (phone) rows = rows.flat().map((panel) => [panel]);
      else if (besideLoss) rows.splice(0, 2, rows[0].concat(rows[1]));  // (the loss last)
      // `lead`: the rows before the caption: the first; a comparison of three planes or more,
      // every row of planes (the four planes compared together are the lesson). `fitted`:
      // those fitted to the first screen (a phone's first, its planes each across the window).
      const lead = many ? Math.max(1, planeRows(rows)) : 1;
      return { rows, lead, fitted: phone ? 1 : lead, lossBeside: besideLoss && !phone, phone };
    };
    const inPairs = () => {
      current = "pairs";
      grid.style.gridTemplateColumns = "repeat(" + COLUMNS + ", minmax(0, 1fr))";
      grid.style.columnGap = GAP + "px";
      const { rows, lead, fitted, lossBeside, phone } = rowsOf(), paired = new Set(rows.filter((r) => r.length === 2).map((r) => r[0].spec.name));
      // (A phone's one column: 36 columns' gaps alone are wider than its window.)
      if (phone) grid.style.gridTemplateColumns = "minmax(0, 1fr)";
      // The planes' columns in the first row, where the loss stands beside them: the loss a
      // third of the row beside two planes (12 of 36 columns), 15 beside three (at 640 px its
      // plot 164 px wide: PCA's key under it clear of the axis's title, where at 12 columns
      // it had no room and activations' caption reads "PCA's line").
      const planesBeside = rows[0].length - 1, lossSpan = planesBeside === 2 ? COLUMNS / 3 : 15;
      const planeSpan = lossBeside ? (COLUMNS - lossSpan) / planesBeside : COLUMNS / rows[0].length;
      // One row of planes on one scale (above): the first plane's columns wider by its y axis.
      const inFirst = rows[0].filter((panel) => planes.includes(panel)).length;
      const shared = shareable && inFirst === planes.length && planes.length > 2;
      for (const panel of planes) panel.row = shared ? planes : null;
      if (shared) {
        const firstColumns = planeSpan, gaps = ROW_GAP * (COLUMNS - 1) + CodePanel.Y_AXIS;
        const column = (extra) => "minmax(0, calc((100% - " + gaps + "px) / " + COLUMNS + " + " + extra + "px))";
        grid.style.gridTemplateColumns = Array.from({ length: COLUMNS }, (_, i) => column(i < firstColumns ? CodePanel.Y_AXIS / firstColumns : 0)).join(" ");
        grid.style.columnGap = ROW_GAP + "px";
      }
      let row = 1;
      stage.firstRow = rows.slice(0, fitted).flat();  // (fitted to the first screen)
      stage.captionApart = fitted < lead;  // (the caption not right under them: not fitted with them)
      rows.forEach((pair, i) => {
        const wide = i === 0 ? planeSpan : COLUMNS / pair.length;  // grid columns per panel
        pair.forEach((panel, j) => {
          const [, , width, height] = panel.spec.rect, lone = pair.length === 1, kin = lone && paired.has(panel.spec.name);
          const last = i === 0 && lossBeside && j === pair.length - 1;  // (the loss: the row's rest)
          panel.figure.style.gridColumn = lone ? "1 / -1" : (j * wide + 1) + " / " + (last ? "-1" : "span " + wide);
          panel.figure.style.gridRow = String(row);
          panel.figure.style.justifySelf = kin ? "center" : "";
          panel.figure.style.width = kin ? "calc((100% - 14px) / 2)" : "";  // one column's
          panel.aspect = lone && !kin ? height * pageHeight / (width * pageWidth) : 1;
          // (A comparison's loss across the page at least half as tall as wide: at
          // activations' strip proportions its three curves ran 150 px high.)
          if (lone && panel.spec.name === "loss") panel.aspect = Math.max(LOSS_ASPECT, panel.aspect);
          panel.share = i < lead ? 1 : 0.8;  // below the caption: at most 80 % of the window
          panel.room = window.innerHeight;
        });
        row += 1;
        if (i === lead - 1) caption.style.gridRow = String(row++);
      });
      return row;
    };
    const own = panels.filter((p) => !p.spec.rect);
    stage.arrange = () => { stage.firstRow = null; return arrange(own, described, asDescribed(), grid, false); };
    const oneRow = () => arrange(own, described, inOneRow(), grid, true);
    const pairs = () => arrange(own, described, inPairs(), grid, true);
    // Whether one row would leave a main panel narrower than MAIN_WIDTH.
    const rowNarrow = () => {
      const total = described.reduce((sum, p) => sum + widthOf(p), 0);
      const room = grid.clientWidth - 8 * (described.length - 1);
      return described.some((p) => MAIN.has(p.spec.name) && room * widthOf(p) / total < MAIN_WIDTH);
    };
    // A single run's flat decoder sheet beside its loss, the window's height narrowing its
    // plane under a key of two rows (denoising at 640x400: 142x87 px, 100 px of its 299 px
    // slot spare): its column as wide as its key beside the plane wants, the loss keeping
    // MAIN_WIDTH (plane 180x110 px, the loss 252 px wide). Where that would not give the
    // plane more (the sheet's plane()), the columns stay as described.
    const widen = () => {
      const sheet = described.find((p) => p.besideWidth), other = described.find((p) => p !== sheet);
      if (current !== "described" || stage.runs.length !== 1 || described.length !== 2 || xs.length !== 3 || !sheet || other.spec.name !== "loss") return false;
      const height = parseFloat(sheet.canvas.style.height), wanted = sheet.besideWidth(height);
      const gap = parseFloat(window.getComputedStyle(grid).columnGap) || 0;
      const width = Math.floor(Math.min(wanted || 0, grid.clientWidth - gap - MAIN_WIDTH));
      if (wanted === null || width <= sheet.figure.clientWidth || !sheet.plane(width, height).beside) return false;
      const first = sheet.spec.rect[0] < other.spec.rect[0];
      grid.style.gridTemplateColumns = first ? width + "px minmax(0, 1fr)" : "minmax(0, 1fr) " + width + "px";
      return true;
    };
    stage.fit = () => fit(described, description.caption ? caption : described, oneRow, panels, pairs, rowNarrow, widen);
  }

  // The described panels' room (the pixels for their canvases) such that the first screen
  // holds the header, the controls, the legend, the panels with their titles and axes, and the
  // caption: the chrome around the panels measured in the DOM as it is now (its lines wrap
  // with the window's width), so again at each layout. The bottom grows with the room, so
  // halving finds the largest room that fits (the canvases' heights set for the layout alone,
  // each panel drawn once at the end); where even LEAST_HEIGHT (kit.js) does not fit, the
  // panels take it and the page scrolls.
  function fit(described, last, oneRow, everyPanel, pairs, rowNarrow, widen) {
    if (!described.length) return;
    let ends = Array.isArray(last) ? last.map((p) => p.figure) : [last];
    const margin = parseFloat(window.getComputedStyle(document.body).paddingTop) || 0;
    const target = window.innerHeight - margin;
    const bottom = () => Math.max(...ends.map((e) => e.getBoundingClientRect().bottom + window.scrollY));
    const setRoom = (panels, room) => {
      for (const panel of panels) { panel.room = room; panel.canvas.style.height = panel.fitHeight() + "px"; }
    };
    // The largest room in [low, high] at which `panels` keep the bottom within `limit`.
    const largest = (panels, low, high, limit) => {
      setRoom(panels, high);
      if (bottom() <= limit) return high;
      while (high - low > 2) {
        const middle = (low + high) / 2;
        setRoom(panels, middle);
        if (bottom() <= limit) low = middle; else high = middle;
      }
      setRoom(panels, low);
      return low;
    };
    let room = largest(described, 0, window.innerHeight, target);
    // Where the description's layout leaves a main panel too narrow, or (a single run) does
    // not fit and one row would leave one too narrow: two a row, the first row fitted to the
    // first screen. (A comparison that is only too tall keeps its grid and scrolls.)
    const narrow = described.some((p) => MAIN.has(p.spec.name) && p.figure.clientWidth < MAIN_WIDTH);
    const single = stage.runs.length === 1;
    if (described.length > 1 && (narrow || (single && bottom() > target && rowNarrow()))) {
      pairs();
      // The first row (a comparison of three planes or more: its rows of planes), and a
      // comparison's caption under it (its lesson on the first screen with a panel of two
      // runs; on a phone a comparison's caption comes after its planes, each across the
      // window: not fitted with the first). A single run's caption too where its plane and
      // loss keep LEAST_HEIGHT with it (at 640x400 seed-default's caption began 10 px
      // below the fold); else they keep the room and the caption may be below (fitted
      // with a two-line title and a long caption, its plane was 65 px high).
      const rowEnds = stage.firstRow.map((p) => p.figure);
      const captionEnd = Array.isArray(last) || stage.captionApart ? [] : [last];
      ends = rowEnds.concat(captionEnd);
      room = largest(stage.firstRow, 0, window.innerHeight, target);
      if (bottom() > target && captionEnd.length && single) {
        ends = rowEnds;
        room = largest(stage.firstRow, 0, window.innerHeight, target);
      }
      for (const panel of stage.firstRow) largest([panel], room, window.innerHeight, Math.max(target, bottom()));
      // A comparison's later rows: each panel as large as the first row's of its kind, so
      // one scale reads alike in every row (the optimizers' RMSProp and Adam planes were
      // drawn larger than SGD's and Momentum's, one unit 110 px against 60).
      if (!single) {
        for (const panel of described) {
          const alike = stage.firstRow.find((p) => p.spec.name === panel.spec.name);
          if (alike && !stage.firstRow.includes(panel)) { panel.room = alike.room; panel.share = alike.share; }
        }
      }
      for (const panel of everyPanel) if (!stage.firstRow.includes(panel)) panel.resize();
      for (const panel of stage.firstRow) panel.resize();
      return;
    }
    // Where the description's layout does not fit, the panels in one row, if that fits.
    // (The page's own panels, below the caption, resized once the layout is chosen.)
    if (bottom() > target && described.length > 1 && stage.runs.length === 1 && window.innerHeight >= ROW_HEIGHT) {
      oneRow();
      room = largest(described, 0, window.innerHeight, target);
      // Kept where it fits and every panel's title stays whole beside what it adds on its
      // line at this step (a sparse run's readout, a key): else the description's stacks.
      // At the first step and the last (readouts grow as the run goes: "|w| up to 35.7").
      const whole = () => {
        const index = stage.index, moments = [index, stage.steps.length - 1];
        for (const panel of described) panel.resize();
        const fine = moments.every((at) => { stage.index = at; stage.redraw(); return described.every((p) => p.whole()); });
        stage.index = index;
        return fine;
      };
      if (bottom() > target || !whole()) { stage.arrange(); room = largest(described, 0, window.innerHeight, target); }
      for (const panel of everyPanel) if (!panel.spec.rect) panel.resize();
    }
    // Then each panel as large as it can be without moving the bottom (a code plane beside
    // two stacked panels fills their height), the bottom where it is if even the least
    // did not fit.
    const limit = Math.max(target, bottom());
    for (const panel of described) largest([panel], room, window.innerHeight, limit);
    if (widen()) {  // (kept only where no panel's height, so the bottom, moves)
      const heights = described.map((p) => p.canvas.style.height);
      for (const panel of described) panel.canvas.style.height = panel.fitHeight() + "px";
      if (bottom() > limit || described.some((p, i) => p.canvas.style.height !== heights[i])) {
        stage.arrange();
        for (const panel of described) largest([panel], room, window.innerHeight, limit);
      }
    }
    for (const panel of described) panel.resize();
  }

  // The page's own panels in rows from `first` on: each under its run's code plane (runs whose
  // planes share a column, a grid of four, one under the other), where that column is at
  // least OWN_WIDTH pixels wide now; else each across the page (a narrow window: side by side
  // they would be too small to read). Again at each layout (the window's width changes).
  function arrange(own, described, first, grid, rowed) {
    const below = new Map(), across = [];
    for (const panel of own) {
      const code = described.find((p) => p.spec.name === "code" && p.spec.run === panel.spec.run);
      if (!code || rowed || code.spec.rect[2] * grid.clientWidth < OWN_WIDTH) { across.push(panel); continue; }
      const column = code.figure.style.gridColumn, row = below.get(column) || first;
      below.set(column, row + 1);
      panel.figure.style.gridColumn = column;
      panel.figure.style.gridRow = String(row);
    }
    let row = Math.max(first, ...below.values());
    for (const panel of across) {
      panel.figure.style.gridColumn = "1 / -1";
      panel.figure.style.gridRow = String(row++);
    }
  }
})();
