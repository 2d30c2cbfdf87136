/**
 * The aggregate questions behind `observatory stats`, the HTML report and the dashboard's Functions page:
 * per-function counts and latency percentiles, calls over time, and the calls the runtime could not record.
 *
 * They read every call in their time range, so they are the expensive questions: all-time statistics over a
 * million calls take about a third of a second, most of it SQLite sorting every duration for the percentiles.
 * Answers are therefore cached until the data changes (result-cache.ts), and a range that starts before the
 * first call is asked as "all time", so that "last 7 days" over a file that holds six hours is the same question.
 */
import { DROP_REASONS, PROCESS_NAME_SQL, type DropReason, type ProcessRow } from '../runtime/schema';
import type { Connection } from './database';
import { ResultCache } from './result-cache';
import type { CamelCased } from './rows';
import { expectedTerm } from './expected-errors';
import { acrossFunctions, firstAndLastStart } from './time-order';
import { filterClause, whereSql } from './where';

/** Calls not recorded, by reason. */
export type DropCounts = Record<DropReason, number>;

export interface FunctionStats {
  functionId: number;
  process: string;
  calls: number;
  /** Failures that were not expected; errorRate is theirs. */
  errors: number;
  errorRate: number;
  /** Failures that were expected (expected-errors.ts): in `calls`, not in `errors`. */
  expected: number;
  /** The latency figures and the last call are null for a function whose every call in the range was dropped. */
  p50Us: number | null;
  p95Us: number | null;
  p99Us: number | null;
  maxUs: number | null;
  lastSeenUs: number | null;
  /** Summed over the recording processes; the calls counted here are in none of the figures above. */
  dropped: DropCounts;
}

export interface TimeRange {
  fromUs: number;
  toUs: number;
}

export interface CountBucket {
  startUs: number;
  calls: number;
  /** Failures that were not expected. */
  errors: number;
  /** Failures that were expected. */
  expected: number;
}

export interface LatencyBucket extends CountBucket {
  p50Us: number | null;
  p95Us: number | null;
  p99Us: number | null;
}

export type RingUse = Pick<
  CamelCased<ProcessRow>,
  'pid' | 'threadId' | 'startedUs' | 'bufferBytes' | 'bufferHighWater'
>;

/** How recording went, over the runtime instances that recorded during the range. */
export interface RecordingHealth {
  /** Instances with a ring (those upgraded from schema 1 and 2 had a queue of records instead, and show 0 bytes). */
  rings: number;
  dropped: DropCounts;
  /** The instance whose ring came closest to full. */
  fullestRing: RingUse | null;
}

// FILTER rather than sum(status = 'ERR'): a fifth cheaper over a million calls.
const COUNT_COLUMNS = `count(*) AS calls, count(*) FILTER (WHERE c.status = 'ERR') AS errors`;
// Over the nanoseconds stored in the covering indexes, scaled after: interpolation commutes with scaling, and a
// percentile over duration_ns / 1000.0 would cost a division per call.
const PERCENTILE_COLUMNS = `percentile(c.duration_ns, 50) / 1000.0 AS p50Us, percentile(c.duration_ns, 95) / 1000.0 AS p95Us,
  percentile(c.duration_ns, 99) / 1000.0 AS p99Us`;

/** The columns of a FunctionStats table, as `stats` and the report print them. */
export const FUNCTION_STATS_HEADERS = [
  'Function',
  'Calls',
  'Dropped',
  'Errors',
  'Error rate',
  'p50',
  'p95',
  'p99',
  'Max',
  'Last seen (UTC)',
] as const;

export class TraceStatistics {
  private readonly cache: ResultCache;

  constructor(private readonly db: Connection) {
    this.cache = new ResultCache(db);
  }

