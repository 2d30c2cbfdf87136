// What following the current call through `await` costs, measured both ways: the brackets emitted around each
// await of a monitored function (ts-observatory), and AsyncLocalStorage. Each case runs in its own process,
// all cases once per round, in an order rotated between rounds.
import * as path from 'node:path';
import { runChild } from '../child-process.mjs';
import { removeDatabase } from '../e2e/database.mjs';
import { scratchDir } from '../paths.mjs';
import { median, summarize } from '../stats.mjs';

const childScript = path.join(import.meta.dirname, 'child.mjs');
export const asyncContextCases = ['plain', 'observatory', 'als-run', 'await', 'await-als'];

export function measureAsyncContext({ rounds, sampling }, log) {
  const runs = Object.fromEntries(asyncContextCases.map(name => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const offset = round % asyncContextCases.length;
    for (const name of [...asyncContextCases.slice(offset), ...asyncContextCases.slice(0, offset)]) {
      const dbPath = path.join(scratchDir, `async-context-${name}.db`);
      removeDatabase(dbPath);
      const result = runChild(childScript, [name, JSON.stringify(sampling)], { env: { OBSERVATORY_DB: dbPath } });
      removeDatabase(dbPath);
      runs[name].push(median(result.samplesNs));
    }
    log(
      `  round ${round + 1}/${rounds}: ${asyncContextCases.map(name => `${name} ${runs[name].at(-1).toFixed(0)}`).join(', ')}`,
    );
  }
  return Object.fromEntries(asyncContextCases.map(name => [name, summarize(runs[name])]));
}
