/**
 * Which functions of a file are monitored, and what they are called.
 *
 * A tag belongs to the declaration it stands directly before (its "host"): a function declaration, a
 * variable statement or property whose initializer is a function, a method, accessor or constructor, or a
 * class (then every method and accessor of the class is monitored). Every other placement is reported as a
 * diagnostic, so a tag never silently does nothing.
 */
import type * as ts from 'typescript';
import type { PluginOptions } from './options';
import { readTagComments, type MonitorOptions, type TagComment } from './tag';

export interface MonitorTarget {
  /** The function whose body is instrumented. */
  fn: ts.FunctionLikeDeclaration;
  /** Display name before any `name=` option: `divmod`, `Portfolio.value`, `api.get`. */
  name: string;
  kind: string;
  options: MonitorOptions;
}

export interface TagProblem {
  pos: number;
  length: number;
  message: string;
}

/** The tags of one file, looked up by the declarations that own them. */
export class FileTags {
  private readonly byComment = new Map<number, TagComment[]>();
  private readonly consumed = new Set<TagComment>();

  constructor(
    private readonly tsInstance: typeof ts,
    private readonly sourceFile: ts.SourceFile,
    readonly tagName: string,
  ) {
    const text = sourceFile.text;
    const seen = new Set<number>();
    const collect = (ranges: ts.CommentRange[] | undefined) => {
      for (const range of ranges ?? []) {
        if (seen.has(range.pos)) continue;
        seen.add(range.pos);
        const tags = readTagComments(text, [range], tagName);
        if (tags.length > 0) this.byComment.set(range.pos, tags);
      }
    };
    const walk = (node: ts.Node) => {
      collect(tsInstance.getLeadingCommentRanges(text, node.pos));
      collect(tsInstance.getTrailingCommentRanges(text, node.end));
      tsInstance.forEachChild(node, walk);
    };
    walk(sourceFile);
    collect(tsInstance.getLeadingCommentRanges(text, sourceFile.endOfFileToken.pos));
  }

  /** Length of `@tag`, for diagnostics that underline it. */
  get tagLength(): number {
    return this.tagName.length + 1;
  }

  /** True when the file mentions the tag at all; files without it are left alone in `tagged` mode. */
  get isEmpty(): boolean {
    return this.byComment.size === 0;
  }

  /** The tags standing directly before `host` (before its decorators, or between them and the declaration). */
  tagsOf(host: ts.Node): TagComment[] {
    const text = this.sourceFile.text;
    const positions = [host.pos];
    const modifiers = this.tsInstance.canHaveModifiers(host) ? this.tsInstance.getModifiers(host) : undefined;
    const decorators = this.tsInstance.canHaveDecorators(host) ? this.tsInstance.getDecorators(host) : undefined;
    if (decorators?.length) positions.push(decorators[decorators.length - 1]!.end);
    if (modifiers?.length) positions.push(modifiers[modifiers.length - 1]!.end);
    const tags: TagComment[] = [];
    for (const pos of positions) {
      const ranges = [
        ...(this.tsInstance.getLeadingCommentRanges(text, pos) ?? []),
        ...(this.tsInstance.getTrailingCommentRanges(text, pos) ?? []),
      ];
      for (const range of ranges) {
        for (const tag of this.byComment.get(range.pos) ?? []) {
          if (!tags.includes(tag)) tags.push(tag);
        }
      }
    }
    for (const tag of tags) this.consumed.add(tag);
    return tags;
  }

  /** Problems found in consumed tags' options, and every tag no declaration claimed. */
  problems(): TagProblem[] {
    const problems: TagProblem[] = [];
    for (const tags of this.byComment.values()) {
      for (const tag of tags) {
        if (!this.consumed.has(tag)) {
          problems.push({
            pos: tag.pos,
            length: this.tagLength,
            message:
              `@${this.tagName} must stand directly before a function, method, accessor, constructor or class ` +
              `declaration, or a variable or property initialized with a function.`,
          });
        } else {
          problems.push(...tag.problems);
        }
      }
    }
    return problems;
  }
}

/**
 * Decides whether `node` is a monitored function. `report` receives problems that are about placement
 * (a tag on something without a body).
 */
