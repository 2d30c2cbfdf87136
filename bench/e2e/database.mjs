// Reading back what a recording process committed.
import * as fs from 'node:fs';
import Database from 'better-sqlite3';

/** Rows committed to `dbPath`: calls, value rows, dropped records and the queue's high-water mark. */
export function countCommitted(dbPath) {
  if (!fs.existsSync(dbPath)) return { calls: 0, values: 0, drops: 0, queueHighWater: null };
  const db = new Database(dbPath, { readonly: true });
  try {
    const count = sql => db.prepare(sql).pluck().get() ?? 0;
    return {
      calls: count('SELECT count(*) FROM calls'),
      values: count('SELECT count(*) FROM call_values'),
      drops: count('SELECT sum(count) FROM drops'),
      queueHighWater: db.prepare('SELECT max(queue_high_water) FROM processes').pluck().get() ?? null,
    };
  } finally {
    db.close();
  }
}

/** Deletes a database file with its WAL and shared-memory files. */
export function removeDatabase(dbPath) {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbPath + suffix, { force: true });
}
