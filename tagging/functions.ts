/**
 * The functions `observatory tag` and `untag` work on, and where each stands with the transformer.
 *
 * The command's scope is a `select` ("all" or "exported", see transformer/options.ts), narrowed by a regular
 * expression on the function's recorded name. Every answer comes from transformer/targets.ts, asked with that
 * `select`: a function is tagged exactly when the transformer, given that `select`, would monitor it, so that
 * `tag --all` followed by a build with `select: "tagged"` monitors what `select: "all"` would have.
 *
 *   untagged     `select` alone picks it: `tag` adds a tag
 *   tagged       its own tag monitors it (or an overload signature's): `tag` leaves it, `untag` removes a bare one
 *   container    the tag of its class or object literal monitors it: both leave it
 *   skipped      abstract, an overload signature, no body, or kept out by `@monitor-ignore`
 */
import type * as ts from 'typescript';
import { FileTags } from '../transformer/file-tags';
import { functionNameOf } from '../transformer/names';
import {
  bodilessKindOf,
  findMonitorTarget,
  isFunctionKind,
  isSelectedWithoutTag,
  selectionOf,
  type FileSelection,
} from '../transformer/targets';

export interface Scope {
  select: 'all' | 'exported';
  /** Tested against the name a function is recorded under, such as `Portfolio.value`. */
  match?: RegExp;
}

export type SkipReason = 'abstract' | 'overload' | 'no body' | '@monitor-ignore';

export type FunctionState = 'untagged' | 'tagged' | 'container' | SkipReason;

export interface ScopedFunction {
  fn: ts.FunctionLikeDeclaration;
  name: string;
  state: FunctionState;
}

export interface ScopedFile {
  sourceFile: ts.SourceFile;
  tags: FileTags;
  functions: ScopedFunction[];
}

/** Every function of `sourceFile` in scope, in source order. */
export function functionsInScope(
  tsInstance: typeof ts,
  checker: () => ts.TypeChecker,
  sourceFile: ts.SourceFile,
  scope: Scope,
  tagName: string,
): ScopedFile {
  const tags = new FileTags(tsInstance, sourceFile, tagName);
  // Misplaced tags are the compiler's to report; here they only leave a function as it is.
  const selection = selectionOf(tsInstance, checker, sourceFile, tags, scope.select, () => {});
  const functions: ScopedFunction[] = [];
  const visit = (node: ts.Node) => {
    if (isFunctionKind(tsInstance, node) && isSelectedWithoutTag(tsInstance, node, selection)) {
      const name = functionNameOf(tsInstance, node);
      if (!scope.match || scope.match.test(name))
        functions.push({ fn: node, name, state: stateOf(tsInstance, node, selection) });
    }
    tsInstance.forEachChild(node, visit);
  };
  visit(sourceFile);
  return { sourceFile, tags, functions };
}

function stateOf(tsInstance: typeof ts, fn: ts.FunctionLikeDeclaration, selection: FileSelection): FunctionState {
  if (!fn.body) {
    const bodiless = bodilessKindOf(tsInstance, fn);
    return bodiless === 'abstract' || bodiless === 'overload' ? bodiless : 'no body';
  }
  const target = findMonitorTarget(tsInstance, fn, selection);
  // `select` picks it, so only an ignore keeps the transformer from monitoring it.
  if (!target) return '@monitor-ignore';
  return target.reason === 'tag' ? 'tagged' : target.reason === 'container' ? 'container' : 'untagged';
}
