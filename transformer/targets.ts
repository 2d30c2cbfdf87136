/**
 * Which functions of a file are monitored.
 *
 * A function is monitored when a `@monitor` tag stands before its host (see hosts.ts), before an overload
 * signature of it, or before its class or object literal (then every method, accessor and function-valued
 * property of it is monitored, though not a constructor); or, without a tag, when the plugin's `select` picks
 * it: every function for "all"; for "exported", what the module exports and the members of exported classes
 * and objects (see exports.ts).
 *
 * `@monitor-ignore` before a function opts it out, whatever tags or `select` say. Before any other
 * declaration or statement (a class, an object, a namespace, an `items.forEach(...)` call), and for the
 * functions nested in an ignored function, it opts every function written inside out of `select`, so that
 * code kept out of the traces stays out whole; a tag inside is explicit, and still monitors.
 *
 * A tag on something that cannot be monitored is a diagnostic, so a tag never silently does nothing.
 */
import type * as ts from 'typescript';
import { collectExportedDeclarations, isExported } from './exports';
import type { FileTags, TagProblem } from './file-tags';
import { hostOf } from './hosts';
import { functionNameOf } from './names';
import type { Selection } from './options';
import { defaultOptions, type MonitorOptions, type TagComment } from './tag';

export interface MonitorTarget {
  /** The function whose body is instrumented. */
  fn: ts.FunctionLikeDeclaration;
  /** Display name before any `name=` option: `divmod`, `Portfolio.value`, `api.get`. */
  name: string;
  kind: string;
  options: MonitorOptions;
  /** What monitors it: its own tag (or an overload's), its class's or object literal's tag, or `select`. */
  reason: MonitorReason;
}

export type MonitorReason = 'tag' | 'container' | 'select';

/** What decides about the functions of one file. */
export interface FileSelection {
  tags: FileTags;
  select: Selection;
  /** The declarations the module exports (see exports.ts); read only when `select` is "exported". */
  exported: ReadonlySet<ts.Node>;
  /** Receives problems about placement (a tag on something without a body). */
  report: (problem: TagProblem) => void;
}

/** The selection of one file; the module's exports, and so the type checker, are read only when `select` is "exported". */
export function selectionOf(
  tsInstance: typeof ts,
  checker: () => ts.TypeChecker,
  sourceFile: ts.SourceFile,
  tags: FileTags,
  select: Selection,
  report: (problem: TagProblem) => void,
): FileSelection {
  const exported =
    select === 'exported' ? collectExportedDeclarations(tsInstance, checker(), sourceFile) : new Set<ts.Node>();
  return { tags, select, exported, report };
}

/** Decides whether `node` is a monitored function. */
export function findMonitorTarget(
  tsInstance: typeof ts,
  node: ts.Node,
  selection: FileSelection,
): MonitorTarget | undefined {
  const { tags } = selection;
  if (!isInstrumentable(tsInstance, node)) {
    claimTagsOfBodiless(tsInstance, node, selection);
    return undefined;
  }
  const fn = node;
  const own = functionTagsOf(tsInstance, fn, tags);
  // Read before the function's own tags decide, so that every ignore around it is claimed either way.
  const insideIgnored = isInsideIgnored(tsInstance, hostOf(tsInstance, fn), tags);
  if (own.some(tag => tag.kind === 'ignore')) return undefined;
  const ownTag = own.find(candidate => candidate.kind === 'monitor');
  const tag = ownTag ?? containerTagOf(tsInstance, fn, tags);
  if (!tag && (insideIgnored || !isSelectedWithoutTag(tsInstance, fn, selection))) return undefined;
  return {
    fn,
    name: functionNameOf(tsInstance, fn),
    kind: kindOf(tsInstance, fn),
    options: tag?.options ?? defaultOptions(),
    reason: ownTag ? 'tag' : tag ? 'container' : 'select',
  };
}

/** The tags a function has of its own: before its host, and before the overload signatures it implements. */
export function functionTagsOf(tsInstance: typeof ts, fn: ts.FunctionLikeDeclaration, tags: FileTags): TagComment[] {
  return [...ownTagsOf(tsInstance, fn, tags), ...overloadTagsOf(tsInstance, fn, tags)];
}

/** A function with a body that can be rewritten. */
function isInstrumentable(tsInstance: typeof ts, node: ts.Node): node is ts.FunctionLikeDeclaration {
  return isFunctionKind(tsInstance, node) && node.body !== undefined;
}

