/**
 * ts-observatory/runtime: what instrumented code imports.
 *
 * Data flow: `enter`/`exit`/`fail`/`done` (recorder.ts) keep a fixed-shape record per call and push it onto a
 * bounded queue (queue.ts). Off the user's call, the flusher (flusher.ts) takes batches from the queue, copies their
 * values into clone-safe trees (batch.ts, capture.ts) and hands them to a piscina pool (pool.ts), whose
 * worker (worker.ts, writer.ts) derives names, ids and JSON text (json.ts), redacts (redaction.ts) and writes
 * each batch to SQLite in one transaction. lifecycle.ts makes sure pending records are written however the
 * process ends. Settings come from the environment (config.ts).
 */
import * as contract from './contract';
import type { FunctionMeta } from './contract';
import { BatchBuilder } from './batch';
import { Flusher } from './flusher';
import { registerFunction, type FunctionHandle } from './function-handle';
import * as iteration from './iteration';
import { installLifecycle } from './lifecycle';
import { WriterPool } from './pool';
import * as recorder from './recorder';
import { settings } from './settings';

// The calls emitted code makes (runtime/contract.ts), as plain data properties of this module. Nothing here
// may be a re-export (`export { x } from ...`): TypeScript compiles those to getters on `exports`, and a module
// object with any accessor property loses V8's constant property loads, so emitted code could no longer
// inline the hot path. Measured (bench/): with OBSERVATORY=off an instrumented `add` cost 14 ns more than the
// plain one while `CONTRACT_VERSION` alone was re-exported, and about 1 ns more like this.
export const CONTRACT_VERSION = contract.CONTRACT_VERSION;
export const enter = recorder.enter;
export const exit = recorder.exit;
export const fail = recorder.fail;
export const done = recorder.done;
export const suspend = recorder.suspend;
export const pause = recorder.pause;
export const resume = recorder.resume;
export const delegate = iteration.delegate;
export const delegateAsync = iteration.delegateAsync;
export const iterate = iteration.iterate;

/** Batches with the pool at once, per thread: one being written and one ready behind it. */
const BATCHES_IN_FLIGHT_PER_THREAD = 2;

const pool = new WriterPool(settings.threads);
const flusher = new Flusher(recorder.queue, new BatchBuilder(recorder.queue), pool, settings.threads * BATCHES_IN_FLIGHT_PER_THREAD);
if (settings.enabled) {
  installLifecycle(flusher, pool, settings.databasePath);
  recordUncaughtExceptions();
}

/** Called once per instrumented function when its module loads; returns the handle emitted code passes to `enter`. */
export function register(version: number, meta: FunctionMeta): FunctionHandle {
  if (version !== CONTRACT_VERSION) {
    throw new Error(
      `ts-observatory: ${meta?.file ?? 'a module'} was compiled against runtime contract version ${version}, but ` +
        `this runtime implements contract version ${CONTRACT_VERSION}. Rebuild it with the ts-observatory ` +
        `transformer of the same version as the installed runtime.`,
    );
  }
  return registerFunction(meta, settings.sample);
}

/** Resolves when every call completed so far has been written (or counted as dropped). */
export function flush(): Promise<void> {
  return flusher.flush();
}

/** Flushes and stops the pool's threads; for servers and tests that end on their own terms. */
export async function shutdown(): Promise<void> {
  await flusher.flush();
  await pool.destroy();
}

/**
 * An exception that ends the process is recorded as a failed call of the pseudo-function
 * `process.uncaughtException`, even when it was thrown outside monitored code; the 'exit' hook then writes it.
 */
function recordUncaughtExceptions(): void {
  const uncaught = registerFunction(
    {
      name: 'uncaughtException', group: 'process', file: '', line: 0, column: 0, kind: 'event', async: false,
      generator: false, params: ['origin'], paramTypes: ['string'], rest: false, outputShape: 'none', outputs: [],
      outputTypes: [], returnType: 'never', sample: 1, capture: 'all', redact: [], snapshot: false,
    },
    1,
  );
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    const call = recorder.enter(uncaught, [origin]);
    recorder.fail(call, error);
    recorder.done(call);
  });
}
