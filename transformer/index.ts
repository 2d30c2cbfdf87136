/**
 * ts-observatory's compile-time half: a TypeScript source transformer that instruments functions tagged
 * `/** @monitor *\/` so that every call is recorded by `ts-observatory/runtime`.
 *
 * With ts-patch, in tsconfig.json:    "plugins": [{ "transform": "ts-observatory/transformer" }]
 * Programmatically:                   program.emit(undefined, undefined, undefined, false,
 *                                       { before: [createTransformer(program, { select: 'tagged' })] })
 *
 * Tag errors are never lost: ts-patch and the bundler plugins take them through `extras.addDiagnostic`; a
 * caller that passes no `addDiagnostic` finds them on stderr, with a failing exit code, as tsc reports them
 * (TypeScript keeps a custom transformer's diagnostics out of the emit result).
 */
import * as path from 'node:path';
import type * as ts from 'typescript';
import { instrumentFile } from './instrument-file';
import { isFileSelected, readPluginOptions, type PluginOptions } from './options';
import { FileTags, type TagProblem } from './file-tags';
import { formatDiagnostics } from './format-diagnostics';
import { toProjectPath } from './instrument-file';
import { identityRoot } from './project';
import { runtimeDependencyWarning } from './runtime-dependency';
import { syntaxOnlyWarning } from './syntax-only';

export type { PluginOptions } from './options';

/** ts-patch's TransformerExtras, reduced to what is used here. */
export interface TransformerExtras {
  ts?: typeof ts;
  addDiagnostic?: (diagnostic: ts.Diagnostic) => number | void;
  /**
   * Where a warning about the build goes; one line on stderr by default. Warnings are not diagnostics because
   * tsc fails a build on any diagnostic, warning or not.
   */
  warn?: (message: string) => void;
}

/** Diagnostic codes, so that builds and editors can tell them apart. */
export const DiagnosticCode = {
  /** A malformed tag, a misplaced tag, or a tag on something without a body. */
  InvalidTag: 990001,
} as const;

/** The ts-patch entry point: `(program, pluginConfig, extras) => TransformerFactory`. */
export default function observatoryTransformer(
  program: ts.Program,
  pluginConfig?: Record<string, unknown>,
  extras?: TransformerExtras,
): ts.TransformerFactory<ts.SourceFile> {
  return createTransformer(program, pluginConfig, extras);
}

/**
 * A plain TransformerFactory for `program.emit(..., { before: [...] })`. Diagnostics go to
 * `extras.addDiagnostic` when given (ts-patch, the bundler plugins); otherwise, formatted as tsc prints them,
 * to stderr with `process.exitCode = 1`.
 */
export function createTransformer(
  program: ts.Program,
  config: Partial<PluginOptions> | Record<string, unknown> = {},
  extras: TransformerExtras = {},
): ts.TransformerFactory<ts.SourceFile> {
  // Use the compiler instance that is running (ts-patch hands it over), never a second copy.
  const tsInstance: typeof ts = extras.ts ?? require('typescript');
  const options = readPluginOptions(config as Record<string, unknown>);
  const projectDir = projectDirectory(program);
  const root = identityRoot(projectDir, program.getCompilerOptions().composite === true);

  const report = (sourceFile: ts.SourceFile, problem: TagProblem) => {
    const diagnostic: ts.Diagnostic = {
      file: sourceFile,
      start: problem.pos,
      length: problem.length,
      messageText: problem.message,
      category: tsInstance.DiagnosticCategory.Error,
      code: DiagnosticCode.InvalidTag,
      source: 'ts-observatory',
    };
    if (extras.addDiagnostic) extras.addDiagnostic(diagnostic);
    else reportUnclaimed(tsInstance, program, diagnostic);
  };
  // Said once per program, and only by a build that instruments something.
  let warnings = [runtimeDependencyWarning(projectDir, options.runtime), syntaxOnlyWarning(program)];
  const warnOnce = () => {
    for (const warning of warnings) if (warning !== undefined) (extras.warn ?? warnOnStderr)(warning);
    warnings = [];
  };

  return context => sourceFile => {
    if (!options.enabled || sourceFile.isDeclarationFile) return sourceFile;
    if (!isFileSelected(options, toProjectPath(projectDir, sourceFile.fileName))) return sourceFile;
    const tags = new FileTags(tsInstance, sourceFile, options.tag);
    if (options.select === 'tagged' && tags.isEmpty) return sourceFile;
    warnOnce();
    return instrumentFile({ tsInstance, program, options, root, report }, context, sourceFile, tags);
  };
}

/**
 * Warnings on stderr are said once per process: a transpile-only tool (ts-node -T) makes a program per file,
 * and `tspc --watch` one per rebuild, each of which would say them again.
 */
const printedWarnings = new Set<string>();

function warnOnStderr(message: string): void {
  if (printedWarnings.has(message)) return;
  printedWarnings.add(message);
  process.stderr.write(`ts-observatory: ${message}\n`);
}

/**
 * A tag error that no `addDiagnostic` took over: printed and failing the build, so that a bad tag never
 * compiles silently into default options.
 */
function reportUnclaimed(tsInstance: typeof ts, program: ts.Program, diagnostic: ts.Diagnostic): void {
  process.stderr.write(formatDiagnostics(tsInstance, [diagnostic], program.getCurrentDirectory()));
  process.exitCode = 1;
}

/** The directory of tsconfig.json, or the compiler's working directory: where `include` globs start. */
function projectDirectory(program: ts.Program): string {
  const configFile = program.getCompilerOptions().configFilePath;
  return typeof configFile === 'string' ? path.dirname(configFile) : program.getCurrentDirectory();
}
