// Measures one shape under one variant, alone in this process: `node child.mjs <variant> <shape> <sampling>`.
// Prints one JSON line: the time per call of every sample, the main thread's busy time per call from the
// first measured call until the recorder has shut down, how many calls were made and their checksum.
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { driverFor } from './drivers.mjs';
import { variants } from './variants.mjs';

const [variantName, shape, samplingJson] = process.argv.slice(2);
const sampling = JSON.parse(samplingJson);
const variant = variants[variantName];
const driver = driverFor(shape, variant.load());

// Every variant makes the same number of calls per sample, so the fixed cost of a sample (two clock reads, one
// trip around the event loop) weighs the same on all of them. Large arguments are recorded whole, so their
// samples shrink to keep the data one run records near `maxRecordedBytes`.
const sampleCalls = driver.argumentBytes
  ? Math.min(
      sampling.sampleCalls,
      2 ** Math.floor(Math.log2(sampling.maxRecordedBytes / (sampling.samples * driver.argumentBytes))),
    )
  : sampling.sampleCalls;

let calls = 0;
let checksum = 0;

/** Runs one sample of `count` calls and returns its duration in nanoseconds. */
async function sample(count, run = driver.run) {
  const start = process.hrtime.bigint();
  const result = run(count);
  checksum += driver.async ? await result : result;
  const elapsed = Number(process.hrtime.bigint() - start);
  calls += count;
  // Every variant yields between samples, so recorders that hand work off on a later tick get to do so, and
  // that work is counted in the busy time below instead of piling up behind a loop that never yields. A
  // recorder with a queue is then drained: each sample starts with it empty, so what a sample times is the
  // cost of calls, not of a backlog that a loop making calls millions of times a second builds up in any
  // recorder (how much a backlog costs, and where drops begin, is what the end-to-end runs measure).
  await yieldToEventLoop();
  if (variant.settle) await variant.settle();
  return elapsed;
}

// Warm-up: enough calls for the optimizing compiler to settle on the call sites. Slow variants reach that
// call count long before the others, so their warm-up ends after `warmupMs` once a few samples have run.
const warmupStart = performance.now();
for (let i = 0; i < sampling.warmupSamples; i++) {
  await sample(sampling.sampleCalls, driver.warmup);
  if (i >= 3 && performance.now() - warmupStart > sampling.warmupMs) break;
}
// Let the periodic flushes (50 ms in the real runtime and in the OTel batch processor) hand off the warm-up
// records before measuring.
await sleep(sampling.settleMs);

const busyBefore = performance.eventLoopUtilization();
const samplesNs = [];
let measuredCalls = 0;
for (let i = 0; i < sampling.samples; i++) {
  samplesNs.push((await sample(sampleCalls)) / sampleCalls);
  measuredCalls += sampleCalls;
}
// Shutting down hands off what is still queued; that is part of what the measured calls cost the main thread.
if (variant.shutdown) await variant.shutdown();
const busy = performance.eventLoopUtilization(busyBefore);

process.stdout.write(
  `${JSON.stringify({
    samplesNs,
    busyNsPerCall: (busy.active * 1e6) / measuredCalls,
    sampleCalls,
    argumentBytes: driver.argumentBytes,
    calls,
    checksum,
  })}\n`,
);
