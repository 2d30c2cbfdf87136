// The ways of recording a call that the micro-benchmark compares, and how a child process loads each one.
// Every variant but `wrapper` runs code emitted by the real transformer from the same bench/src.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { buildOutput } from '../paths.mjs';
import { wrapModule } from './wrapper.mjs';

const require = createRequire(import.meta.url);

function compiled(build, file = 'shapes.js') {
  return require(path.join(buildOutput(build), file));
}

/** Both compiled modules of one build, merged: the main shapes and the scaling shapes. */
function compiledShapes(build) {
  return { ...compiled(build, 'shapes.js'), ...compiled(build, 'scaling.js') };
}

export const variants = {
  /** The same source compiled with the plugin's `enabled: false`: plain tsc output. */
  baseline: { env: {}, load: () => compiledShapes('baseline') },
  /** Instrumented by the transformer, recording into SQLite through the real runtime. */
  observatory: {
    env: { OBSERVATORY: 'on' },
    records: true,
    load: () => compiledShapes('observatory'),
    settle: () => require('ts-observatory/runtime').flush(),
    shutdown: () => require('ts-observatory/runtime').shutdown(),
  },
  /** The same instrumented code with recording switched off at run time. */
  'observatory-off': { env: { OBSERVATORY: 'off' }, load: () => compiledShapes('observatory') },
  /** Two clock reads and two array writes written by hand into each function (bench/src/floor.ts). */
  floor: { env: {}, load: () => compiled('baseline', 'floor.js') },
  /** One check of a run-time flag that is off, written by hand (bench/src/switch.ts): the least an off switch costs. */
  switch: { env: {}, load: () => compiled('baseline', 'switch.js') },
  /** `monitor(fn)` around the baseline functions. */
  wrapper: { env: {}, load: () => wrapModule(compiledShapes('baseline')) },
  /** One OpenTelemetry span per call, arguments and result as attributes (bench/runtimes/otel.cjs). */
  otel: {
    env: {},
    load: () => compiledShapes('otel'),
    settle: () => require('../runtimes/otel.cjs').settle(),
    shutdown: () => require('../runtimes/otel.cjs').shutdown(),
  },
  /** One pino log line per call to /dev/null (bench/runtimes/pino.cjs). */
  pino: {
    env: {},
    load: () => compiledShapes('pino'),
    settle: () => require('../runtimes/pino.cjs').settle(),
    shutdown: () => require('../runtimes/pino.cjs').shutdown(),
  },
};

export const variantNames = Object.keys(variants);
