/**
 * Errors as issues: failures grouped by where they began, their type and the shape of their message, with counts,
 * first and last seen, the path they took up through monitored callers, and a sample call's inputs.
 *
 * An error that passes up through three monitored callers fails four calls; it is one error. A failed call is
 * where an error began (its origin) unless one of its children failed with the same type and message: then it
 * only passed that error on. Only origins are counted, and each group's path names the callers its latest error
 * went through.
 *
 * An expected error (expected-errors.ts) is grouped apart from the same error unexpected, and listed after
 * every unexpected group: still there to see, but not what needs looking at first.
 */
import { PROCESS_NAME_SQL } from '../runtime/schema';
import type { Connection } from './database';
import { expectedTerm, storesErrorDetail } from './expected-errors';
import { parseValue } from './format';
import { acrossFunctions } from './time-order';
import { filterClause, whereSql } from './where';

export interface ErrorGroup {
  /** The function the errors began in, as the views name it. */
  process: string;
  errorType: string;
  /** The message with its numbers, quoted text and hex ids written as `<n>`, `<s>` and `<id>`. */
  messageShape: string;
  /** Its errors were expected. */
  expected: boolean;
  count: number;
  firstSeenUs: number;
  lastSeenUs: number;
  /**
   * The latest error of the group: its call, message, the functions it passed up through (origin first), and
   * its detail (store/json.ts, "error detail": its fields, cause chain and errors), null when it had none.
   */
  latest: { callId: number; errorMessage: string; path: string[]; errorDetail: unknown };
  /** Up to SAMPLES of the newest calls of the group, newest first. */
  sampleCallIds: number[];
}

const SAMPLES = 5;
/** The most failures read for one grouping, newest first; older ones are left out and the result says so. */
const MAX_FAILURES = 100_000;

/**
 * `payment of 1240 declined` and `payment of 99 declined` are one shape: `payment of <n> declined`. Hex ids and
 * UUIDs first, so that their digits are not taken for numbers; quoted text, because it is usually a value.
 */
export function messageShape(message: string): string {
  return message
    .replace(
      /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b(?=[0-9a-f]*\d)[0-9a-f]{12,}\b/gi,
      '<id>',
    )
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '<s>')
    .replace(/\d+(?:\.\d+)?/g, '<n>');
}

interface Origin {
  id: number;
  parent: number | null;
  startUs: number;
  process: string;
  errorType: string;
  errorMessage: string | null;
  errorDetail: string | null;
  expected: 0 | 1;
}

/**
 * The error groups of failures since `sinceUs` (all time when undefined), unexpected ones first, each part the
 * most frequent first; `expected` names error types to count as expected besides those stored as such.
 */
export function errorGroups(
  db: Connection,
  sinceUs?: number,
  functionIds?: number[],
  expected: readonly string[] = [],
): { groups: ErrorGroup[]; truncated: boolean } {
  const where = acrossFunctions(filterClause({ status: 'ERR', sinceUs, functionIds }), { sinceUs, functionIds });
  const expectedColumn = expectedTerm(db, expected);
  const detail = storesErrorDetail(db) ? 'c.error_detail' : 'NULL';
  // A failed child with the same error means the call only passed it on; calls_by_trace finds the children.
  where.sql.push(`NOT EXISTS (SELECT 1 FROM calls k WHERE k.trace = c.trace AND k.parent = c.id AND k.status = 'ERR'
                    AND k.error_type IS c.error_type AND k.error_message IS c.error_message)`);
  const origins = db
    .prepare(
      `SELECT c.id, c.parent, c.start_us AS startUs, ${PROCESS_NAME_SQL} AS process, c.error_type AS errorType,
              c.error_message AS errorMessage, ${detail} AS errorDetail, ${expectedColumn.sql[0]} AS expected
         FROM calls c JOIN functions f ON f.id = c.function_id ${whereSql(where.sql)}
        ORDER BY c.start_us DESC, c.id DESC LIMIT ?`,
    )
    .all(...expectedColumn.params, ...where.params, MAX_FAILURES + 1) as Origin[];
  const truncated = origins.length > MAX_FAILURES;
  const groups = new Map<string, ErrorGroup>();
  for (const origin of truncated ? origins.slice(0, MAX_FAILURES) : origins) {
    const shape = messageShape(origin.errorMessage ?? '');
    const key = JSON.stringify([origin.process, origin.errorType, shape, origin.expected]);
    const group = groups.get(key);
    if (group) {
      group.count++;
      group.firstSeenUs = origin.startUs;
      if (group.sampleCallIds.length < SAMPLES) group.sampleCallIds.push(origin.id);
      continue;
    }
    groups.set(key, {
      process: origin.process,
      errorType: origin.errorType,
      messageShape: shape,
      expected: origin.expected === 1,
      count: 1,
      firstSeenUs: origin.startUs,
      lastSeenUs: origin.startUs,
      latest: {
        callId: origin.id,
        errorMessage: origin.errorMessage ?? '',
        path: errorPath(db, origin),
        errorDetail: origin.errorDetail === null ? null : parseValue(origin.errorDetail),
      },
      sampleCallIds: [origin.id],
    });
  }
  const order = (a: ErrorGroup, b: ErrorGroup) =>
    Number(a.expected) - Number(b.expected) || b.count - a.count || b.lastSeenUs - a.lastSeenUs;
  return { groups: [...groups.values()].sort(order), truncated };
}

/** The origin's function, then each monitored caller that failed with the same error, outward. */
function errorPath(db: Connection, origin: Origin): string[] {
  const caller = db.prepare(
    `SELECT c.id, c.parent, ${PROCESS_NAME_SQL} AS process FROM calls c JOIN functions f ON f.id = c.function_id
      WHERE c.id = ? AND c.status = 'ERR' AND c.error_type IS ? AND c.error_message IS ?`,
  );
  const path = [origin.process];
  for (let parent = origin.parent; parent !== null;) {
    const row = caller.get(parent, origin.errorType, origin.errorMessage) as
      { parent: number | null; process: string } | undefined;
    if (!row) break;
    path.push(row.process);
    parent = row.parent;
  }
  return path;
}
