/**
 * The checkpoint thread of a writer that is behind (checkpointer.ts): after the writer's commits, a PASSIVE
 * checkpoint on a connection of its own, at most one every CHECKPOINT_INTERVAL_MS. A PASSIVE checkpoint copies
 * what no reader still needs and never waits for the writer or for readers, so the writer goes on appending
 * while it runs. The thread blocks between checkpoints; it has nothing else to do and no event to answer.
 */
import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { configureConnection } from '../schema';
import { CHECKPOINT_INTERVAL_MS, CheckpointSignal, type CheckpointerData } from './checkpointer';

const { databasePath, signal: memory } = workerData as CheckpointerData;
const signal = new Int32Array(memory);
const db = new Database(databasePath);
configureConnection(db);

const pause = new Int32Array(new SharedArrayBuffer(4));
// From 0: a commit made while this thread was starting is one to checkpoint after.
for (let seen = 0; ;) {
  Atomics.wait(signal, CheckpointSignal.Commits, seen);
  seen = Atomics.load(signal, CheckpointSignal.Commits);
  db.pragma('wal_checkpoint(PASSIVE)');
  Atomics.wait(pause, 0, 0, CHECKPOINT_INTERVAL_MS);
}
