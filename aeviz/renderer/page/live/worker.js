/* The page's training Worker: trainer.js driven by messages, so the page stays responsive.
 *
 * In:  {type: "start", experiment, x, n}   a fresh run (x: Float64Array, row-major)
 *      {type: "run"}                        train on until a stop rule holds or "stop"
 *      {type: "step"}                       one mini-batch
 *      {type: "stop"}                       stop after the step in progress
 * Out: {type: "progress", ...}             at most every FRAME_MS while running, and after a
 *                                          step: the newest snapshot and the new records
 *      {type: "done", epoch, loss, terms, stopReason}  the closed record
 *      {type: "error", message}
 */
/* global self, aevizTrainer */

(() => {
const FRAME_MS = 25;  // a progress message every 25 ms or so: the page draws >= 20 frames/s
let run = null, running = false, sent = 0;

function progress(extra) {
  const fresh = run.record.slice(sent);
  sent = run.record.length;
  const latest = run.record[run.record.length - 1];
  self.postMessage(Object.assign({
    type: "progress", epoch: run.epoch, steps: run.steps,
    stepsPerEpoch: run.stepsPerEpoch, stopReason: run.stopReason,
    records: fresh.map((s) => ({epoch: s.epoch, step: s.step, rmse: s.rmse})),
    codes: latest.codes, shownStep: latest.step, params: Float64Array.from(run.net.params),
  }, extra || {}));
}

function done(reason) {
  running = false;
  if (reason && run.stopReason === null) run.stopReason = reason;
  const record = run.finish();
  progress();
  self.postMessage({type: "done", epoch: record.map((s) => s.epoch), loss: record.map((s) => s.rmse),
                    terms: record.map((s) => s.terms), stopReason: run.stopReason});
}

function slice() {
  if (!running) return;
  const until = performance.now() + FRAME_MS;
  while (run.stopReason === null && performance.now() < until) run.step();
  if (run.stopReason !== null) done();
  else {
    progress();
    setTimeout(slice, 0);  // lets a "stop" message in
  }
}

self.onmessage = (event) => {
  const message = event.data;
  try {
    if (message.type === "start") {
      running = false;
      sent = 0;
      run = new aevizTrainer.Training(message.experiment, message.x, message.n);
      progress();
    } else if (message.type === "run" && run && !running && run.stopReason === null) {
      running = true;
      slice();
    } else if (message.type === "step" && run && !running && run.stopReason === null) {
      const before = run.snapshot(run.epoch).codes;
      run.step();
      const after = run.snapshot(run.epoch);
      // The step's pull arrows, drawn from its samples' codes before it.
      progress({pull: {rows: run.lastPull.rows, arrows: run.lastPull.arrows, before},
                current: after.rmse, codes: after.codes, shownStep: run.steps});
      if (run.stopReason !== null) done();
    } else if (message.type === "stop" && run && running) {
      done("interrupted");
    }
  } catch (error) {
    running = false;
    self.postMessage({type: "error", message: String(error && error.message || error)});
  }
};
})();
