/**
 * Instrumenting one source file: find the monitored functions, rewrite their bodies, and put the runtime
 * import and the registrations at the top of the module.
 */
import * as path from 'node:path';
import type * as ts from 'typescript';
import type { FunctionMeta } from '../runtime/contract';
import { instrumentFunction, isPrologueDirective, type FileIdentifiers, type InstrumentationPlan } from './instrument';
import type { PluginOptions } from './options';
import { describeOutputs } from './outputs';
import { collectParameterNames } from './parameters';
import { createRegistration, createRuntimeImport } from './registration';
import type { FileTags, TagProblem } from './file-tags';
import { findMonitorTarget, selectionOf, type MonitorTarget } from './targets';

export interface FileContext {
  tsInstance: typeof ts;
  program: ts.Program;
  options: PluginOptions;
  /** Directory that file paths in the metadata are relative to (see project.ts). */
  root: string;
  report: (sourceFile: ts.SourceFile, problem: TagProblem) => void;
}

export function instrumentFile(
  file: FileContext,
  context: ts.TransformationContext,
  sourceFile: ts.SourceFile,
  tags: FileTags,
): ts.SourceFile {
  const { tsInstance, program, options } = file;
  const factory = context.factory;
  const checker = program.getTypeChecker();
  const relativeFile = toProjectPath(file.root, sourceFile.fileName);
  // The plain name unless the file already uses it, then name_1, name_2, ...
  const uniqueName = (text: string) => factory.createUniqueName(text, tsInstance.GeneratedIdentifierFlags.Optimistic);
  const ids: FileIdentifiers = {
    runtime: uniqueName('__observatory'),
    call: uniqueName('__call'),
    error: uniqueName('__error'),
  };
  const registrations: ts.Statement[] = [];
  const report = (problem: TagProblem) => file.report(sourceFile, problem);
  const selection = selectionOf(tsInstance, () => checker, sourceFile, tags, options.select, report);

  /** Adds the function's registration and returns how its body is to be instrumented. */
  const plan = (target: MonitorTarget): InstrumentationPlan => {
    const { fn, options: tag } = target;
    const parameters = collectParameterNames(tsInstance, checker, fn);
    const outputs = describeOutputs(tsInstance, program, fn);
    const generator = 'asteriskToken' in fn && fn.asteriskToken !== undefined;
    const meta: FunctionMeta = {
      ...recordedIdentity(target, sourceFile, relativeFile),
      async: isAsync(tsInstance, fn),
      generator,
      params: parameters.names,
      paramTypes: parameters.types,
      ...(parameters.keys.some(key => key !== '') ? { paramKeys: parameters.keys } : {}),
      rest: parameters.rest,
      outputShape: outputs.shape,
      outputs: outputs.names,
      outputTypes: outputs.types,
      returnType: outputs.returnType,
      sample: tag.sample,
      capture: tag.capture,
      redact: tag.redact,
      snapshot: tag.snapshot,
      ...(tag.expected.length > 0 ? { expected: tag.expected } : {}),
    };
    const handle = uniqueName(`__observatory_${meta.name.replace(/[^\w$]/g, '_')}`);
    registrations.push(createRegistration(tsInstance, factory, ids.runtime, handle, meta));
    return { meta: handle, inputs: parameters.names, suspends: meta.async || generator, async: meta.async };
  };

  const visit = (node: ts.Node): ts.Node => {
    // Plan on the original node, which still has its parents, positions and types.
    const target = findMonitorTarget(tsInstance, node, selection);
    const instrumentation = target && plan(target);
    const visited = tsInstance.visitEachChild(node, visit, context);
    if (!instrumentation) return visited;
    return instrumentFunction(tsInstance, context, visited as ts.FunctionLikeDeclaration, instrumentation, ids);
  };

  const visited = tsInstance.visitEachChild(sourceFile, visit, context);
  for (const problem of tags.problems()) report(problem);
  if (registrations.length === 0) return visited;

  const commonJs = emitModuleFormatOf(program, sourceFile) === tsInstance.ModuleKind.CommonJS;
  const statements = [...visited.statements];
  // Before the file's own imports: a module that one of them loads may call back into this one (an import
  // cycle) before this module's body runs, and the handles must be ready by then.
  let insertAt = 0;
  while (insertAt < statements.length && isPrologueDirective(tsInstance, statements[insertAt]!)) insertAt++;
  statements.splice(
    insertAt,
    0,
    createRuntimeImport(
      tsInstance,
      factory,
      ids.runtime,
      options.runtime,
      commonJs,
      tsInstance.isExternalModule(sourceFile),
    ),
    ...registrations,
  );
  return factory.updateSourceFile(visited, statements);
}

/** What a monitored function is recorded as, and where: the part of its metadata that `observatory ls` lists. */
export type RecordedIdentity = Pick<FunctionMeta, 'name' | 'group' | 'file' | 'line' | 'column' | 'kind'>;

export function recordedIdentity(
  target: MonitorTarget,
  sourceFile: ts.SourceFile,
  relativeFile: string,
): RecordedIdentity {
  const anchor = target.fn.name ?? target.fn;
  const position = sourceFile.getLineAndCharacterOfPosition(anchor.getStart(sourceFile));
  return {
    name: target.options.name ?? target.name,
    group: target.options.group ?? relativeFile.replace(/\.[cm]?[tj]sx?$/, ''),
    file: relativeFile,
    line: position.line + 1,
    column: position.character + 1,
    kind: target.kind,
  };
}

/** The module format a file is emitted in (public on Program in 5.9 and 6.0, missing from 5.9's typings). */
function emitModuleFormatOf(program: ts.Program, sourceFile: ts.SourceFile): ts.ModuleKind {
  return (
    program as ts.Program & { getEmitModuleFormatOfFile(file: ts.SourceFile): ts.ModuleKind }
  ).getEmitModuleFormatOfFile(sourceFile);
}

function isAsync(tsInstance: typeof ts, fn: ts.FunctionLikeDeclaration): boolean {
  return (tsInstance.getCombinedModifierFlags(fn) & tsInstance.ModifierFlags.Async) !== 0;
}

/** A file's path relative to `root`, with forward slashes, as stored in the database and matched by globs. */
export function toProjectPath(root: string, fileName: string): string {
  return path.relative(root, fileName).split(path.sep).join('/');
}
