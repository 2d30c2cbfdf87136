/**
 * Following a trace database while programs write it: which calls were committed since the last look, for
 * `observatory tail` and the dashboard's live stream (live.ts).
 *
 * Nothing in a row says when it was written, and ids do not arrive in order. A call's id is its number in its
 * recording instance (processes.id * 2^32 + n), given when the call starts, but its row is written when it
 * returns: a caller's row comes after its callees', and a slow call's after those of calls that began later.
 * So each instance is followed from a floor, below which every id has been accounted for:
 *
 *   ids above the floor    read on every look (a range of the calls table's own key), compared with those seen
 *   the floor              rises over every id seen in a row from it; an id never written (a call not sampled,
 *                          or dropped) holds it, but never more than LOOKBACK ids below the highest seen
 *   callers                a call's caller that has not arrived is still running: it is looked up by id until
 *                          it arrives, wherever the floor is by then
 *
 * The one call missed is one that returns after more than LOOKBACK later calls of its instance began, none of
 * which it made. A look costs one read of PRAGMA data_version when nothing was committed, and otherwise a range
 * read per instance that wrote recently: its ids above the floor, which are the calls still settling.
 */
import type { Connection } from './database';

/**
 * How often a tail looks: a call shows up at most this long after its batch is committed, and a look at a file
 * nobody wrote costs one pragma.
 */
export const TAIL_POLL_MS = 200;

const CALL_ID_SCALE = 2 ** 32;
/** How far below an instance's highest id a late call is still noticed by the range read alone. */
const LOOKBACK = 10_000;
/**
 * A batch's writer stamps processes.updated_us when it has the write lock and commits soon after; an instance
 * stamped this long before the last look cannot have committed since.
 */
const WRITE_SLACK_US = 60_000_000;
/** Callers awaited at once; past this the oldest are forgotten (their instance died before they returned). */
const MAX_AWAITED = 10_000;

interface Instance {
  /** Every id at or below it is accounted for. */
  floor: number;
  /** Ids above the floor already read. */
  seen: Set<number>;
}

interface Arrival {
  id: number;
  parent: number | null;
}

export class CallTail {
  private dataVersion: number;
  private lastLookUs: number;
  private readonly instances = new Map<number, Instance>();
  /** Callers of calls that arrived, which had not arrived themselves. */
  private readonly awaited = new Set<number>();

  /** Every call already in the database is taken as seen: the tail reports what is committed after this. */
  constructor(
    private readonly db: Connection,
    nowUs: number = Date.now() * 1000,
  ) {
    this.dataVersion = this.readDataVersion();
    this.lastLookUs = nowUs;
    this.db.transaction(() => {
      const processes = this.db.prepare('SELECT id, updated_us AS updatedUs FROM processes').all() as {
        id: number;
        updatedUs: number;
      }[];
      for (const { id, updatedUs } of processes) {
        const top = this.topId(id);
        // An instance that wrote lately may still have calls running below its highest id.
        const floor = updatedUs >= nowUs - WRITE_SLACK_US ? Math.max(id * CALL_ID_SCALE, top - LOOKBACK) : top;
        const instance: Instance = { floor, seen: new Set() };
        for (const { id: seen } of this.idsAbove(id, floor)) instance.seen.add(seen);
        settle(instance, top);
        this.instances.set(id, instance);
      }
    })();
  }

  /** Ids of the calls committed since the last look, oldest id first; none when nothing was committed. */
  look(nowUs: number = Date.now() * 1000): number[] {
    const version = this.readDataVersion();
    if (version === this.dataVersion) return [];
    this.dataVersion = version;
    const since = this.lastLookUs - WRITE_SLACK_US;
    this.lastLookUs = nowUs;
    // One snapshot, so that a commit landing midway is read whole at the next look rather than in halves.
    return this.db.transaction(() => {
      const arrived = new Map<number, number | null>();
      const active = this.db.prepare('SELECT id FROM processes WHERE updated_us >= ?').pluck().all(since) as number[];
      for (const processId of active) {
        let instance = this.instances.get(processId);
        if (!instance)
          this.instances.set(processId, (instance = { floor: processId * CALL_ID_SCALE, seen: new Set() }));
        let top = instance.floor;
        for (const row of this.idsAbove(processId, instance.floor)) {
          top = row.id;
          if (instance.seen.has(row.id)) continue;
          instance.seen.add(row.id);
          arrived.set(row.id, row.parent);
        }
        settle(instance, top);
      }
      for (const row of this.existing([...this.awaited])) arrived.set(row.id, row.parent);
      for (const id of arrived.keys()) this.awaited.delete(id);
      this.awaitCallers(arrived);
      return [...arrived.keys()].sort((a, b) => a - b);
    })();
  }

  /** A caller that has not arrived yet is still running, and is looked for by id until it does. */
  private awaitCallers(arrived: Map<number, number | null>): void {
    const callers = new Set<number>();
    for (const parent of arrived.values()) {
      if (parent === null || arrived.has(parent)) continue;
      const instance = this.instances.get(Math.floor(parent / CALL_ID_SCALE));
      if (instance && parent > instance.floor && instance.seen.has(parent)) continue;
      callers.add(parent);
    }
    // Those already written arrived at an earlier look, or were there before the tail began.
    const written = new Set(this.existing([...callers]).map(row => row.id));
    for (const caller of callers) if (!written.has(caller)) this.awaited.add(caller);
    for (const oldest of this.awaited) {
      if (this.awaited.size <= MAX_AWAITED) break;
      this.awaited.delete(oldest);
    }
  }

  private readDataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  private topId(processId: number): number {
    const top = this.db
      .prepare('SELECT id FROM calls WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1')
      .pluck()
      .get(processId * CALL_ID_SCALE, (processId + 1) * CALL_ID_SCALE) as number | undefined;
    return top ?? processId * CALL_ID_SCALE;
  }

  /** The instance's calls above `floor`, by id. */
  private idsAbove(processId: number, floor: number): Arrival[] {
    return this.db
      .prepare('SELECT id, parent FROM calls WHERE id > ? AND id < ? ORDER BY id')
      .all(floor, (processId + 1) * CALL_ID_SCALE) as Arrival[];
  }

  private existing(ids: number[]): Arrival[] {
    if (ids.length === 0) return [];
    return this.db
      .prepare('SELECT id, parent FROM calls WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)) as Arrival[];
  }
}

/** Raises the floor over the ids seen in a row from it, and to at most LOOKBACK below the highest id. */
function settle(instance: Instance, top: number): void {
  while (instance.seen.delete(instance.floor + 1)) instance.floor++;
  if (top - instance.floor <= LOOKBACK) return;
  instance.floor = top - LOOKBACK;
  for (const id of instance.seen) if (id <= instance.floor) instance.seen.delete(id);
}
