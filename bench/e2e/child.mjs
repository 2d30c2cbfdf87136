// One end-to-end run of one shape under one variant (micro/variants.mjs), alone in this process:
// `node child.mjs <variant> <plan>`. The plan is JSON with the shape (`add`: `add(i, 1)`; `order`:
// `itemCount({ id, items: [1, 2, 3] })`; `tree`: `nodeEnd(node)`, a syntax tree of 13 nodes) and either
// `{ calls }`, that many calls in one synchronous loop that never yields, or `{ rate, durationMs, chunk }`,
// calls at `rate` per second in bursts every millisecond, each burst catching up with the schedule, for
// `durationMs`, after `warmupMs` paced the same way and not counted (so that what is measured is the steady
// state, not the compiler's first look at the code).
// Prints one JSON line of timings and main-thread CPU times; the parent counts the committed rows after this
// process has exited.
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { variants } from '../micro/variants.mjs';
import { mainThreadCpuNs, processCpuNs } from './thread-cpu.mjs';

const [variantName, planJson] = process.argv.slice(2);
const plan = JSON.parse(planJson);
const variant = variants[variantName];
const fns = variant.load();

/** Eight preallocated orders, so that the shape measures passing a small object, not allocating one. */
const orders = Array.from({ length: 8 }, (_, i) => ({ id: i, items: [1, 2, 3] }));
/** Eight preallocated syntax trees, a node with three children with three children each: about 2 KB of JSON. */
const trees = Array.from({ length: 8 }, (_, i) => syntaxTree(2, i));

function syntaxTree(depth, offset) {
  const items = depth === 0 ? [] : [1, 2, 3].map(step => syntaxTree(depth - 1, offset + step));
  return { type: 'map', offset, source: `key: value ${offset}`, range: [offset, offset + 5, offset + 9], items };
}

const loops = {
  add: (first, count) => {
    const add = fns.add;
    let sum = 0;
    for (let i = first; i < first + count; i++) sum += add(i, 1);
    return sum;
  },
  order: (first, count) => {
    const itemCount = fns.itemCount;
    let sum = 0;
    for (let i = first; i < first + count; i++) sum += itemCount(orders[i & 7]);
    return sum;
  },
  tree: (first, count) => {
    const nodeEnd = fns.nodeEnd;
    let sum = 0;
    for (let i = first; i < first + count; i++) sum += nodeEnd(trees[i & 7]);
    return sum;
  },
};
const loop = loops[plan.shape];

let checksum = 0;
let made = 0;

function burst(count) {
  checksum += loop(made, count);
  made += count;
}

async function paced(durationMs) {
  const start = performance.now();
  const before = made;
  for (let elapsed = 0; elapsed < durationMs; elapsed = performance.now() - start) {
    let due = Math.floor((plan.rate * elapsed) / 1000) - (made - before);
    while (due > 0) {
      const count = Math.min(due, plan.chunk);
      burst(count);
      due -= count;
    }
    await sleep(1);
  }
}

if (plan.rate && plan.warmupMs) await paced(plan.warmupMs);
const warmupCalls = made;

const cpu = [mainThreadCpuNs()];
const processCpuBefore = processCpuNs();
const start = performance.now();
if (plan.rate) await paced(plan.durationMs);
else burst(plan.calls);
const callsDone = performance.now();
cpu.push(mainThreadCpuNs());
// Everything recorded is handed off (committed, exported, written) before the recorder is torn down.
if (variant.settle) await variant.settle();
const flushed = performance.now();
cpu.push(mainThreadCpuNs());
if (variant.shutdown) await variant.shutdown();
const shutDown = performance.now();
cpu.push(mainThreadCpuNs());

process.stdout.write(
  `${JSON.stringify({
    calls: made - warmupCalls,
    allCalls: made,
    callMs: callsDone - start,
    flushedMs: flushed - start,
    totalMs: shutDown - start,
    mainCpuCallingNs: cpu[1] - cpu[0],
    mainCpuFlushedNs: cpu[2] - cpu[0],
    mainCpuShutdownNs: cpu[3] - cpu[2],
    processCpuNs: processCpuNs() - processCpuBefore,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    loadAverage: os.loadavg()[0],
    checksum,
  })}\n`,
);
