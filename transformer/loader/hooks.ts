/**
 * The Node loader's module hooks (registered by register.ts), on Node's hooks thread: `import` of the
 * project's TypeScript files. ES module files are instrumented here; CommonJS files are handed to Node's
 * CommonJS loader, which reads them through the `require` hook of register.ts. A specifier written for the
 * emitted JavaScript (`./cart.js`) or without extension (`./cart`) finds the TypeScript file.
 */
import { fileURLToPath } from 'node:url';
import { isRelativeSpecifier, typeScriptNamesFor } from '../typescript-specifiers';
import { instrumentForNode, isInstrumentable, moduleFormatOf } from './node-output';
import { useCompilerThread, type CompilerHandle } from './shared-compiler';

interface ResolveContext {
  parentURL?: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>;
type NextLoad = (url: string, context: object) => Promise<{ format?: string; source?: unknown }>;

/** What register.ts hands this thread: the compiler thread, when its main thread started one. */
export interface HooksData {
  compiler?: CompilerHandle;
}

/**
 * Runs once on the hooks thread, with register.ts's data. A hooks thread that another loader's registration
 * started (`--import tsx` first) began before the compiler thread was published, so it is handed it here.
 */
export function initialize(data: HooksData | undefined): void {
  if (data?.compiler) useCompilerThread(data.compiler);
}

export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: NextResolve,
): Promise<{ url: string }> {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !isRelativeSpecifier(specifier)) throw error;
    for (const candidate of typeScriptNamesFor(specifier)) {
      try {
        return await nextResolve(candidate, context);
      } catch {
        // The next candidate, then the original error.
      }
    }
    throw error;
  }
}

export async function load(
  url: string,
  context: object,
  nextLoad: NextLoad,
): Promise<{ format?: string; source?: unknown; shortCircuit?: boolean }> {
  if (!url.startsWith('file:')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  if (!isInstrumentable(fileName)) return nextLoad(url, context);
  if (moduleFormatOf(fileName) === 'commonjs') return { format: 'commonjs', shortCircuit: true };
  return { format: 'module', source: instrumentForNode(fileName), shortCircuit: true };
}
