// The ceiling under the end-to-end figures: how many `add` calls per second SQLite itself, with each index of
// the calls table and without, and the runtime's writer alone, can store on this machine, and how many bytes a
// call takes in the file (see child.mjs). Each case runs in its own process, `rounds` times. The writer stores
// as many calls as the end-to-end run (`writerCalls`), so that both fill a file of the same size.
import * as path from 'node:path';
import { runChild } from '../child-process.mjs';
import { removeDatabase } from '../e2e/database.mjs';
import { scratchDir } from '../paths.mjs';
import { summarize } from '../stats.mjs';

const childScript = path.join(import.meta.dirname, 'child.mjs');
export const ceilingCases = [
  'engine',
  'engine-no-calls_by_function_time',
  'engine-no-calls_by_trace',
  'engine-bare',
  'engine-sql',
  'writer',
];

export function measureCeiling({ calls, writerCalls, rounds }, log) {
  const results = {};
  for (const name of ceilingCases) {
    const caseCalls = name === 'writer' ? writerCalls : calls;
    const rates = [];
    const bytesPerCall = [];
    let callsPerTransaction;
    for (let round = 0; round < rounds; round++) {
      const dbPath = path.join(scratchDir, `ceiling-${name}.db`);
      removeDatabase(dbPath);
      const run = runChild(childScript, [name, String(caseCalls), dbPath], {
        env: { OBSERVATORY_RETENTION_HOURS: '0' },
      });
      removeDatabase(dbPath);
      rates.push(run.calls / (run.ms / 1000));
      bytesPerCall.push(run.bytesPerCall);
      callsPerTransaction = run.callsPerTransaction;
    }
    results[name] = {
      ...summarize(rates),
      calls: caseCalls,
      bytesPerCall: summarize(bytesPerCall).median,
      callsPerTransaction,
    };
    log(
      `  ${name}: ${Math.round(results[name].median).toLocaleString('en-US')} calls/s, ${Math.round(results[name].bytesPerCall)} bytes/call`,
    );
  }
  return results;
}