export function findMonitorTarget(
  tsInstance: typeof ts,
  node: ts.Node,
  tags: FileTags,
  options: PluginOptions,
  report: (problem: TagProblem) => void,
): MonitorTarget | undefined {
  const host = hostOf(tsInstance, node);
  if (!host) {
    rejectBodilessTags(tsInstance, node, tags, report);
    return undefined;
  }
  const fn = node as ts.FunctionLikeDeclaration;
  const own = tags.tagsOf(host);
  if (own.some(tag => tag.kind === 'ignore')) return undefined;
  const overloadTags = tsInstance.isFunctionDeclaration(fn) || tsInstance.isMethodDeclaration(fn) ? overloadTagsOf(tsInstance, fn, tags) : [];
  let tag = [...own, ...overloadTags].find(candidate => candidate.kind === 'monitor');
  const classTag = classTagOf(tsInstance, fn, tags);
  if (!tag && classTag && !tsInstance.isConstructorDeclaration(fn)) tag = classTag;
  if (!tag && !isSelectedWithoutTag(tsInstance, fn, host, options)) return undefined;
  return {
    fn,
    name: nameOf(tsInstance, fn, host),
    kind: kindOf(tsInstance, fn),
    options: tag?.options ?? { sample: 1, capture: 'all', redact: [], snapshot: false },
  };
}

/**
 * The declaration whose leading comment configures `node`, when `node` is a function with a body that can be
 * monitored; undefined otherwise.
 */
function hostOf(tsInstance: typeof ts, node: ts.Node): ts.Node | undefined {
  if (
    tsInstance.isFunctionDeclaration(node) ||
    tsInstance.isMethodDeclaration(node) ||
    tsInstance.isConstructorDeclaration(node) ||
    tsInstance.isGetAccessorDeclaration(node) ||
    tsInstance.isSetAccessorDeclaration(node)
  ) {
    return node.body ? node : undefined;
  }
  if (!tsInstance.isArrowFunction(node) && !tsInstance.isFunctionExpression(node)) return undefined;
  let parent = node.parent;
  while (
    tsInstance.isParenthesizedExpression(parent) ||
    tsInstance.isAsExpression(parent) ||
    tsInstance.isSatisfiesExpression(parent)
  ) {
    parent = parent.parent;
  }
  if (tsInstance.isVariableDeclaration(parent)) {
    const statement = parent.parent.parent;
    // A single declaration is configured by its statement's comment; in a list, each by its own.
    const list = parent.parent as ts.VariableDeclarationList;
    return tsInstance.isVariableStatement(statement) && list.declarations.length === 1 ? statement : parent;
  }
  if (
    tsInstance.isPropertyDeclaration(parent) ||
    tsInstance.isPropertyAssignment(parent) ||
    tsInstance.isExportAssignment(parent)
  ) {
    return parent;
  }
  return node;
}

/** A tag on a declaration that has no body (interface member, abstract or `declare`d member) is an error. */
function rejectBodilessTags(tsInstance: typeof ts, node: ts.Node, tags: FileTags, report: (problem: TagProblem) => void) {
  // A class tag is claimed by the class's methods; reading it here marks it as placed even when it has none.
  if (tsInstance.isClassLike(node) && !isAmbient(tsInstance, node)) tags.tagsOf(node);
  const reason = bodilessReason(tsInstance, node);
  if (!reason) return;
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
 * Why a declaration has no body, or undefined when it has one or is an overload signature (whose tag the
 * implementation claims, see overloadTagsOf).
 */
function bodilessReason(tsInstance: typeof ts, node: ts.Node): string | undefined {
  if (
    tsInstance.isInterfaceDeclaration(node) ||
    tsInstance.isMethodSignature(node) ||
    tsInstance.isPropertySignature(node) ||
    tsInstance.isCallSignatureDeclaration(node)
  ) {
    return 'an interface or type member';
  }
  const isMember =
    tsInstance.isMethodDeclaration(node) || tsInstance.isAccessor(node) || tsInstance.isPropertyDeclaration(node);
  if (isMember && isAbstract(tsInstance, node)) return 'an abstract member';
  if ((isMember || tsInstance.isFunctionDeclaration(node) || tsInstance.isClassDeclaration(node)) && isAmbient(tsInstance, node)) {
    return "a 'declare'd declaration";
  }
  return undefined;
}

function isAmbient(tsInstance: typeof ts, node: ts.Node): boolean {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (tsInstance.canHaveModifiers(current) && tsInstance.getModifiers(current)?.some(m => m.kind === tsInstance.SyntaxKind.DeclareKeyword)) {
      return true;
    }
  }
  return node.getSourceFile().isDeclarationFile;
}

function isAbstract(tsInstance: typeof ts, node: ts.Node): boolean {
  return tsInstance.canHaveModifiers(node) && !!tsInstance.getModifiers(node)?.some(m => m.kind === tsInstance.SyntaxKind.AbstractKeyword);
}

