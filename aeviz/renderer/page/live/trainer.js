/* aeviz's training loop in JavaScript (aeviz/training/loop.py), one mini-batch at a time:
 * the same streams (default_rng(seed) for the initial weights then every epoch's shuffle,
 * default_rng([seed, 1]) for the corruption, default_rng([seed, 2]) for a VAE's epsilon), the
 * same steps, the same evaluation after every epoch, the same stop rule (epochs, epsilon,
 * divergence) and the same record (record.every, record.batches). Runs in the page's Web
 * Worker, and in node for tests.
 */
/* global aevizRandom, aevizNet, module */

const aevizTrainer = (() => {
  const random = aevizRandom, net = aevizNet;  // rng.js and nn.js, loaded before
  const CORRUPTION_STREAM = 1, SAMPLING_STREAM = 2;  // objectives.py's spawn keys

  /** One activation name per weight layer (Model.activations): the output override applied,
   * a variational code layer linear. */
  function activationsOf(model) {
    const count = model.layers.length - 1;
    const names = typeof model.activation === "string" ? new Array(count).fill(model.activation)
      : model.activation.slice();
    if (model.output_activation) names[count - 1] = model.output_activation;
    if (model.variational) names[model.code_layer - 1] = "identity";
    return names;
  }

  /** The index of the code layer: model.code_layer, else the one hidden layer of 2. */
  function codeLayerOf(model) {
    if (model.code_layer !== undefined && model.code_layer !== null) return model.code_layer;
    const twos = [];
    for (let i = 1; i + 1 < model.layers.length; i++) if (model.layers[i] === 2) twos.push(i);
    if (twos.length !== 1) {
      throw new Error(twos.length ? "model.code_layer: missing: several hidden layers have 2 neurons"
        : "model.layers: needs a hidden layer of exactly 2 neurons (the code layer)");
    }
    return twos[0];
  }

  /** Float32-finite: what aeviz records is float32, so a value past its range is not finite. */
  function finite32(values) {
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(Math.fround(values[i]))) return false;
    return true;
  }

  class Training {
    /** `experiment`: the experiment as plain data (its model, train and record tables);
     * `x`: the n x d data, row-major float64. */
    constructor(experiment, x, n) {
      const model = experiment.model, train = experiment.train;
      this.train = train;
      this.every = (experiment.record || {}).every || 1;
      this.batches = (experiment.record || {}).batches || 0;
      this.x = x;
      this.n = n;
      this.d = model.layers[0];
      this.codeLayer = codeLayerOf(model);
      const variational = Boolean(model.variational);
      this.noise = train.noise || 0;
      this.masking = train.masking || 0;
      this.codeL1 = train.code_l1 || 0;
      this.beta = variational ? (train.beta === undefined || train.beta === null ? 1.0 : train.beta)
        : null;
      this.rng = random.defaultRng(train.seed);
      const names = activationsOf(Object.assign({}, model, {code_layer: this.codeLayer}));
      this.net = new net.Autoencoder(model.layers, names, this.rng,
                                     variational ? this.codeLayer : null);
      this.optimizer = net.makeOptimizer(this.net.params.length, train);
      this.corruption = this.noise || this.masking
        ? random.defaultRng([train.seed, CORRUPTION_STREAM]) : null;
      this.sampling = variational ? random.defaultRng([train.seed, SAMPLING_STREAM]) : null;
      this.stepsPerEpoch = Math.ceil(n / train.batch_size);
      this.steps = 0;     // optimizer steps taken
      this.record = [];  // committed snapshots, in step order
      this.epoch = 1;    // the epoch in progress
      this.order = null;
      this.start = 0;
      this.held = [];
      this.blowUp = [];
      this.stopReason = null;
      this.lastPull = null;
      this.last = this.snapshot(0);
      if (!this.recordable(this.last)) {
        throw new Error("data: the untrained network's loss or codes on this data are not finite");
      }
      this.commit(this.last);
    }

    /** The network now: its RMSE over x, every sample's code, a copy of the parameters and
     * the objective's other terms (code_l1, a VAE's KL) as aeviz records them. */
    snapshot(epoch) {
      const {rmse, codes} = this.net.evaluate(this.x, this.n, this.codeLayer);
      const stored = Float32Array.from(codes), terms = [];
      if (this.codeL1) {
        let sum = 0;
        for (const value of stored) sum += Math.abs(value);
        terms.push(sum / this.n);
      }
      if (this.beta !== null) terms.push(this.net.klTerm(this.x, this.n));
      return {epoch, step: this.steps, rmse, codes: stored, terms,
              params: Float32Array.from(this.net.params),
              // a VAE whose KL overflows has diverged, as one whose loss does
              finite: finite32(codes) && finite32(this.net.params) && finite32(terms)};
    }

    /** Add a snapshot to the record. Only the newest keeps its codes and parameters (the
     * page draws those): memory stays flat however long the run. */
    commit(snapshot) {
      const previous = this.record[this.record.length - 1];
      if (previous && previous !== this.last) {
        previous.codes = null;
        previous.params = null;
      }
      this.record.push(snapshot);
    }

    recordable(snapshot) {
      return Number.isFinite(snapshot.rmse) && snapshot.finite;
    }

    /** One optimizer step on the next mini-batch; at an epoch's end, its evaluation and the
     * stop rule. Returns the step's MSE; this.stopReason is set once training has stopped. */
    step() {
      if (this.stopReason !== null) return null;
      const n = this.n, d = this.d, size = this.train.batch_size;
      if (this.order === null) {
        this.order = this.rng.permutation(n);
        this.held = [];
      }
      const rows = Math.min(size, n - this.start);
      const batch = new Float64Array(rows * d);
      for (let r = 0; r < rows; r++) {
        const row = this.order[this.start + r];
        batch.set(this.x.subarray(row * d, row * d + d), r * d);
      }
      const inputs = this.corruption === null ? null
        : net.corrupt(batch, this.corruption, this.noise, this.masking);
      let noise = null;
      if (this.sampling !== null) noise = this.sampling.fill(rows * 2, "standardNormal");
      const outputs = this.net.forward(inputs === null ? batch : inputs, rows, noise);
      const mse = this.net.backward(outputs, rows, inputs === null ? null : batch, this.codeL1,
                                    this.codeLayer, this.beta === null ? 0 : this.beta);
      // The step's pull: where its objective pulls each of its samples' codes, -d/dcode (the
      // pull arrows of aeviz's code plane, with the step's own terms and corruption).
      this.lastPull = {rows: Array.from(this.order.subarray(this.start, this.start + rows)),
                       arrows: this.net.codeGradient.map((value) => -value)};
      this.optimizer.step(this.net.params, this.net.grads);
      this.steps += 1;
      this.start += size;
      if (this.epoch <= this.batches && this.start < n) this.held.push(this.snapshot(this.epoch));
      if (this.start >= n) this.endEpoch();
      return mse;
    }

    endEpoch() {
      const end = this.snapshot(this.epoch);
      if (!this.recordable(end)) {
        this.blowUp = this.held;
        this.divergedAt = this.epoch;
        this.stopReason = "diverged";
        return;
      }
      this.last = end;
      const keepEnd = end.epoch % this.every === 0 || end.epoch <= this.batches;
      for (const snapshot of keepEnd ? this.held.concat([end]) : this.held) {
        if (this.recordable(snapshot)) this.commit(snapshot);
      }
      this.order = null;
      this.start = 0;
      if (end.rmse <= this.train.epsilon) this.stopReason = "converged";
      else if (this.epoch >= this.train.epochs) this.stopReason = "epochs";
      else this.epoch += 1;
    }

    /** Steps until the epoch in progress ends (or training stops). */
    runEpoch() {
      const epoch = this.epoch;
      do this.step(); while (this.stopReason === null && this.epoch === epoch);
    }

    /** Close the record (loop.Training.finish): the last completed epoch always in it, a
     * diverging epoch's finite snapshots after it. */
    finish() {
      const record = this.record;
      if (record[record.length - 1].step !== this.last.step) this.commit(this.last);
      for (const snapshot of this.blowUp) if (this.recordable(snapshot)) this.commit(snapshot);
      this.blowUp = [];
      return record;
    }
  }

  /** Train to the end; the recorded {epoch, loss} as the trajectory's arrays. */
  function trainAll(experiment, x, n) {
    const run = new Training(experiment, x, n);
    while (run.stopReason === null) run.step();
    const record = run.finish();
    return {epoch: record.map((s) => s.epoch), loss: record.map((s) => s.rmse),
            stopReason: run.stopReason, run};
  }

  return {Training, trainAll, activationsOf, codeLayerOf};
})();

if (typeof module !== "undefined") module.exports = aevizTrainer;