  /**
   * Per-function counts, exact latency percentiles (SQLite's interpolating `percentile`) and drops, busiest
   * first. Drops have no call time, only the time their total last grew, so a range counts the totals of the
   * instances that were still dropping in it. Failures that were expected, or whose type is in `expected`, are
   * counted apart from the errors.
   */
  functionStats(sinceUs?: number, untilUs?: number, expected: readonly string[] = []): FunctionStats[] {
    const since = this.effectiveSince(sinceUs);
    return this.cache.get(`stats ${since} ${untilUs} ${expected.join()}`, () => {
      const where = filterClause({ sinceUs: since, untilUs });
      const lastSeen = filterClause({ untilUs });
      // Function by function (CROSS JOIN keeps functions as the outer loop), so each reads only its own calls in
      // the range from calls_by_function_time, already grouped: over a million calls, the last hour takes 8 ms
      // instead of the 50 ms of grouping the whole index. A function's last call is the end of its stretch of
      // that index, and so in any range that holds one of its calls: one lookup, not a max() over every call.
      const called = this.db
        .prepare(
          `SELECT f.id AS functionId, ${PROCESS_NAME_SQL} AS process, ${COUNT_COLUMNS}, ${PERCENTILE_COLUMNS},
                  max(c.duration_ns) / 1000.0 AS maxUs, (SELECT max(start_us) FROM calls c WHERE ${['c.function_id = f.id', ...lastSeen.sql].join(' AND ')}) AS lastSeenUs
             FROM functions f CROSS JOIN calls c ON c.function_id = f.id ${whereSql(where.sql)}
            GROUP BY f.id`,
        )
        .all(...lastSeen.params, ...where.params) as Omit<FunctionStats, 'errorRate' | 'expected' | 'dropped'>[];
      const expectedCounts = this.expectedCounts({ sinceUs: since, untilUs }, expected, 'c.function_id');
      const byFunction = new Map<number, FunctionStats>(
        called.map(row => {
          const expectedErrors = expectedCounts.get(row.functionId) ?? 0;
          const errors = row.errors - expectedErrors;
          return [
            row.functionId,
            { ...row, errors, errorRate: errors / row.calls, expected: expectedErrors, dropped: noDrops() },
          ];
        }),
      );
      const drops = this.db
        .prepare(
          `SELECT d.function_id AS functionId, ${PROCESS_NAME_SQL} AS process, d.reason, sum(d.count) AS count
             FROM drops d JOIN functions f ON f.id = d.function_id
            WHERE d.updated_us >= ? GROUP BY d.function_id, d.reason`,
        )
        .all(since ?? 0) as { functionId: number; process: string; reason: DropReason; count: number }[];
      for (const drop of drops) {
        let row = byFunction.get(drop.functionId);
        if (!row) {
          row = {
            functionId: drop.functionId,
            process: drop.process,
            calls: 0,
            errors: 0,
            errorRate: 0,
            expected: 0,
            p50Us: null,
            p95Us: null,
            p99Us: null,
            maxUs: null,
            lastSeenUs: null,
            dropped: noDrops(),
          };
          byFunction.set(drop.functionId, row);
        }
        row.dropped[drop.reason] = drop.count;
      }
      return [...byFunction.values()].sort((a, b) => b.calls - a.calls || a.process.localeCompare(b.process));
    });
  }

  /** Drop totals and the fullest ring, over the instances that recorded since `sinceUs`. */
  recordingHealth(sinceUs?: number): RecordingHealth {
    const since = this.effectiveSince(sinceUs) ?? 0;
    const dropped = noDrops();
    const totals = this.db
      .prepare('SELECT reason, sum(count) AS count FROM drops WHERE updated_us >= ? GROUP BY reason')
      .all(since) as { reason: DropReason; count: number }[];
    for (const { reason, count } of totals) dropped[reason] = count;
    const { rings } = this.db
      .prepare('SELECT count(*) AS rings FROM processes WHERE updated_us >= ? AND buffer_bytes > 0')
      .get(since) as { rings: number };
    const fullestRing = this.db
      .prepare(
        `SELECT pid, thread_id AS threadId, started_us AS startedUs, buffer_bytes AS bufferBytes,
                buffer_high_water AS bufferHighWater
           FROM processes WHERE updated_us >= ? AND buffer_bytes > 0
          ORDER BY buffer_high_water * 1.0 / buffer_bytes DESC, updated_us DESC LIMIT 1`,
      )
      .get(since) as RingUse | undefined;
    return { rings, dropped, fullestRing: fullestRing ?? null };
  }

  /**
   * From the first call (or `sinceUs`, if later) to the last (or just before `untilUs`, if earlier); undefined
   * for a database without calls.
   */
  timeRange(sinceUs?: number, untilUs?: number): TimeRange | undefined {
    const { firstUs, lastUs } = firstAndLastStart(this.db);
    if (firstUs === null || lastUs === null) return undefined;
    const fromUs = sinceUs === undefined ? firstUs : Math.max(sinceUs, firstUs);
    const toUs = untilUs === undefined ? lastUs : Math.min(untilUs - 1, lastUs);
    return { fromUs, toUs: Math.max(fromUs, toUs) };
  }

