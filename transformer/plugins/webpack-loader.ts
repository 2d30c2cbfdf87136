/**
 * The loader the webpack and rspack plugins add in front of every other rule for the project's TypeScript
 * files: it hands the file to the plugin's Instrumenter and passes on the code and its source map.
 */
import { isInstrumentable, type Instrumenter } from './instrumenter';

interface LoaderContext {
  resourcePath: string;
  async(): (error: Error | null, code?: string, map?: object) => void;
  getOptions(): { instrumenter: Instrumenter };
  emitWarning(warning: Error): void;
}

interface Compiler {
  options: { module: { rules: unknown[] } };
}

/** Puts the loader first, with the Instrumenter (not serializable, so kept in memory) as its option. */
export function addLoaderRule(compiler: Compiler, instrumenter: Instrumenter): void {
  compiler.options.module.rules.unshift({
    enforce: 'pre',
    test: isInstrumentable,
    use: [{ loader: __filename, options: { instrumenter } }],
  });
}

function observatoryLoader(this: LoaderContext, code: string): void {
  const callback = this.async();
  try {
    const { instrumenter } = this.getOptions();
    const result = instrumenter.transform(code, this.resourcePath, message => this.emitWarning(new Error(message)));
    callback(null, result.code, result.map);
  } catch (error) {
    callback(error as Error);
  }
}

export default observatoryLoader;
