// What reading a small object's properties costs when no getter may run. The object is the paced target's
// `{ id, items: [1, 2, 3] }`: five own properties (two keys, three elements), each read three ways:
//
//   get          a plain [[Get]] (`object[key]`): what a copy that may run getters pays, the floor
//   descriptor   Object.getOwnPropertyDescriptor, then its `value`: the runtime's read before this change
//   lookups      the runtime's own readOwnData (dist/runtime/record/intrinsics.js): hasOwnProperty, then
//                __lookupGetter__ (and __lookupSetter__ only for an undefined value)
//
// All three run in this one process, interleaved and rotated between rounds, on the main thread's own CPU
// time, so that their ratios are measured side by side.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { mainThreadCpuNs } from '../e2e/thread-cpu.mjs';
import { repoRoot } from '../paths.mjs';
import { median, summarize } from '../stats.mjs';

const require = createRequire(import.meta.url);
const { readOwnData } = require(path.join(repoRoot, 'dist', 'runtime', 'record', 'intrinsics.js'));
const getOwnDescriptor = Object.getOwnPropertyDescriptor;

const readers = {
  get: (object, key) => object[key],
  descriptor: (object, key) => getOwnDescriptor(object, key)?.value,
  lookups: readOwnData,
};
export const propertyReadCases = Object.keys(readers);

/** Reads every property of `order` and of its `items`, as the value copy does; returns a sum so none is skipped. */
function readAll(read, order) {
  let sum = 0;
  for (const key of Object.keys(order)) {
    const value = read(order, key);
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) sum += read(value, i);
    else sum += value;
  }
  return sum;
}

function sampleNs(read, orders, calls) {
  let sink = 0;
  const before = mainThreadCpuNs();
  for (let i = 0; i < calls; i++) sink += readAll(read, orders[i & 7]);
  const ns = (mainThreadCpuNs() - before) / calls;
  if (sink === 0) throw new Error('the reads were optimized away');
  return ns;
}

export function measurePropertyReads({ rounds, samples, calls }, log) {
  const orders = Array.from({ length: 8 }, (_, id) => ({ id, items: [1, 2, 3] }));
  const runs = Object.fromEntries(propertyReadCases.map(name => [name, []]));
  for (const name of propertyReadCases) sampleNs(readers[name], orders, calls);
  for (let round = 0; round < rounds; round++) {
    const offset = round % propertyReadCases.length;
    const order = [...propertyReadCases.slice(offset), ...propertyReadCases.slice(0, offset)];
    const perRound = Object.fromEntries(order.map(name => [name, []]));
    for (let sample = 0; sample < samples; sample++) {
      for (const name of order) perRound[name].push(sampleNs(readers[name], orders, calls));
    }
    for (const name of order) runs[name].push(median(perRound[name]));
    log(
      `  round ${round + 1}/${rounds}: ${propertyReadCases.map(name => `${name} ${runs[name].at(-1).toFixed(0)}`).join(', ')}`,
    );
  }
  return Object.fromEntries(propertyReadCases.map(name => [name, summarize(runs[name])]));
}
