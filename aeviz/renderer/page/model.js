// model.js: the autoencoder's forward pass with a snapshot's parameters, the arithmetic of
// aeviz.training.model.forward (z = a W^T + b, a = act(z)); the activations by name, with
// leaky_relu's slope as the model's (shipped in the data, never written here).
page.model = (() => {
  function activations(leak) {
    return {
      identity: (z) => z,
      sigmoid: (z) => 1 / (1 + Math.exp(-z)),
      tanh: Math.tanh,
      relu: (z) => (z > 0 ? z : 0),
      leaky_relu: (z) => (z > 0 ? z : leak * z)
    };
  }

  // Where each layer's weights and biases sit in a snapshot's flat parameter row.
  function layout(sizes, names, leak) {
    const table = activations(leak), layers = [];
    let offset = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const ins = sizes[l], outs = sizes[l + 1];
      layers.push({ ins, outs, w: offset, b: offset + ins * outs, act: table[names[l]], name: names[l] });
      offset += ins * outs + outs;
    }
    return layers;
  }

  // The output of layers `from`.. for `input`, parameters from params[base..].
  function forward(layers, params, base, input, from) {
    let a = Array.from(input);
    for (let l = from; l < layers.length; l++) {
      const layer = layers[l], out = new Array(layer.outs);
      for (let o = 0; o < layer.outs; o++) {
        let z = params[base + layer.b + o];
        const row = base + layer.w + o * layer.ins;
        for (let j = 0; j < layer.ins; j++) z += a[j] * params[row + j];
        out[o] = layer.act(z);
      }
      a = out;
    }
    return a;
  }

  // A run's model at used snapshot k.
  function reconstruct(run, k, input) { return forward(run.layers, run.params, k * run.paramCount, input, 0); }
  function decode(run, k, code) { return forward(run.layers, run.params, k * run.paramCount, code, run.codeLayer); }

  return { activations, layout, forward, reconstruct, decode };
})();