/** Tags on the overload signatures that precede an implementation monitor the implementation, once. */
function overloadTagsOf(tsInstance: typeof ts, fn: ts.FunctionDeclaration | ts.MethodDeclaration, tags: FileTags): TagComment[] {
  const siblings: readonly ts.Node[] | undefined = tsInstance.isFunctionDeclaration(fn)
    ? (fn.parent as ts.SourceFile | ts.Block | ts.ModuleBlock).statements
    : tsInstance.isClassLike(fn.parent)
      ? fn.parent.members
      : (fn.parent as ts.ObjectLiteralExpression).properties;
  if (!siblings || !fn.name) return [];
  const name = fn.name.getText();
  const index = siblings.indexOf(fn);
  const found: TagComment[] = [];
  for (let i = index - 1; i >= 0; i--) {
    const sibling = siblings[i]!;
    const isOverload =
      (tsInstance.isFunctionDeclaration(sibling) || tsInstance.isMethodDeclaration(sibling)) &&
      !sibling.body &&
      sibling.name?.getText() === name;
    if (!isOverload) break;
    found.push(...tags.tagsOf(sibling));
  }
  return found;
}

function classTagOf(tsInstance: typeof ts, fn: ts.FunctionLikeDeclaration, tags: FileTags): TagComment | undefined {
  if (!tsInstance.isClassLike(fn.parent)) return undefined;
  if (!tsInstance.isMethodDeclaration(fn) && !tsInstance.isAccessor(fn) && !tsInstance.isConstructorDeclaration(fn)) return undefined;
  return tags.tagsOf(fn.parent).find(tag => tag.kind === 'monitor');
}

function isSelectedWithoutTag(tsInstance: typeof ts, fn: ts.FunctionLikeDeclaration, host: ts.Node, options: PluginOptions): boolean {
  if (options.select === 'all') return true;
  if (options.select === 'tagged') return false;
  // `exported`: exported functions and variables, and the members of exported classes.
  const exported = (node: ts.Node) =>
    tsInstance.canHaveModifiers(node) && !!tsInstance.getModifiers(node)?.some(m => m.kind === tsInstance.SyntaxKind.ExportKeyword);
  if (tsInstance.isClassLike(fn.parent)) return exported(fn.parent);
  if (tsInstance.isExportAssignment(host)) return true;
  return exported(host) && host.parent !== undefined && tsInstance.isSourceFile(host.parent);
}

function nameOf(tsInstance: typeof ts, fn: ts.FunctionLikeDeclaration, host: ts.Node): string {
  const own = fn.name && !tsInstance.isComputedPropertyName(fn.name) ? fn.name.getText() : fn.name ? `[${fn.name.expression.getText()}]` : undefined;
  const container = fn.parent;
  if (tsInstance.isClassLike(container)) {
    const className = container.name?.text ?? classNameFromContext(tsInstance, container) ?? 'AnonymousClass';
    if (tsInstance.isConstructorDeclaration(fn)) return `${className}.constructor`;
    return `${className}${own?.startsWith('[') ? '' : '.'}${own}`;
  }
  if (tsInstance.isObjectLiteralExpression(container) && own) return `${objectNameOf(tsInstance, container)}.${own}`;
  if (tsInstance.isVariableDeclaration(host) || tsInstance.isVariableStatement(host)) {
    const declaration = tsInstance.isVariableStatement(host) ? host.declarationList.declarations[0]! : host;
    return declaration.name.getText();
  }
  if (tsInstance.isPropertyDeclaration(host) || tsInstance.isPropertyAssignment(host)) {
    const owner = host.parent;
    const prefix = tsInstance.isClassLike(owner)
      ? owner.name?.text ?? 'AnonymousClass'
      : objectNameOf(tsInstance, owner as ts.ObjectLiteralExpression);
    return `${prefix}.${host.name.getText()}`;
  }
  if (own) return own;
  if (!tsInstance.isExportAssignment(host) && !tsInstance.isFunctionDeclaration(fn)) return '<anonymous>';
  // `export default function () {}` and `export default () => ...`: named after their file.
  const fileName = fn.getSourceFile().fileName;
  return fileName.slice(fileName.lastIndexOf('/') + 1).replace(/\.[cm]?[tj]sx?$/, '');
}

function classNameFromContext(tsInstance: typeof ts, node: ts.ClassLikeDeclaration): string | undefined {
  return tsInstance.isVariableDeclaration(node.parent) ? node.parent.name.getText() : undefined;
}

function objectNameOf(tsInstance: typeof ts, literal: ts.ObjectLiteralExpression): string {
  const parent = literal.parent;
  if (tsInstance.isVariableDeclaration(parent) || tsInstance.isPropertyAssignment(parent)) return parent.name.getText();
  return 'object';
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
