/**
 * Getting every call into the database, or into the count of those that are not, however the process ends.
 *
 *   event loop runs dry   'beforeExit': a flush through the writer thread, which keeps the loop alive until
 *                         the ring is committed (Node emits 'beforeExit' again; by then all is idle)
 *   process.exit(), an uncaught exception, SIGINT, SIGTERM
 *                         nothing asynchronous runs any more, but the writer thread still does: this thread
 *                         wakes it and waits (Atomics.wait) for it to commit the ring, until the exit deadline
 *                         (OBSERVATORY_EXIT_TIMEOUT_MS). Past it the writer is stopped, what is left in the
 *                         ring is counted per function as `exit_timeout`, the counts are stored if the file
 *                         lets us within a short wait, and stderr says how many calls were not written.
 *                         With OpenTelemetry export on, it then waits, until the same deadline, for the spans
 *                         in flight to be delivered or counted as export_failed; stderr says how many were
 *                         neither (they cannot be counted per function from this thread).
 *
 * The program's own 'exit' listeners usually run after the runtime's (it loads first): a call they make is
 * committed as it completes, within the same deadline, or counted as `exit_timeout` past it.
 *
 * For a signal, the process then ends as it would have without the runtime: if the program has no listener
 * of its own for it, the runtime's removes itself and re-raises the signal. Several copies of the runtime in
 * one process (a cleared require cache, a test runner's module isolation) share one set of listeners and one
 * deadline, so an exit never waits longer than the deadline, however many copies there are.
 *
 * Test runners that give each test file its own `process` object (jest) never emit these events for the
 * real process; their setup files (ts-observatory/jest) flush and stop the writer after each file instead.
 */
import { isMainThread } from 'node:worker_threads';
import { Control, DropCode } from '../ring';
import type { Recording } from './recording';
import { ChildThreads } from './child-threads';
import { settleRing, storeDropTotals, whereCounted } from './ring-settlement';
import { settings } from './settings';
import { warn } from './warnings';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * What every copy of the runtime in one process shares, kept on the `process` object: one set of process
 * listeners, however many copies are loaded (a listener per copy would pass Node's limit of ten and say
 * so), and one exit deadline. The key is versioned: a later runtime with another shape takes another key.
 */
interface SharedLifecycle {
  /**
   * Each copy's own hooks; the listeners call them all. Held weakly: a copy whose modules are gone (a test
   * runner dropped its module registry) takes its ring with it instead of leaving it here.
   */
  copies: Set<WeakRef<CopyHooks>>;
  /** Date.now() by which every copy must be done exiting, set by the first exit hook that runs. */
  deadline: number | undefined;
  /** The rings of the worker threads this thread started. */
  children: ChildThreads;
}

interface CopyHooks {
  /** Records an exception that is about to end the process; only one copy records it. */
  uncaught(error: unknown, origin: string): void;
  beforeExit(): void;
  /** Commits or counts, synchronously, by `deadline`. */
  exit(deadline: number): void;
}

const SHARED = Symbol.for('ts-observatory.lifecycle.v2');

/** Keeps each recording's hooks alive exactly as long as the recording (the shared set holds them weakly). */
const hooksOf = new WeakMap<Recording, CopyHooks>();

/**
 * Adds this copy's hooks to the process's shared lifecycle. `recordUncaught` records an exception that ends
 * the process (index.ts); of all the copies, the oldest still loaded does.
 */
export function installLifecycle(recording: Recording, recordUncaught: (error: unknown, origin: string) => void): void {
  let flushing = false;
  const hooks: CopyHooks = {
    uncaught: recordUncaught,
    beforeExit() {
      if (flushing || !recording.pending || !recording.writer.started || recording.writer.stopped) return;
      flushing = true;
      recording
        .flush()
        .catch(() => {
          // The exit path below still runs and counts whatever this could not write.
        })
        .finally(() => {
          flushing = false;
        });
    },
    exit(deadline) {
      finishAtExit(recording, deadline);
      // 'exit' listeners added after the runtime's run after it; what they record is finished call by call.
      recording.afterExit = () => finishAtExit(recording, deadline);
    },
  };
  hooksOf.set(recording, hooks);
  shared().copies.add(new WeakRef(hooks));
}

