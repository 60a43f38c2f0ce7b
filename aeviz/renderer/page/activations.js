// activations.js: the activations of aeviz/training/model.py by name, each beside its
// derivative written in terms of its output a, as the model writes them; the one table of
// the page's forward pass (model.js) and of the network that retrains (live/nn.js), in the
// page and in its Worker. leaky_relu's slope is the model's LEAK, which the template puts in
// as AEVIZ_LEAK (see template.shared_script), never written here.
/* global AEVIZ_LEAK */
/* exported aevizActivations */
const aevizActivations = Object.freeze({
  identity: { fn: (z) => z, slope: () => 1 },
  // 1 / (1 + exp(-z)) as (1 + tanh(z / 2)) / 2: the model's form, which cannot overflow
  sigmoid: { fn: (z) => (Math.tanh(z * 0.5) + 1) * 0.5, slope: (a) => (1 - a) * a },
  tanh: { fn: Math.tanh, slope: (a) => 1 - a * a },
  // NaN passes through, as through numpy's maximum
  relu: { fn: (z) => (z > 0 || Number.isNaN(z) ? z : 0), slope: (a) => (a > 0 ? 1 : 0) },
  leaky_relu: { fn: (z) => Math.max(z, AEVIZ_LEAK * z), slope: (a) => (a > 0 ? 1 : AEVIZ_LEAK) }
});
