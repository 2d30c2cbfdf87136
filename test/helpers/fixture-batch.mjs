// Many fixtures built and run in one go: one program per set of fixture options (options.json) instead of one
// per fixture (compile.mjs groupByFixtureOptions), and one process that runs each fixture in
// a worker thread of its own (helpers/fixture-runner.mjs) instead of a process each. Rooted above the
// fixtures, a build gives each function the default group `<dir>/input`, where a fixture's own build gives
// `input`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compile, fixtureFiles, groupByFixtureOptions, readFixtureOptions, scratchDir } from './compile.mjs';
import { isModuleFixture, runFixtureBuilds } from './fixture-projects.mjs';

/**
 * Builds each case (`name`: the fixture, `dir`: its copy under `root`) with `plugin`'s options over the
 * fixture's own, into `<scratch>/<dir>/`, and runs them all. Returns, by dir, the emitted text by file name,
 * the worker's exit code, what it printed and the calls it made; and what the runner printed on stderr (the
 * errors that ended workers).
 */
export function buildAndRunFixtures(cases, { root, plugin = {}, label }) {
  const outDir = scratchDir(label);
  const emitted = new Map();
  const entries = new Map();
  for (const group of groupByFixtureOptions(cases, ({ name }) => name)) {
    const { compilerOptions, plugin: fixturePlugin } = readFixtureOptions(group[0].name);
    const files = group.flatMap(({ name, dir }) => fixtureFiles(name, path.join(root, dir)).files);
    const build = compile({ rootDir: root, files, outDir, compilerOptions, plugin: { ...fixturePlugin, ...plugin } });
    if (build.diagnostics) throw new Error(`${label} did not compile:\n${build.diagnostics}`);
    for (const { name, dir } of group) {
      const caseDir = path.join(outDir, dir);
      emitted.set(dir, new Map([...build.emitted].filter(([file]) => file.startsWith(caseDir + path.sep))));
      entries.set(dir, path.join(caseDir, fixtureFiles(name, path.join(root, dir)).entry));
      if (isModuleFixture(name)) fs.writeFileSync(path.join(caseDir, 'package.json'), '{ "type": "module" }\n');
    }
  }
  const { fixtures, stderr } = runFixtureBuilds(entries, path.join(outDir, 'traces.db'));
  return {
    fixtures: new Map(cases.map(({ dir }) => [dir, { emitted: emitted.get(dir), ...fixtures.get(dir) }])),
    stderr,
  };
}
