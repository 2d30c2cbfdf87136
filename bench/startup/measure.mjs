// What recording costs a program that starts, makes a few calls and ends. Each case is a process of its own,
// the cases rotating from round to round; a run's CPU time is the whole process's, every thread included (the
// writer thread's, the loader's compiler thread's), as bash's `times` reports for its child, to the millisecond,
// and its wall time runs from spawn to exit. After each recording run the database must hold every call, or the
// measurement stops.
//
//   baseline, observatory   bench/src/short-program.ts (100 `add` calls, then exit), built uninstrumented and
//                           instrumented: what recording adds to a command-line tool or one test file's process
//   loader, loader-threads  the checkout program (test/programs/checkout) run from its TypeScript through
//                           `node --import ts-observatory/register`, in the main thread alone, then also in three
//                           worker threads started from TypeScript files: what each further thread costs when one
//                           compiler serves the process
//   node, loader-idle       `node -e 0`, alone and through the loader: what installing the loader costs a process
//                           that runs no TypeScript (NODE_OPTIONS brings it to every node process): its hooks
//                           thread and its compiler thread
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeShopProject } from '../../test/helpers/checkout.mjs';
import { countCommitted, removeDatabase } from '../e2e/database.mjs';
import { variants } from '../micro/variants.mjs';
import { buildOutput, scratchDir } from '../paths.mjs';
import { median, summarize } from '../stats.mjs';

const WORKER_THREADS = 3;
/** The checkout program's calls in one thread. */
const CHECKOUT_CALLS = 5;

/** The checkout program, which runs itself in the main thread and then in BENCH_WORKER_THREADS worker threads. */
const THREADS_PROGRAM = `import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import './main';

for (let i = 0; i < Number(process.env.BENCH_WORKER_THREADS); i++) new Worker(path.join(__dirname, 'main.ts'));
`;

function startupCases() {
  const shop = writeShopProject(path.join(scratchDir, 'startup-shop'));
  fs.writeFileSync(path.join(shop, 'src', 'threads.ts'), THREADS_PROGRAM);
  const shortProgram = build => [path.join(buildOutput(build), 'short-program.js')];
  const threadsProgram = ['--import', 'ts-observatory/register', path.join(shop, 'src', 'threads.ts')];
  return {
    baseline: { args: shortProgram('baseline'), env: variants.baseline.env, calls: 0 },
    observatory: { args: shortProgram('observatory'), env: variants.observatory.env, calls: 100 },
    loader: { args: threadsProgram, env: { BENCH_WORKER_THREADS: '0' }, calls: CHECKOUT_CALLS },
    'loader-threads': {
      args: threadsProgram,
      env: { BENCH_WORKER_THREADS: String(WORKER_THREADS) },
      calls: CHECKOUT_CALLS * (1 + WORKER_THREADS),
    },
    node: { args: ['-e', '0'], env: {}, calls: 0 },
    'loader-idle': { args: ['--import', 'ts-observatory/register', '-e', '0'], env: {}, calls: 0 },
  };
}

/** `times` prints the shell's own user and system time, then its children's: `0m0.312s 0m0.041s`. */
function childCpuMs(timesOutput) {
  const children = timesOutput.trim().split('\n').at(-1);
  const match = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(children);
  if (!match) throw new Error(`unexpected output of times: ${timesOutput}`);
  const [, userMinutes, userSeconds, systemMinutes, systemSeconds] = match.map(Number);
  return (userMinutes * 60 + userSeconds + systemMinutes * 60 + systemSeconds) * 1000;
}

function runOnce(name, { args, env, calls }, database) {
  removeDatabase(database);
  const started = performance.now();
  // Output goes to /dev/null, so that only `times` reaches stdout.
  const run = spawnSync('bash', ['-c', '"$@" > /dev/null && times', 'bash', process.execPath, ...args], {
    env: { ...process.env, ...env, OBSERVATORY_DB: database },
    encoding: 'utf8',
  });
  const wallMs = performance.now() - started;
  if (run.status !== 0) throw new Error(`${name} failed:\n${run.stderr}`);
  const missing = calls - countCommitted(database).calls;
  if (missing !== 0) throw new Error(`${name}: ${missing} of its ${calls} calls were not committed`);
  return { cpuMs: childCpuMs(run.stdout), wallMs };
}

export function measureStartup({ rounds }, log) {
  const database = path.join(scratchDir, 'startup.db');
  const cases = startupCases();
  const names = Object.keys(cases);
  const runs = Object.fromEntries(names.map(name => [name, { cpuMs: [], wallMs: [] }]));
  for (let round = 0; round < rounds; round++) {
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const name of order) {
      const { cpuMs, wallMs } = runOnce(name, cases[name], database);
      runs[name].cpuMs.push(cpuMs);
      runs[name].wallMs.push(wallMs);
    }
    log(
      `  round ${round + 1}/${rounds}: ${names.map(name => `${name} ${runs[name].cpuMs.at(-1).toFixed(0)} ms`).join(', ')}`,
    );
  }
  const result = Object.fromEntries(
    names.map(name => [name, { cpuMs: summarize(runs[name].cpuMs), wallMs: summarize(runs[name].wallMs) }]),
  );
  result.workerThreads = WORKER_THREADS;
  result.recordingCpuMs = median(runs.observatory.cpuMs) - median(runs.baseline.cpuMs);
  result.perWorkerThreadCpuMs = (median(runs['loader-threads'].cpuMs) - median(runs.loader.cpuMs)) / WORKER_THREADS;
  result.idleLoaderCpuMs = median(runs['loader-idle'].cpuMs) - median(runs.node.cpuMs);
  return result;
}
