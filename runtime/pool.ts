/**
 * The piscina pool that runs worker.ts, created on the first flush so a program that records nothing never
 * starts a thread. Idle pool threads are unref'd by piscina and do not keep the process alive.
 *
 * Test hook: OBSERVATORY_TEST_WORKER_CRASHES=N makes the first N write attempts of this process end their
 * worker thread abruptly (process.exit inside the thread) in the middle of the batch, its rows inserted and
 * not committed. It exists only so the tests can exercise the retry and batch_lost paths with a real thread
 * dying; it changes nothing when unset.
 */
import * as path from 'node:path';
import { Piscina } from 'piscina';
import type { BatchMessage } from './batch';
import type { WriteTask } from './worker';
import type { WriteResult } from './writer';

export class WriterPool {
  private readonly threads: number;
  private pool: Piscina<WriteTask, WriteResult> | null = null;
  private crashesLeft = Number(process.env.OBSERVATORY_TEST_WORKER_CRASHES ?? 0) || 0;

  constructor(threads: number) {
    this.threads = threads;
  }

  run(batch: BatchMessage): Promise<WriteResult> {
    this.pool ??= new Piscina<WriteTask, WriteResult>({
      filename: path.join(__dirname, 'worker.js'),
      minThreads: this.threads,
      maxThreads: this.threads,
    });
    const crash = this.crashesLeft > 0;
    if (crash) this.crashesLeft--;
    return this.pool.run({ batch, crash });
  }

  /** Stops the threads; the next run starts a new pool. */
  async destroy(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool !== null) await pool.destroy();
  }

  get started(): boolean {
    return this.pool !== null;
  }
}
