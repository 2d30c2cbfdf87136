// One end-to-end run of `add` under one design, alone in this process: `node child.mjs <design> <plan>`.
// The plan is JSON: `{ calls, chunk }` makes `calls` calls as fast as possible, yielding to the event loop
// after every `chunk` calls as a program doing other work would; `{ rate, durationMs, chunk }` makes calls
// at `rate` per second in bursts, each burst catching up with the schedule, for `durationMs`.
// Prints one JSON line of timings; the parent counts the committed rows after this process has exited.
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { designs } from './designs.mjs';
import { mainThreadCpuMs, processCpuMs } from './thread-cpu.mjs';

const [designName, planJson] = process.argv.slice(2);
const plan = JSON.parse(planJson);
const design = designs[designName];
const add = design.load();

let checksum = 0;
let made = 0;

function burst(count) {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += add(made + i, 1);
  made += count;
  checksum += sum;
}

async function asFastAsPossible() {
  while (made < plan.calls) {
    burst(Math.min(plan.chunk, plan.calls - made));
    await yieldToEventLoop();
  }
}

async function paced(start) {
  for (let elapsed = 0; elapsed < plan.durationMs; elapsed = performance.now() - start) {
    let due = Math.floor((plan.rate * elapsed) / 1000) - made;
    while (due > 0) {
      const count = Math.min(due, plan.chunk);
      burst(count);
      due -= count;
    }
    await sleep(1);
  }
}

const busyBefore = performance.eventLoopUtilization();
const mainCpuBefore = mainThreadCpuMs();
const cpuBefore = processCpuMs();
const start = performance.now();
await (plan.rate ? paced(start) : asFastAsPossible());
const callsDone = performance.now();
const busyCalling = performance.eventLoopUtilization(busyBefore);
await design.shutdown();
const committed = performance.now();
const busy = performance.eventLoopUtilization(busyBefore);

process.stdout.write(
  `${JSON.stringify({
    calls: made,
    callMs: callsDone - start,
    totalMs: committed - start,
    mainBusyCallingMs: busyCalling.active,
    mainBusyMs: busy.active,
    mainCpuMs: mainThreadCpuMs() - mainCpuBefore,
    processCpuMs: processCpuMs() - cpuBefore,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    checksum,
  })}\n`,
);
