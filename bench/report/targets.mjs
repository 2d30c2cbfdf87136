import { count, percent } from './format.mjs';

// The targets, checked against one run's medians. Every "cost" is time above the baseline, so a
// variant's own work is compared, not the loop and the function body that every variant shares.

export function costOver(micro, shape, variant) {
  return micro[shape][variant].hotNs.median - micro[shape].baseline.hotNs.median;
}

export function checkTargets({ micro, endToEnd, mainThread, saturation, ceiling }) {
  const observatoryCost = costOver(micro, 'add', 'observatory');
  const floorCost = costOver(micro, 'add', 'floor');
  const otelCost = costOver(micro, 'add', 'otel');
  const pinoCost = costOver(micro, 'add', 'pino');
  const offCost = costOver(micro, 'add', 'observatory-off');
  const switchCost = costOver(micro, 'add', 'switch');
  const baselineAdd = micro.add.baseline.hotNs.median;
  const e2e = endToEnd.observatory;
  const ours = mainThread.observatory.aboveBaseline;
  const theirs = mainThread['main-thread-sqlite'].aboveBaseline;
  const sustained = e2e.callsPerSecond.median;
  const rate = value => `${count(value)} calls/s`;
  return [
    {
      target: 'instrumented add (recording on) costs at most 2x the floor',
      measured: `${(observatoryCost / floorCost).toFixed(2)}x the floor (${observatoryCost.toFixed(1)} ns vs ${floorCost.toFixed(1)} ns)`,
      met: observatoryCost <= 2 * floorCost,
    },
    {
      target: 'at least 10x cheaper than an OpenTelemetry span',
      measured: `${(otelCost / observatoryCost).toFixed(1)}x cheaper (${otelCost.toFixed(0)} ns vs ${observatoryCost.toFixed(1)} ns)`,
      met: otelCost >= 10 * observatoryCost,
    },
    {
      target: 'at least 3x cheaper than a pino log line',
      measured: `${(pinoCost / observatoryCost).toFixed(1)}x cheaper (${pinoCost.toFixed(0)} ns vs ${observatoryCost.toFixed(1)} ns)`,
      met: pinoCost >= 3 * observatoryCost,
    },
    {
      target: 'OBSERVATORY=off adds under 10% to baseline add',
      measured:
        `adds ${percent(offCost / baselineAdd)} (${offCost.toFixed(2)} ns on ${baselineAdd.toFixed(2)} ns); one check of an ` +
        `off flag written by hand (switch) alone adds ${percent(switchCost / baselineAdd)} (${switchCost.toFixed(2)} ns)`,
      met: offCost < 0.1 * baselineAdd,
    },
    {
      target: 'end to end at least 500,000 calls/s of add committed to SQLite',
      measured:
        `${rate(sustained)} (${count(e2e.calls)} calls); the writer alone on one thread: ${rate(ceiling.writer.median)}; ` +
        `SQLite alone, multi-row INSERTs: ${rate(ceiling.engine.median)} into this schema, ` +
        `${rate(ceiling['engine-bare'].median)} with no secondary index`,
      met: sustained >= 500_000,
    },
    {
      target: 'zero drops below saturation',
      measured:
        `paced: no drops up to ${rate(saturation.highestCleanRate ?? 0)}` +
        (saturation.dropsBeginAt === null ? '' : `, drops from ${rate(saturation.dropsBeginAt)}`) +
        `; sustained end to end: ${rate(sustained)}; ${count(e2e.missing)} calls unaccounted for`,
      met: e2e.missing === 0 && (saturation.highestCleanRate ?? 0) >= 0.75 * sustained,
    },
    {
      target: 'main thread at least 3x less time per call than the straightforward design',
      measured:
        `${(theirs / ours).toFixed(1)}x less at ${rate(mainThread.rate)}, where neither drops anything ` +
        `(${ours.toFixed(0)} ns vs ${theirs.toFixed(0)} ns of event-loop time per call above the uninstrumented loop)`,
      met: theirs >= 3 * ours,
    },
  ];
}
