// The results as Markdown tables, for stdout and for bench/README.md.
import { count, markdownTable, ns, percent, ratio, spread } from './format.mjs';
import { costOver } from './targets.mjs';

const shapeLabels = {
  add: '`add(x, y)`',
  object: 'object argument',
  string: '1 KB string argument',
  async: 'async function',
  method: 'class method',
  'params-8': '8 parameters',
};

function label(shape) {
  return shapeLabels[shape] ?? shape;
}

function environmentTable(environment) {
  return markdownTable(
    ['', ''],
    [
      ['Node', `${environment.node} (V8 ${environment.v8})`],
      ...Object.entries(environment.packages).map(([name, version]) => [name, version]),
      ['CPU', `${environment.cpu}, ${environment.cores} cores, ${environment.memoryGB} GB`],
      ['OS', environment.os],
      ['one `performance.now()`', `${ns(environment.performanceNowNs)} ns`],
    ],
  );
}

function perCallTable(micro) {
  const variants = Object.keys(Object.values(micro)[0]);
  return markdownTable(
    ['shape', ...variants],
    Object.entries(micro).map(([shape, byVariant]) => [label(shape), ...variants.map(v => spread(byVariant[v].hotNs))]),
  );
}

function costTable(micro) {
  const offAdds = (shape, variant) => {
    const cost = costOver(micro, shape, variant);
    return `${ns(cost)} ns (${percent(cost / micro[shape].baseline.hotNs.median)})`;
  };
  return markdownTable(
    ['shape', 'floor', 'ts-observatory', 'obs. / floor', 'wrapper', 'OTel', 'OTel / obs.', 'pino', 'pino / obs.', '`OBSERVATORY=off` adds', 'an off switch adds'],
    Object.keys(micro).map(shape => {
      const cost = variant => costOver(micro, shape, variant);
      const observatory = cost('observatory');
      return [
        label(shape), ns(cost('floor')), ns(observatory), ratio(observatory / cost('floor')), ns(cost('wrapper')),
        ns(cost('otel')), ratio(cost('otel') / observatory), ns(cost('pino')), ratio(cost('pino') / observatory),
        offAdds(shape, 'observatory-off'), offAdds(shape, 'switch'),
      ];
    }),
  );
}

const asyncContextLabels = {
  plain: '`await addAsync(i, 1)`, uninstrumented',
  observatory: 'the same, instrumented and recording (brackets around its await)',
  'als-run': 'the same, uninstrumented, called through `AsyncLocalStorage.run`',
  await: 'an unmonitored `await` elsewhere in the program',
  'await-als': 'the same `await` once an AsyncLocalStorage holds a value',
};

function asyncContextTable(asyncContext) {
  const plus = (name, base) => ns(asyncContext[name].median - asyncContext[base].median);
  return markdownTable(
    ['case', 'ns per call', 'added'],
    [
      [asyncContextLabels.plain, spread(asyncContext.plain), '–'],
      [asyncContextLabels.observatory, spread(asyncContext.observatory), plus('observatory', 'plain')],
      [asyncContextLabels['als-run'], spread(asyncContext['als-run']), plus('als-run', 'plain')],
      [asyncContextLabels.await, spread(asyncContext.await), '–'],
      [asyncContextLabels['await-als'], spread(asyncContext['await-als']), plus('await-als', 'await')],
    ],
  );
}

const ceilingLabels = {
  engine: 'SQLite alone: multi-row INSERTs of 64 calls, this schema and its three indexes',
  'engine-no-calls_by_function_time': 'SQLite alone, the same without calls_by_function_time',
  'engine-no-calls_by_time': 'SQLite alone, the same without calls_by_time',
  'engine-no-calls_by_trace': 'SQLite alone, the same without calls_by_trace',
  'engine-bare': 'SQLite alone, the same rows with no secondary index',
  writer: "the runtime's writer alone, on one thread, from batch messages",
};

// Schema 3 stores one row per call, so calls/s are rows/s.
function ceilingTable(ceiling) {
  return markdownTable(
    ['what stores the calls', 'add calls/s (rows/s)', 'bytes per call'],
    Object.entries(ceiling).map(([name, result]) => [
      ceilingLabels[name],
      spread(result, count),
      result.bytesPerCall === null ? '–' : count(result.bytesPerCall),
    ]),
  );
}

function busyTable(micro) {
  const variants = Object.keys(Object.values(micro)[0]).filter(v => v !== 'baseline');
  return markdownTable(
    ['shape', 'baseline (absolute)', ...variants.map(v => `${v}`)],
    Object.entries(micro).map(([shape, byVariant]) => [
      label(shape),
      ns(byVariant.baseline.busyNs.median),
      ...variants.map(v => ns(byVariant[v].busyNs.median - byVariant.baseline.busyNs.median)),
    ]),
  );
}

function recordedNote(micro) {
  const runs = Object.values(micro).map(byVariant => byVariant.observatory).filter(Boolean);
  const calls = runs.reduce((total, run) => total + run.calls, 0);
  const committed = runs.reduce((total, run) => total + (run.committedCalls ?? 0), 0);
  const drops = runs.reduce((total, run) => total + (run.drops ?? 0), 0);
  return `Recording check: the ts-observatory children made ${count(calls)} calls; ${count(committed)} were committed to SQLite and ${count(drops)} counted as dropped.`;
}

function scalingTable(scaling) {
  return markdownTable(
    ['shape', 'argument JSON bytes', 'calls/sample', 'baseline', 'ts-observatory', 'cost', 'main-thread cost incl. hand-off', 'committed / made'],
    Object.entries(scaling).map(([shape, { baseline, observatory }]) => [
      shape,
      observatory.argumentBytes ? count(observatory.argumentBytes) : '–',
      count(observatory.sampleCalls),
      spread(baseline.hotNs),
      spread(observatory.hotNs),
      ns(observatory.hotNs.median - baseline.hotNs.median),
      ns(observatory.busyNs.median - baseline.busyNs.median),
      `${count(observatory.committedCalls)} / ${count(observatory.calls)}`,
    ]),
  );
}

