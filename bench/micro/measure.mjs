// Runs the per-call measurements: every (shape, variant) pair in its own child process, all pairs once per
// round, with the variant order rotated from round to round and shape to shape so that slow drift of a
// shared machine does not always favour the same variant. Reports the median and spread over the rounds.
import * as path from 'node:path';
import { runChild } from '../child-process.mjs';
import { countCommitted, removeDatabase } from '../e2e/database.mjs';
import { scratchDir } from '../paths.mjs';
import { median, summarize } from '../stats.mjs';
import { variants } from './variants.mjs';

const childScript = path.join(import.meta.dirname, 'child.mjs');

function rotate(list, by) {
  const offset = by % list.length;
  return [...list.slice(offset), ...list.slice(0, offset)];
}

/** One child run: the median time per call of its samples, its busy time per call, what it recorded. */
function measureOnce(variantName, shape, sampling) {
  const dbPath = path.join(scratchDir, `micro-${variantName}-${shape}.db`);
  removeDatabase(dbPath);
  const result = runChild(childScript, [variantName, shape, JSON.stringify(sampling)], {
    env: { OBSERVATORY_DB: dbPath, ...variants[variantName].env },
  });
  const committed = variants[variantName].records ? countCommitted(dbPath) : undefined;
  removeDatabase(dbPath);
  return { hotNs: median(result.samplesNs), busyNs: result.busyNsPerCall, result, committed };
}

/**
 * `{ [shape]: { [variant]: { hotNs, busyNs, argumentBytes, calls, committedCalls, drops } } }`, where hotNs and
 * busyNs are `summarize`d over the rounds and calls/committedCalls/drops are totals over the rounds.
 */
export function measurePerCall({ shapes, variants: variantList, rounds, sampling }, log) {
  const runs = Object.fromEntries(shapes.map(shape => [shape, Object.fromEntries(variantList.map(v => [v, []]))]));
  for (let round = 0; round < rounds; round++) {
    shapes.forEach((shape, shapeIndex) => {
      for (const variantName of rotate(variantList, round + shapeIndex)) {
        runs[shape][variantName].push(measureOnce(variantName, shape, sampling));
      }
      log(
        `  round ${round + 1}/${rounds} ${shape}: ${variantList.map(v => `${v} ${runs[shape][v].at(-1).hotNs.toFixed(1)}`).join(', ')}`,
      );
    });
  }
  return Object.fromEntries(
    shapes.map(shape => [
      shape,
      Object.fromEntries(
        variantList.map(variantName => {
          const list = runs[shape][variantName];
          const recorded = list.filter(run => run.committed);
          return [
            variantName,
            {
              hotNs: summarize(list.map(run => run.hotNs)),
              busyNs: summarize(list.map(run => run.busyNs)),
              argumentBytes: list[0].result.argumentBytes,
              sampleCalls: list[0].result.sampleCalls,
              calls: list.reduce((total, run) => total + run.result.calls, 0),
              ...(recorded.length && {
                committedCalls: recorded.reduce((total, run) => total + run.committed.calls, 0),
                drops: recorded.reduce((total, run) => total + run.committed.drops, 0),
              }),
            },
          ];
        }),
      ),
    ]),
  );
}
