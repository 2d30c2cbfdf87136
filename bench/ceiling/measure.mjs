// The ceiling under the end-to-end figures: how many `add` calls per second SQLite itself, and the runtime's
// writer alone, can store on this machine (see child.mjs). Each case runs in its own process, `rounds` times.
import * as path from 'node:path';
import { runChild } from '../child-process.mjs';
import { removeDatabase } from '../e2e/database.mjs';
import { scratchDir } from '../paths.mjs';
import { summarize } from '../stats.mjs';

const childScript = path.join(import.meta.dirname, 'child.mjs');
export const ceilingCases = ['engine', 'engine-bare', 'writer'];

export function measureCeiling({ calls, rounds }, log) {
  const results = {};
  for (const name of ceilingCases) {
    const rates = [];
    for (let round = 0; round < rounds; round++) {
      const dbPath = path.join(scratchDir, `ceiling-${name}.db`);
      removeDatabase(dbPath);
      const run = runChild(childScript, [name, String(calls), dbPath], { env: { OBSERVATORY_RETENTION_HOURS: '0' } });
      removeDatabase(dbPath);
      rates.push(run.calls / (run.ms / 1000));
    }
    results[name] = summarize(rates);
    log(`  ${name}: ${Math.round(results[name].median).toLocaleString('en-US')} calls/s`);
  }
  return results;
}