  /** Calls and errors in `buckets` equal slices of `range`; empty slices are included so charts keep a true time axis. */
  callCounts(
    range: TimeRange,
    buckets: number,
    functionIds?: number[],
    expected: readonly string[] = [],
  ): CountBucket[] {
    return this.slices(range, buckets, functionIds, COUNT_COLUMNS, expected);
  }

  /** Calls, errors and p50/p95/p99 durations in `buckets` equal slices of `range`. */
  latency(range: TimeRange, buckets: number, functionIds: number[], expected: readonly string[] = []): LatencyBucket[] {
    return this.slices(range, buckets, functionIds, `${COUNT_COLUMNS}, ${PERCENTILE_COLUMNS}`, expected);
  }

  /**
   * Expected failures by `key` (an SQL expression over `calls c`), in `bounds`. They are read apart from
   * the counts: the counts come from covering indexes that hold no error type, and reading the table for every
   * call to tell would cost them several times over; failures have an index of their own (calls_failed).
   */
  private expectedCounts(
    bounds: { sinceUs?: number; untilUs?: number },
    types: readonly string[],
    key: string,
    functionIds?: number[],
  ) {
    const where = acrossFunctions(filterClause({ status: 'ERR', ...bounds, functionIds }), { ...bounds, functionIds });
    const expected = expectedTerm(this.db, types);
    const rows = this.db
      .prepare(
        `SELECT ${key} AS key, count(*) AS count FROM calls c
          ${whereSql([...where.sql, ...expected.sql])} GROUP BY 1`,
      )
      .all(...where.params, ...expected.params) as { key: number; count: number }[];
    return new Map(rows.map(row => [row.key, row.count]));
  }

  /**
   * One range query per slice, walking a time index in order. A single GROUP BY over a computed slice number
   * would be one statement, but SQLite cannot tell that the number follows the index order and sorts every call
   * in the range into a temporary B-tree: for a million calls, 280 ms against 80 ms for 48 range queries.
   * Counting all functions and one function's percentiles in one pass is slower still (190 ms), as every call
   * then pays for the test that picks the function's durations.
   */
  private slices<Bucket extends CountBucket>(
    range: TimeRange,
    buckets: number,
    functionIds: number[] | undefined,
    columns: string,
    expected: readonly string[],
  ): Bucket[] {
    const key = `slices ${range.fromUs} ${range.toUs} ${buckets} ${functionIds ?? 'all'} ${columns} ${expected.join()}`;
    return this.cache.get(key, () => {
      const width = Math.max(1, Math.ceil((range.toUs - range.fromUs + 1) / buckets));
      const expectedCounts = this.expectedCounts(
        { sinceUs: range.fromUs, untilUs: range.fromUs + width * buckets },
        expected,
        `(c.start_us - ${range.fromUs}) / ${width}`,
        functionIds,
      );
      // Each slice bounds the time: of every function's calls when none is named, one range per function.
      const where = acrossFunctions(filterClause({ functionIds }), { functionIds, sinceUs: range.fromUs });
      where.sql.push('c.start_us >= ?', 'c.start_us < ?');
      const slice = this.db.prepare(`SELECT ${columns} FROM calls c ${whereSql(where.sql)}`);
      return Array.from({ length: buckets }, (_, index) => {
        const startUs = range.fromUs + index * width;
        const counts = slice.get(...where.params, startUs, startUs + width) as Omit<Bucket, 'startUs' | 'expected'>;
        const expectedErrors = expectedCounts.get(index) ?? 0;
        return { startUs, ...counts, errors: counts.errors - expectedErrors, expected: expectedErrors } as Bucket;
      });
    });
  }

  /** `sinceUs`, or undefined when it is no later than the first call and so asks about all of it. */
  private effectiveSince(sinceUs: number | undefined): number | undefined {
    if (sinceUs === undefined) return undefined;
    const { firstUs } = firstAndLastStart(this.db);
    return firstUs !== null && sinceUs <= firstUs ? undefined : sinceUs;
  }
}

function noDrops(): DropCounts {
  return Object.fromEntries(DROP_REASONS.map(reason => [reason, 0])) as DropCounts;
}
