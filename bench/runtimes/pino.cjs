// A stand-in for ts-observatory/runtime that writes one pino log line per call (function, arguments, result,
// duration) to a real file through an asynchronous destination: bench/.build/scratch/pino-<pid>.log, removed
// when the process exits. It implements the contract of
// runtime/contract.ts, so it runs behind the very same emitted code as the real runtime. CommonJS because the
// emitted code `require`s it.
const fs = require('node:fs');
const path = require('node:path');
const pino = require('pino');
const { exit, fail, passThrough } = require('./outcome.cjs');

const scratch = path.join(__dirname, '..', '.build', 'scratch');
fs.mkdirSync(scratch, { recursive: true });
const dest = path.join(scratch, `pino-${process.pid}.log`);
process.on('exit', () => fs.rmSync(dest, { force: true }));

const destination = pino.destination({ dest, sync: false });
const logger = pino(destination);

function register(_contractVersion, meta) {
  return `${meta.group}.${meta.name}`;
}

// Contract 2 (runtime/contract.ts): `exit` and `fail` (outcome.cjs) say how the body is leaving, `done` writes
// the line.
function enter(fn, args) {
  return { fn, args, start: performance.now(), value: undefined, error: undefined, failed: false };
}

function done(call) {
  const durationMs = performance.now() - call.start;
  if (call.failed) logger.error({ fn: call.fn, args: call.args, err: call.error, durationMs });
  else logger.info({ fn: call.fn, args: call.args, result: call.value, durationMs });
}

/** Writes out what the destination holds, so that the next measurement starts with an empty buffer. */
function settle() {
  return new Promise(resolve => {
    destination.flush(() => resolve());
  });
}

module.exports = {
  register,
  enter,
  exit,
  fail,
  done,
  suspend: passThrough,
  pause: passThrough,
  resume: passThrough,
  delegate: passThrough,
  delegateAsync: passThrough,
  iterate: passThrough,
  settle,
  shutdown: settle,
};
