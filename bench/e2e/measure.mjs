// End-to-end runs: each in its own child process with its own database, counted after the process has exited,
// so every figure about ts-observatory is about rows that really reached SQLite.
import * as path from 'node:path';
import { runChild } from '../child-process.mjs';
import { variants } from '../micro/variants.mjs';
import { scratchDir } from '../paths.mjs';
import { summarize } from '../stats.mjs';
import { countCommitted, removeDatabase } from './database.mjs';

const childScript = path.join(import.meta.dirname, 'child.mjs');
const rate = value => `${Math.round(value).toLocaleString('en-US')} calls/s`;

/** One run of `variant` with `plan` (see child.mjs) and extra environment; timings and what was committed. */
export function runOnce(variant, plan, env = {}) {
  const dbPath = path.join(scratchDir, `e2e-${variant}.db`);
  removeDatabase(dbPath);
  const run = runChild(childScript, [variant, JSON.stringify(plan)], {
    env: { OBSERVATORY_DB: dbPath, ...variants[variant].env, ...env },
  });
  const committed = variants[variant].records ? countCommitted(dbPath) : null;
  removeDatabase(dbPath);
  return {
    calls: run.calls,
    /** Including the paced warm-up's, which are recorded too. */
    allCalls: run.allCalls,
    committedCalls: committed?.calls ?? null,
    drops: committed?.drops ?? null,
    overloadDrops: committed?.dropsByReason.overload ?? 0,
    ringHighWater: committed?.ringHighWater ?? null,
    bytesPerCall: committed ? committed.fileBytes / run.allCalls : null,
    callsPerSecond: committed ? committed.calls / (run.totalMs / 1000) : null,
    callLoopMs: run.callMs,
    totalMs: run.totalMs,
    mainCpuNsPerCall: run.mainCpuFlushedNs / run.calls,
    mainCpuCallingNsPerCall: run.mainCpuCallingNs / run.calls,
    mainCpuShutdownMs: run.mainCpuShutdownNs / 1e6,
    processCpuNsPerCall: run.processCpuNs / run.calls,
    peakRssMB: run.maxRssMB,
    loadAverage: run.loadAverage,
    stderr: run.stderr,
  };
}

function summarizeRuns(runs, fields) {
  return Object.fromEntries(fields.map(field => [field, summarize(runs.map(run => run[field]))]));
}

/**
 * `shape` (child.mjs: `add`, or `tree` for large values) called `calls` times in one synchronous loop that never
 * yields, with OBSERVATORY_ON_FULL=wait, so that every call must be committed: calls per second are committed
 * calls over the time from the first call until shutdown() resolved.
 */
export function measureEndToEnd({ shape, calls, rounds }, log) {
  const runs = Array.from({ length: rounds }, () => {
    const run = runOnce('observatory', { shape, calls }, { OBSERVATORY_ON_FULL: 'wait' });
    const missing = run.allCalls - run.committedCalls;
    log(
      `  ${rate(run.callsPerSecond)} committed, ${Math.round(run.bytesPerCall)} bytes/call, ` +
        `1-minute load average ${run.loadAverage.toFixed(2)}` +
        (missing === 0 && run.drops === 0
          ? ''
          : `; NOT ALL COMMITTED: ${missing} calls missing, ${run.drops} counted as dropped`),
    );
    return { ...run, missing };
  });
  return {
    shape,
    calls,
    ...summarizeRuns(runs, [
      'callsPerSecond',
      'totalMs',
      'callLoopMs',
      'mainCpuNsPerCall',
      'processCpuNsPerCall',
      'peakRssMB',
      'bytesPerCall',
      'loadAverage',
    ]),
    missing: runs.reduce((total, run) => total + run.missing, 0),
    drops: runs.reduce((total, run) => total + run.drops, 0),
    ringHighWater: Math.max(...runs.map(run => run.ringHighWater ?? 0)),
    warnings: [...new Set(runs.map(run => run.stderr).filter(Boolean))],
  };
}

