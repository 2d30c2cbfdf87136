// The bundlers, ts-node, tsx and TypeScript 7 that the build-path tests install a program with come from
// test/integrations, with its own lock file, so that the package's own dependencies stay lean. `npm test` runs
// this first: on a fresh clone it installs them (about a minute, once); afterwards it does nothing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const integrationsDir = path.join(import.meta.dirname, '..', 'integrations');

if (
  import.meta.filename === process.argv[1] &&
  !fs.existsSync(path.join(integrationsDir, 'node_modules', '.package-lock.json'))
) {
  console.error('Installing the bundlers the build-path tests use (npm ci --prefix test/integrations)...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--prefix', integrationsDir, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
