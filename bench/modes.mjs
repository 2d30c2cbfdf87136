// How much each mode measures. `quick` answers "did this change make things worse" in about three minutes on a
// two-core machine;
// `full` is what bench/README.md publishes.
import { mainShapeNames } from './micro/drivers.mjs';
import { variantNames } from './micro/variants.mjs';

const quick = {
  micro: {
    shapes: mainShapeNames,
    variants: variantNames,
    rounds: 2,
    sampling: {
      warmupSamples: 20,
      warmupMs: 150,
      samples: 12,
      sampleCalls: 4096,
      maxRecordedBytes: 32 << 20,
      settleMs: 100,
    },
  },
  scaling: {
    shapes: ['params-0', 'params-16', 'string-8B', 'string-1KB', 'object-21B', 'object-1KB'],
    variants: ['baseline', 'observatory'],
    rounds: 1,
  },
  asyncContext: { rounds: 3, sampling: { warmupSamples: 20, samples: 12, sampleCalls: 4096 } },
  propertyReads: { rounds: 3, samples: 9, calls: 100_000 },
  startup: { rounds: 3 },
  // The writer-alone case stores as many calls as the end-to-end run (run.mjs), the SQLite-alone cases these.
  ceiling: { calls: 200_000, rounds: 1 },
  endToEnd: { shape: 'add', calls: 2_000_000, rounds: 1 },
  endToEndLargeValues: { shape: 'tree', calls: 50_000, rounds: 1 },
  mainThread: {
    rate: 50_000,
    warmupMs: 500,
    durationMs: 1500,
    chunk: 10_000,
    rounds: 2,
    cases: { add: ['baseline', 'floor', 'observatory', 'otel', 'pino'], order: ['baseline', 'observatory'] },
  },
  saturation: {
    rates: [100_000, 200_000, 300_000, 400_000, 500_000, 600_000, 800_000],
    durationMs: 1500,
    chunk: 10_000,
  },
};

const full = {
  micro: {
    ...quick.micro,
    rounds: 7,
    sampling: { ...quick.micro.sampling, warmupSamples: 40, warmupMs: 500, samples: 40 },
  },
  scaling: {
    ...quick.scaling,
    shapes: [
      'params-0',
      'params-1',
      'params-4',
      'params-16',
      'string-8B',
      'string-128B',
      'string-1KB',
      'string-8KB',
      'string-64KB',
      'object-21B',
      'object-128B',
      'object-1KB',
      'object-8KB',
      'object-64KB',
    ],
    rounds: 3,
  },
  asyncContext: { rounds: 7, sampling: { warmupSamples: 40, samples: 40, sampleCalls: 4096 } },
  propertyReads: { rounds: 7, samples: 21, calls: 100_000 },
  startup: { rounds: 9 },
  ceiling: { calls: 1_000_000, rounds: 3 },
  endToEnd: { shape: 'add', calls: 2_000_000, rounds: 3 },
  endToEndLargeValues: { shape: 'tree', calls: 200_000, rounds: 3 },
  mainThread: { ...quick.mainThread, warmupMs: 1000, durationMs: 5000, rounds: 5 },
  saturation: {
    rates: [100_000, 150_000, 200_000, 250_000, 300_000, 350_000, 400_000, 500_000, 600_000, 800_000, 1_000_000],
    durationMs: 5000,
    chunk: 10_000,
  },
};

export const modes = { quick, full };