const endToEndHeader = [
  'calls', 'committed calls/s', 'value rows/s', 'main thread busy ns/call', 'main thread CPU ns/call',
  'all threads CPU ns/call', 'call loop ms', 'until committed ms', 'peak RSS MB', 'drops', 'unaccounted',
];

function endToEndRow(result) {
  return [
    count(result.calls), spread(result.callsPerSecond, count), spread(result.valueRowsPerSecond, count),
    spread(result.mainBusyNsPerCall), spread(result.mainCpuNsPerCall), spread(result.processCpuNsPerCall),
    spread(result.callLoopMs, count), spread(result.totalMs, count), spread(result.peakRssMB, count),
    count(result.drops), count(result.missing),
  ];
}

function endToEndTable(endToEnd) {
  return markdownTable(['design', ...endToEndHeader], Object.entries(endToEnd).map(([design, result]) => [design, ...endToEndRow(result)]));
}

function mainThreadTable(mainThread) {
  return markdownTable(
    ['design', 'main thread busy ns/call', 'above the uninstrumented loop'],
    [
      ['uninstrumented `add`', spread(mainThread.baseline), '–'],
      ['observatory', spread(mainThread.observatory), ns(mainThread.observatory.aboveBaseline)],
      ['main-thread-sqlite', spread(mainThread['main-thread-sqlite']), ns(mainThread['main-thread-sqlite'].aboveBaseline)],
    ],
  );
}

function threadsTable(threads) {
  return markdownTable(['OBSERVATORY_THREADS', ...endToEndHeader], Object.entries(threads).map(([n, result]) => [n, ...endToEndRow(result)]));
}

function saturationTable(saturation) {
  return markdownTable(
    ['asked calls/s', 'made calls/s', 'drops', 'committed', 'ring high water bytes', 'drain after last call ms', 'main busy ns/call'],
    saturation.steps.map(step => [
      count(step.rate), count(step.achievedRate), count(step.drops), count(step.committedCalls),
      count(step.ringHighWater), count(step.drainMs), ns(step.mainBusyNsPerCall),
    ]),
  );
}

function targetsTable(targets) {
  return markdownTable(['target', 'measured', 'met'], targets.map(t => [t.target, t.measured, t.met ? 'yes' : '**no**']));
}

/** The whole report as Markdown. */
export function renderReport(results) {
  const { environment, settings, micro, scaling, asyncContext, ceiling, endToEnd, mainThread, threads, saturation, targets } = results;
  return [
    `### Environment (${results.date}, ${results.mode} mode)`,
    environmentTable(environment),
    '### Per call, hot path: ns per call, median over runs (lowest–highest)',
    `Each cell is the median of ${settings.micro.rounds} child processes; each child reports the median of ${settings.micro.sampling.samples} samples of ${settings.micro.sampling.sampleCalls} calls after ${settings.micro.sampling.warmupSamples} warm-up samples. The baseline column is the loop with the uninstrumented function, i.e. the empty-loop cost plus the body.`,
    perCallTable(micro),
    '### Per call, cost above baseline (ns) and ratios',
    costTable(micro),
    '### Main-thread busy time per call including hand-off, above baseline (ns)',
    'Event-loop busy time from the first measured call until the recorder has shut down, divided by the measured calls: the hot path plus whatever the recorder does later on the main thread (hand-off to the worker pool, span export, log formatting).',
    busyTable(micro),
    recordedNote(micro),
    '### Cost against parameter count and argument size (ns per call)',
    scalingTable(scaling),
    '### Async context: following the current call through `await`',
    `Each case in its own process, ${settings.asyncContext.rounds} rounds; ns per call, median (lowest–highest). AsyncLocalStorage would also follow calls through unmonitored async code, but costs about what the whole recording does per call, and makes every other await of the program slower; the brackets cost nothing outside monitored functions.`,
    asyncContextTable(asyncContext),
    '### Storage ceiling: how fast `add` calls can be stored at all',
    `${count(settings.ceiling.calls)} calls of \`add\` (one call row each, its values packed in it), in transactions of 4,096 calls, ${settings.ceiling.rounds} rounds; bytes per call are the file's pages after a checkpoint.`,
    ceilingTable(ceiling),
    '### End to end: `add` until every row is committed',
    endToEndTable(endToEnd),
    'The calls are made as fast as the loop can, far above what either design stores: ts-observatory drops what its queue cannot hold (counted in `drops`), the straightforward design holds the main thread until every row is written. Its main-thread time per call is therefore compared at a rate both sustain, below.',
    `### Main thread at ${count(mainThread.rate)} calls/s, where neither design drops anything`,
    `Paced as in the saturation runs, ${count(mainThread.durationMs)} ms per run, ${settings.mainThread.rounds} run(s) per design; event-loop busy time per call, which includes the hand-off to the pool (ts-observatory) or the inserts (straightforward).`,
    mainThreadTable(mainThread),
    '### Worker threads',
    threadsTable(threads),
    '### Saturation: paced bursts at rising rates',
    `Each rate runs ${count(saturation.durationMs)} ms in a fresh process. Drops begin at: ${saturation.dropsBeginAt === null ? 'no drops at any rate tried' : `${count(saturation.dropsBeginAt)} calls/s`}.`,
    saturationTable(saturation),
    '### Targets',
    targetsTable(targets),
  ].join('\n\n');
}
