/**
 * Moves records from the queue to the writer pool, on the main thread and never inside a user's call.
 *
 * At most `maxInFlight` batches are with the pool at once. When the pool is that far behind, records stay in
 * the queue, which then drops successful calls by its own rules: the program is never slowed down to wait
 * for the database. A batch that fails (its worker thread died, or the write threw) is tried once more; if
 * that fails too its records are counted as `batch_lost` drops, reported with the next batch, and the flusher
 * goes on. While writes keep failing (say the file belongs to a newer version), drop counts alone are not
 * sent again and again; they go with the next records, or with the synchronous write at exit.
 */
import type { BatchBuilder, BatchMessage } from './batch';
import type { WriterPool } from './pool';
import type { RecordQueue } from './queue';
import type { TraceWriter } from './writer';

export class Flusher {
  private readonly queue: RecordQueue;
  private readonly builder: BatchBuilder;
  private readonly pool: WriterPool;
  private readonly maxInFlight: number;
  /** Batches sent to the pool and not yet written or given up on. */
  private readonly inFlight = new Set<BatchMessage>();
  /** Resolved whenever an in-flight batch is done. */
  private waiters: Array<() => void> = [];
  private readonly warned = new Set<string>();
  /** The last batch was lost; cleared by the next batch that is written. */
  private failing = false;

  constructor(queue: RecordQueue, builder: BatchBuilder, pool: WriterPool, maxInFlight: number) {
    this.queue = queue;
    this.builder = builder;
    this.pool = pool;
    this.maxInFlight = maxInFlight;
    queue.onDrain = () => this.drain();
  }

  /** Sends everything waiting, batch by batch, while the pool has room. */
  drain(): void {
    while (this.inFlight.size < this.maxInFlight && this.hasWorkToSend) this.send(this.builder.next());
  }

  /** Resolves when every record queued so far (and every drop count) has been written or given up on. */
  async flush(): Promise<void> {
    for (;;) {
      this.drain();
      if (this.inFlight.size === 0) return;
      await new Promise<void>(resolve => this.waiters.push(resolve));
    }
  }

  /** Nothing in flight and nothing the pool could be sent now. */
  get settled(): boolean {
    return this.inFlight.size === 0 && !this.hasWorkToSend;
  }

  /** Nothing in flight and nothing pending at all: no reason to write at exit. */
  get idle(): boolean {
    return this.inFlight.size === 0 && this.queue.length === 0 && !this.builder.hasDrops;
  }

  private get hasWorkToSend(): boolean {
    return this.queue.length > 0 || (this.builder.hasDrops && !this.failing);
  }

  /**
   * Writes everything pending with `writer` on this thread, synchronously: the process is exiting and the
   * pool's threads will not get to finish. Batches still in flight are written again; the writer skips the
   * calls a worker committed in the meantime.
   */
  writeNow(writer: TraceWriter): void {
    const inFlight = [...this.inFlight];
    this.inFlight.clear();
    for (const batch of inFlight) this.writeOrWarn(writer, batch);
    while (this.queue.length > 0 || this.builder.hasDrops) this.writeOrWarn(writer, this.builder.next());
  }

  private send(batch: BatchMessage): void {
    this.inFlight.add(batch);
    this.pool
      .run(batch)
      .catch(() => this.pool.run(batch))
      .then(
        () => {
          this.failing = false;
        },
        (error: unknown) => {
          if (!this.inFlight.has(batch)) return;
          this.failing = true;
          this.builder.noteLost(batch);
          this.warn(`${batch.calls.count} records could not be written to ${batch.databasePath}`, error);
        },
      )
      .finally(() => {
        this.inFlight.delete(batch);
        const waiters = this.waiters;
        this.waiters = [];
        for (const resolve of waiters) resolve();
        if (this.hasWorkToSend) this.queue.scheduleDrain();
      });
  }

  private writeOrWarn(writer: TraceWriter, batch: BatchMessage): void {
    try {
      writer.write(batch);
    } catch (error) {
      this.warn(`${batch.calls.count} records could not be written to ${batch.databasePath}`, error, true);
    }
  }

  /**
   * Tells the user once per distinct problem; a tracing failure never stops the program. While the process
   * exits, a warning event would never be printed, so the text goes straight to stderr.
   */
  private warn(what: string, error: unknown, exiting = false): void {
    const reason = error instanceof Error ? error.message : String(error);
    if (this.warned.has(reason)) return;
    this.warned.add(reason);
    if (exiting) process.stderr.write(`(ts-observatory) ${what}: ${reason}\n`);
    else process.emitWarning(`${what}: ${reason}`, { code: 'OBSERVATORY_WRITE' });
  }
}
