/**
 * The bundler and dev-server plugins (`ts-observatory/vite`, `/rollup`, `/esbuild`, `/webpack`, `/rspack`),
 * written once on unplugin around the Instrumenter, so every bundler records the rows `tspc` records.
 *
 * The plugin runs before the bundler's own TypeScript handling (`enforce: 'pre'`; in rollup and esbuild, list
 * it before any TypeScript plugin), which then finds plain JavaScript to pass through.
 *
 * webpack and rspack get a loader of ts-observatory's own (webpack-loader.ts) instead of unplugin's, whose
 * adapter drops a transform's source map when no loader before it made one (unplugin issues 154 and 616).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createUnplugin } from 'unplugin';
import type { PluginOptions } from '../options';
import { isRelativeSpecifier, typeScriptNamesFor } from '../typescript-specifiers';
import { Instrumenter, isInstrumentable } from './instrumenter';
import { addLoaderRule } from './webpack-loader';

export const observatory = createUnplugin((config: Partial<PluginOptions> | undefined, meta) => {
  const instrumenter = new Instrumenter(config);
  const ownLoader = meta.framework === 'webpack' || meta.framework === 'rspack';
  const resolvesTypeScript = meta.framework !== 'esbuild' && meta.framework !== 'vite';
  return {
    name: 'ts-observatory',
    enforce: 'pre',
    // `import './cycle.mjs'` beside cycle.mts, as NodeNext projects write it: rollup and webpack look for the
    // .mjs file that only exists once compiled. esbuild and vite find the TypeScript themselves, and resolving
    // for them would make a second copy of a module that is also an entry point.
    resolveId(id, importer) {
      if (!resolvesTypeScript || !importer || !isRelativeSpecifier(id) || !/\.[cm]?js$/.test(id)) return null;
      if (!isInstrumentable(importer)) return null;
      const dir = path.dirname(importer.split('?')[0]!);
      if (fs.existsSync(path.resolve(dir, id))) return null;
      return typeScriptNamesFor(id)
        .map(candidate => path.resolve(dir, candidate))
        .find(candidate => fs.existsSync(candidate));
    },
    transformInclude: id => !ownLoader && isInstrumentable(id),
    transform(code, id) {
      try {
        return instrumenter.transform(code, id, message => this.warn(message));
      } catch (error) {
        this.error(error as Error);
      }
    },
    webpack: compiler => addLoaderRule(compiler, instrumenter),
    rspack: compiler => addLoaderRule(compiler, instrumenter),
  };
});
