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
      ['1-minute load average at the start', environment.loadAverage.toFixed(2)],
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
    [
      'shape',
      'floor',
      'ts-observatory',
      'obs. / floor',
      'wrapper',
      'OTel',
      'OTel / obs.',
      'pino',
      'pino / obs.',
      '`OBSERVATORY=off` adds',
      'an off switch adds',
    ],
    Object.keys(micro).map(shape => {
      const cost = variant => costOver(micro, shape, variant);
      const observatory = cost('observatory');
      return [
        label(shape),
        ns(cost('floor')),
        ns(observatory),
        ratio(observatory / cost('floor')),
        ns(cost('wrapper')),
        ns(cost('otel')),
        ratio(cost('otel') / observatory),
        ns(cost('pino')),
        ratio(cost('pino') / observatory),
        offAdds(shape, 'observatory-off'),
        offAdds(shape, 'switch'),
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

const propertyReadLabels = {
  get: 'plain `object[key]` (may run a getter)',
  descriptor: '`Object.getOwnPropertyDescriptor`, then `.value`',
  lookups: "the runtime's `readOwnData`: `hasOwnProperty`, `__lookupGetter__`",
};

function propertyReadsTable(propertyReads) {
  return markdownTable(
    ['read', 'ns per object', 'against a plain read'],
    Object.entries(propertyReadLabels).map(([name, label]) => [
      label,
      spread(propertyReads[name]),
      ratio(propertyReads[name].median / propertyReads.get.median),
    ]),
  );
}

function startupTable(startup) {
  const labels = {
    baseline: '`short-program.ts`, uninstrumented',
    observatory: '`short-program.ts`, ts-observatory',
    loader: 'checkout through the loader, main thread',
    'loader-threads': `checkout through the loader, main thread and ${startup.workerThreads} worker threads`,
    node: '`node -e 0`',
    'loader-idle': '`node --import ts-observatory/register -e 0`',
  };
  return markdownTable(
    ['program', 'process CPU ms (all threads)', 'wall ms, spawn to exit'],
    Object.entries(labels).map(([name, label]) => [
      label,
      spread(startup[name].cpuMs, count),
      spread(startup[name].wallMs, count),
    ]),
  );
}

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
  engine: 'SQLite alone: multi-row INSERTs of 64 calls, this schema and its indexes',
  'engine-no-calls_by_function_time': 'SQLite alone, the same without calls_by_function_time',
  'engine-no-calls_by_trace': 'SQLite alone, the same without calls_by_trace',
  'engine-bare': 'SQLite alone, the same rows with no secondary index',
  'engine-sql': 'SQLite alone, the same rows into this schema made by SQLite itself (INSERT ... SELECT, no JavaScript)',
  writer: "the runtime's writer alone (TraceWriter fed prepared CallRecords), no ring",
};

// Schema 3 stores one row per call, so calls/s are rows/s.
function ceilingTable(ceiling) {
  return markdownTable(
    ['what stores the calls', 'calls', 'add calls/s (rows/s)', 'bytes per call'],
    Object.entries(ceiling).map(([name, result]) => [
      ceilingLabels[name],
      count(result.calls),
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
  const runs = Object.values(micro)
    .map(byVariant => byVariant.observatory)
    .filter(Boolean);
  const calls = runs.reduce((total, run) => total + run.calls, 0);
  const committed = runs.reduce((total, run) => total + (run.committedCalls ?? 0), 0);
  const drops = runs.reduce((total, run) => total + (run.drops ?? 0), 0);
  return `Recording check: the ts-observatory children made ${count(calls)} calls; ${count(committed)} were committed to SQLite and ${count(drops)} counted as dropped.`;
}

function scalingTable(scaling) {
  return markdownTable(
    [
      'shape',
      'argument JSON bytes',
      'calls/sample',
      'baseline',
      'ts-observatory',
      'cost',
      'main-thread cost incl. hand-off',
      'committed / made',
    ],
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

/** One end-to-end case; with `writerAlone` (calls/s), its ratio to the writer alone as well. */
function endToEndTable(endToEnd, writerAlone) {
  const columns = [
    ['calls', count(endToEnd.calls)],
    ['committed calls/s', spread(endToEnd.callsPerSecond, count)],
    ...(writerAlone === undefined ? [] : [['x writer alone', ratio(endToEnd.callsPerSecond.median / writerAlone)]]),
    ['1-minute load average', spread(endToEnd.loadAverage, value => value.toFixed(2))],
    ['bytes per call', spread(endToEnd.bytesPerCall, count)],
    ['main thread CPU ns/call', spread(endToEnd.mainCpuNsPerCall)],
    ['all threads CPU ns/call', spread(endToEnd.processCpuNsPerCall)],
    ['call loop ms', spread(endToEnd.callLoopMs, count)],
    ['until shutdown() resolved ms', spread(endToEnd.totalMs, count)],
    ['peak RSS MB', spread(endToEnd.peakRssMB, count)],
    ['ring high water MB', (endToEnd.ringHighWater / 2 ** 20).toFixed(1)],
    ['drops', count(endToEnd.drops)],
    ['missing', count(endToEnd.missing)],
  ];
  return markdownTable(
    columns.map(([heading]) => heading),
    [columns.map(([, cell]) => cell)],
  );
}

const pacedLabels = {
  baseline: 'uninstrumented (the loop and the pacing)',
  floor: 'floor: two clock reads and a record into a Float64Array, by hand',
  observatory: 'ts-observatory',
  otel: 'OpenTelemetry span, BatchSpanProcessor, serializing exporter',
  pino: 'pino line to an asynchronous file',
};

function mainThreadTable(mainThread) {
  const rows = [];
  for (const shape of ['add', 'order']) {
    for (const [variant, result] of Object.entries(mainThread[shape])) {
      const above = variant === 'baseline' ? '–' : ns(result.aboveBaseline);
      const versusOurs =
        variant === 'baseline' || variant === 'observatory'
          ? '–'
          : ratio(result.aboveBaseline / mainThread[shape].observatory.aboveBaseline);
      rows.push([
        shape === 'add' ? '`add(i, 1)`' : '`itemCount({ id, items: [1, 2, 3] })`',
        pacedLabels[variant],
        spread(result.mainCpuNsPerCall),
        above,
        versusOurs,
        ns((result.mainCpuShutdownMs.median * 1e6) / result.calls),
        result.notCommitted === null ? '–' : count(result.notCommitted),
      ]);
    }
  }
  return markdownTable(
    [
      'call',
      'recorder',
      'main-thread CPU ns/call',
      'above the loop',
      '/ ts-observatory',
      'teardown ns/call (not included)',
      'not committed',
    ],
    rows,
  );
}

function saturationTable(saturation) {
  return markdownTable(
    [
      'asked calls/s',
      'made calls/s',
      'shed (overload)',
      'drops, all reasons',
      'committed',
      'ring high water MB',
      'drain after last call ms',
      'main-thread CPU ns/call',
    ],
    saturation.steps.map(step => [
      count(step.rate),
      count(step.achievedRate),
      count(step.overloadDrops),
      count(step.drops),
      count(step.committedCalls),
      ((step.ringHighWater ?? 0) / 2 ** 20).toFixed(1),
      count(step.drainMs),
      ns(step.mainCpuNsPerCall),
    ]),
  );
}

function targetsTable(targets) {
  return markdownTable(
    ['target', 'measured', 'met'],
    targets.map(t => [t.target, t.measured, t.met === null ? '**not judged**' : t.met ? 'yes' : '**no**']),
  );
}

/** The whole report as Markdown. */
export function renderReport(results) {
  const {
    environment,
    settings,
    micro,
    scaling,
    asyncContext,
    propertyReads,
    startup,
    ceiling,
    endToEnd,
    endToEndLargeValues,
    mainThread,
    saturation,
    targets,
  } = results;
  return [
    `### Environment (${results.date}, ${results.mode} mode)`,
    environmentTable(environment),
    '### Per call, hot path: ns per call, median over runs (lowest–highest)',
    `Each cell is the median of ${settings.micro.rounds} child processes; each child reports the median of ${settings.micro.sampling.samples} samples of ${settings.micro.sampling.sampleCalls} calls after ${settings.micro.sampling.warmupSamples} warm-up samples. The baseline column is the loop with the uninstrumented function, i.e. the empty-loop cost plus the body.`,
    perCallTable(micro),
    '### Per call, cost above baseline (ns) and ratios',
    costTable(micro),
    '### Main-thread busy time per call including hand-off, above baseline (ns)',
    "Event-loop busy time from the first measured call until the recorder has shut down, divided by the measured calls: the hot path plus whatever the recorder does later on the main thread (ts-observatory: flushing and stopping its writer thread; OTel: span export; pino: log formatting). Event-loop time counts time spent waiting for a core too; the paced table below counts the thread's own CPU time.",
    busyTable(micro),
    recordedNote(micro),
    '### Cost against parameter count and argument size (ns per call)',
    scalingTable(scaling),
    '### Async context: following the current call through `await`',
    `Each case in its own process, ${settings.asyncContext.rounds} rounds; ns per call, median (lowest–highest). AsyncLocalStorage would also follow calls through unmonitored async code, but costs about what the whole recording does per call, and makes every other await of the program slower; the brackets cost nothing outside monitored functions.`,
    asyncContextTable(asyncContext),
    '### Reading a small object without running its getters',
    `\`{ id, items: [1, 2, 3] }\`: its two keys and three elements read one by one, each read three ways in one process, interleaved, ${settings.propertyReads.rounds} rounds of ${settings.propertyReads.samples} samples of ${count(settings.propertyReads.calls)} objects; the main thread's own CPU time, ns per object, median (lowest–highest). The value copy pays this for every property of every object argument and result: it is why a small object costs far more than a number.`,
    propertyReadsTable(propertyReads),
    '### A short program, whole',
    `Each program a process of its own, ${settings.startup.rounds} runs each, the programs rotating; CPU time of the whole process, every thread, to the millisecond (bash's \`times\`), median (lowest–highest). Recording adds ${count(startup.recordingCpuMs)} ms to \`short-program.ts\` (100 calls, then exit): loading the runtime, starting its writer thread, opening the database and committing at exit. Under the Node loader, each worker thread that runs the checkout program from its TypeScript adds ${count(startup.perWorkerThreadCpuMs)} ms: the loader's compiler thread compiles for every thread of the process. Installing the loader costs a process that runs no TypeScript ${count(startup.idleLoaderCpuMs)} ms (its hooks thread and compiler thread). Every recording run committed all of its calls.`,
    startupTable(startup),
    '### Storage ceiling: how fast `add` calls can be stored at all',
    `\`add\` calls (one call row each, its values packed in it), in transactions of ${count(ceiling.writer.callsPerTransaction)} calls (what the writer thread commits at most at once), ${settings.ceiling.rounds} round(s); bytes per call are the file's pages after a checkpoint.`,
    ceilingTable(ceiling),
    `### End to end: ${count(endToEnd.calls)} \`add\` calls in a synchronous loop, OBSERVATORY_ON_FULL=wait, until every call is committed`,
    `${settings.endToEnd.rounds} run(s); committed calls per second over the time from the first call until \`shutdown()\` resolved; rows counted after the process exited; bytes per call are the file's pages after a checkpoint over the calls made. The 1-minute load average is read as each run ends; near or above ${environment.cores} (the cores of this machine), other work was sharing it.`,
    endToEndTable(endToEnd, ceiling.writer.median),
    `### End to end, large values: ${count(endToEndLargeValues.calls)} \`nodeEnd(node)\` calls, OBSERVATORY_ON_FULL=wait`,
    `The same measurement with one argument a syntax tree of 13 nodes (about 2 KB of JSON each; \`bench/e2e/child.mjs\`), as a parser's functions hand them around: what the writer thread does with large values (decoding them, their JSON text, the rows), ${settings.endToEndLargeValues.rounds} run(s).`,
    endToEndTable(endToEndLargeValues),
    `### Main thread at ${count(mainThread.rate)} calls/s: its own CPU time per call`,
    `Calls paced in bursts every millisecond, ${count(mainThread.warmupMs)} ms of warm-up then ${count(mainThread.durationMs)} ms measured, ${settings.mainThread.rounds} run(s) per row, interleaved. CPU time the main thread itself ran (\`/proc/self/task/<pid>/schedstat\`, ns) from the first measured call until the recorder had handed off everything (flush), per call; the teardown after that (\`shutdown()\`) is shown apart.`,
    mainThreadTable(mainThread),
    '### Saturation: paced bursts at rising rates, OBSERVATORY_ON_FULL=drop, default ring',
    `Each rate runs ${count(saturation.durationMs)} ms in a fresh process. Traces shed (drops with reason \`overload\`) begin at: ${saturation.dropsBeginAt === null ? 'no shedding at any rate tried' : `${count(saturation.dropsBeginAt)} calls/s`}.`,
    saturationTable(saturation),
    '### Targets',
    targetsTable(targets),
  ].join('\n\n');
}
