/**
 * Which failures are expected: those the runtime stored as expected (the tag option `expected=`, along the
 * whole path the error took), and those whose type the reader names (`--expected`, `?expected=`). Expected
 * failures stay listed, marked as such, but are left out of error counts and error rates.
 */
import type { Connection } from './database';
import { UsageError } from './errors';
import type { Where } from './where';

/** What calls.error_type holds for an error: its class's name. */
const ERROR_TYPE = /^[A-Za-z_$][\w$]*$/;

/** `PaymentDeclinedError,OutOfStockError` as a list of error types; none when absent. */
export function readExpected(text: string | null | undefined): string[] {
  if (!text) return [];
  const types = text.split(',').map(type => type.trim());
  const bad = types.find(type => !ERROR_TYPE.test(type));
  if (bad !== undefined) {
    throw new UsageError(
      `expected must be a comma-separated list of error class names, as in PaymentDeclinedError,OutOfStockError; ${JSON.stringify(bad)} is not one`,
    );
  }
  return types;
}

/** Whether the file stores error detail and expectedness: schema version 5 and later. */
export function storesErrorDetail(db: Connection): boolean {
  return (db.pragma('user_version', { simple: true }) as number) >= 5;
}

/** A failed call `c` is expected, as an SQL term; false for every call when nothing makes one expected. */
export function expectedTerm(db: Connection, types: readonly string[]): Where {
  const stored = storesErrorDetail(db) ? ['c.error_expected = 1'] : [];
  const named = types.length > 0 ? ['c.error_type IN (SELECT value FROM json_each(?))'] : [];
  const terms = [...stored, ...named];
  return {
    sql: terms.length === 0 ? ['0'] : [`(${terms.join(' OR ')})`],
    params: types.length > 0 ? [JSON.stringify(types)] : [],
  };
}
