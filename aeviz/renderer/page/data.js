// data.js: the runs packed by pack.py (numbers as base64 little-endian binary, texts as JSON)
// decoded into fresh objects; the packed JSON is read, never changed.
page.data = (() => {
  const QUANT = 32767;     // codes are int16 on the run's fixed axes: [-QUANT, QUANT]
  const MISSING = -32768;  // a code that was not finite
  const TYPES = { u1: Uint8Array, i2: Int16Array, i4: Int32Array, f4: Float32Array, f8: Float64Array };

  function decodeArray(text, dtype) {
    const raw = atob(text), bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return new TYPES[dtype](bytes.buffer);
  }

  // The code of sample i at used snapshot k, in the plane's display coordinates (the raw
  // code, or its symmetric log for a run that blows up), or null where it was not finite.
  function displayCode(run, k, i) {
    const base = (k * run.n + i) * 2, qx = run.codes[base], qy = run.codes[base + 1];
    if (qx === MISSING || qy === MISSING) return null;
    return [run.low[0] + (qx + QUANT) / (2 * QUANT) * run.span[0],
      run.low[1] + (qy + QUANT) / (2 * QUANT) * run.span[1]];
  }

  // The indexes of the samples of each class value.
  function members(labels, classes) {
    const lists = new Map(classes.map((c) => [c.value, []]));
    labels.forEach((value, sample) => lists.get(value).push(sample));
    return lists;
  }

  function decodeRun(packed, number, layersOf) {
    const labels = decodeArray(packed.labels, "i4");
    const hover = decodeArray(packed.hover, "i4");
    const hoverX = decodeArray(packed.hoverX, "f4");
    const lists = members(labels, packed.classes);
    const classes = packed.classes.map((c) => Object.freeze({ ...c, members: Int32Array.from(lists.get(c.value)) }));
    const limits = packed.axes.limits;
    let low = Infinity, high = -Infinity;
    for (const v of hoverX) { if (v < low) low = v; if (v > high) high = v; }
    return Object.freeze({
      ...packed, number, labels, hover, hoverX, classes,
      timeline: decodeArray(packed.timeline, "f8"),
      loss: decodeArray(packed.loss, "f8"),
      pca: decodeArray(packed.pca || "", "f4"),
      codes: decodeArray(packed.codes, "i2"),
      params: decodeArray(packed.params, "f4"),
      largest: decodeArray(packed.largest, "f4"),
      largestEdge: decodeArray(packed.largestEdge, "f4"),
      follow: decodeArray(packed.follow, "f8"),
      terms: decodeArray(packed.terms, "f8"),
      logvarParams: decodeArray(packed.logvarParams, "f4"),
      objective: decodeArray(packed.objective, "f8"),
      region: decodeArray(packed.region, "u1"),
      noisy: decodeArray(packed.noisy, "f8"),
      projected: decodeArray(packed.projection.data, "f4"),
      hoverRow: new Map(Array.from(hover, (sample, row) => [sample, row])),
      classByValue: new Map(classes.map((c) => [c.value, c])),
      layers: layersOf(packed.layerSizes, packed.activations),
      low: [limits[0][0], limits[1][0]],
      span: [limits[0][1] - limits[0][0], limits[1][1] - limits[1][0]],
      xRange: [low, high > low ? high : low + 1]
    });
  }

  // Sample `sample`'s data (when it responds to the pointer), else null.
  function sampleX(run, sample) {
    const row = run.hoverRow.get(sample);
    return row === undefined ? null : run.hoverX.subarray(row * run.d, (row + 1) * run.d);
  }

  return { QUANT, MISSING, decodeArray, decodeRun, displayCode, sampleX };
})();
