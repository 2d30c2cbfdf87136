/**
 * `observatory tag` and `observatory untag`: read every file first, plan the edits of each, then write the
 * files that change (none with `--dry-run`), so that a file that cannot be read stops the run before any
 * file is written.
 */
import * as path from 'node:path';
import { Project, ts as morphTs } from 'ts-morph';
import type * as ts from 'typescript';
import { addTagEdit } from './add-tag';
import { functionsInScope, type Scope, type SkipReason } from './functions';
import { isBare, removeTagEdits } from './remove-tag';
import { findSourceFiles, readSourceText, writeSourceText, type SourceText } from './source-files';
import { applyEdits, type TextEdit } from './text-edits';
import { functionTagsOf } from '../transformer/targets';
import type { TagComment } from '../transformer/tag';

// ts-morph carries its own copy of the compiler; the transformer's functions take any copy.
const tsInstance = morphTs as unknown as typeof ts;

export type Direction = 'tag' | 'untag';

export interface RetagRequest {
  direction: Direction;
  /** Files, folders and globs. */
  paths: readonly string[];
  scope: Scope;
  tagName: string;
  dryRun: boolean;
}

/** Where a function stands, for the lines of the summary. */
export interface FunctionPlace {
  file: string;
  line: number;
  column: number;
  name: string;
}

export interface RetagSummary {
  direction: Direction;
  dryRun: boolean;
  files: number;
  /** The files that change, relative to the working directory, with how many functions change in each. */
  changed: { file: string; functions: number }[];
  /** `tag`: functions that already had their own tag; `untag`: functions that had none. */
  untouched: number;
  /** Functions monitored by the tag of their class or object literal, which neither command changes. */
  byContainer: number;
  skipped: (FunctionPlace & { why: SkipReason })[];
  /** `untag`: tags left in place because they carry options. */
  keptWithOptions: FunctionPlace[];
}

export function retag(request: RetagRequest): RetagSummary {
  const project = new Project({
    // Only each file's own exports matter, so neither imports nor the standard library are loaded.
    compilerOptions: { allowJs: true, noLib: true, noResolve: true, types: [] },
    skipAddingFilesFromTsConfig: true,
  });
  const sources = findSourceFiles(project.getFileSystem(), request.paths).map(readSourceText);
  const parsed = sources.map(source => project.createSourceFile(source.path, source.text, { overwrite: true }));
  // Only `--exported` reads the type checker; one program serves every file.
  const checker = () => project.getTypeChecker().compilerObject as unknown as ts.TypeChecker;
  const summary: RetagSummary = {
    direction: request.direction,
    dryRun: request.dryRun,
    files: sources.length,
    changed: [],
    untouched: 0,
    byContainer: 0,
    skipped: [],
    keptWithOptions: [],
  };
  const writes: { source: SourceText; text: string }[] = [];
  sources.forEach((source, index) => {
    const sourceFile = parsed[index]!.compilerNode as unknown as ts.SourceFile;
    const edits = planFile(sourceFile, checker, request, summary);
    if (edits.count === 0) return;
    summary.changed.push({ file: path.relative(process.cwd(), source.path), functions: edits.count });
    writes.push({ source, text: applyEdits(source.text, edits.edits) });
  });
  if (!request.dryRun) for (const { source, text } of writes) writeSourceText(source, text);
  return summary;
}

function planFile(
  sourceFile: ts.SourceFile,
  checker: () => ts.TypeChecker,
  request: RetagRequest,
  summary: RetagSummary,
): { edits: TextEdit[]; count: number } {
  const { functions, tags } = functionsInScope(tsInstance, checker, sourceFile, request.scope, request.tagName);
  const text = sourceFile.text;
  const place = (fn: ts.Node, name: string): FunctionPlace => {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(fn.getStart(sourceFile));
    return { file: path.relative(process.cwd(), sourceFile.fileName), line: line + 1, column: character + 1, name };
  };
  const edits = new Map<number, TextEdit>();
  // A comment's bare tags are removed together, so that a comment left with nothing else is deleted once.
  const removals = new Map<number, TagComment[]>();
  let count = 0;
  for (const { fn, name, state } of functions) {
    if (state === 'container') summary.byContainer++;
    else if (state !== 'untagged' && state !== 'tagged') summary.skipped.push({ ...place(fn, name), why: state });
    else if (request.direction === 'tag' && state === 'untagged') {
      const edit = addTagEdit(tsInstance, sourceFile, fn, request.tagName);
      edits.set(edit.pos, edit);
      count++;
    } else if (request.direction === 'untag' && state === 'tagged') {
      const own = functionTagsOf(tsInstance, fn, tags).filter(tag => tag.kind === 'monitor');
      const bare = own.filter(tag => isBare(text, tag, request.tagName));
      if (bare.length < own.length) summary.keptWithOptions.push(place(fn, name));
      for (const tag of bare) removals.set(tag.commentPos, [...(removals.get(tag.commentPos) ?? []), tag]);
      if (bare.length > 0) count++;
    } else summary.untouched++;
  }
  for (const commentTags of removals.values()) {
    for (const edit of removeTagEdits(text, dedupe(commentTags), request.tagName)) edits.set(edit.pos, edit);
  }
  return { edits: [...edits.values()], count };
}

function dedupe(tags: TagComment[]): TagComment[] {
  return [...new Set(tags)].sort((a, b) => a.pos - b.pos);
}