/**
 * The main thread's own CPU time per call (schedstat) at one paced rate, from the first call until the
 * recorder has handed off everything (flushed), for each shape's variants; every variant's figure is also
 * given above the uninstrumented function paced the same way (which takes out the pacing itself). Runs are
 * interleaved, with the order rotated from round to round, so that drift of a shared machine spreads evenly.
 */
export function measureMainThreadAtRate({ rate: callsPerSecond, warmupMs, durationMs, chunk, rounds, cases }, log) {
  const pairs = Object.entries(cases).flatMap(([shape, list]) => list.map(variant => ({ shape, variant })));
  const runs = new Map(pairs.map(pair => [pair, []]));
  for (let round = 0; round < rounds; round++) {
    const offset = round % pairs.length;
    for (const pair of [...pairs.slice(offset), ...pairs.slice(0, offset)]) {
      runs
        .get(pair)
        .push(runOnce(pair.variant, { shape: pair.shape, rate: callsPerSecond, warmupMs, durationMs, chunk }));
    }
  }
  const results = { rate: callsPerSecond, warmupMs, durationMs };
  for (const [shape, list] of Object.entries(cases)) {
    const byVariant = Object.fromEntries(
      list.map(variant => {
        const variantRuns = runs.get(pairs.find(pair => pair.shape === shape && pair.variant === variant));
        return [
          variant,
          {
            ...summarizeRuns(variantRuns, ['mainCpuNsPerCall', 'mainCpuCallingNsPerCall', 'mainCpuShutdownMs']),
            calls: variantRuns[0].calls,
            notCommitted: variants[variant].records
              ? variantRuns.reduce((total, run) => total + (run.allCalls - run.committedCalls), 0)
              : null,
          },
        ];
      }),
    );
    const baseline = byVariant.baseline.mainCpuNsPerCall.median;
    for (const result of Object.values(byVariant)) result.aboveBaseline = result.mainCpuNsPerCall.median - baseline;
    results[shape] = byVariant;
    log(
      `  ${shape}: ${list
        .filter(v => v !== 'baseline')
        .map(v => `${v} ${Math.round(byVariant[v].aboveBaseline)} ns`)
        .join(', ')} above the loop (${Math.round(baseline)} ns)`,
    );
  }
  return results;
}

/**
 * Paced bursts at rising rates, with the default ring and OBSERVATORY_ON_FULL=drop, until the runtime sheds
 * traces (drops with reason `overload`), or the main thread cannot make the calls at the asked rate any more.
 * Every rate runs in a fresh process with a fresh database.
 */
export function measureSaturation({ rates, durationMs, chunk }, log) {
  const steps = [];
  for (const asked of rates) {
    const run = runOnce(
      'observatory',
      { shape: 'add', rate: asked, durationMs, chunk },
      { OBSERVATORY_ON_FULL: 'drop' },
    );
    const achievedRate = run.calls / (durationMs / 1000);
    steps.push({
      rate: asked,
      achievedRate,
      overloadDrops: run.overloadDrops,
      drops: run.drops,
      committedCalls: run.committedCalls,
      calls: run.calls,
      ringHighWater: run.ringHighWater,
      drainMs: run.totalMs - run.callLoopMs,
      mainCpuNsPerCall: run.mainCpuNsPerCall,
    });
    log(
      `  ${rate(asked)} asked, ${rate(achievedRate)} made: ${run.overloadDrops} shed (overload), ${run.drops} drops in all`,
    );
    if (run.overloadDrops > 0 || achievedRate < 0.9 * asked) break;
  }
  const firstDropping = steps.find(step => step.overloadDrops > 0);
  const lastClean = steps.filter(step => step.overloadDrops === 0).at(-1);
  return { durationMs, steps, dropsBeginAt: firstDropping?.rate ?? null, highestCleanRate: lastClean?.rate ?? null };
}
