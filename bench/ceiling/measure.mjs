// The ceiling under the end-to-end figures: how many `add` calls per second SQLite itself, with each index of
// the calls table and without, and the runtime's writer alone, can store on this machine, and how many bytes a
// call takes in the file (see child.mjs). Each case runs in its own process, `rounds` times.
import * as path from 'node:path';
import { runChild } from '../child-process.mjs';
import { removeDatabase } from '../e2e/database.mjs';
import { scratchDir } from '../paths.mjs';
import { summarize } from '../stats.mjs';

const childScript = path.join(import.meta.dirname, 'child.mjs');
export const ceilingCases = [
  'engine',
  'engine-no-calls_by_function_time',
  'engine-no-calls_by_time',
  'engine-no-calls_by_trace',
  'engine-bare',
  'writer',
];

export function measureCeiling({ calls, rounds }, log) {
  const results = {};
  for (const name of ceilingCases) {
    const rates = [];
    const bytesPerCall = [];
    for (let round = 0; round < rounds; round++) {
      const dbPath = path.join(scratchDir, `ceiling-${name}.db`);
      removeDatabase(dbPath);
      const run = runChild(childScript, [name, String(calls), dbPath], { env: { OBSERVATORY_RETENTION_HOURS: '0' } });
      removeDatabase(dbPath);
      rates.push(run.calls / (run.ms / 1000));
      if (run.bytesPerCall !== undefined) bytesPerCall.push(run.bytesPerCall);
    }
    results[name] = { ...summarize(rates), bytesPerCall: bytesPerCall.length > 0 ? summarize(bytesPerCall).median : null };
    const bytes = results[name].bytesPerCall === null ? '' : `, ${Math.round(results[name].bytesPerCall)} bytes/call`;
    log(`  ${name}: ${Math.round(results[name].median).toLocaleString('en-US')} calls/s${bytes}`);
  }
  return results;
}
