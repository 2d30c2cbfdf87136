/**
 * The piscina pool that owns this instance's writer thread (store/worker.ts).
 *
 * The thread does not wait for tasks to find work: it is given the ring when it starts (piscina's
 * workerData) and drains it on its own, so records are committed while this thread runs a synchronous loop
 * that never yields to the event loop. Tasks carry only ring positions: `flush` asks the writer to say when
 * everything up to a position is committed, which also keeps the event loop alive until then (piscina refs
 * its thread while a task is out, and unrefs it when idle, so an idle writer never keeps a program running).
 *
 * If the thread dies, piscina starts another with the same workerData, and it resumes from Tail: whatever
 * the dead one had not committed is still in the ring. piscina's Atomics wait loop is disabled because it
 * would block the thread's event loop between tasks, and the drain runs on that loop.
 *
 * The thread starts with the first record, so a program that records nothing never starts one.
 *
 * It starts with only the program's Node options that say how to report (writerExecArgv), never those that load
 * code: a worker inherits all of them by default, so `--import tsx` or `-r ts-node/register` ran the program's
 * TypeScript loader in the writer thread too, which runs only this package's JavaScript.
 */
import * as path from 'node:path';
import type { Piscina } from 'piscina';
import { OWN_THREAD_ENV } from '../contract';
import { Control, WriterState, type RingHandle } from '../ring';
import type { FlushTask } from '../store/worker';
import { requireFromPackage, runtimeFile } from './installed-package';

/** Times a flush is retried on a new thread after the writer thread died under it. */
const FLUSH_RETRIES = 5;

/**
 * Options about warnings, deprecations, profiles and source maps. An allow-list rather than a list of the options
 * that load code: Node refuses most others in a worker's execArgv (V8's, and those of the whole process).
 */
const REPORTING_OPTIONS = [
  'no-warnings',
  'disable-warning',
  'redirect-warnings',
  'trace-warnings',
  'no-deprecation',
  'trace-deprecation',
  'throw-deprecation',
  'pending-deprecation',
  'unhandled-rejections',
  'enable-source-maps',
  'trace-uncaught',
  'cpu-prof',
  'heap-prof',
  'diagnostic-dir',
];
/** One of them, alone, with `=value`, or a longer option of the same family (`--cpu-prof-dir`). */
const REPORTING_OPTION = new RegExp(`^--(?:${REPORTING_OPTIONS.join('|')})(?:[-=]|$)`);

/** The entries of `execArgv` that are reporting options, each with its value when that is the next entry. */
export function writerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  let keepValue = false;
  for (const entry of execArgv) {
    // An entry that is not an option is the value of the one before it.
    if (!entry.startsWith('-')) {
      if (keepValue) kept.push(entry);
      continue;
    }
    keepValue = REPORTING_OPTION.test(entry);
    if (keepValue) kept.push(entry);
  }
  return kept;
}

export class WriterThread {
  private readonly handle: RingHandle;
  private readonly control: Int32Array;
  private pool: Piscina<FlushTask, void> | null = null;

  constructor(handle: RingHandle) {
    this.handle = handle;
    this.control = new Int32Array(handle.control);
  }

  start(): void {
    if (this.pool !== null) return;
    // From the installed package, never a bundle's copy: both start threads from files (installed-package.ts).
    const { Piscina: Pool } = requireFromPackage<typeof import('piscina')>('piscina');
    this.pool = new Pool<FlushTask, void>({
      filename: runtimeFile(path.join('store', 'worker.js')),
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
      atomics: 'disabled',
      execArgv: writerExecArgv(process.execArgv),
      env: { ...process.env, [OWN_THREAD_ENV]: '1' },
      workerData: this.handle,
    });
    // An error of the pool (a writer thread that died) must never reach the program as an unhandled 'error'
    // event; piscina replaces the thread, and flush() retries.
    this.pool.on('error', () => {});
  }

  get started(): boolean {
    return this.pool !== null;
  }

  /** True once the writer thread has begun draining the ring. */
  get running(): boolean {
    return Atomics.load(this.control, Control.Writer) !== WriterState.NotStarted;
  }

  /** True once the exit path has stopped the writer: nothing more will be committed. */
  get stopped(): boolean {
    return Atomics.load(this.control, Control.Writer) === WriterState.Stopped;
  }

  /** Resolves when the ring is committed up to `head` (a Head word), and what it held is exported or counted. */
  async flush(head: number): Promise<void> {
    if (Atomics.load(this.control, Control.Tail) === head && Atomics.load(this.control, Control.Exporting) === 0)
      return;
    this.start();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.pool!.run({ head });
        return;
      } catch (error) {
        if (attempt >= FLUSH_RETRIES || this.stopped) throw error;
      }
    }
  }

  /** Stops the thread once what it has is committed; the next record starts a new one. */
  async destroy(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool !== null) await pool.destroy();
  }
}
