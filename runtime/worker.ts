/**
 * The piscina task: writes one batch message with this thread's writer.
 *
 * Each pool thread opens the database once (creating its directory and bringing the schema up to date) and
 * keeps the connection and its prepared statements for every later batch.
 */
import type { BatchMessage } from './batch';
import { TraceWriter, type WriteResult } from './writer';

export interface WriteTask {
  batch: BatchMessage;
  /**
   * Test hook (OBSERVATORY_TEST_WORKER_CRASHES, see pool.ts): end this worker thread abruptly in the middle of
   * the batch, with its rows inserted but not committed, the way a crash would, so the tests can watch the
   * pool retry the batch and count lost records.
   */
  crash: boolean;
}

const writers = new Map<string, TraceWriter>();

const crashNow = (): never => process.exit(70);

export default function writeTask(task: WriteTask): WriteResult {
  const { databasePath } = task.batch;
  let writer = writers.get(databasePath);
  if (writer === undefined) {
    writer = new TraceWriter(databasePath);
    writers.set(databasePath, writer);
  }
  return writer.write(task.batch, task.crash ? crashNow : undefined);
}
