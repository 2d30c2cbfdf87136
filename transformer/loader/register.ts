/**
 * ts-observatory/register: `node --import ts-observatory/register src/main.ts` runs a TypeScript program
 * with its tagged functions instrumented, typed from the project's tsconfig.json, as `tspc` would build it.
 * With tsx: `node --import tsx --import ts-observatory/register src/main.ts` (this loader, registered last,
 * handles the project's TypeScript files first).
 *
 * `require` of a TypeScript file goes through the extension hook below, on the program's thread; `import`
 * through the module hooks of hooks.ts, on Node's hooks thread. Both have the file compiled by the loader's
 * compiler thread, which the main thread starts (shared-compiler.ts).
 */
import * as path from 'node:path';
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { OWN_THREAD_ENV } from '../../runtime/contract';
import { instrumentForNode, isInstrumentable } from './node-output';
import type { HooksData } from './hooks';
import { publishedCompilerThread, startCompilerThread } from './shared-compiler';

interface CompilableModule {
  _compile(code: string, fileName: string): void;
}

// The package's own threads (the runtime's writer thread, the loader's compiler thread) run no TypeScript of the
// program; NODE_OPTIONS can still bring this loader there (contract.ts).
if (!process.env[OWN_THREAD_ENV]) installLoader();

function installLoader(): void {
  // Before any worker thread starts: worker threads find the compiler thread in the environment data.
  const compiler = isMainThread ? startCompilerThread() : publishedCompilerThread();
  const extensions = require.extensions as unknown as Record<
    string,
    (module: CompilableModule, fileName: string) => void
  >;
  for (const extension of ['.ts', '.cts', '.tsx']) {
    const previous = extensions[extension];
    extensions[extension] = (module, fileName) => {
      if (!isInstrumentable(fileName) && previous) return previous(module, fileName);
      module._compile(instrumentForNode(fileName), fileName);
    };
  }
  register(pathToFileURL(path.join(__dirname, 'hooks.js')).href, { data: { compiler } satisfies HooksData });
}
