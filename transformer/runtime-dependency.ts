/**
 * Instrumented output loads `ts-observatory/runtime` whenever the program runs, so ts-observatory belongs in
 * the project's `dependencies`. Listed only under `devDependencies`, it is left out by
 * `npm install --omit=dev` and by most production images, and the program then fails at start with
 * "Cannot find module 'ts-observatory/runtime'". The build says so while it can still be fixed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findUp } from './project';

const PACKAGE = 'ts-observatory';

/** The warning for the project at `projectDir`, or undefined when its package.json is as it should be. */
export function runtimeDependencyWarning(projectDir: string, runtimeSpecifier: string): string | undefined {
  if (runtimeSpecifier !== PACKAGE && !runtimeSpecifier.startsWith(`${PACKAGE}/`)) return undefined;
  const manifest = nearestManifest(projectDir);
  if (!manifest?.devDependencies?.[PACKAGE] || manifest.dependencies?.[PACKAGE]) return undefined;
  return (
    `${PACKAGE} is a devDependency, but the instrumented output loads ${runtimeSpecifier} at run time, and ` +
    `'npm install --omit=dev' leaves it out: move it to dependencies ('npm install ${PACKAGE}').`
  );
}

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function nearestManifest(start: string): Manifest | undefined {
  const dir = findUp(start, candidate => fs.existsSync(path.join(candidate, 'package.json')));
  if (!dir) return undefined;
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
  } catch {
    // A package.json that does not parse is npm's error to report.
    return undefined;
  }
}
