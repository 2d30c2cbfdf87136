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
 * For a signal, the process then ends as it would have without the runtime: if every listener for it is a
 * ts-observatory one (several copies of the runtime can be loaded in one process), the last of them removes
 * itself and re-raises the signal. One deadline holds for all copies, so an exit never waits longer than it.
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
/** Marks this runtime's signal listeners, whichever copy of the runtime added them. */
const OWN_LISTENER = Symbol.for('ts-observatory.signal-listener');
/** The exit deadline shared by every copy of the runtime in the process: Date.now() by which to be done. */
const EXIT_DEADLINE = Symbol.for('ts-observatory.exit-deadline');
/** How long the counts of unwritten calls may wait for the database's lock at exit. */
const COUNT_WRITE_MS = 200;

export function installLifecycle(recording: Recording): void {
  let flushing = false;
  process.on('beforeExit', () => {
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
  });

  process.on('exit', () => finishAtExit(recording));

  // Signals are delivered to the main thread only.
  if (!isMainThread) return;
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      finishAtExit(recording);
      const listeners = process.listeners(signal);
      if (listeners.every(listener => OWN_LISTENER in listener)) {
        process.removeListener(signal, onSignal);
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      }
    };
    Object.defineProperty(onSignal, OWN_LISTENER, { value: true });
    process.on(signal, onSignal);
  }
}

/** Commits the ring before the deadline, or stops the writer and counts what is left. Synchronous. */
function finishAtExit(recording: Recording): void {
  if (!recording.pending) return;
  const holder = process as unknown as Record<symbol, number | undefined>;
  const deadline = (holder[EXIT_DEADLINE] ??= Date.now() + settings.exitTimeoutMs);
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
