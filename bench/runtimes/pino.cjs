// A stand-in for ts-observatory/runtime that writes one pino log line per call (function, arguments, result,
// duration) to /dev/null through an asynchronous destination. It implements the contract of
// runtime/contract.ts, so it runs behind the very same emitted code as the real runtime. CommonJS because the
// emitted code `require`s it.
const pino = require('pino');

const destination = pino.destination({ dest: '/dev/null', sync: false });
const logger = pino(destination);

function register(_contractVersion, meta) {
  return `${meta.group}.${meta.name}`;
}

function enter(fn, args) {
  return { fn, args, start: performance.now() };
}

function exit(call, value) {
  logger.info({ fn: call.fn, args: call.args, result: value, durationMs: performance.now() - call.start });
  return value;
}

function fail(call, error) {
  logger.error({ fn: call.fn, args: call.args, err: error, durationMs: performance.now() - call.start });
  return error;
}

function passThrough(_call, value) {
  return value;
}

function shutdown() {
  return new Promise(resolve => {
    destination.flush(() => resolve());
  });
}

module.exports = { register, enter, exit, fail, suspend: passThrough, pause: passThrough, resume: passThrough, shutdown };
