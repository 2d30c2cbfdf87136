/**
 * Settling a ring when its recording can no longer wait: the process is exiting, or the thread that owned the
 * ring has ended. Synchronous, because nothing asynchronous runs any more at exit.
 *
 *   wait    wake the ring's writer and wait (Atomics.wait on Tail) until it has committed everything
 *           published, or until the deadline
 *   stop    past the deadline, move the writer to Stopped, so that no commit can land after the count
 *   count   what is left between Tail and Head, per function, is what was not written
 *   store   the counts go into `drops` from this thread, if the file lets us within a short wait
 *
 * Used for this thread's own ring (lifecycle.ts) and for the rings of the worker threads it started
 * (child-threads.ts), which may have ended with calls still in their ring.
 */
import * as path from 'node:path';
import type { FunctionMeta } from '../contract';
import { Control, RecordHeader, RecordKind, WriterState, type DropTotal, type RingHandle } from '../ring';
import { requireFromPackage, runtimeFile } from './installed-package';

/** How long the counts of unwritten calls may wait for the database's lock. */
const COUNT_WRITE_MS = 200;

/**
 * Waits, at most until `deadline` (a Date.now() time), for the writer to commit everything published; past it,
 * stops the writer. Returns the calls left unwritten, by function index, or null when everything was committed
 * or another thread's exit path has already counted them.
 * `writerEnded` says the writer's thread is gone (its owner thread ended): a commit it was in the middle of was
 * rolled back with it, and is not waited for.
 */
export function settleRing(ring: RingHandle, deadline: number, writerEnded = false): Map<number, number> | null {
  const control = new Int32Array(ring.control);
  const head = Atomics.load(control, Control.Head);
  Atomics.notify(control, Control.Head);
  for (let tail = Atomics.load(control, Control.Tail); tail !== head; tail = Atomics.load(control, Control.Tail)) {
    const left = deadline - Date.now();
    if (left <= 0 || Atomics.load(control, Control.Writer) === WriterState.Stopped) break;
    Atomics.wait(control, Control.Tail, tail, left);
  }
  if (Atomics.load(control, Control.Tail) === head) return null;
  stopWriter(control, writerEnded);
  if (Atomics.compareExchange(control, Control.Settled, 0, 1) !== 0) return null;
  return unwrittenCalls(ring, Atomics.load(control, Control.Tail), head);
}

/**
 * Moves the writer from Running (or not yet started) to Stopped. A live writer in the middle of a commit is
 * let finish it: its Tail then counts.
 */
function stopWriter(control: Int32Array, writerEnded: boolean): void {
  for (;;) {
    const state = Atomics.load(control, Control.Writer);
    if (state === WriterState.Stopped) return;
    if (state === WriterState.Committing && !writerEnded) {
      Atomics.wait(control, Control.Writer, WriterState.Committing, 10);
      continue;
    }
    if (Atomics.compareExchange(control, Control.Writer, state, WriterState.Stopped) === state) return;
  }
}

/** Call records from `tail` to `head`, per function index. */
function unwrittenCalls(ring: RingHandle, tail: number, head: number): Map<number, number> {
  const u8 = new Uint8Array(ring.data);
  const i32 = new Int32Array(ring.data);
  const mask = ring.data.byteLength - 1;
  const counts = new Map<number, number>();
  for (let position = tail; position !== head;) {
    const at = position & mask;
    if (u8[at + RecordHeader.Kind] === RecordKind.Call) {
      const fn = i32[(at + RecordHeader.Function) >> 2]!;
      counts.set(fn, (counts.get(fn) ?? 0) + 1);
    }
    position = (position + i32[(at + RecordHeader.Length) >> 2]!) | 0;
  }
  return counts;
}

/** Stores drop totals of the ring's recording instance from this thread; true, or why not. */
export function storeDropTotals(
  ring: RingHandle,
  drops: DropTotal[],
  meta: (index: number) => FunctionMeta,
): true | string {
  const databasePath = ring.databasePath;
  if (databasePath === null) return 'OBSERVATORY_DB=off';
  try {
    // Loaded only now, and from the installed package: the writer's code belongs to the writer thread, and
    // runs here only as a last resort; in a bundle, it and better-sqlite3 stay outside (installed-package.ts).
    const { TraceWriter } = requireFromPackage<typeof import('../store/writer')>(
      runtimeFile(path.join('store', 'writer.js')),
    );
    const writer = new TraceWriter(databasePath, ring.process, ring.data.byteLength);
    try {
      writer.busyTimeout(COUNT_WRITE_MS);
      writer.begin();
      writer.write(
        { calls: [], drops, highWater: Atomics.load(new Int32Array(ring.control), Control.HighWater) },
        meta,
      );
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

/** How an exit warning ends: where the calls it names were counted, from what storeDropTotals returned. */
export function whereCounted(stored: true | string): string {
  return stored === true
    ? 'they are counted in its drops table as exit_timeout.'
    : `their count could not be stored either: ${stored}`;
}
