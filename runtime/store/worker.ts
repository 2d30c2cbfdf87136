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
import { workerData } from 'piscina';
import type { RingHandle } from '../ring';
import { Control, WriterState } from '../ring';
import { RingDrain } from './drain';
import { TraceWriter } from './writer';

export interface FlushTask {
  /** A Head word of the ring. */
  head: number;
}

const handle = workerData as RingHandle;
const drain = openDrain();

function openDrain(): RingDrain | null {
  const databasePath = handle.databasePath;
  try {
    return new RingDrain(handle, databasePath === null ? null : new TraceWriter(databasePath, handle.process, handle.data.byteLength));
  } catch (error) {
    // The file cannot be opened or is from a newer version: nothing can be written, and the recording side
    // must not wait for room that will never come.
    Atomics.store(new Int32Array(handle.control), Control.Writer, WriterState.Stopped);
    process.emitWarning(`cannot write ${databasePath ?? 'to OpenTelemetry'}: ${(error as Error).message}`, { code: 'OBSERVATORY_WRITE' });
    return null;
  }
}

// Started on the next turn, once piscina has told the pool this thread is ready: a thread that dies before
// then counts as one that cannot start, and piscina would not replace it.
setImmediate(() => void drain?.run());

export default function flush(task: FlushTask): Promise<void> {
  return drain === null ? Promise.resolve() : drain.committed(task.head);
}
