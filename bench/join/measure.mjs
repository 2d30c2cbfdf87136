// What a monitored root call pays to ask whether the program's OpenTelemetry has a span active
// (runtime/record/trace-link.ts, rootContext), side by side in one run: `node bench/join/measure.mjs`
// after `npm run build`. Only root calls ask; calls below a root pay nothing.
//
//   no OpenTelemetry   the program never set a context manager: one read of a global symbol
//   no active span     a context manager is set, no span is active where the root starts
//   active span        a span is active: the root joins it. "first root" alternates two contexts, so every
//                      call reads the span and builds its link; "next roots" asks again in the same context,
//                      which is answered from the last answer
//
// The context manager is a minimal synchronous one, so the figures are the runtime's own work; a program's
// AsyncLocalStorage-based manager adds its own active() lookup to the last two.
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const { rootContext } = require(
  path.resolve(import.meta.dirname, '..', '..', 'dist', 'runtime', 'record', 'trace-link.js'),
);
const { context, trace, ROOT_CONTEXT, TraceFlags } = require('@opentelemetry/api');

const CALLS = 1_000_000;
const ROUNDS = 7;

/**
 * Median over ROUNDS of the nanoseconds one rootContext() takes, the loop's own cost subtracted; `between`
 * runs before each call (it switches the active context), and is part of the loop measured empty too.
 */
function measure(between = () => {}) {
  const perRound = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Counted so that the engine cannot drop the calls as unused.
    let _joined = 0;
    const started = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) {
      between(i);
      if (rootContext().link !== null) _joined++;
    }
    const ns = Number(process.hrtime.bigint() - started);
    const emptyStarted = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) {
      between(i);
      if (i < 0) _joined++;
    }
    perRound.push((ns - Number(process.hrtime.bigint() - emptyStarted)) / CALLS);
  }
  perRound.sort((a, b) => a - b);
  return perRound[Math.floor(ROUNDS / 2)];
}

let active = ROOT_CONTEXT;
const manager = {
  active: () => active,
  with(ctx, fn, thisArg, ...args) {
    const saved = active;
    active = ctx;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      active = saved;
    }
  },
  bind: (_ctx, target) => target,
  enable() {
    return this;
  },
  disable() {
    return this;
  },
};

const rows = [['no OpenTelemetry', measure()]];
context.setGlobalContextManager(manager);
rows.push(['no active span', measure()]);
const spans = ['b7ad6b7169203331', 'c8be7c827a314442'].map(spanId =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId,
    traceFlags: TraceFlags.SAMPLED,
  }),
);
rows.push(['active span, first root', measure(i => (active = spans[i & 1]))]);
rows.push(['active span, next roots', measure(() => (active = spans[0]))]);

console.log(
  `rootContext() per root call, median of ${ROUNDS} x ${CALLS.toLocaleString('en-US')}, Node ${process.version}, load ${os.loadavg()[0].toFixed(2)}`,
);
for (const [name, ns] of rows) console.log(`${name.padEnd(26)} ${ns.toFixed(1)} ns`);
