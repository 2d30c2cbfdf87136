// Plugin options, declaration output and the `tspc` command line.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import {
  compile,
  fixtureFiles,
  fixtureNames,
  fixturesDir,
  groupByFixtureOptions,
  plainTypeScript,
  readFixtureOptions,
  repoRoot,
  scratchDir,
} from './helpers/compile.mjs';

function compileFixture(name, { plugin = {}, compilerOptions = {}, compiler, before } = {}) {
  const { dir, files } = fixtureFiles(name);
  const options = readFixtureOptions(name);
  return compile({
    rootDir: dir,
    files,
    compilerOptions: { ...options.compilerOptions, ...compilerOptions },
    plugin: { ...options.plugin, ...plugin },
    compiler,
    before,
  });
}

const emittedText = ({ emitted }) =>
  Object.fromEntries([...emitted].map(([file, text]) => [path.basename(file), text]));

// Each fixture compiled three ways with declarations on: plain tsc, the plugin disabled, and the plugin
// instrumenting. The fixtures that share their options (options.json) are compiled in one program
// (groupByFixtureOptions); emit is per file, so each fixture's test reads its own files' part.
const noInstrumentedBuild = new Set(['invalid-tag-options', 'misplaced-tags']);
const threeWays = { plain: new Map(), disabled: new Map(), instrumented: new Map() };

test.before(() => {
  for (const names of groupByFixtureOptions(fixtureNames())) {
    const { compilerOptions, plugin } = readFixtureOptions(names[0]);
    const build = (built, { compiler, enabled = {} }, only = names) => {
      const result = compile({
        rootDir: fixturesDir,
        files: only.flatMap(name => fixtureFiles(name).files),
        compilerOptions: { ...compilerOptions, declaration: true },
        plugin: { ...plugin, ...enabled },
        compiler,
      });
      for (const name of only) {
        const dir = path.join(fixturesDir, name) + path.sep;
        built.set(name, {
          files: emittedText({ emitted: [...result.emitted].filter(([file]) => file.startsWith(dir)) }),
          diagnostics: result.diagnostics.split('\n').filter(line => line.startsWith(`fixtures/${name}/`)),
        });
      }
    };
    build(threeWays.plain, { compiler: plainTypeScript });
    build(threeWays.disabled, { enabled: { enabled: false } });
    build(
      threeWays.instrumented,
      {},
      names.filter(name => !noInstrumentedBuild.has(name)),
    );
  }
});

for (const name of fixtureNames()) {
  test(`${name}: enabled: false emits byte for byte what plain tsc emits, and instrumenting leaves declarations alone`, t => {
    const plain = threeWays.plain.get(name);
    t.true(
      Object.keys(plain.files).some(file => /\.[cm]?js$/.test(file)),
      'the fixture emitted JavaScript',
    );
    t.deepEqual(threeWays.disabled.get(name).files, plain.files);
    if (noInstrumentedBuild.has(name)) return;
    const declarations = files =>
      Object.fromEntries(Object.entries(files).filter(([file]) => /\.d\.[cm]?ts$/.test(file)));
    t.deepEqual(declarations(threeWays.instrumented.get(name).files), declarations(plain.files));
    // TypeScript 6 refuses to emit declarations for some fixtures (an exported class expression with #private
    // members), and says why; TypeScript 5.9 emits them for every fixture. No fixture drops out silently.
    if (Object.keys(declarations(plain.files)).length === 0) {
      t.true(plainTypeScript.versionMajorMinor >= '6.0', `no declarations from TypeScript ${plainTypeScript.version}`);
      t.notDeepEqual(plain.diagnostics, [], 'declarations refused without a diagnostic');
    }
  });
}

test('createTransformer, passed to program.emit by hand, emits what the plugin emits', t => {
  const { createTransformer } = createRequire(import.meta.url)('ts-observatory/transformer');
  for (const name of ['function-declaration', 'class-methods']) {
    const { dir, output } = fixtureFiles(name);
    const result = compileFixture(name, {
      compiler: plainTypeScript,
      before: program => [createTransformer(program, readFixtureOptions(name).plugin)],
    });
    t.is(result.diagnostics, '');
    t.is(
      result.emitted.get(path.join(dir, output)),
      fs.readFileSync(path.join(dir, output.replace(/^input/, 'output')), 'utf8'),
      name,
    );
  }
});

