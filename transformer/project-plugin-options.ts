/**
 * The plugin options a project's tsconfig.json gives `tspc`, for the paths that build the project without
 * ts-patch (the bundler plugins, the Node loader, ts-jest): the same project records the same functions
 * whichever way it is built. TypeScript keeps the `plugins` array in the parsed compiler options.
 *
 *   "plugins": [{ "transform": "ts-observatory/transformer", "select": "exported" }]
 */
import type * as ts from 'typescript';

const TRANSFORMER = 'ts-observatory/transformer';

/** The entry of `program`'s `plugins` that names the transformer, or none; options passed in code override it. */
export function projectPluginOptions(program: ts.Program): Record<string, unknown> {
  const plugins = program.getCompilerOptions().plugins as unknown;
  if (!Array.isArray(plugins)) return {};
  const entry = plugins.find(
    (plugin: unknown) =>
      typeof plugin === 'object' && plugin !== null && (plugin as { transform?: unknown }).transform === TRANSFORMER,
  ) as Record<string, unknown> | undefined;
  return entry ?? {};
}
