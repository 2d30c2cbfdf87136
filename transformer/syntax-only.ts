/**
 * A build that compiles each file alone (`ts.transpileModule`: ts-node `-T`, ts-jest `isolatedModules`,
 * any transpile-only mode) hands the transformer a program without the standard library and without the
 * files a file imports. Names, parameters and tags still come from the syntax, but the checker cannot see
 * a type declared elsewhere or inferred: such outputs collapse into one `result` row, and their declared
 * types go unrecorded. The build says so once, instead of recording less in silence.
 */
import type * as ts from 'typescript';

export function syntaxOnlyWarning(program: ts.Program): string | undefined {
  const options = program.getCompilerOptions();
  if (options.noLib !== true || options.noResolve !== true) return undefined;
  return (
    'this build compiles each file alone (transpile-only), without types: outputs of return types declared in ' +
    'other files or inferred are recorded as one `result` row. Build with types (tspc, a ts-observatory bundler ' +
    'plugin, or the tool without its transpile-only option) to record them by name.'
  );
}
