/**
 * ts-observatory's compile-time half: a TypeScript source transformer that instruments functions tagged
 * `/** @monitor *\/` so that every call is recorded by `ts-observatory/runtime`.
 *
 * With ts-patch, in tsconfig.json:    "plugins": [{ "transform": "ts-observatory/transformer" }]
 * Programmatically:                   program.emit(undefined, undefined, undefined, false,
 *                                       { before: [createTransformer(program, { select: 'tagged' })] })
 */
import * as path from 'node:path';
import type * as ts from 'typescript';
import { instrumentFile } from './instrument-file';
import { isFileSelected, readPluginOptions, type PluginOptions } from './options';
import { FileTags, type TagProblem } from './file-tags';
import { toProjectPath } from './instrument-file';

export type { PluginOptions } from './options';

/** ts-patch's TransformerExtras, reduced to what is used here. */
export interface TransformerExtras {
  ts?: typeof ts;
  addDiagnostic?: (diagnostic: ts.Diagnostic) => number | void;
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
 * `extras.addDiagnostic` when given (ts-patch), and otherwise into the emit result's diagnostics.
 */
export function createTransformer(
  program: ts.Program,
  config: Partial<PluginOptions> | Record<string, unknown> = {},
  extras: TransformerExtras = {},
): ts.TransformerFactory<ts.SourceFile> {
  // Use the compiler instance that is running (ts-patch hands it over), never a second copy.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fallback, loaded only when none is handed over
  const tsInstance: typeof ts = extras.ts ?? require('typescript');
  const options = readPluginOptions(config as Record<string, unknown>);
  const root = projectRoot(program);

  return context => {
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
      else (context as unknown as { addDiagnostic(diagnostic: ts.Diagnostic): void }).addDiagnostic(diagnostic);
    };
    return sourceFile => {
      if (!options.enabled || sourceFile.isDeclarationFile) return sourceFile;
      if (!isFileSelected(options, toProjectPath(root, sourceFile.fileName))) return sourceFile;
      const tags = new FileTags(tsInstance, sourceFile, options.tag);
      if (options.select === 'tagged' && tags.isEmpty) return sourceFile;
      return instrumentFile({ tsInstance, program, options, root, report }, context, sourceFile, tags);
    };
  };
}

/** File paths are recorded relative to the directory of tsconfig.json, or the compiler's working directory. */
function projectRoot(program: ts.Program): string {
  const configFile = program.getCompilerOptions().configFilePath;
  return typeof configFile === 'string' ? path.dirname(configFile) : program.getCurrentDirectory();
}
