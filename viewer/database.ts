/**
 * Opening a trace database for reading or maintenance.
 *
 * Readers open the file read-only: a dashboard left running must never take the write lock from the program
 * being traced, and WAL mode (set by the writer) lets a read-only connection see every committed batch while
 * the writer keeps going.
 */
import * as fs from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as Connection } from 'better-sqlite3';
import { configureConnection, readSchemaVersion } from '../runtime/schema';
import { UsageError } from './errors';

export type { Connection };

/** Opens an existing database read-only; the writer may be running. */
export function openReadOnly(file: string): Connection {
  const db = open(file, true);
  // The writer holds the lock only while committing a batch; wait for it instead of failing the query.
  db.pragma('busy_timeout = 10000');
  return db;
}

/** Opens an existing database read-write, for `prune` and `vacuum`. */
export function openReadWrite(file: string): Connection {
  const db = open(file, false);
  // The runtime's settings (WAL, busy timeout), so that maintenance and a running writer take turns as writers do.
  configureConnection(db);
  return db;
}

function open(file: string, readonly: boolean): Connection {
  if (!fs.existsSync(file)) {
    throw new UsageError(`no trace database at ${file} (run an instrumented program first, or pass --db)`);
  }
  let db: Connection;
  try {
    db = new Database(file, { readonly, fileMustExist: true });
  } catch (error) {
    throw new UsageError(`cannot open ${file}: ${(error as Error).message}`);
  }
  try {
    if (readSchemaVersion(db) === 0) throw new UsageError(`${file} is not a ts-observatory trace database`);
  } catch (error) {
    db.close();
    if (error instanceof UsageError) throw error;
    // A newer schema, or a file that is not SQLite at all: both are the user's file, not our bug.
    throw new UsageError((error as Error).message);
  }
  return db;
}
