// A database file made at an older schema version, for the tests that upgrade one in place.
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

const { migrate } = createRequire(import.meta.url)('../../dist/runtime/schema.js');

/** A new file at schema `version` in a directory of its own; closed and removed when the test ends. */
export function databaseAtVersion(t, version) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `observatory-v${version}-`));
  const db = new Database(path.join(dir, 'traces.db'));
  t.teardown(() => {
    if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  migrate(db, version);
  return db;
}
