/**
 * ts-observatory/ts-jest: an `astTransformers.before` entry for ts-jest.
 *
 *   transform: { '^.+\\.tsx?$': ['ts-jest', { astTransformers: { before: ['ts-observatory/ts-jest'] } }] }
 *
 * ts-jest calls `factory` with its compiler and the entry's options (the plugin options). The program comes
 * from ts-jest's language service, so names and return shapes are typed as under `tspc`; in ts-jest's
 * transpile-only mode it is the one-file program TypeScript transpiles with, and the build says so
 * (syntax-only.ts). Tag errors fail the test file that holds them, with tsc's text.
 */
import type * as ts from 'typescript';
import { createTransformer } from './index';
import { formatDiagnostics } from './format-diagnostics';
import type { PluginOptions } from './options';
import { projectPluginOptions } from './project-plugin-options';

/** What this module needs of ts-jest's TsCompiler. */
interface TsJestCompiler {
  program?: ts.Program;
  configSet: { compilerModule: typeof ts };
}

export const name = 'ts-observatory';
/** ts-jest keys its cache on this: it changes with every release of ts-observatory. */
export const version: string = require('../../package.json').version;

export function factory(
  compiler: TsJestCompiler,
  options: Partial<PluginOptions> = {},
): ts.TransformerFactory<ts.SourceFile> {
  const tsInstance = compiler.configSet.compilerModule;
  return context => sourceFile => {
    const program = programOf(compiler, sourceFile);
    const errors: ts.Diagnostic[] = [];
    const transformer = createTransformer(
      program,
      { ...projectPluginOptions(program), ...options },
      {
        ts: tsInstance,
        addDiagnostic: diagnostic => void errors.push(diagnostic),
      },
    );
    const result = transformer(context)(sourceFile);
    if (errors.length > 0) throw new Error(formatDiagnostics(tsInstance, errors));
    return result;
  };
}

/**
 * The program that holds `sourceFile`: ts-jest's language service keeps `compiler.program` as of its start
 * and reaches the current one through the service; the transpile path sets it per file.
 */
function programOf(compiler: TsJestCompiler, sourceFile: ts.SourceFile): ts.Program {
  const service = (compiler as { _languageService?: ts.LanguageService })._languageService;
  const candidates = [service?.getProgram(), compiler.program];
  const program = candidates.find(candidate => candidate?.getSourceFile(sourceFile.fileName) === sourceFile);
  if (!program)
    throw new Error(`ts-observatory/ts-jest: ts-jest compiled ${sourceFile.fileName} without a program that holds it`);
  return program;
}
