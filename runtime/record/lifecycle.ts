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
import { Control, DROP_REASON_CODES, DropCode, RecordHeader, RecordKind, WriterState } from '../ring';
import type { DropTotal } from '../store/writer';
import type { Recording } from './recording';
import { settings } from './settings';
import { warn } from './warnings';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** How long the counts of unwritten calls may wait for the database's lock at exit. */
const COUNT_WRITE_MS = 200;

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
}

interface CopyHooks {
  /** Records an exception that is about to end the process; only one copy records it. */
  uncaught(error: unknown, origin: string): void;
  beforeExit(): void;
  /** Commits or counts, synchronously, by `deadline`. */
  exit(deadline: number): void;
}

const SHARED = Symbol.for('ts-observatory.lifecycle.v1');

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
  const lifecycle: SharedLifecycle = { copies: new Set(), deadline: undefined };
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
  if (!recording.pending) return;
  const { producer, writer } = recording;
  const control = producer.control;
  recording.writeDropsNow();
  if (!writer.started && Atomics.load(control, Control.Tail) !== producer.headWord) writer.start();
  producer.wakeWriter();
  for (let tail = Atomics.load(control, Control.Tail); tail !== producer.headWord; tail = Atomics.load(control, Control.Tail)) {
    const left = deadline - Date.now();
    if (left <= 0 || writer.stopped) break;
    Atomics.wait(control, Control.Tail, tail, left);
  }
  if (Atomics.load(control, Control.Tail) === producer.headWord) return;
  stopWriter(control);
  const unwritten = countUnwritten(recording);
  const total = unwritten.reduce((sum, count) => sum + count, 0);
  unwritten.forEach((calls, fn) => recording.countDrop(recording.functions[fn]!, DropCode.ExitTimeout, calls));
  const stored = storeDropTotals(recording);
  warn(
    'OBSERVATORY_EXIT',
    `${total} calls were not written to ${settings.databasePath} within the exit deadline ` +
      `(OBSERVATORY_EXIT_TIMEOUT_MS=${settings.exitTimeoutMs}); ` +
      (stored === true ? 'they are counted in its drops table as exit_timeout.' : `their count could not be stored either: ${stored}`),
    { exiting: true },
  );
}

/**
 * Moves the writer from Running (or not yet started) to Stopped. A writer in the middle of a commit is let
 * finish it: its Tail then counts.
 */
function stopWriter(control: Int32Array): void {
  for (;;) {
    const state = Atomics.load(control, Control.Writer);
    if (state === WriterState.Stopped) return;
    if (state === WriterState.Committing) {
      Atomics.wait(control, Control.Writer, WriterState.Committing, 10);
      continue;
    }
    if (Atomics.compareExchange(control, Control.Writer, state, WriterState.Stopped) === state) return;
  }
}

/** Calls in the ring from Tail to Head, per function index. */
function countUnwritten(recording: Recording): number[] {
  const { producer } = recording;
  const { u8, i32 } = producer.out;
  const mask = producer.size - 1;
  const counts = new Array<number>(recording.functions.length).fill(0);
  for (let position = Atomics.load(producer.control, Control.Tail); position !== producer.headWord; ) {
    const at = position & mask;
    if (u8[at + RecordHeader.Kind] === RecordKind.Call) counts[i32[(at + RecordHeader.Function) >> 2]!]!++;
    position = (position + i32[(at + RecordHeader.Length) >> 2]!) | 0;
  }
  return counts;
}

/** Stores every function's drop totals from this thread; true, or why not. */
function storeDropTotals(recording: Recording): true | string {
  const drops: DropTotal[] = [];
  for (const fn of recording.functions) {
    fn.dropped.forEach((count, code) => {
      if (count > 0) drops.push({ fn: fn.index, reason: DROP_REASON_CODES[code]!, count });
    });
  }
  // Loaded only now: the writer's code belongs to the writer thread, and runs here only as a last resort.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded here only, for the reason above
  const { TraceWriter } = require('../store/writer') as typeof import('../store/writer');
  try {
    const writer = new TraceWriter(settings.databasePath, recording.process, recording.producer.size);
    try {
      writer.busyTimeout(COUNT_WRITE_MS);
      writer.begin();
      writer.write({ calls: [], drops, highWater: Atomics.load(recording.producer.control, Control.HighWater) }, index => recording.functions[index]!.meta);
      writer.commit();
    } finally {
      writer.rollback();
      writer.close();
    }
    return true;
  } catch (error) {
    return (error as Error).message;
  }
}
