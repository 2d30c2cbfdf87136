/**
 * ts-observatory/runtime: what instrumented code imports.
 *
 * Two sides, two folders. record/ runs in the user's thread: the hot path (recorder.ts) keeps one record per
 * call and, when the call completes, copies it into a SharedArrayBuffer ring (recording.ts, call-encoder.ts,
 * value-encoder.ts); lifecycle.ts makes sure the ring is committed, or what is left counted, however the
 * process ends. store/ runs in a writer thread that a piscina pool owns (record/writer-thread.ts): it drains
 * the ring on its own, rebuilds the values, makes their JSON text, redacts, and commits batches to SQLite
 * (drain.ts, writer.ts). ring.ts is the layout both sides share; contract.ts is what emitted code calls.
 */
import * as contract from './contract';
import { emptyMeta, type FunctionMeta } from './contract';
import type { FunctionHandle } from './record/function-handle';
import * as iteration from './record/iteration';
import { installLifecycle } from './record/lifecycle';
import * as recorder from './record/recorder';
import { recording } from './record/recording';
import { settings } from './record/settings';

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

if (settings.enabled) installLifecycle(recording, uncaughtRecorder());

/** Called once per instrumented function when its module loads; returns the handle emitted code passes to `enter`. */
export function register(version: number, meta: FunctionMeta): FunctionHandle {
  if (!contract.SUPPORTED_CONTRACT_VERSIONS.includes(version)) {
    const versions = contract.SUPPORTED_CONTRACT_VERSIONS;
    throw new Error(
      `ts-observatory: ${meta?.file ?? 'a module'} was compiled against runtime contract version ${version}, but ` +
        `this runtime implements contract versions ${versions.slice(0, -1).join(', ')} and ${versions.at(-1)}. ` +
        'Rebuild it with the ts-observatory transformer of the same version as the installed runtime.',
    );
  }
  return recording.register(meta);
}

/** Resolves when every call completed so far has been written (or counted as not recorded). */
export function flush(): Promise<void> {
  return recording.flush();
}

/**
 * How long the test runners' setup files let `shutdown` take, instead of their 5 s (jest) or 10 s (vitest)
 * default for a hook: a test file that recorded a million calls leaves seconds of writing behind it on a
 * busy machine, and a hook that times out fails the file.
 */
export const SHUTDOWN_TIMEOUT_MS = 600_000;

/** Flushes and stops the writer thread; for servers and test files that end on their own terms. */
export async function shutdown(): Promise<void> {
  await recording.flush();
  await recording.writer.destroy();
}

/**
 * An exception that ends the process is recorded as a failed call of the pseudo-function
 * `process.uncaughtException`, even when it was thrown outside monitored code; the 'exit' hook then writes it.
 */
function uncaughtRecorder(): (error: unknown, origin: string) => void {
  const uncaught = recording.register(
    emptyMeta({
      name: 'uncaughtException',
      group: 'process',
      kind: 'event',
      params: ['origin'],
      paramTypes: ['string'],
      returnType: 'never',
    }),
  );
  return (error, origin) => {
    const call = recorder.enter(uncaught, [origin]);
    recorder.fail(call, error);
    recorder.done(call);
  };
}
