/** Diagnostics as tsc prints them (`file(line,col): error TS990001: …`), for every path that reports them itself. */
import type * as ts from 'typescript';

export function formatDiagnostics(
  tsInstance: typeof ts,
  diagnostics: readonly ts.Diagnostic[],
  currentDirectory = process.cwd(),
): string {
  return tsInstance.formatDiagnostics(diagnostics, {
    getCanonicalFileName: fileName => fileName,
    getCurrentDirectory: () => currentDirectory,
    getNewLine: () => '\n',
  });
}
