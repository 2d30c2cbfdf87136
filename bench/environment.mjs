// What the numbers were measured on: versions, CPU, and the price of one clock read, which bounds every
// call recorder from below and differs by an order of magnitude between machines (vDSO or not).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './paths.mjs';

const packages = [
  'typescript',
  'ts-patch',
  'piscina',
  'better-sqlite3',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/api',
  'pino',
  'sonic-boom',
];

function installedVersion(name) {
  // Read the file directly: some packages (piscina) do not export their package.json.
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
}

function clockReadNs() {
  const reads = 1_000_000;
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < reads; i++) sink += performance.now();
  const elapsed = Number(process.hrtime.bigint() - start);
  return sink > 0 ? elapsed / reads : NaN;
}

export function describeEnvironment() {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    packages: Object.fromEntries(packages.map(name => [name, installedVersion(name)])),
    cpu: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    performanceNowNs: clockReadNs(),
    /** At the start of the run; the end-to-end figures carry their own. */
    loadAverage: os.loadavg()[0],
  };
}
