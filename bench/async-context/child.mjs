// Measures one async-context case alone in this process: `node child.mjs <case> <sampling>`. Prints one JSON
// line with the time per call of every sample. AsyncLocalStorage, once used, changes every promise of the
// process, so each case gets a fresh process.
//
//   plain          `await addAsync(i, 1)`, the uninstrumented function
//   observatory    the same call instrumented by the transformer, recording (brackets around its await)
//   als-run        the uninstrumented function called through `AsyncLocalStorage.run`, which is what a recorder
//                  that follows the current call through awaits with AsyncLocalStorage must add to every call
//   await          an unmonitored `await` in a loop: the price every other await of the program pays...
//   await-als      ...and the same once an AsyncLocalStorage holds a value
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { buildOutput } from '../paths.mjs';

const require = createRequire(import.meta.url);
const [caseName, samplingJson] = process.argv.slice(2);
const sampling = JSON.parse(samplingJson);

const plainAdd = require(path.join(buildOutput('baseline'), 'shapes.js')).addAsync;
const storage = new AsyncLocalStorage();

async function unmonitoredStep(i) {
  await null;
  return i;
}

/** The same loop with and without an active AsyncLocalStorage: only the store differs between the two cases. */
async function unmonitoredLoop(calls) {
  let sum = 0;
  for (let i = 0; i < calls; i++) sum += await unmonitoredStep(i);
  return sum;
}

const loops = {
  plain: async calls => {
    let sum = 0;
    for (let i = 0; i < calls; i++) sum += await plainAdd(i, 1);
    return sum;
  },
  observatory: async calls => {
    const add = require(path.join(buildOutput('observatory'), 'shapes.js')).addAsync;
    let sum = 0;
    for (let i = 0; i < calls; i++) sum += await add(i, 1);
    return sum;
  },
  'als-run': async calls => {
    let sum = 0;
    for (let i = 0; i < calls; i++) sum += await storage.run(i, plainAdd, i, 1);
    return sum;
  },
  await: unmonitoredLoop,
  'await-als': unmonitoredLoop,
};

if (caseName === 'await-als') storage.enterWith({ request: 1 });
const loop = loops[caseName];
const settle = caseName === 'observatory' ? () => require('ts-observatory/runtime').flush() : async () => {};

let checksum = 0;
const samplesNs = [];
for (let i = 0; i < sampling.warmupSamples + sampling.samples; i++) {
  const start = process.hrtime.bigint();
  checksum += await loop(sampling.sampleCalls);
  const elapsed = Number(process.hrtime.bigint() - start);
  if (i >= sampling.warmupSamples) samplesNs.push(elapsed / sampling.sampleCalls);
  await yieldToEventLoop();
  await settle();
}
if (caseName === 'observatory') await require('ts-observatory/runtime').shutdown();
process.stdout.write(`${JSON.stringify({ samplesNs, checksum })}\n`);
