// Compiling TypeScript through ts-patch, the way a user's `tspc` build does: the plugin is named in the
// compiler options' `plugins` array by its package specifier, and ts-patch loads and runs it.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const fixturesDir = path.join(repoRoot, 'fixtures');

/** TypeScript, unpatched: what plain `tsc` emits. */
export const plainTypeScript = require('typescript');

/**
 * The same TypeScript patched in memory by ts-patch's live compiler. Loaded when a test first compiles: it is
 * three seconds of a cold start, which the test files that only want scratch directories never pay.
 */
let patched;
const patchedTypeScript = () => (patched ??= require('ts-patch/compiler'));

// ts-patch resolves `ts-observatory/transformer` from node_modules, as in a user's project.
require('../../scripts/link-self.js').linkSelf();

export const defaultCompilerOptions = {
  target: 'es2022',
  module: 'commonjs',
  moduleResolution: 'node10',
  strict: true,
  skipLibCheck: true,
  types: ['node'],
  lib: ['es2023'],
  newLine: 'lf',
  ignoreDeprecations: plainTypeScript.versionMajorMinor >= '6.0' ? '6.0' : undefined,
};

/**
 * Compiles `files` (absolute paths) with the plugin and returns the emitted text by output file name, the
 * diagnostics formatted as tsc prints them, and the output directory. `before(program)` gives transformers to
 * pass to `program.emit` by hand, as a programmatic build does.
 */
export function compile({
  rootDir,
  files,
  outDir,
  compilerOptions = {},
  plugin = {},
  compiler = patchedTypeScript(),
  before,
}) {
  const json = {
    ...defaultCompilerOptions,
    rootDir,
    outDir,
    ...compilerOptions,
    plugins: compiler !== plainTypeScript ? [{ transform: 'ts-observatory/transformer', ...plugin }] : [],
  };
  const { options, errors } = compiler.convertCompilerOptionsFromJson(json, rootDir);
  if (errors.length) throw new Error(formatDiagnostics(errors));
  options.configFilePath = path.join(rootDir, 'tsconfig.json');
  const program = compiler.createProgram({ rootNames: files, options, host: cachingHost(compiler, options) });
  const emitted = new Map();
  const write = (fileName, text) => {
    emitted.set(fileName, text);
    if (outDir) {
      fs.mkdirSync(path.dirname(fileName), { recursive: true });
      fs.writeFileSync(fileName, text);
    }
  };
  const result = program.emit(undefined, write, undefined, false, before && { before: before(program) });
  const diagnostics = [...compiler.getPreEmitDiagnostics(program), ...result.diagnostics];
  return { emitted, diagnostics: formatDiagnostics(diagnostics), outDir };
}

// Parsing the standard library and @types/node takes most of a small compile; they never change during a
// test run, so each compiler instance parses them once.
const parsedLibraries = new Map();

function cachingHost(compiler, options) {
  const host = compiler.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    if (!fileName.includes('/node_modules/')) return getSourceFile(fileName, languageVersion, ...rest);
    const key = `${compiler === plainTypeScript ? 'plain' : 'patched'}:${JSON.stringify(languageVersion)}:${fileName}`;
    if (!parsedLibraries.has(key)) parsedLibraries.set(key, getSourceFile(fileName, languageVersion, ...rest));
    return parsedLibraries.get(key);
  };
  return host;
}

export function formatDiagnostics(diagnostics) {
  return plainTypeScript.formatDiagnostics(diagnostics, {
    getCanonicalFileName: name => name,
    getCurrentDirectory: () => repoRoot,
    getNewLine: () => '\n',
  });
}

/** Reads `fixtures/<name>/options.json` ({ compilerOptions, plugin }) when present. */
export function readFixtureOptions(name) {
  const file = path.join(fixturesDir, name, 'options.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
}

/**
 * `items` grouped by their fixture's options (options.json), for building the fixtures that share them as one
 * program: a program's set-up is most of a small compile's cost. `nameOf(item)` is the item's fixture.
 */
export function groupByFixtureOptions(items, nameOf = item => item) {
  const groups = new Map();
  for (const item of items) {
    const key = JSON.stringify(readFixtureOptions(nameOf(item)));
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.values()];
}

/**
 * A fixture's files: `input.ts` (or .mts/.cts), an optional `driver.ts` that imports it and makes the calls
 * when the input cannot call itself (an anonymous default export), and any other module the input imports
 * (`runtime.ts`, a wrapper named by the `runtime` plugin option). `entry` is the emitted file to run. `dir`
 * names a copy of the fixture to take them from instead.
 */
export function fixtureFiles(name, dir = path.join(fixturesDir, name)) {
  const sources = fs
    .readdirSync(dir)
    .filter(file => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file))
    .sort();
  const input = sources.find(file => /^input\.[cm]?ts$/.test(file));
  const emittedName = file =>
    file
      .replace(/\.ts$/, '.js')
      .replace(/\.mts$/, '.mjs')
      .replace(/\.cts$/, '.cjs');
  const hasDriver = sources.includes('driver.ts');
  return {
    dir,
    files: [input, ...sources.filter(file => file !== input)].map(file => path.join(dir, file)),
    output: emittedName(input),
    entry: emittedName(hasDriver ? 'driver.ts' : input),
  };
}

export function fixtureNames() {
  return fs
    .readdirSync(fixturesDir, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => entry.name)
    .sort();
}

/** Every scratch directory this test process made. */
const scratchDirs = [];

// Each test file runs in a process of its own, and takes its scratch directories with it when it exits;
// KEEP_TEST_OUT=1 keeps them, to look at what a failing test compiled, ran and wrote.
process.on('exit', () => {
  if (process.env.KEEP_TEST_OUT === '1') return;
  for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh scratch directory inside the repository, so emitted code resolves `ts-observatory/runtime` by
 * self-reference; removed when the test process exits.
 */
export function scratchDir(label) {
  const base = path.join(repoRoot, '.test-out');
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, `${label}-`));
  scratchDirs.push(dir);
  return dir;
}

/**
 * Removes what earlier test processes left in .test-out/, but the entries `keep` names: a process ended by a
 * signal (ava's timeout, Ctrl-C) never runs the exit hook above. For before the suite, when no test runs.
 */
export function removeLeftoverScratchDirs(keep) {
  const base = path.join(repoRoot, '.test-out');
  if (!fs.existsSync(base)) return;
  for (const name of fs.readdirSync(base)) {
    if (!keep(name)) fs.rmSync(path.join(base, name), { recursive: true, force: true });
  }
}

/**
 * A fresh scratch directory outside the repository, where nothing resolves through the repository's
 * node_modules: for projects that must install ts-observatory as a user would. Removed with the others.
 */
export function outsideScratchDir(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ts-observatory-${label}-`));
  scratchDirs.push(dir);
  return dir;
}
