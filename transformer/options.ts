/**
 * Plugin options, as written in tsconfig.json:
 *
 *   "plugins": [{ "transform": "ts-observatory/transformer", "select": "exported", "exclude": ["**\/*.spec.ts"] }]
 */
import picomatch from 'picomatch';
import { DEFAULT_RUNTIME_SPECIFIER } from '../runtime/contract';

export type Selection = 'tagged' | 'exported' | 'all';

export interface PluginOptions {
  /** false: emit exactly what plain tsc emits. */
  enabled: boolean;
  /** The tag name, without `@`. */
  tag: string;
  /** Module specifier emitted code imports the runtime from. */
  runtime: string;
  /** Globs, relative to the project root, of the files to instrument; all files when empty. */
  include: string[];
  /** Globs of files never to instrument. */
  exclude: string[];
  /** Which functions to monitor: tagged ones, every exported one, or every one; `@monitor-ignore` opts out. */
  select: Selection;
}

const SELECTIONS: readonly Selection[] = ['tagged', 'exported', 'all'];

/** Reads the plugin entry of tsconfig.json; throws with a message that names the bad option. */
export function readPluginOptions(config: Record<string, unknown> = {}): PluginOptions {
  const problem = (message: string) => new Error(`ts-observatory plugin option ${message}`);
  const options: PluginOptions = {
    enabled: true,
    tag: 'monitor',
    runtime: DEFAULT_RUNTIME_SPECIFIER,
    include: [],
    exclude: [],
    select: 'tagged',
  };
  for (const [key, value] of Object.entries(config)) {
    switch (key) {
      case 'transform':
      case 'transformProgram':
      case 'after':
      case 'afterDeclarations':
      case 'type':
      case 'import':
      case 'name':
        break; // ts-patch's own keys
      case 'enabled':
        if (typeof value !== 'boolean') throw problem(`'enabled' must be true or false.`);
        options.enabled = value;
        break;
      case 'tag':
      case 'runtime':
        if (typeof value !== 'string' || value === '' || (key === 'tag' && !/^[\w-]+$/.test(value))) {
          throw problem(`'${key}' must be a non-empty string${key === 'tag' ? ' of letters, digits, - or _' : ''}.`);
        }
        options[key] = value;
        break;
      case 'include':
      case 'exclude':
        if (!Array.isArray(value) || !value.every(item => typeof item === 'string')) {
          throw problem(`'${key}' must be an array of glob strings.`);
        }
        options[key] = value;
        break;
      case 'select':
        if (!SELECTIONS.includes(value as Selection))
          throw problem(`'select' must be one of ${SELECTIONS.join(', ')}.`);
        options.select = value as Selection;
        break;
      default:
        throw problem(`'${key}' is unknown. Known options: enabled, tag, runtime, include, exclude, select.`);
    }
  }
  return options;
}

/** Whether a file, by its path relative to the project root, is one the options ask to instrument. */
export function isFileSelected(options: PluginOptions, relativePath: string): boolean {
  if (options.include.length > 0 && !picomatch.isMatch(relativePath, options.include)) return false;
  return options.exclude.length === 0 || !picomatch.isMatch(relativePath, options.exclude);
}
