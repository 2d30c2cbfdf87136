/**
 * The TypeScript compiler API for the paths that compile on their own (the bundler plugins and the Node
 * loader): the project's own `typescript` when it has that API (5.9 and 6.0 do), so a project builds with the
 * compiler it chose; otherwise the TypeScript 6.0 that ts-observatory depends on as `typescript-api`.
 * TypeScript 7, the Go compiler, ships no transformer API (its package's main module holds only the version),
 * so its projects take the second.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as ts from 'typescript';

const byProject = new Map<string, typeof ts>();

export function typescriptFor(projectDir: string): typeof ts {
  let api = byProject.get(projectDir);
  if (!api)
    byProject.set(projectDir, (api = projectTypeScript(projectDir) ?? (require('typescript-api') as typeof ts)));
  return api;
}

function projectTypeScript(projectDir: string): typeof ts | undefined {
  try {
    const candidate = createRequire(path.join(projectDir, 'package.json'))('typescript') as Partial<typeof ts>;
    return typeof candidate.createLanguageService === 'function' ? (candidate as typeof ts) : undefined;
  } catch {
    return undefined;
  }
}
