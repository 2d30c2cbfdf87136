/**
 * A calls filter as SQL WHERE terms on the `calls c` alias (or `spans c`, which has every column of calls),
 * every value a bound parameter, for the questions in queries.ts and statistics.ts alike.
 */
import type { CallStatus, ValueDirection } from '../runtime/schema';
import { valueClause, whereClause, type WhereTerm } from './value-search';

/** Which calls a list, a count or an export is about; every field narrows it. */
export interface CallFilter {
  functionIds?: number[];
  status?: CallStatus;
  /** Only calls that recorded at least one value in this direction, and only those values. */
  direction?: ValueDirection;
  sinceUs?: number;
  untilUs?: number;
  /** Calls that took at least / at most this long. */
  minDurationUs?: number;
  maxDurationUs?: number;
  /** Text anywhere in the call's inputs or outputs (`--value`). */
  value?: string;
  /** Named variables' values (`--where`), all of which must match. */
  where?: WhereTerm[];
}

export interface Where {
  sql: string[];
  params: (string | number)[];
}

export function filterClause(filter: CallFilter): Where {
  const where: Where = { sql: [], params: [] };
  const ids = filter.functionIds;
  if (ids?.length === 1) {
    // A single id as `=` lets SQLite walk calls_by_function_time in time order instead of sorting.
    where.sql.push('c.function_id = ?');
    where.params.push(ids[0]!);
  } else if (ids) {
    where.sql.push('c.function_id IN (SELECT value FROM json_each(?))');
    where.params.push(JSON.stringify(ids));
  }
  if (filter.status) {
    where.sql.push('c.status = ?');
    where.params.push(filter.status);
  }
  if (filter.sinceUs !== undefined) {
    where.sql.push('c.start_us >= ?');
    where.params.push(filter.sinceUs);
  }
  if (filter.untilUs !== undefined) {
    where.sql.push('c.start_us < ?');
    where.params.push(filter.untilUs);
  }
  if (filter.minDurationUs !== undefined) {
    where.sql.push('c.duration_ns >= ?');
    where.params.push(filter.minDurationUs * 1000);
  }
  if (filter.maxDurationUs !== undefined) {
    where.sql.push('c.duration_ns <= ?');
    where.params.push(filter.maxDurationUs * 1000);
  }
  // Values are packed in the call's row: an empty array or NULL (not captured) holds none.
  if (filter.direction === 'INPUT') where.sql.push("coalesce(c.inputs, '[]') <> '[]'");
  if (filter.direction === 'OUTPUT') where.sql.push("coalesce(c.outputs, '[]') <> '[]'");
  const terms = [...(filter.value ? [valueClause(filter.value)] : []), ...(filter.where ?? []).map(whereClause)];
  for (const term of terms) {
    where.sql.push(term.sql);
    where.params.push(...term.params);
  }
  return where;
}

export function whereSql(terms: string[]): string {
  return terms.length === 0 ? '' : `WHERE ${terms.join(' AND ')}`;
}
