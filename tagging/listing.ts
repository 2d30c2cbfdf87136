/**
 * `observatory ls`: the functions the transformer monitors in a project, found the way it finds them.
 *
 * The project is read from its tsconfig.json, with the plugin options of its ts-observatory plugin entry, and
 * each file the build would emit is put through the transformer's own decisions (options.ts for the files,
 * file-tags.ts and targets.ts for the functions, recordedIdentity for the name, group and place), so that the
 * list names what a build records, and reports what a build would reject.
 */
import * as path from 'node:path';
import { Project, ts as morphTs } from 'ts-morph';
import type * as ts from 'typescript';
import { FileTags } from '../transformer/file-tags';
import { recordedIdentity, toProjectPath, type RecordedIdentity } from '../transformer/instrument-file';
import { isFileSelected, readPluginOptions, type PluginOptions } from '../transformer/options';
import { findMonitorTarget, selectionOf, type MonitorReason } from '../transformer/targets';
import { UsageError } from '../viewer/errors';

// ts-morph carries its own copy of the compiler; the transformer's functions take any copy.
const tsInstance = morphTs as unknown as typeof ts;

export interface ListedFunction extends RecordedIdentity {
  reason: MonitorReason;
}

export interface Listing {
  tsconfig: string;
  /** False when tsconfig.json names no ts-observatory plugin: the list then assumes its default options. */
  pluginFound: boolean;
  select: PluginOptions['select'];
  functions: ListedFunction[];
  perFile: Record<string, number>;
  perGroup: Record<string, number>;
  /** What the build would report as errors: misplaced tags and bad options. */
  problems: { file: string; line: number; column: number; message: string }[];
}

/** The module the plugin entry must resolve to. */
const TRANSFORMER = require.resolve('../transformer');

export function listMonitored(tsconfigPath: string): Listing {
  const project = new Project({ tsConfigFilePath: tsconfigPath });
  const program = project.getProgram().compilerObject as unknown as ts.Program;
  const root = path.dirname(tsconfigPath);
  const entry = pluginEntry(program.getCompilerOptions().plugins, root);
  let options: PluginOptions;
  try {
    options = readPluginOptions(entry ?? {});
  } catch (error) {
    throw new UsageError(`${tsconfigPath}: ${(error as Error).message}`);
  }
  const listing: Listing = {
    tsconfig: tsconfigPath,
    pluginFound: entry !== undefined,
    select: options.select,
    functions: [],
    perFile: {},
    perGroup: {},
    problems: [],
  };
  if (!options.enabled) return listing;
  const checker = program.getTypeChecker();
  for (const sourceFile of program.getSourceFiles()) {
    if (sourceFile.isDeclarationFile || program.isSourceFileFromExternalLibrary(sourceFile)) continue;
    const file = toProjectPath(root, sourceFile.fileName);
    if (!isFileSelected(options, file)) continue;
    const tags = new FileTags(tsInstance, sourceFile, options.tag);
    if (options.select === 'tagged' && tags.isEmpty) continue;
    const report = ({ pos, message }: { pos: number; message: string }) => {
      const { line, character } = sourceFile.getLineAndCharacterOfPosition(pos);
      listing.problems.push({ file, line: line + 1, column: character + 1, message });
    };
    const selection = selectionOf(tsInstance, () => checker, sourceFile, tags, options.select, report);
    const visit = (node: ts.Node) => {
      const target = findMonitorTarget(tsInstance, node, selection);
      if (target) listing.functions.push({ ...recordedIdentity(target, sourceFile, file), reason: target.reason });
      tsInstance.forEachChild(node, visit);
    };
    visit(sourceFile);
    tags.problems().forEach(report);
  }
  listing.functions.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column,
  );
  for (const fn of listing.functions) {
    listing.perFile[fn.file] = (listing.perFile[fn.file] ?? 0) + 1;
    listing.perGroup[fn.group] = (listing.perGroup[fn.group] ?? 0) + 1;
  }
  return listing;
}

/** The entry of `compilerOptions.plugins` that loads this transformer, by package name or by path. */
function pluginEntry(plugins: unknown, root: string): Record<string, unknown> | undefined {
  if (!Array.isArray(plugins)) return undefined;
  return plugins.find((plugin: Record<string, unknown>) => {
    if (typeof plugin?.transform !== 'string') return false;
    try {
      return require.resolve(plugin.transform, { paths: [root] }) === TRANSFORMER;
    } catch {
      return plugin.transform === 'ts-observatory/transformer';
    }
  });
}
