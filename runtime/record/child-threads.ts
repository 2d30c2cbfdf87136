/**
 * The rings of the worker threads this thread starts.
 *
 * A worker thread ended by `worker.terminate()`, or by its parent's `process.exit()`, gets no exit hook: its
 * runtime never learns that it must commit, and what its writer had not committed would be lost without a
 * count. So a runtime in a worker thread announces its ring when it starts recording, on a BroadcastChannel
 * (the worker's own message port belongs to the program), and the thread that started the worker settles
 * that ring (ring-settlement.ts):
 *
 *   the worker ends      its 'exit' event: the ring's writer ended with it, so what is left is counted
 *   this thread exits    the worker and its writer still run: the writer is waited for, within the deadline
 *
 * The ring's own thread and its parent never both count it (Control.Settled). Rings are held only while their
 * worker runs.
 */
import * as path from 'node:path';
import { BroadcastChannel, isMainThread, threadId, type Worker } from 'node:worker_threads';
import { DROP_REASON_CODES, DropCode, type RingHandle } from '../ring';
import { requireFromPackage, runtimeFile } from './installed-package';
import { settleRing, storeDropTotals, whereCounted } from './ring-settlement';
import { warn } from './warnings';

const CHANNEL = 'ts-observatory.rings.v1';

interface RingAnnouncement {
  threadId: number;
  ring: RingHandle;
}

/** In a worker thread: tells the thread that started it where this recording's ring is. */
export function announceRing(ring: RingHandle): void {
  if (isMainThread) return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage({ threadId, ring } satisfies RingAnnouncement);
  channel.close();
}

/** The rings of this thread's running workers, by thread id; one thread's copies of the runtime share it. */
export class ChildThreads {
  private readonly rings = new Map<number, RingHandle[]>();

  constructor() {
    process.on('worker', (worker: Worker) => {
      // A worker's threadId reads -1 once it has exited.
      const id = worker.threadId;
      this.rings.set(id, []);
      worker.once('exit', () => this.ended(id));
    });
    const channel = new BroadcastChannel(CHANNEL);
    channel.unref();
    channel.onmessage = event => {
      const { threadId: id, ring } = (event as { data: RingAnnouncement }).data;
      // Every thread hears every announcement; only the worker's parent knows its id.
      this.rings.get(id)?.push(ring);
    };
  }

  /** This thread is exiting: the running workers' writers are waited for until `deadline`. */
  settleAll(deadline: number): void {
    for (const [id, rings] of this.rings) {
      for (const ring of rings) settleChildRing(id, ring, deadline, false);
    }
  }

  private ended(id: number): void {
    const rings = this.rings.get(id) ?? [];
    this.rings.delete(id);
    for (const ring of rings) settleChildRing(id, ring, Date.now(), true);
  }
}

function settleChildRing(id: number, ring: RingHandle, deadline: number, ended: boolean): void {
  const control = new Int32Array(ring.control);
  const unwritten = settleRing(ring, deadline, ended);
  if (unwritten === null) return;
  const reason = DROP_REASON_CODES[DropCode.ExitTimeout];
  const drops = [...unwritten].map(([fn, count]) => ({ fn, reason, count }));
  const total = drops.reduce((sum, drop) => sum + drop.count, 0);
  // Loaded only now, from the installed package, as the writer's code in ring-settlement.ts.
  const { RegistryReader } = requireFromPackage<typeof import('../store/registry-reader')>(
    runtimeFile(path.join('store', 'registry-reader.js')),
  );
  const registry = new RegistryReader(control, ring.registry);
  const stored = storeDropTotals(ring, drops, index => registry.meta(index));
  warn(
    'OBSERVATORY_EXIT',
    `${total} calls recorded in worker thread ${id} were not written to ${ring.databasePath} ` +
      `${ended ? 'before the thread ended' : 'within the exit deadline'}; ` +
      whereCounted(stored),
    { exiting: !ended },
  );
}
