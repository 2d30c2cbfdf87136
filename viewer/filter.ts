/**
 * Reading a calls filter from the words users type, shared by the command line and the dashboard's API so that
 * `--status err` and `?status=err` mean exactly the same thing.
 */
import { CALL_STATUSES, VALUE_DIRECTIONS } from '../runtime/schema';
import { parseDuration, parseSince } from './duration';
import { UsageError } from './errors';
import { parseWhere, placeVariable } from './value-search';
import { CALL_ORDERS, type CallOrder, type TraceQueries } from './queries';
import type { CallFilter } from './where';

export interface FilterWords {
  /** A process name, a function name or a group; `#12` is functions.id 12. */
  fn?: string | null;
  status?: string | null;
  direction?: string | null;
  /** A duration back from now (`10m`) or an ISO 8601 time. */
  since?: string | null;
  until?: string | null;
  /** Durations, as in `100ms` or `1.5s`. */
  minDuration?: string | null;
  maxDuration?: string | null;
  /** Text anywhere in the inputs or outputs. */
  value?: string | null;
  /** `NAME=VALUE` or `NAME~TEXT` terms, all of which must hold. */
  where?: string[];
}

export function readFilter(queries: TraceQueries, words: FilterWords): CallFilter {
  const filter: CallFilter = {};
  if (words.fn) filter.functionIds = queries.resolveFunction(words.fn);
  if (words.status) filter.status = oneOf(words.status, CALL_STATUSES, 'status');
  if (words.direction) filter.direction = oneOf(words.direction, VALUE_DIRECTIONS, 'direction');
  if (words.since) filter.sinceUs = parseSince(words.since);
  if (words.until) filter.untilUs = parseSince(words.until);
  if (words.minDuration) filter.minDurationUs = parseDuration(words.minDuration);
  if (words.maxDuration) filter.maxDurationUs = parseDuration(words.maxDuration);
  if (words.value) filter.value = words.value;
  if (words.where?.length) {
    const ids = filter.functionIds;
    // Only the chosen functions' variables, so that `--fn placeOrder --where userId=44` names placeOrder's.
    const owners = queries.functions(true).filter(fn => !ids || ids.includes(fn.id));
    filter.where = words.where.map(text => placeVariable(parseWhere(text), owners));
  }
  return filter;
}

/** `--sort time` (newest first, the default) or `--sort duration` (slowest first). */
export function readOrder(text: string | null | undefined): CallOrder {
  if (!text) return 'time';
  if ((CALL_ORDERS as readonly string[]).includes(text.toLowerCase())) return text.toLowerCase() as CallOrder;
  throw new UsageError(`sort must be one of ${CALL_ORDERS.join(', ')}, not ${JSON.stringify(text)}`);
}

function oneOf<T extends string>(text: string, allowed: readonly T[], name: string): T {
  const upper = text.toUpperCase();
  if ((allowed as readonly string[]).includes(upper)) return upper as T;
  throw new UsageError(`${name} must be one of ${allowed.join(', ')}, not ${JSON.stringify(text)}`);
}

/** A whole number option in [min, max], or `fallback` when absent. */
export function readInteger(
  text: string | null | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === null || text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  }
  return value;
}
