/**
 * Getting every record into the database however the process ends.
 *
 *   event loop runs dry   'beforeExit': flush through the pool, wait for it, then destroy the pool so its
 *                         threads let the process exit (Node emits 'beforeExit' again; by then all is idle).
 *   process.exit(), an uncaught exception
 *                         'exit': nothing asynchronous runs any more, so the pending records, and batches the
 *                         pool has not confirmed, are written synchronously on this thread (better-sqlite3 is
 *                         synchronous). The throwing monitored call was already recorded by `fail`.
 *   SIGINT, SIGTERM       the runtime always listens, writes synchronously as for 'exit', and then, if no
 *                         other listener for that signal exists, removes itself and re-raises the signal so
 *                         the process ends exactly as it would have without the runtime (killed by the
 *                         signal). If the application listens too, ending the process is left to it; if it
 *                         calls process.exit() later, the 'exit' path writes whatever came after.
 *
 * In a worker thread of the application the same hooks cover the thread's own end ('beforeExit' when its
 * loop runs dry, 'exit' on process.exit() or termination of the thread); signals only reach the main thread.
 */
import { isMainThread } from 'node:worker_threads';
import type { Flusher } from './flusher';
import type { WriterPool } from './pool';
import { TraceWriter } from './writer';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function installLifecycle(flusher: Flusher, pool: WriterPool, databasePath: string): void {
  let flushingBeforeExit = false;

  const writeNow = (): void => {
    if (flusher.idle) return;
    let writer: TraceWriter;
    try {
      writer = new TraceWriter(databasePath, { prune: false });
    } catch (error) {
      process.stderr.write(`(ts-observatory) could not open ${databasePath}: ${(error as Error).message}\n`);
      return;
    }
    try {
      flusher.writeNow(writer);
    } finally {
      writer.close();
    }
  };

  process.on('beforeExit', () => {
    if (flushingBeforeExit || (flusher.settled && !pool.started)) return;
    flushingBeforeExit = true;
    flusher
      .flush()
      .then(() => pool.destroy())
      .catch(() => {
        // Destroying the pool can only fail if its threads are already gone, which is what it was for.
      })
      .finally(() => {
        flushingBeforeExit = false;
      });
  });

  process.on('exit', writeNow);

  // Signals are delivered to the main thread only.
  if (!isMainThread) return;
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      writeNow();
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}
