// What recording costs a short program: bench/src/short-program.ts (100 monitored calls, then exit), built
// uninstrumented and instrumented, each run a process of its own, the two alternating. Each run's CPU time is the
// whole process's, every thread included (the writer thread's too), as bash's `times` reports for its child, to
// the millisecond; its wall time runs from spawn to exit. After each instrumented run the database must hold all
// 100 calls.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { variants } from '../micro/variants.mjs';
import { buildOutput, scratchDir } from '../paths.mjs';
import { median, summarize } from '../stats.mjs';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');

export const startupVariants = ['baseline', 'observatory'];
const CALLS = 100;

/** `times` prints the shell's own user and system time, then its children's: `0m0.312s 0m0.041s`. */
function childCpuMs(timesOutput) {
  const children = timesOutput.trim().split('\n').at(-1);
  const match = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(children);
  if (!match) throw new Error(`unexpected output of times: ${timesOutput}`);
  const [, userMinutes, userSeconds, systemMinutes, systemSeconds] = match.map(Number);
  return (userMinutes * 60 + userSeconds + systemMinutes * 60 + systemSeconds) * 1000;
}

function committedCalls(database) {
  const db = new Database(database, { readonly: true });
  try {
    return db.prepare('SELECT count(*) AS calls FROM calls').get().calls;
  } finally {
    db.close();
  }
}

function runOnce(variantName, database) {
  for (const file of [database, `${database}-wal`, `${database}-shm`]) fs.rmSync(file, { force: true });
  const program = path.join(buildOutput(variantName), 'short-program.js');
  const started = performance.now();
  const run = spawnSync('bash', ['-c', '"$0" "$1" && times', process.execPath, program], {
    env: { ...process.env, ...variants[variantName].env, OBSERVATORY_DB: database },
    encoding: 'utf8',
  });
  const wallMs = performance.now() - started;
  if (run.status !== 0) throw new Error(`${variantName} short program failed:\n${run.stderr}`);
  const missing = variants[variantName].records ? CALLS - committedCalls(database) : 0;
  return { cpuMs: childCpuMs(run.stdout), wallMs, missing };
}

export function measureStartup({ rounds }, log) {
  const database = path.join(scratchDir, 'startup.db');
  const runs = Object.fromEntries(startupVariants.map(name => [name, { cpuMs: [], wallMs: [], missing: 0 }]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? startupVariants : [...startupVariants].reverse();
    for (const name of order) {
      const { cpuMs, wallMs, missing } = runOnce(name, database);
      runs[name].cpuMs.push(cpuMs);
      runs[name].wallMs.push(wallMs);
      runs[name].missing += missing;
    }
    log(
      `  round ${round + 1}/${rounds}: ${order.map(name => `${name} ${runs[name].cpuMs.at(-1).toFixed(0)} ms`).join(', ')}`,
    );
  }
  const result = Object.fromEntries(
    startupVariants.map(name => [
      name,
      { cpuMs: summarize(runs[name].cpuMs), wallMs: summarize(runs[name].wallMs), missing: runs[name].missing },
    ]),
  );
  result.calls = CALLS;
  result.recordingCpuMs = median(runs.observatory.cpuMs) - median(runs.baseline.cpuMs);
  return result;
}
