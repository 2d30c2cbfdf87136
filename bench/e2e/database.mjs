// Reading back what a recording process committed.
import * as fs from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Rows committed to `dbPath`: calls, the values packed in them (what the call_values view would list, counted
 * without unpacking them: a call's outputs are an array, or an object when they did not fit their declared
 * shape), dropped calls and the fullest ring's high-water mark in bytes.
 */
export function countCommitted(dbPath) {
  if (!fs.existsSync(dbPath)) return { calls: 0, values: 0, drops: 0, ringHighWater: null };
  const db = new Database(dbPath, { readonly: true });
  try {
    const count = sql => db.prepare(sql).pluck().get() ?? 0;
    return {
      calls: count('SELECT count(*) FROM calls'),
      values: count(
        `SELECT sum(coalesce(json_array_length(inputs), 0)
                    + CASE json_type(outputs) WHEN 'array' THEN json_array_length(outputs)
                                              WHEN 'object' THEN (SELECT count(*) FROM json_each(outputs)) ELSE 0 END)
           FROM calls`,
      ),
      drops: count('SELECT sum(count) FROM drops'),
      ringHighWater: db.prepare('SELECT max(buffer_high_water) FROM processes').pluck().get() ?? null,
    };
  } finally {
    db.close();
  }
}

/** Deletes a database file with its WAL and shared-memory files. */
export function removeDatabase(dbPath) {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbPath + suffix, { force: true });
}
