// The targets, checked against one run's medians. Every "cost" is time above the baseline, so a
// variant's own work is compared, not the loop and the function body that every variant shares.

export function costOver(micro, shape, variant) {
  return micro[shape][variant].hotNs.median - micro[shape].baseline.hotNs.median;
}

export function checkTargets({ micro, endToEnd, saturation }) {
  const observatoryCost = costOver(micro, 'add', 'observatory');
  const floorCost = costOver(micro, 'add', 'floor');
  const otelCost = costOver(micro, 'add', 'otel');
  const pinoCost = costOver(micro, 'add', 'pino');
  const offCost = costOver(micro, 'add', 'observatory-off');
  const baselineAdd = micro.add.baseline.hotNs.median;
  const e2e = endToEnd.observatory;
  const straightforward = endToEnd['main-thread-sqlite'];
  const mainThreadAdvantage = straightforward.mainBusyNsPerCall.median / e2e.mainBusyNsPerCall.median;
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
      measured: `adds ${((offCost / baselineAdd) * 100).toFixed(0)}% (${offCost.toFixed(2)} ns on ${baselineAdd.toFixed(2)} ns)`,
      met: offCost < 0.1 * baselineAdd,
    },
    {
      target: 'end to end at least 500,000 calls/s of add committed to SQLite',
      measured: `${Math.round(e2e.callsPerSecond.median).toLocaleString('en-US')} calls/s (${e2e.calls.toLocaleString('en-US')} calls)`,
      met: e2e.callsPerSecond.median >= 500_000,
    },
    {
      target: 'zero drops below saturation, which lies above 500,000 calls/s',
      measured:
        `${e2e.drops} drops and ${e2e.missing} unaccounted in the end-to-end runs; paced: ` +
        (saturation.dropsBeginAt === null
          ? `no drops up to ${(saturation.highestCleanRate ?? 0).toLocaleString('en-US')} calls/s`
          : `drops begin at ${saturation.dropsBeginAt.toLocaleString('en-US')} calls/s`),
      met: e2e.drops === 0 && e2e.missing === 0 && (saturation.dropsBeginAt === null || saturation.dropsBeginAt > 500_000),
    },
    {
      target: 'main thread at least 3x less time per call than the straightforward design',
      measured: `${mainThreadAdvantage.toFixed(1)}x less (${e2e.mainBusyNsPerCall.median.toFixed(0)} ns vs ${straightforward.mainBusyNsPerCall.median.toFixed(0)} ns)`,
      met: mainThreadAdvantage >= 3,
    },
  ];
}
