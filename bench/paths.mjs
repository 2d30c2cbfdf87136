// Where the benchmark keeps its compiled code, scratch databases and results. Kept apart from build.mjs so
// that child processes can find compiled code without loading the TypeScript compiler.
import * as path from 'node:path';

export const benchDir = import.meta.dirname;
export const repoRoot = path.dirname(benchDir);
export const buildDir = path.join(benchDir, '.build');
export const scratchDir = path.join(buildDir, 'scratch');
export const resultsDir = path.join(benchDir, 'results');

/** The directory holding the compiled bench/src for one build (see build.mjs). */
export function buildOutput(name) {
  return path.join(buildDir, name);
}