/** The kinds of function the transformer instruments when they have a body. */
export function isFunctionKind(tsInstance: typeof ts, node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    tsInstance.isFunctionDeclaration(node) ||
    tsInstance.isMethodDeclaration(node) ||
    tsInstance.isConstructorDeclaration(node) ||
    tsInstance.isGetAccessorDeclaration(node) ||
    tsInstance.isSetAccessorDeclaration(node) ||
    tsInstance.isFunctionExpression(node) ||
    tsInstance.isArrowFunction(node)
  );
}

/**
 * The tags before the host of a function, class or object literal, and for an expression also those right
 * before it: `const format = /** @monitor *\/ (value: number) => ...`.
 */
function ownTagsOf(
  tsInstance: typeof ts,
  node: ts.FunctionLikeDeclaration | ts.ClassLikeDeclaration | ts.ObjectLiteralExpression,
  tags: FileTags,
  kind?: TagComment['kind'],
): TagComment[] {
  const host = hostOf(tsInstance, node);
  return host === node ? tags.tagsOf(node, kind) : [...tags.tagsOf(host, kind), ...tags.tagsOf(node, kind)];
}

/**
 * Whether a `@monitor-ignore` stands before a declaration or statement around `host`. Every one on the way
 * up is claimed, not only the nearest, so that none is reported as unclaimed.
 */
function isInsideIgnored(tsInstance: typeof ts, host: ts.Node, tags: FileTags): boolean {
  let ignored = false;
  for (let node = host.parent; node && !tsInstance.isSourceFile(node); node = node.parent) {
    if (tags.tagsOf(node, 'ignore').length > 0) ignored = true;
  }
  return ignored;
}

/**
 * Claims the tags before a node that is not itself instrumented: the `@monitor` of a class or object literal,
 * which its members read (see containerTagOf), is placed even when it has none (a `@monitor-ignore` there is
 * claimed by the functions inside, see isInsideIgnored); a tag on a declaration without a body is an error.
 */
function claimTagsOfBodiless(tsInstance: typeof ts, node: ts.Node, { tags, report }: FileSelection) {
  if ((tsInstance.isClassLike(node) && !isAmbient(tsInstance, node)) || tsInstance.isObjectLiteralExpression(node)) {
    ownTagsOf(tsInstance, node, tags, 'monitor');
  }
  const bodiless = bodilessKindOf(tsInstance, node);
  if (!bodiless || bodiless === 'overload') return;
  const reason = BODILESS_DECLARATION[bodiless];
  for (const tag of tags.tagsOf(node)) {
    if (tag.kind !== 'monitor') continue;
    report({
      pos: tag.pos,
      length: tags.tagLength,
      message: `@${tags.tagName} cannot be applied to ${reason}: it has no body to instrument.`,
    });
  }
}

/**
 * Why a declaration has no body: it is a member of an interface or type, abstract, `declare`d, or an overload
 * signature (whose tag the implementation claims, see overloadTagsOf); undefined when it has a body.
 */
export type Bodiless = 'type member' | 'abstract' | 'declared' | 'overload';

export function bodilessKindOf(tsInstance: typeof ts, node: ts.Node): Bodiless | undefined {
  if (
    tsInstance.isInterfaceDeclaration(node) ||
    tsInstance.isMethodSignature(node) ||
    tsInstance.isPropertySignature(node) ||
    tsInstance.isCallSignatureDeclaration(node)
  ) {
    return 'type member';
  }
  const isMember =
    tsInstance.isMethodDeclaration(node) || tsInstance.isAccessor(node) || tsInstance.isPropertyDeclaration(node);
  if (isMember && isAbstract(tsInstance, node)) return 'abstract';
  if (
    (isMember || tsInstance.isFunctionDeclaration(node) || tsInstance.isClassDeclaration(node)) &&
    isAmbient(tsInstance, node)
  ) {
    return 'declared';
  }
  // Outside ambient contexts, only an overload signature may leave out its body.
  const isCallable =
    tsInstance.isFunctionDeclaration(node) ||
    tsInstance.isMethodDeclaration(node) ||
    tsInstance.isConstructorDeclaration(node);
  return isCallable && !node.body ? 'overload' : undefined;
}

/** What a misplaced tag's diagnostic calls the declaration it stands before. */
const BODILESS_DECLARATION: Record<Exclude<Bodiless, 'overload'>, string> = {
  'type member': 'an interface or type member',
  abstract: 'an abstract member',
  declared: "a 'declare'd declaration",
};

