/**
 * What a bundle cannot hold, loaded from ts-observatory's installed files: the writer thread's entry point
 * (store/worker.js, which a thread must start from a file), piscina (which starts its threads from a file of
 * its own), and through them better-sqlite3's native addon.
 *
 *   the runtime runs from its package (tspc output, node_modules)   that package
 *   a bundler copied the runtime into the program's bundle          the ts-observatory installed beside the
 *                                                                   program: found from the entry script,
 *                                                                   then from the working directory
 *
 * Modules are loaded here through `createRequire` with paths computed at run time, which bundlers leave alone.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const PACKAGE_NAME = 'ts-observatory';

let found: string | undefined;

/** The directory of the ts-observatory package whose files the writer thread runs. */
export function installedPackageDir(): string {
  return (found ??=
    ownPackageDir() ??
    packageBeside(process.argv[1]) ??
    packageBeside(path.join(process.cwd(), 'index.js')) ??
    notFound());
}

/** Loads `request` (a package ts-observatory depends on, or a file of it) as ts-observatory itself would. */
export function requireFromPackage<T>(request: string): T {
  return createRequire(path.join(installedPackageDir(), 'package.json'))(request) as T;
}

/** A file of the installed package's runtime, by its path under dist/runtime. */
export function runtimeFile(relative: string): string {
  return path.join(installedPackageDir(), 'dist', 'runtime', relative);
}

/** This file's own package, unless a bundler moved this file out of it (or, in an ES module bundle, erased __dirname). */
function ownPackageDir(): string | undefined {
  if (typeof __dirname !== 'string') return undefined;
  const candidate = path.resolve(__dirname, '..', '..', '..');
  return isThisPackage(candidate) ? candidate : undefined;
}

function packageBeside(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return path.dirname(createRequire(path.resolve(file)).resolve(`${PACKAGE_NAME}/package.json`));
  } catch {
    return undefined;
  }
}

function isThisPackage(dir: string): boolean {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

function notFound(): never {
  throw new Error(
    `${PACKAGE_NAME}: the runtime is bundled, but no installed ${PACKAGE_NAME} package was found from ` +
      `${process.argv[1] ?? 'the entry script'} or ${process.cwd()}. Install ${PACKAGE_NAME} beside the bundle ` +
      `(npm install ${PACKAGE_NAME}): the writer thread runs from its files, and they hold better-sqlite3's native addon.`,
  );
}
