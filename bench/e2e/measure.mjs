// End-to-end runs of `add`: each in its own child process with its own database, counted after the process
// has exited, so every figure is about rows that really reached SQLite.
import * as path from 'node:path';
import { runChild } from '../child-process.mjs';
import { scratchDir } from '../paths.mjs';
import { summarize } from '../stats.mjs';
import { countCommitted, removeDatabase } from './database.mjs';

const childScript = path.join(import.meta.dirname, 'child.mjs');

/** One run of `design` with `plan` (see child.mjs) and extra environment; timings and committed counts. */
export function runOnce(design, plan, env = {}) {
  const dbPath = path.join(scratchDir, `e2e-${design}.db`);
  removeDatabase(dbPath);
  const run = runChild(childScript, [design, JSON.stringify(plan)], { env: { OBSERVATORY_DB: dbPath, ...env } });
  const committed = countCommitted(dbPath);
  removeDatabase(dbPath);
  return {
    calls: run.calls,
    committedCalls: committed.calls,
    committedValues: committed.values,
    drops: committed.drops,
    ringHighWater: committed.ringHighWater,
    callsPerSecond: committed.calls / (run.totalMs / 1000),
    valueRowsPerSecond: committed.values / (run.totalMs / 1000),
    callLoopMs: run.callMs,
    totalMs: run.totalMs,
    mainBusyNsPerCall: (run.mainBusyMs * 1e6) / run.calls,
    mainCpuNsPerCall: (run.mainCpuMs * 1e6) / run.calls,
    processCpuNsPerCall: (run.processCpuMs * 1e6) / run.calls,
    peakRssMB: run.maxRssMB,
    stderr: run.stderr,
  };
}

const summarizedFields = [
  'callsPerSecond', 'valueRowsPerSecond', 'totalMs', 'callLoopMs',
  'mainBusyNsPerCall', 'mainCpuNsPerCall', 'processCpuNsPerCall', 'peakRssMB',
];

/** Repeats a run `rounds` times; medians and spreads of its figures, totals of its drops and losses. */
function repeat(rounds, runIt) {
  const runs = Array.from({ length: rounds }, runIt);
  return {
    calls: runs[0].calls,
    ...Object.fromEntries(summarizedFields.map(field => [field, summarize(runs.map(run => run[field]))])),
    drops: runs.reduce((total, run) => total + run.drops, 0),
    missing: runs.reduce((total, run) => total + (run.calls - run.committedCalls - run.drops), 0),
    valueRowsPerCall: runs[0].committedValues / Math.max(1, runs[0].committedCalls),
    ringHighWater: Math.max(...runs.map(run => run.ringHighWater ?? 0)),
    warnings: [...new Set(runs.map(run => run.stderr).filter(Boolean))],
  };
}

/** `add` called `calls` times as fast as possible, under the real runtime and the main-thread design. */
export function measureEndToEnd({ calls, chunk, rounds }, log) {
  const results = {};
  for (const design of ['observatory', 'main-thread-sqlite']) {
    results[design] = repeat(rounds, () => runOnce(design, { calls, chunk }));
    log(`  ${design}: ${Math.round(results[design].callsPerSecond.median).toLocaleString('en-US')} calls/s committed`);
  }
  return results;
}

/** The real runtime with each pool size in `threads`. */
export function measureThreads({ calls, chunk, rounds, threads }, log) {
  return Object.fromEntries(
    threads.map(count => {
      const result = repeat(rounds, () => runOnce('observatory', { calls, chunk }, { OBSERVATORY_THREADS: String(count) }));
      log(`  OBSERVATORY_THREADS=${count}: ${Math.round(result.callsPerSecond.median).toLocaleString('en-US')} calls/s committed`);
      return [count, result];
    }),
  );
}

/**
 * The main thread's time per call of both designs at one paced rate that both sustain, so that neither drops
 * anything and both do all their work: event-loop busy time per call above the uninstrumented `add` paced the
 * same way (which takes out the cost of the pacing itself).
 */
export function measureMainThreadAtRate({ rate, durationMs, chunk, rounds }, log) {
  const busy = design => summarize(Array.from({ length: rounds }, () => runOnce(design, { rate, durationMs, chunk }).mainBusyNsPerCall));
  const baseline = busy('baseline');
  const results = { rate, durationMs, baseline };
  for (const design of ['observatory', 'main-thread-sqlite']) {
    const run = busy(design);
    results[design] = { ...run, aboveBaseline: run.median - baseline.median };
    log(`  ${design} at ${rate.toLocaleString('en-US')} calls/s: ${Math.round(results[design].aboveBaseline)} ns/call above the baseline`);
  }
  return results;
}

/**
 * Paced bursts at rising rates until the drops table is no longer empty (or the main thread cannot make the
 * calls at the asked rate any more). Every rate runs in a fresh process with a fresh database.
 */
export function measureSaturation({ rates, durationMs, chunk }, log) {
  const steps = [];
  for (const rate of rates) {
    const run = runOnce('observatory', { rate, durationMs, chunk });
    const achievedRate = run.calls / (durationMs / 1000);
    steps.push({ rate, achievedRate, drops: run.drops, committedCalls: run.committedCalls, calls: run.calls, ringHighWater: run.ringHighWater, drainMs: run.totalMs - run.callLoopMs, mainBusyNsPerCall: run.mainBusyNsPerCall });
    log(`  ${rate.toLocaleString('en-US')} calls/s asked, ${Math.round(achievedRate).toLocaleString('en-US')} made: ${run.drops} drops`);
    if (run.drops > 0 || achievedRate < 0.9 * rate) break;
  }
  const firstDropping = steps.find(step => step.drops > 0);
  const lastClean = steps.filter(step => step.drops === 0).at(-1);
  return { durationMs, steps, dropsBeginAt: firstDropping?.rate ?? null, highestCleanRate: lastClean?.rate ?? null };
}
