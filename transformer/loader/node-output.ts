/**
 * What the Node loader shares between its two halves (register.ts on the program's thread for `require`,
 * hooks.ts on Node's hooks thread for `import`) and its compiler thread (compiler-thread.ts): which files it
 * instruments, in which module format Node runs each, and the emitted code with its source map inline, where
 * `--enable-source-maps` finds it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Instrumenter, isInstrumentable } from '../plugins/instrumenter';
import { findUp } from '../project';
import { compileInCompilerThread } from './shared-compiler';

export { isInstrumentable };

/** In the thread that compiles: the compiler thread, or a thread that has none to ask (shared-compiler.ts). */
const instrumenter = new Instrumenter();

/** `fileName`'s TypeScript, instrumented, as Node runs it: by the compiler thread, or else by this one. */
export function instrumentForNode(fileName: string): string {
  const warn = (message: string) => process.stderr.write(`${message}\n`);
  const compiled = compileInCompilerThread(fileName);
  if (compiled === null) return instrumentInThisThread(fileName, warn);
  for (const warning of compiled.warnings) warn(warning);
  return compiled.code;
}

/** `fileName`'s TypeScript, instrumented here, with the loader's warnings about it given to `warn`. */
export function instrumentInThisThread(fileName: string, warn: (message: string) => void): string {
  const format = moduleFormatOf(fileName) === 'module' ? 'esm' : 'cjs';
  const { code, map } = instrumenter.transform(fs.readFileSync(fileName, 'utf8'), fileName, warn, format);
  return `${code}//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

/** The format Node gives a file: by its extension, and for `.ts` and `.tsx` by the nearest package.json's "type". */
export function moduleFormatOf(fileName: string): 'module' | 'commonjs' {
  if (/\.mts$/.test(fileName)) return 'module';
  if (/\.cts$/.test(fileName)) return 'commonjs';
  const dir = findUp(path.dirname(fileName), candidate => fs.existsSync(path.join(candidate, 'package.json')));
  if (!dir) return 'commonjs';
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type === 'module'
      ? 'module'
      : 'commonjs';
  } catch {
    return 'commonjs';
  }
}