test('include and exclude globs choose the instrumented files', t => {
  const name = 'function-declaration';
  const instrumented = result => Object.values(emittedText(result)).some(text => text.includes('__observatory.enter'));
  t.true(instrumented(compileFixture(name, { plugin: { include: ['*.ts'] } })));
  t.false(instrumented(compileFixture(name, { plugin: { include: ['src/**/*.ts'] } })));
  t.false(instrumented(compileFixture(name, { plugin: { exclude: ['input.ts'] } })));
});

test('a bad plugin option is a clear error naming the option', t => {
  const error = t.throws(() => compileFixture('function-declaration', { plugin: { select: 'everything' } }));
  t.regex(error.message, /ts-observatory plugin option 'select' must be one of tagged, exported, all/);
  const unknown = t.throws(() => compileFixture('function-declaration', { plugin: { colour: 'blue' } }));
  t.regex(unknown.message, /'colour' is unknown/);
});

/**
 * A small project on disk, built once with the real `tspc` command as a user would (a cold tspc start is
 * most of a build's time): a file with a malformed tag, one whose tag is followed by prose, and a clean one.
 * tsc reports every file's diagnostics and still emits, so each test reads its own file's part.
 */
const tspcBuild = (() => {
  let build;
  return () =>
    (build ??= tspcProject({
      'malformed.ts':
        'export const x = 1;\n\n/** @monitor sample=5 */\nexport function f(a: number) {\n  return a;\n}\n',
      'prose.ts':
        '/**\n * @monitor sample=5\n * Computes f, see {@link g}; capture=everything here is prose.\n */\nexport function f(a: number) {\n  return a;\n}\n',
      'clean.ts': '/** @monitor */\nexport function f(a: number) {\n  return a;\n}\n',
    }));
})();

function tspcProject(sources) {
  const dir = scratchDir('tspc');
  fs.mkdirSync(path.join(dir, 'src'));
  for (const [name, source] of Object.entries(sources)) fs.writeFileSync(path.join(dir, 'src', name), source);
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        module: 'node16',
        strict: true,
        types: ['node'],
        skipLibCheck: true,
        outDir: 'dist',
        rootDir: 'src',
        plugins: [{ transform: 'ts-observatory/transformer' }],
      },
    }),
  );
  const tspc = path.join(repoRoot, 'node_modules', 'ts-patch', 'bin', 'tspc.js');
  return { dir, result: spawnSync(process.execPath, [tspc, '-p', dir], { cwd: dir, encoding: 'utf8' }) };
}

/** The diagnostics tspc printed for src/<file>. */
const diagnosticsOf = (result, file) => result.stdout.split('\n').filter(line => line.startsWith(`src/${file}(`));

test('tspc fails the build on a malformed tag and names file, line and column', t => {
  const { result } = tspcBuild();
  t.not(result.status, 0);
  t.deepEqual(diagnosticsOf(result, 'malformed.ts'), [
    `src/malformed.ts(3,14): error TS990001: 'sample' needs a number from 0 to 1, as in sample=0.1.`,
  ]);
});

test("tspc reads options from the tag's own line only: the description below it is free text", t => {
  const { result } = tspcBuild();
  t.deepEqual(diagnosticsOf(result, 'prose.ts'), [
    `src/prose.ts(2,13): error TS990001: 'sample' needs a number from 0 to 1, as in sample=0.1.`,
  ]);
});

test('tspc builds a tagged file without diagnostics', t => {
  const { dir, result } = tspcBuild();
  t.deepEqual(diagnosticsOf(result, 'clean.ts'), []);
  t.deepEqual(
    result.stdout
      .split('\n')
      .filter(line => line.startsWith('src/'))
      .map(line => line.slice(0, line.indexOf('('))),
    ['src/malformed.ts', 'src/prose.ts'],
    result.stdout,
  );
  t.regex(
    fs.readFileSync(path.join(dir, 'dist', 'clean.js'), 'utf8'),
    /__observatory\.enter\(__observatory_f, \[a\]\)/,
  );
});
