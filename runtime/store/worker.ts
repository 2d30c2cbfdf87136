/**
 * The writer thread, as piscina runs it (record/writer-thread.ts).
 *
 * Loading this module starts the drain (drain.ts) on the ring piscina hands over as workerData: the thread
 * writes without being asked, so the recording thread never has to message it per batch. The task it
 * exports is only a question: "tell me when everything up to this Head is committed".
 *
 * This module and what it imports never load the recording side (record/): the thread holds a database
 * connection and the ring's layout, nothing else.
 */
// piscina hands the pool's workerData to Node as it is; reading it from worker_threads spares this thread loading
// piscina's pool module, which only the recording side uses.
import { workerData } from 'node:worker_threads';
import type { RingHandle } from '../ring';
import { Control, WriterState } from '../ring';
import { setTimeout as sleep } from 'node:timers/promises';
import { isBusy, RingDrain } from './drain';
import { TraceWriter } from './writer';

export interface FlushTask {
  /** A Head word of the ring. */
  head: number;
}

/** Between two attempts to open a locked file; each attempt itself waits out the connection's busy timeout. */
const BUSY_RETRY_MS = 100;

const handle = workerData as RingHandle;
const drain = openDrain();

/**
 * The drain, once the file is open; null when it cannot be: from a newer version, unreadable, or any other
 * lasting reason, after which nothing can be written and the recording side must not wait for room that will
 * never come. A file another process is writing (SQLITE_BUSY) is waited for, as a batch would be.
 */
async function openDrain(): Promise<RingDrain | null> {
  const databasePath = handle.databasePath;
  const control = new Int32Array(handle.control);
  for (;;) {
    try {
      return new RingDrain(
        handle,
        databasePath === null ? null : new TraceWriter(databasePath, handle.process, handle.data.byteLength),
      );
    } catch (error) {
      if (isBusy(error) && Atomics.load(control, Control.Writer) !== WriterState.Stopped) {
        await sleep(BUSY_RETRY_MS);
        continue;
      }
      Atomics.compareExchange(control, Control.Writer, WriterState.NotStarted, WriterState.Stopped);
      process.emitWarning(`cannot write ${databasePath ?? 'to OpenTelemetry'}: ${(error as Error).message}`, {
        code: 'OBSERVATORY_WRITE',
      });
      return null;
    }
  }
}

// Started on the next turn, once piscina has told the pool this thread is ready: a thread that dies before
// then counts as one that cannot start, and piscina would not replace it.
setImmediate(() => void drain.then(opened => opened?.run()));

export default async function flush(task: FlushTask): Promise<void> {
  const opened = await drain;
  if (opened !== null) await opened.committed(task.head);
}