/** The process's shared lifecycle, its listeners installed by the first copy of the runtime that asks. */
function shared(): SharedLifecycle {
  const holder = process as unknown as Record<symbol, SharedLifecycle | undefined>;
  const existing = holder[SHARED];
  if (existing !== undefined) return existing;
  const lifecycle: SharedLifecycle = { copies: new Set(), deadline: undefined, children: new ChildThreads() };
  holder[SHARED] = lifecycle;
  const eachCopy = (run: (copy: CopyHooks) => void): void => {
    for (const ref of lifecycle.copies) {
      const copy = ref.deref();
      if (copy === undefined) lifecycle.copies.delete(ref);
      else run(copy);
    }
  };
  const exitAll = (): void => {
    const deadline = (lifecycle.deadline ??= Date.now() + settings.exitTimeoutMs);
    eachCopy(copy => copy.exit(deadline));
    lifecycle.children.settleAll(deadline);
  };
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    let recorded = false;
    eachCopy(copy => {
      if (!recorded) copy.uncaught(error, origin);
      recorded = true;
    });
  });
  process.on('beforeExit', () => eachCopy(copy => copy.beforeExit()));
  process.on('exit', exitAll);
  // Signals are delivered to the main thread only.
  if (isMainThread) {
    for (const signal of SIGNALS) {
      const onSignal = (): void => {
        exitAll();
        // End the process as it would have ended without the runtime, unless the program listens itself.
        if (process.listenerCount(signal) === 1) {
          process.removeListener(signal, onSignal);
          process.kill(process.pid, signal);
        }
      };
      process.on(signal, onSignal);
    }
  }
  return lifecycle;
}

/** Commits the ring before the deadline, or stops the writer and counts what is left. Synchronous. */
function finishAtExit(recording: Recording, deadline: number): void {
  const { producer, writer } = recording;
  if (!recording.pending) return awaitExports(producer.control, deadline);
  recording.writeDropsNow();
  if (!writer.started && Atomics.load(producer.control, Control.Tail) !== producer.headWord) writer.start();
  const unwritten = settleRing(recording.handle, deadline);
  if (unwritten === null) return awaitExports(producer.control, deadline);
  let total = 0;
  for (const [fn, calls] of unwritten) {
    recording.countDrop(recording.functions[fn]!, DropCode.ExitTimeout, calls);
    total += calls;
  }
  const stored = storeDropTotals(recording.handle, recording.dropTotals(), index => recording.functions[index]!.meta);
  warn(
    'OBSERVATORY_EXIT',
    `${total} calls were not written to ${settings.databasePath ?? 'OpenTelemetry'} within the exit deadline ` +
      `(OBSERVATORY_EXIT_TIMEOUT_MS=${settings.exitTimeoutMs}); ` +
      whereCounted(stored),
    { exiting: true },
  );
}

/** Waits until the deadline for the writer thread to settle the spans it handed to the exporter. */
function awaitExports(control: Int32Array, deadline: number): void {
  for (
    let exporting = Atomics.load(control, Control.Exporting);
    exporting > 0;
    exporting = Atomics.load(control, Control.Exporting)
  ) {
    const left = deadline - Date.now();
    if (left <= 0) {
      warn(
        'OBSERVATORY_EXIT',
        `${exporting} spans were still being sent to the OpenTelemetry collector at the exit deadline ` +
          `(OBSERVATORY_EXIT_TIMEOUT_MS=${settings.exitTimeoutMs}) and are lost`,
        { exiting: true },
      );
      return;
    }
    Atomics.wait(control, Control.Exporting, exporting, left);
  }
}
