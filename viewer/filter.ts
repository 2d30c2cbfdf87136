/**
 * Reading a calls filter from the words users type, shared by the command line and the dashboard's API so that
 * `--status err` and `?status=err` mean exactly the same thing.
 */
import { CALL_STATUSES, VALUE_DIRECTIONS } from '../runtime/schema';
import { parseSince } from './duration';
import { UsageError } from './errors';
import type { CallFilter, TraceQueries } from './queries';

export interface FilterWords {
  /** A process name, a function name or a group; `#12` is functions.id 12. */
  fn?: string | null;
  status?: string | null;
  direction?: string | null;
  /** A duration back from now (`10m`) or an ISO 8601 time. */
  since?: string | null;
  until?: string | null;
}

export function readFilter(queries: TraceQueries, words: FilterWords): CallFilter {
  const filter: CallFilter = {};
  if (words.fn) filter.functionIds = queries.resolveFunction(words.fn);
  if (words.status) filter.status = oneOf(words.status, CALL_STATUSES, 'status');
  if (words.direction) filter.direction = oneOf(words.direction, VALUE_DIRECTIONS, 'direction');
  if (words.since) filter.sinceUs = parseSince(words.since);
  if (words.until) filter.untilUs = parseSince(words.until);
  return filter;
}

function oneOf<T extends string>(text: string, allowed: readonly T[], name: string): T {
  const upper = text.toUpperCase();
  if ((allowed as readonly string[]).includes(upper)) return upper as T;
  throw new UsageError(`${name} must be one of ${allowed.join(', ')}, not ${JSON.stringify(text)}`);
}

/** A whole number option in [min, max], or `fallback` when absent. */
export function readInteger(text: string | null | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === null || text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  }
  return value;
}
