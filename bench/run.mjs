// `npm run bench` (quick, about three minutes) and `npm run bench:full` (the published table).
// Compiles bench/src through the real transformer, measures, prints the report to stdout, writes
// bench/results/<date>[-quick].json, and in full mode replaces the results section of bench/README.md.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildAll } from './build.mjs';
import { measureAsyncContext } from './async-context/measure.mjs';
import { measureCeiling } from './ceiling/measure.mjs';
import { measureEndToEnd, measureMainThreadAtRate, measureSaturation } from './e2e/measure.mjs';
import { describeEnvironment } from './environment.mjs';
import { measurePerCall } from './micro/measure.mjs';
import { modes } from './modes.mjs';
import { measurePropertyReads } from './property-reads/measure.mjs';
import { measureStartup } from './startup/measure.mjs';
import { benchDir, repoRoot, resultsDir, scratchDir } from './paths.mjs';
import { renderReport } from './report/tables.mjs';
import { checkTargets } from './report/targets.mjs';

const mode = process.argv.includes('--full') ? 'full' : 'quick';
const settings = modes[mode];
const log = message => process.stderr.write(`${message}\n`);

if (!fs.existsSync(path.join(repoRoot, 'dist', 'runtime', 'index.js'))) {
  throw new Error('dist/runtime/index.js is missing: run `npm run build` first (npm run bench does).');
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
log(`ts-observatory benchmark, ${mode} mode`);
buildAll();
fs.mkdirSync(scratchDir, { recursive: true });
const environment = describeEnvironment();
log(
  `${environment.node}, V8 ${environment.v8}, ${environment.cpu} x ${environment.cores}; ${JSON.stringify(environment.packages)}; ` +
    `1-minute load average ${environment.loadAverage.toFixed(2)}`,
);

log(`per-call overhead (${elapsed()})`);
const micro = measurePerCall(settings.micro, log);
log(`growth with parameters and argument size (${elapsed()})`);
const scaling = measurePerCall({ ...settings.scaling, sampling: settings.micro.sampling }, log);
log(`async context (${elapsed()})`);
const asyncContext = measureAsyncContext(settings.asyncContext, log);
log(`property reads without getters (${elapsed()})`);
const propertyReads = measurePropertyReads(settings.propertyReads, log);
log(`a short program, whole (${elapsed()})`);
const startup = measureStartup(settings.startup, log);
log(`storage ceiling (${elapsed()})`);
const ceiling = measureCeiling({ ...settings.ceiling, writerCalls: settings.endToEnd.calls }, log);
log(`end to end, OBSERVATORY_ON_FULL=wait (${elapsed()})`);
const endToEnd = measureEndToEnd(settings.endToEnd, log);
log(`end to end, large values, OBSERVATORY_ON_FULL=wait (${elapsed()})`);
const endToEndLargeValues = measureEndToEnd(settings.endToEndLargeValues, log);
log(`main-thread CPU per call at ${settings.mainThread.rate.toLocaleString('en-US')} calls/s (${elapsed()})`);
const mainThread = measureMainThreadAtRate(settings.mainThread, log);
log(`saturation, OBSERVATORY_ON_FULL=drop (${elapsed()})`);
const saturation = measureSaturation(settings.saturation, log);
log(`done (${elapsed()})`);

const date = new Date().toISOString().slice(0, 10);
const results = {
  date,
  mode,
  durationSeconds: (Date.now() - started) / 1000,
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
};
results.targets = checkTargets(results);

fs.mkdirSync(resultsDir, { recursive: true });
const resultsFile = path.join(resultsDir, `${date}${mode === 'full' ? '' : '-quick'}.json`);
fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
const report = renderReport(results);
process.stdout.write(`${report}\n\nResults: ${path.relative(repoRoot, resultsFile)}\n`);

if (mode === 'full') {
  const readmeFile = path.join(benchDir, 'README.md');
  const readme = fs.readFileSync(readmeFile, 'utf8');
  const section = /(<!-- results:start -->\n)[\s\S]*(<!-- results:end -->)/;
  fs.writeFileSync(
    readmeFile,
    readme.replace(section, (_, start, end) => `${start}${report}\n${end}`),
  );
}
