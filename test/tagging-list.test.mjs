// `observatory ls` must name exactly the functions a build instruments. Every fixture (its own plugin options
// and compiler options, misplaced tags included) is listed and built through ts-patch; the list must match the
// registrations in the emitted code, and the problems it reports the build's tag diagnostics.
import test from 'ava';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import {
  compile,
  defaultCompilerOptions,
  fixtureFiles,
  fixtureNames,
  readFixtureOptions,
  repoRoot,
  scratchDir,
} from './helpers/compile.mjs';

const require = createRequire(import.meta.url);
const { listMonitored } = require(path.join(repoRoot, 'dist', 'tagging', 'listing.js'));

/** Fixtures with the same options share one project, so that each project is loaded once. */
function projects() {
  const byOptions = new Map();
  for (const name of fixtureNames()) {
    const options = readFixtureOptions(name);
    const key = JSON.stringify(options);
    if (!byOptions.has(key)) byOptions.set(key, { options, names: [] });
    byOptions.get(key).names.push(name);
  }
  return [...byOptions.values()];
}

/** What the emitted code registers: `file:line:column name kind group`, sorted. */
function registrations(emitted) {
  const found = [];
  for (const text of emitted.values()) {
    for (const match of text.matchAll(
      /\.register\(\d+, \{\s*name: (".*?"),\s*group: (".*?"),\s*file: (".*?"),\s*line: (\d+),\s*column: (\d+),\s*kind: (".*?")/g,
    )) {
      const [name, group, file, line, column, kind] = match
        .slice(1)
        .map(part => (part.startsWith('"') ? JSON.parse(part) : part));
      found.push(`${file}:${line}:${column} ${name} ${kind} ${group}`);
    }
  }
  return found.sort();
}

for (const [index, { options, names }] of projects().entries()) {
  test.serial(
    `project ${index + 1} (${names.length} fixtures, ${JSON.stringify(options)}): ls lists what the build registers`,
    async t => {
      await new Promise(resolve => setImmediate(resolve));
      const root = scratchDir('tagging-list');
      const files = [];
      for (const name of names) {
        fs.cpSync(fixtureFiles(name).dir, path.join(root, name), {
          recursive: true,
          filter: source => !/\.(js|mjs|cjs|txt)$/.test(source),
        });
        files.push(...fixtureFiles(name, path.join(root, name)).files);
      }
      const compilerOptions = { ...defaultCompilerOptions, ignoreDeprecations: undefined, ...options.compilerOptions };
      const plugins = [{ transform: 'ts-observatory/transformer', ...options.plugin }];
      fs.writeFileSync(
        path.join(root, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { ...compilerOptions, plugins }, files }, null, 2),
      );

      const build = compile({ rootDir: root, files, compilerOptions: options.compilerOptions, plugin: options.plugin });
      const listing = listMonitored(path.join(root, 'tsconfig.json'));

      t.true(listing.pluginFound);
      const listed = listing.functions
        .map(fn => `${fn.file}:${fn.line}:${fn.column} ${fn.name} ${fn.kind} ${fn.group}`)
        .sort();
      t.true(listed.length > 0);
      t.deepEqual(listed, registrations(build.emitted));
      const tagDiagnostics = build.diagnostics.match(/error TS990001/g)?.length ?? 0;
      t.is(listing.problems.length, tagDiagnostics);
      t.is(
        Object.values(listing.perFile).reduce((a, b) => a + b, 0),
        listing.functions.length,
      );
      t.is(
        Object.values(listing.perGroup).reduce((a, b) => a + b, 0),
        listing.functions.length,
      );
    },
  );
}
