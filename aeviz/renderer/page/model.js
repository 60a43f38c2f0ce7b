// model.js: the autoencoder's forward pass with a snapshot's parameters, the arithmetic of
// aeviz.training.model (z = a W^T + b, a = act(z)), and the error's gradient with respect to
// a code (model.code_gradients: the pull arrows). The activations are the one table of
// activations.js (aevizActivations), shared with the network that retrains.
/* global aevizActivations */
page.model = (() => {
  // Where each layer's weights and biases sit in a snapshot's flat parameter row.
  function layout(sizes, names) {
    const table = aevizActivations, layers = [];
    let offset = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const ins = sizes[l], outs = sizes[l + 1];
      layers.push({ ins, outs, w: offset, b: offset + ins * outs, act: table[names[l]], name: names[l] });
      offset += ins * outs + outs;
    }
    return layers;
  }

  // One dense layer: act(a W^T + b), its parameters at params[base + layer.w / layer.b].
  function dense(layer, params, base, a, act) {
    const out = new Array(layer.outs);
    for (let o = 0; o < layer.outs; o++) {
      let z = params[base + layer.b + o];
      const row = base + layer.w + o * layer.ins;
      for (let j = 0; j < layer.ins; j++) z += a[j] * params[row + j];
      out[o] = act(z);
    }
    return out;
  }

  // Every layer's output from layer `from` up to (not including) `to`, for `input`,
  // parameters from params[base..]: [input, a1, a2, ...].
  function outputs(layers, params, base, input, from, to) {
    const all = [Array.from(input)];
    for (let l = from; l < (to === undefined ? layers.length : to); l++) {
      all.push(dense(layers[l], params, base, all[all.length - 1], layers[l].act.fn));
    }
    return all;
  }

  function forward(layers, params, base, input, from, to) {
    const all = outputs(layers, params, base, input, from, to);
    return all[all.length - 1];
  }

  // d(the reconstruction's mean squared error against x)/d(code): the decoder run on the
  // code, its error backpropagated to the code (model.code_gradients).
  function codeGradient(layers, params, base, code, x, from) {
    const all = outputs(layers, params, base, code, from);
    let delta = all[all.length - 1].map((y, i) => (y - x[i]) * 2 / x.length);
    for (let l = layers.length - 1; l >= from; l--) {
      const layer = layers[l], a = all[l - from + 1], row = base + layer.w;
      delta = delta.map((g, o) => g * layer.act.slope(a[o]));
      const back = new Array(layer.ins).fill(0);
      for (let o = 0; o < layer.outs; o++) {
        for (let j = 0; j < layer.ins; j++) back[j] += delta[o] * params[row + o * layer.ins + j];
      }
      delta = back;
    }
    return delta;
  }

  // A run's model at used snapshot k.
  function reconstruct(run, k, input) { return forward(run.layers, run.params, k * run.paramCount, input, 0); }
  function decode(run, k, code) { return forward(run.layers, run.params, k * run.paramCount, code, run.codeLayer); }
  function pull(run, k, code, x) {
    return codeGradient(run.layers, run.params, k * run.paramCount, code, x, run.codeLayer).map((g) => -g);
  }
  // A VAE's log-variance of the code for input x: the encoder up to the code layer's input,
  // then the linear log-variance half of the code layer (W_logvar, b_logvar).
  function logVariance(run, k, x) {
    const a = forward(run.layers, run.params, k * run.paramCount, x, 0, run.codeLayer - 1);
    const ins = a.length, base = k * (2 * ins + 2);
    const layer = { ins, outs: 2, w: 0, b: 2 * ins };
    return dense(layer, run.logvarParams, base, a, (z) => z);
  }

  return { layout, forward, codeGradient, reconstruct, decode, pull, logVariance };
})();
