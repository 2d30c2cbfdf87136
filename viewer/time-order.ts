/**
 * Questions about all functions' calls by time, in a file with no index of calls by time alone.
 *
 * Schema 7 dropped calls_by_time: it cost every call a quarter of its bytes and a seventh of SQLite's time
 * (runtime/schema.ts, WITHOUT_TIME_INDEX). What it answered is read from calls_by_function_time instead, one
 * stretch per function: a time range is a range in each function's stretch, the first and last calls are the
 * ends of the stretches, and the newest calls of all are read in time windows that widen until they hold
 * enough. SQLite walks the index that way only when it is told the function ids, so these helpers list them.
 *
 * The readers also open files of version 6 and older, which still have the index; the answers are the same.
 */
import type { Connection } from './database';
import { type CallFilter, type Where, whereSql } from './where';

/**
 * Where the calls a question's terms match can be: the functions the terms keep to, and no call they match
 * started before `sinceUs` or after `untilUs`. The helpers below look only there.
 */
export type TimeScope = Pick<CallFilter, 'functionIds' | 'sinceUs' | 'untilUs'>;

/** Every function's id, as a term on `calls c`: what lets SQLite read a time range function by function. */
const EVERY_FUNCTION = 'c.function_id IN (SELECT id FROM functions)';

/**
 * `where` (made from `filter`) with every function's id added when `filter` bounds the time of calls of all
 * functions: SQLite answers that with a scan of the whole table otherwise. Without a bound, a scan in table
 * order is the better plan, and is left to SQLite.
 */
export function acrossFunctions(where: Where, filter: TimeScope): Where {
  if (filter.functionIds || (filter.sinceUs === undefined && filter.untilUs === undefined)) return where;
  return { sql: [EVERY_FUNCTION, ...where.sql], params: where.params };
}

/** The first window of newestCallIds, before it widens; a busy program makes hundreds of calls in it. */
const FIRST_WINDOW_US = 1_000_000;
/** How much each window of newestCallIds is wider than the one before. */
const WINDOW_GROWTH = 8;

/**
 * The ids of the newest `count` calls `where` matches (terms on `calls c`), newest first, ties by id.
 *
 * One function's calls are walked newest first along its stretch of calls_by_function_time, as calls_by_time
 * walked them all. Calls of several functions are read in time windows that end at the newest call of
 * interest and widen until they hold `count` matches or reach the first call: each window is one range per
 * function, sorted, and every call it leaves out is older than all it holds. A window per function and row
 * would instead walk every call of a function that has no match. Most pages come from the first window or two,
 * and no window reads more than WINDOW_GROWTH times the calls the answer needed.
 */
export function newestCallIds(db: Connection, where: Where, count: number, scope: TimeScope = {}): number[] {
  const newestFirst = 'ORDER BY c.start_us DESC, c.id DESC LIMIT ?';
  if (scope.functionIds?.length === 1) {
    return db
      .prepare(`SELECT c.id FROM calls c ${whereSql(where.sql)} ${newestFirst}`)
      .pluck()
      .all(...where.params, count) as number[];
  }
  const { firstUs, lastUs } = firstAndLastStart(db);
  if (firstUs === null || lastUs === null) return [];
  const end = Math.min(lastUs, scope.untilUs ?? lastUs);
  const start = Math.max(firstUs, scope.sinceUs ?? firstUs);
  const functions = scope.functionIds ? [] : [EVERY_FUNCTION];
  const inWindow = db
    .prepare(`SELECT c.id FROM calls c ${whereSql([...functions, ...where.sql, 'c.start_us >= ?'])} ${newestFirst}`)
    .pluck();
  for (let width = FIRST_WINDOW_US; ; width *= WINDOW_GROWTH) {
    const from = end - width;
    const ids = inWindow.all(...where.params, from, count) as number[];
    if (ids.length === count || from <= start) return ids;
  }
}

/** The start of the first call and of the last, null in a file without calls: the ends of each function's stretch. */
export function firstAndLastStart(db: Connection): { firstUs: number | null; lastUs: number | null } {
  return db
    .prepare(
      `SELECT min((SELECT min(c.start_us) FROM calls c WHERE c.function_id = f.id)) AS firstUs,
              max((SELECT max(c.start_us) FROM calls c WHERE c.function_id = f.id)) AS lastUs
         FROM functions f`,
    )
    .get() as { firstUs: number | null; lastUs: number | null };
}
