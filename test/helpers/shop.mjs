// test/programs/shop, the multi-service program that the viewer's tests of finding calls read: three services,
// interleaved requests, an error that runs out of stock and one that is declined, two classes with methods.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot, scratchDir } from './compile.mjs';
import { recordProject } from './pipeline.mjs';
import { readCalls } from './trace.mjs';

export const shopDir = path.join(repoRoot, 'test', 'programs', 'shop');
export const cli = path.join(repoRoot, 'dist', 'viewer', 'cli.js');

/** Compiles and runs the shop `times` times into a new database; its path and its calls, oldest first. */
export function recordShop(label, times = 1) {
  const dbPath = path.join(scratchDir(label), 'traces.db');
  recordProject(shopDir, dbPath, { times });
  return { dbPath, calls: readCalls(dbPath) };
}

/** `observatory ...args --db dbPath`, never reading OBSERVATORY_DB; its exit status and output. */
export function observatoryOn(dbPath, ...args) {
  const result = spawnSync(process.execPath, [cli, ...args, '--db', dbPath], {
    encoding: 'utf8',
    env: { ...process.env, OBSERVATORY_DB: '' },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
