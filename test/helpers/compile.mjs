// Compiling TypeScript through ts-patch, the way a user's `tspc` build does: the plugin is named in the
// compiler options' `plugins` array by its package specifier, and ts-patch loads and runs it.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const fixturesDir = path.join(repoRoot, 'fixtures');

/** The TypeScript compiler patched in memory by ts-patch's live compiler. */
export const tsp = require('ts-patch/compiler');

// ts-patch resolves `ts-observatory/transformer` from node_modules, as in a user's project.
require('../../scripts/link-self.js').linkSelf();

const defaultCompilerOptions = {
  target: 'es2022',
  module: 'commonjs',
  moduleResolution: 'node10',
  strict: true,
  skipLibCheck: true,
  types: ['node'],
  lib: ['es2023'],
  newLine: 'lf',
  ignoreDeprecations: tsp.versionMajorMinor >= '6.0' ? '6.0' : undefined,
};

/**
 * Compiles `files` (absolute paths) with the plugin and returns the emitted text by output file name, the
 * diagnostics formatted as tsc prints them, and the output directory.
 */
export function compile({ rootDir, files, outDir, compilerOptions = {}, plugin = {} }) {
  const json = {
    ...defaultCompilerOptions,
    ...compilerOptions,
    rootDir,
    outDir,
    plugins: [{ transform: 'ts-observatory/transformer', ...plugin }],
  };
  const { options, errors } = tsp.convertCompilerOptionsFromJson(json, rootDir);
  if (errors.length) throw new Error(formatDiagnostics(errors));
  options.configFilePath = path.join(rootDir, 'tsconfig.json');
  const program = tsp.createProgram({ rootNames: files, options });
  const emitted = new Map();
  const result = program.emit(undefined, (fileName, text) => {
    emitted.set(fileName, text);
    if (outDir) {
      fs.mkdirSync(path.dirname(fileName), { recursive: true });
      fs.writeFileSync(fileName, text);
    }
  });
  const diagnostics = [...tsp.getPreEmitDiagnostics(program), ...result.diagnostics];
  return { emitted, diagnostics: formatDiagnostics(diagnostics), outDir };
}

export function formatDiagnostics(diagnostics) {
  return tsp.formatDiagnostics(diagnostics, {
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

export function fixtureNames() {
  return fs
    .readdirSync(fixturesDir, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .map(entry => entry.name)
    .sort();
}

/** A fresh scratch directory inside the repository, so emitted code resolves `ts-observatory/runtime` by self-reference. */
export function scratchDir(label) {
  const base = path.join(repoRoot, '.test-out');
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, `${label}-`));
}
