/**
 * A build that compiles each file alone (`ts.transpileModule`: ts-node `-T`, ts-jest `isolatedModules`,
 * any transpile-only mode) hands the transformer a program without the standard library and without the
 * files a file imports. Names, parameters, tags and the types a file declares itself still come through, but
 * the checker cannot see a type declared in another file, inferred from one, or made by the standard library
 * (a Promise's value, a generator's return): such outputs collapse into one `result` row. The build says so
 * once, instead of recording less in silence.
 */
import type * as ts from 'typescript';

export function syntaxOnlyWarning(program: ts.Program): string | undefined {
  const options = program.getCompilerOptions();
  if (options.noLib !== true || options.noResolve !== true) return undefined;
  return (
    'this build compiles each file alone (transpile-only), without types from other files: an output whose ' +
    'type is declared in another file, inferred from one, or a Promise or generator result is recorded as one ' +
    '`result` row. Build with types (tspc, a ts-observatory bundler plugin, the Node loader, or the tool ' +
    'without its transpile-only option) to record it by name.'
  );
}
