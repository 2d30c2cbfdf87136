/**
 * `npx observatory init [-p tsconfig.json]`: sets a project up the way the README says, and prints each
 * change; a second run finds nothing to change.
 *
 *   tsconfig.json   the plugin in compilerOptions.plugins
 *   package.json    ts-observatory in dependencies (the output loads its runtime), ts-patch in
 *                   devDependencies, and a `prepare` script running `ts-patch install -s`, so `tsc` is
 *                   patched again after every `npm install` or `npm ci`
 *   .gitignore      .observatory/, where traces are written
 *
 * A tsconfig.json with comments is left as it is, with the line to add printed: rewriting it would lose them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../../viewer/commands/command';
import { UsageError } from '../../viewer/errors';
import { projectOption, tsconfigOf } from './project-option';

const PLUGIN = { transform: 'ts-observatory/transformer' };
const PATCH_COMMAND = 'ts-patch install -s';
const OWN_VERSION: string = require('../../../package.json').version;

export const initCommand: Command = {
  name: 'init',
  summary: 'add the plugin, the runtime dependency, the prepare script and .observatory/ to this project',
  ...projectOption,
  run({ values, out }) {
    const tsconfigPath = tsconfigOf(values, 'init');
    const dir = path.dirname(tsconfigPath);
    const changes = [
      ...addPlugin(tsconfigPath),
      ...updateManifest(path.join(dir, 'package.json')),
      ...ignoreTraces(path.join(dir, '.gitignore')),
    ];
    if (changes.length === 0) out.write('Nothing to change: this project is set up.\n');
    for (const change of changes) out.write(`${change}\n`);
    if (changes.some(change => change.startsWith('package.json')))
      out.write('Run npm install to install what package.json now lists.\n');
  },
};

function addPlugin(tsconfigPath: string): string[] {
  const text = fs.readFileSync(tsconfigPath, 'utf8');
  let config: { compilerOptions?: { plugins?: Array<{ transform?: string }> } };
  try {
    config = JSON.parse(text);
  } catch {
    if (text.includes(PLUGIN.transform)) return [];
    throw new UsageError(
      `init: ${tsconfigPath} is not plain JSON (comments?), and rewriting it would lose them. Add to its compilerOptions: ` +
        `"plugins": [${JSON.stringify(PLUGIN)}], then run init again for the rest.`,
    );
  }
  const compilerOptions = (config.compilerOptions ??= {});
  const plugins = (compilerOptions.plugins ??= []);
  if (plugins.some(plugin => plugin.transform === PLUGIN.transform)) return [];
  plugins.push(PLUGIN);
  writeJson(tsconfigPath, config);
  return [`tsconfig.json: added ${JSON.stringify(PLUGIN)} to compilerOptions.plugins`];
}

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}

function updateManifest(manifestPath: string): string[] {
  if (!fs.existsSync(manifestPath))
    throw new UsageError(`init: no package.json beside the tsconfig.json (${manifestPath}); run npm init first`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
  const changes: string[] = [];
  if (!manifest.dependencies?.['ts-observatory']) {
    const range = manifest.devDependencies?.['ts-observatory'] ?? `^${OWN_VERSION}`;
    if (manifest.devDependencies?.['ts-observatory']) delete manifest.devDependencies['ts-observatory'];
    (manifest.dependencies ??= {})['ts-observatory'] = range;
    changes.push(`package.json: ts-observatory ${range} in dependencies (the built program loads its runtime)`);
  }
  if (!manifest.dependencies?.['ts-patch'] && !manifest.devDependencies?.['ts-patch']) {
    (manifest.devDependencies ??= {})['ts-patch'] = '^3.3.0';
    changes.push('package.json: ts-patch ^3.3.0 in devDependencies');
  }
  const prepare = manifest.scripts?.prepare;
  if (!prepare?.includes('ts-patch install')) {
    (manifest.scripts ??= {}).prepare = prepare ? `${prepare} && ${PATCH_COMMAND}` : PATCH_COMMAND;
    changes.push(
      `package.json: "prepare": "${manifest.scripts.prepare}" (tsc stays patched after npm install and npm ci)`,
    );
  }
  if (changes.length > 0) writeJson(manifestPath, manifest);
  return changes;
}

function ignoreTraces(gitignorePath: string): string[] {
  const text = fs.existsSync(gitignorePath) ? fs.readFileSync(gitignorePath, 'utf8') : '';
  if (text.split(/\r?\n/).some(line => /^\/?\.observatory\/?$/.test(line.trim()))) return [];
  fs.writeFileSync(gitignorePath, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}.observatory/\n`);
  return ['.gitignore: added .observatory/ (the trace database)'];
}

function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