function isAmbient(tsInstance: typeof ts, node: ts.Node): boolean {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (
      tsInstance.canHaveModifiers(current) &&
      tsInstance.getModifiers(current)?.some(m => m.kind === tsInstance.SyntaxKind.DeclareKeyword)
    ) {
      return true;
    }
  }
  return node.getSourceFile().isDeclarationFile;
}

function isAbstract(tsInstance: typeof ts, node: ts.Node): boolean {
  return (
    tsInstance.canHaveModifiers(node) &&
    !!tsInstance.getModifiers(node)?.some(m => m.kind === tsInstance.SyntaxKind.AbstractKeyword)
  );
}

/** Tags on the overload signatures that precede an implementation monitor the implementation, once. */
function overloadTagsOf(tsInstance: typeof ts, fn: ts.FunctionLikeDeclaration, tags: FileTags): TagComment[] {
  const container = fn.parent;
  const siblings: readonly ts.Node[] | undefined = tsInstance.isClassLike(container)
    ? container.members
    : tsInstance.isSourceFile(container) || tsInstance.isBlock(container) || tsInstance.isModuleBlock(container)
      ? container.statements
      : undefined;
  if (
    !siblings ||
    !(
      tsInstance.isFunctionDeclaration(fn) ||
      tsInstance.isMethodDeclaration(fn) ||
      tsInstance.isConstructorDeclaration(fn)
    )
  ) {
    return [];
  }
  const isOverload = (sibling: ts.Node) =>
    sibling.kind === fn.kind &&
    !(sibling as ts.FunctionLikeDeclaration).body &&
    (sibling as ts.FunctionLikeDeclaration).name?.getText() === fn.name?.getText();
  const found: TagComment[] = [];
  for (let index = siblings.indexOf(fn) - 1; index >= 0 && isOverload(siblings[index]!); index--) {
    found.push(...tags.tagsOf(siblings[index]!));
  }
  return found;
}

/**
 * The `@monitor` on the class or object literal of a method, accessor or function-valued property; a
 * constructor is left to its own tag, and a `@monitor-ignore` beside the container's tag wins.
 */
function containerTagOf(tsInstance: typeof ts, fn: ts.FunctionLikeDeclaration, tags: FileTags): TagComment | undefined {
  if (tsInstance.isConstructorDeclaration(fn)) return undefined;
  const member = tsInstance.isFunctionExpression(fn) || tsInstance.isArrowFunction(fn) ? hostOf(tsInstance, fn) : fn;
  const container = member.parent;
  const isMember =
    tsInstance.isMethodDeclaration(member) ||
    tsInstance.isAccessor(member) ||
    tsInstance.isPropertyDeclaration(member) ||
    tsInstance.isPropertyAssignment(member);
  if (!isMember || !(tsInstance.isClassLike(container) || tsInstance.isObjectLiteralExpression(container)))
    return undefined;
  const containerTags = ownTagsOf(tsInstance, container, tags);
  return containerTags.some(tag => tag.kind === 'ignore')
    ? undefined
    : containerTags.find(tag => tag.kind === 'monitor');
}

/** Whether `select` alone picks `fn`, before tags and ignores are looked at. */
export function isSelectedWithoutTag(
  tsInstance: typeof ts,
  fn: ts.FunctionLikeDeclaration,
  selection: FileSelection,
): boolean {
  if (selection.select === 'all') return true;
  if (selection.select === 'tagged') return false;
  return isExported(tsInstance, fn, selection.exported);
}

function kindOf(tsInstance: typeof ts, fn: ts.FunctionLikeDeclaration): string {
  const prefix =
    (fn.modifiers?.some(m => m.kind === tsInstance.SyntaxKind.AsyncKeyword) ? 'async ' : '') +
    ('asteriskToken' in fn && fn.asteriskToken ? 'generator ' : '');
  if (tsInstance.isConstructorDeclaration(fn)) return 'constructor';
  if (tsInstance.isGetAccessorDeclaration(fn)) return 'getter';
  if (tsInstance.isSetAccessorDeclaration(fn)) return 'setter';
  const isStatic = fn.modifiers?.some(m => m.kind === tsInstance.SyntaxKind.StaticKeyword);
  if (tsInstance.isMethodDeclaration(fn)) return `${prefix}${isStatic ? 'static method' : 'method'}`;
  if (tsInstance.isArrowFunction(fn)) return `${prefix}arrow`;
  return `${prefix}function`;
}
