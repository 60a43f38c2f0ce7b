/* aeviz's network and optimizers in JavaScript, float64: the arithmetic of
 * aeviz/training/model.py, objectives.py and optim.py, step for step and in the same order,
 * so that the page retrains what `aeviz train` trains (with dtype = "float64").
 *
 * Layer l computes z = a_prev W^T + b and a = act(z), W of shape [out, in]. All weights and
 * biases live in one flat Float64Array `params` (per layer W row by row, then b; a variational
 * network's log-variance layer after all the others), and so do their gradients; matrices
 * of a batch are row-major Float64Arrays [rows, units].
 */
/* global module, aevizActivations */

const aevizNet = (() => {
  const ACTIVATIONS = aevizActivations;  // activations.js, loaded before

  function parameterCount(layers) {
    let count = 0;
    for (let l = 1; l < layers.length; l++) count += layers[l] * (layers[l - 1] + 1);
    return count;
  }

  /** out[rows, w.out] = a[rows, in] W^T + b, W and b at their offsets in `params`. (Four
   * partial sums, as a BLAS keeps several: the order of the additions is not numpy's either.) */
  function affine(a, rows, nIn, params, wAt, bAt, nOut, out) {
    const whole = nIn - (nIn % 4);
    for (let r = 0; r < rows; r++) {
      const aRow = r * nIn;
      for (let j = 0; j < nOut; j++) {
        const wRow = wAt + j * nIn;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, k = 0;
        for (; k < whole; k += 4) {
          s0 += a[aRow + k] * params[wRow + k];
          s1 += a[aRow + k + 1] * params[wRow + k + 1];
          s2 += a[aRow + k + 2] * params[wRow + k + 2];
          s3 += a[aRow + k + 3] * params[wRow + k + 3];
        }
        for (; k < nIn; k++) s0 += a[aRow + k] * params[wRow + k];
        out[r * nOut + j] = (s0 + s1) + (s2 + s3) + params[bAt + j];
      }
    }
    return out;
  }

  /** grads[W] = delta^T a_prev and grads[b] = column sums of delta. */
  function weightGrads(delta, a, rows, nIn, nOut, grads, wAt, bAt) {
    grads.fill(0, wAt, wAt + nOut * nIn);
    grads.fill(0, bAt, bAt + nOut);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < nOut; j++) {
        const d = delta[r * nOut + j];
        const wRow = wAt + j * nIn, aRow = r * nIn;
        for (let k = 0; k < nIn; k++) grads[wRow + k] += d * a[aRow + k];
        grads[bAt + j] += d;
      }
    }
  }

  /** out[rows, in] (+)= delta[rows, out] W: row by row of W, which is contiguous. */
  function backThrough(delta, rows, nOut, params, wAt, nIn, out, accumulate) {
    if (!accumulate) out.fill(0);
    for (let r = 0; r < rows; r++) {
      const outRow = r * nIn;
      for (let j = 0; j < nOut; j++) {
        const d = delta[r * nOut + j], wRow = wAt + j * nIn;
        for (let k = 0; k < nIn; k++) out[outRow + k] += d * params[wRow + k];
      }
    }
  }

  class Autoencoder {
    /** `variationalCode`: the code layer's index for a VAE, else null. Initial weights
     * Glorot/Xavier uniform from `rng` (aevizRandom's Generator), layer by layer, the
     * log-variance layer last, biases 0: as aeviz draws them. */
    constructor(layers, activations, rng, variationalCode = null) {
      this.layers = layers.slice();
      this.activations = activations.slice();
      this.variationalCode = variationalCode;
      this.wAt = [];
      this.bAt = [];
      let offset = 0;
      for (let l = 1; l < layers.length; l++) {
        this.wAt.push(offset);
        offset += layers[l] * layers[l - 1];
        this.bAt.push(offset);
        offset += layers[l];
      }
      if (variationalCode !== null) {
        this.logvarW = offset;
        offset += layers[variationalCode] * layers[variationalCode - 1];
        this.logvarB = offset;
        offset += layers[variationalCode];
      }
      this.params = new Float64Array(offset);
      this.grads = new Float64Array(offset);
      const drawn = this.wAt.map((at, l) => [at, layers[l + 1], layers[l]]);
      if (variationalCode !== null) {
        drawn.push([this.logvarW, layers[variationalCode], layers[variationalCode - 1]]);
      }
      for (const [at, nOut, nIn] of drawn) {
        const limit = Math.sqrt(6.0 / (nOut + nIn));
        for (let i = 0; i < nOut * nIn; i++) this.params[at + i] = rng.uniform(-limit, limit);
      }
      this.sampled = null;
    }

    /** Every layer's activations for the rows of x, the input first. A VAE decodes its means
     * unless `noise` ([rows, code] standard normal draws) is given: then mean +
     * exp(logvar / 2) * noise, with (mean, logvar, noise) kept for the backward pass. */
    forward(x, rows, noise = null) {
      return this.forwardFrom(x, rows, 0, noise);
    }

    /** The same from layer `from`'s activations a (e.g. codes, from the code layer) on:
     * [a, ..., the output] (or up to layer `to`'s). */
    forwardFrom(a, rows, from, noise = null, to = this.layers.length - 1) {
      const outputs = [a], layers = this.layers;
      for (let l = from; l < to; l++) {
        const nIn = layers[l], nOut = layers[l + 1], aPrev = outputs[outputs.length - 1];
        const z = affine(aPrev, rows, nIn, this.params, this.wAt[l], this.bAt[l], nOut,
                         new Float64Array(rows * nOut));
        const fn = ACTIVATIONS[this.activations[l]].fn;
        for (let i = 0; i < z.length; i++) z[i] = fn(z[i]);
        outputs.push(noise !== null && l + 1 === this.variationalCode
          ? this.sample(aPrev, rows, nIn, z, noise) : z);
      }
      return outputs;
    }

    sample(aPrev, rows, nIn, mean, noise) {
      const nOut = this.layers[this.variationalCode];
      const logvar = affine(aPrev, rows, nIn, this.params, this.logvarW, this.logvarB, nOut,
                            new Float64Array(rows * nOut));
      this.sampled = {mean, logvar, noise};
      const code = new Float64Array(mean.length);
      for (let i = 0; i < code.length; i++) code[i] = Math.exp(logvar[i] * 0.5) * noise[i] + mean[i];
      return code;
    }

    /** Fill this.grads with the gradient of the batch objective; return the batch MSE (see
     * model.Autoencoder.backward: MSE, + codeL1 * mean_rows sum |code|, + a sampled VAE's
     * beta * mean_rows KL). `target`: the clean batch when the input was corrupted. */
    backward(outputs, rows, target = null, codeL1 = 0, codeLayer = 0, beta = 0) {
      const layers = this.layers, last = layers.length - 1;
      const x = target === null ? outputs[0] : target, reconstruction = outputs[last];
      const size = rows * layers[last];
      let delta = new Float64Array(size), squares = 0;
      for (let i = 0; i < size; i++) {
        delta[i] = reconstruction[i] - x[i];
        squares += delta[i] * delta[i];
      }
      const mse = squares / size, scale = 2.0 / size;
      for (let i = 0; i < size; i++) delta[i] *= scale;
      this.timesSlope(delta, reconstruction, last - 1);
      const sampled = this.sampled !== null;
      for (let l = last - 1; l >= 0; l--) {
        const nIn = layers[l], nOut = layers[l + 1], aPrev = outputs[l];
        weightGrads(delta, aPrev, rows, nIn, nOut, this.grads, this.wAt[l], this.bAt[l]);
        if (l === 0) break;
        const down = new Float64Array(rows * nIn);
        backThrough(delta, rows, nOut, this.params, this.wAt[l], nIn, down, false);
        delta = down;
        if (sampled && l === this.variationalCode - 1) {  // the log-variance half's share
          backThrough(this.logvarDelta, rows, layers[this.variationalCode], this.params,
                      this.logvarW, nIn, delta, true);
        }
        if (codeL1 && l === codeLayer) {  // d(l1 * mean_rows sum|code|)/dcode
          const share = codeL1 / rows;
          for (let i = 0; i < delta.length; i++) delta[i] += Math.sign(aPrev[i]) * share;
        }
        if (l === codeLayer) this.codeGradient = Float64Array.from(delta);  // d(objective)/dcode
        if (sampled && l === this.variationalCode) this.logvarBackward(delta, outputs[l - 1], rows, beta);
        this.timesSlope(delta, aPrev, l - 1);
      }
      this.sampled = null;
      return mse;
    }

    /** At the sampled code: the log-variance layer's gradients, and delta (dL/dcode) turned
     * into dL/dmean, both with the KL term's share. */
    logvarBackward(delta, aPrev, rows, beta) {
      const {mean, logvar, noise} = this.sampled;
      const nOut = this.layers[this.variationalCode], nIn = this.layers[this.variationalCode - 1];
      const dLogvar = new Float64Array(delta.length), klShare = (beta / rows) * 0.5;
      for (let i = 0; i < delta.length; i++) {
        const std = Math.exp(0.5 * logvar[i]);
        dLogvar[i] = delta[i] * noise[i] * std * 0.5 + klShare * (std * std - 1.0);
      }
      weightGrads(dLogvar, aPrev, rows, nIn, nOut, this.grads, this.logvarW, this.logvarB);
      const meanShare = beta / rows;
      for (let i = 0; i < delta.length; i++) delta[i] += meanShare * mean[i];  // KL's d/dmean
      this.logvarDelta = dLogvar;
    }

    timesSlope(delta, a, layer) {
      const name = this.activations[layer];
      if (name === "identity") return;
      const slope = ACTIVATIONS[name].slope;
      for (let i = 0; i < delta.length; i++) delta[i] *= slope(a[i]);
    }

    /** The RMSE over the n rows of x and every row's code (float64), one forward pass in
     * chunks of 1024 rows whose squared errors are added in order, as aeviz evaluates. */
    evaluate(x, n, codeLayer) {
      const d = this.layers[0], width = this.layers[codeLayer], chunk = 1024;
      const codes = new Float64Array(n * width);
      let squared = 0;
      for (let start = 0; start < n; start += chunk) {
        const rows = Math.min(chunk, n - start);
        const part = x.subarray(start * d, (start + rows) * d);
        const outputs = this.forward(part, rows);
        codes.set(outputs[codeLayer], start * width);
        const reconstruction = outputs[outputs.length - 1];
        let sum = 0;
        for (let i = 0; i < part.length; i++) {
          const error = reconstruction[i] - part[i];
          sum += error * error;
        }
        squared += sum;
      }
      return {rmse: Math.sqrt(squared / (n * d)), codes};
    }

    /** A VAE's KL term over the n rows of x (the recorded one): the mean over rows of
     * KL(N(mean, exp(logvar)) || N(0, 1)), summed over the code neurons. */
    klTerm(x, n) {
      const code = this.variationalCode, nIn = this.layers[code - 1], nOut = this.layers[code];
      const encoded = this.forwardFrom(x, n, 0, null, code - 1)[code - 1];
      const mean = affine(encoded, n, nIn, this.params, this.wAt[code - 1], this.bAt[code - 1], nOut,
                          new Float64Array(n * nOut));
      const logvar = affine(encoded, n, nIn, this.params, this.logvarW, this.logvarB, nOut,
                            new Float64Array(n * nOut));
      let sum = 0;
      for (let i = 0; i < mean.length; i++) sum += -0.5 * (1 + logvar[i] - mean[i] * mean[i] - Math.exp(logvar[i]));
      return sum / n;
    }
  }

  // ---- optimizers (optim.py): each a tiny class updating `params` in place ----

  /** g + weightDecay * theta (PyTorch's coupled L2), or g itself without decay. */
  function coupled(decay, params, grads) {
    if (!decay) return grads;
    const out = new Float64Array(grads.length);
    for (let i = 0; i < out.length; i++) out[i] = params[i] * decay + grads[i];
    return out;
  }

  class SGD {
    constructor(size, train) {
      this.lr = train.learning_rate;
      this.decay = train.decay;
    }

    step(params, grads) {
      const g = coupled(this.decay, params, grads);
      for (let i = 0; i < params.length; i++) params[i] -= g[i] * this.lr;
    }
  }

  class Momentum {
    constructor(size, train) {
      this.lr = train.learning_rate;
      this.beta1 = train.beta1;
      this.dampening = train.dampening;
      this.decay = train.decay;
      this.m = new Float64Array(size);
    }

    step(params, grads) {
      const g = coupled(this.decay, params, grads), m = this.m, weight = 1 - this.dampening;
      for (let i = 0; i < params.length; i++) {
        m[i] = m[i] * this.beta1 + g[i] * weight;
        params[i] -= m[i] * this.lr;
      }
    }
  }

  class RMSProp {
    constructor(size, train) {
      this.lr = train.learning_rate;
      this.beta2 = train.beta2;
      this.eps = train.eps;
      this.decay = train.decay;
      this.v = new Float64Array(size);
    }

    step(params, grads) {
      const g = coupled(this.decay, params, grads), v = this.v, weight = 1 - this.beta2;
      for (let i = 0; i < params.length; i++) {
        v[i] = v[i] * this.beta2 + g[i] * g[i] * weight;
        params[i] -= (g[i] / (Math.sqrt(v[i]) + this.eps)) * this.lr;
      }
    }
  }

  class Adam {
    constructor(size, train) {
      this.lr = train.learning_rate;
      this.beta1 = train.beta1;
      this.beta2 = train.beta2;
      this.eps = train.eps;
      this.decay = train.decay;
      this.m = new Float64Array(size);
      this.v = new Float64Array(size);
      this.t = 0;
    }

    step(params, grads) {
      this.adamStep(params, coupled(this.decay, params, grads));
    }

    adamStep(params, g) {
      this.t += 1;
      const m = this.m, v = this.v;
      const weight1 = 1 - this.beta1, weight2 = 1 - this.beta2;
      const correction2 = 1 - this.beta2 ** this.t;
      const stepSize = this.lr / (1 - this.beta1 ** this.t);
      for (let i = 0; i < params.length; i++) {
        m[i] = m[i] * this.beta1 + g[i] * weight1;
        v[i] = v[i] * this.beta2 + g[i] * g[i] * weight2;
        params[i] -= (m[i] / (Math.sqrt(v[i] / correction2) + this.eps)) * stepSize;
      }
    }
  }

  /** Adam with decoupled weight decay: theta *= 1 - lr * decay, then Adam's step. */
  class AdamW extends Adam {
    step(params, grads) {
      if (this.decay) {
        const shrink = 1 - this.lr * this.decay;
        for (let i = 0; i < params.length; i++) params[i] *= shrink;
      }
      this.adamStep(params, grads);
    }
  }

  const OPTIMIZERS = {sgd: SGD, momentum: Momentum, rmsprop: RMSProp, adam: Adam, adamw: AdamW};

  /** The weight decay in force (Train.decay): as given, else AdamW's 0.01, else 0. */
  function decayOf(train) {
    if (train.weight_decay !== undefined && train.weight_decay !== null) return train.weight_decay;
    return train.optimizer === "adamw" ? 0.01 : 0.0;
  }

  /** The optimizer `train.optimizer` names, for `size` parameters. `train`: the experiment's
   * [train] table (dampening written out: its default is beta1). */
  function makeOptimizer(size, train) {
    const settings = Object.assign({}, train, {decay: decayOf(train)});
    if (settings.dampening === undefined || settings.dampening === null) settings.dampening = settings.beta1;
    return new OPTIMIZERS[train.optimizer](size, settings);
  }

  /** The batch with Gaussian noise of std `noise` added, then each entry zeroed with
   * probability `masking`: normal draws, then uniform ones, row by row, only for what is on
   * (objectives.corrupt). */
  function corrupt(batch, rng, noise, masking) {
    const out = Float64Array.from(batch);
    if (noise) for (let i = 0; i < out.length; i++) out[i] += noise * rng.standardNormal();
    if (masking) {
      for (let i = 0; i < out.length; i++) if (rng.random() < masking) out[i] = 0.0;
    }
    return out;
  }

  return {ACTIVATIONS, Autoencoder, OPTIMIZERS, makeOptimizer, decayOf, corrupt,
          parameterCount};
})();

if (typeof module !== "undefined") module.exports = aevizNet;
