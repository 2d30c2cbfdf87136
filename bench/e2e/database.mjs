// Reading back what a recording process committed.
import * as fs from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Rows committed to `dbPath`: calls, calls counted as not recorded (in total and by reason), the fullest
 * ring's high-water mark in bytes, and the file's size in bytes after a checkpoint.
 */
export function countCommitted(dbPath) {
  if (!fs.existsSync(dbPath)) return { calls: 0, drops: 0, dropsByReason: {}, ringHighWater: null, fileBytes: 0 };
  const db = new Database(dbPath);
  try {
    const dropsByReason = Object.fromEntries(
      db.prepare('SELECT reason, sum(count) FROM drops GROUP BY reason').raw().all(),
    );
    return {
      calls: db.prepare('SELECT count(*) FROM calls').pluck().get(),
      drops: Object.values(dropsByReason).reduce((total, n) => total + n, 0),
      dropsByReason,
      ringHighWater: db.prepare('SELECT max(buffer_high_water) FROM processes').pluck().get() ?? null,
      fileBytes: checkpointedBytes(db),
    };
  } finally {
    db.close();
  }
}

/** The database's size once its write-ahead log is checkpointed into it: page count times page size. */
export function checkpointedBytes(db) {
  db.pragma('wal_checkpoint(TRUNCATE)');
  return db.pragma('page_count', { simple: true }) * db.pragma('page_size', { simple: true });
}

/** Deletes a database file with its WAL and shared-memory files. */
export function removeDatabase(dbPath) {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbPath + suffix, { force: true });
}
