/**
 * What a monitored function is called, before any `name=` option: the name a reader finds it by in the source.
 *
 *   function divmod() {}                          divmod
 *   class Portfolio { value() {} }                Portfolio.value, Portfolio.#open, Portfolio[key], Portfolio.constructor
 *   const api = { get() {}, users: { list() {} } } api.get, api.users.list
 *   const add = () => ...                         add
 *   const Widget = class { run() {} }             Widget.run
 *   namespace Geometry { function area() {} }     Geometry.area (nested namespaces: A.B.f)
 *   export default function / class / arrow       named after the file: input, input.run
 *   exports.handler = () => ...                   exports.handler
 *   function f(callback = () => ...)              callback
 *   anything else                                 <anonymous>; a class without a name is AnonymousClass
 */
import type * as ts from 'typescript';
import { isAssignmentOf, isInitializerOf, outermostExpressionOf } from './hosts';

export function functionNameOf(tsInstance: typeof ts, fn: ts.FunctionLikeDeclaration): string {
  const container = fn.parent;
  if (tsInstance.isClassLike(container) || tsInstance.isObjectLiteralExpression(container)) {
    const member = tsInstance.isConstructorDeclaration(fn) ? 'constructor' : memberNameOf(tsInstance, fn.name!);
    return qualifiedMember(containerNameOf(tsInstance, container), member);
  }
  if (tsInstance.isFunctionDeclaration(fn)) {
    // `export default function () {}` is the only function declaration without a name.
    return fn.name ? inNamespace(tsInstance, fn, fn.name.text) : fileNameOf(fn);
  }
  return (
    nameFromHolder(tsInstance, fn as ts.FunctionExpression | ts.ArrowFunction) ?? fn.name?.getText() ?? '<anonymous>'
  );
}

/** The name members of a class or object literal are qualified with. */
function containerNameOf(
  tsInstance: typeof ts,
  container: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression,
): string {
  if (tsInstance.isObjectLiteralExpression(container)) return nameFromHolder(tsInstance, container) ?? 'object';
  if (container.name) return inNamespace(tsInstance, container, container.name.text);
  // `export default class {}` is the only class declaration without a name.
  if (tsInstance.isClassDeclaration(container)) return fileNameOf(container);
  return nameFromHolder(tsInstance, container) ?? 'AnonymousClass';
}

/** The name an expression takes from what holds it, as JavaScript names anonymous functions, or undefined. */
function nameFromHolder(tsInstance: typeof ts, expression: ts.Expression): string | undefined {
  const value = outermostExpressionOf(tsInstance, expression);
  const holder = value.parent;
  if (tsInstance.isVariableDeclaration(holder)) {
    return tsInstance.isIdentifier(holder.name) ? inNamespace(tsInstance, holder, holder.name.text) : undefined;
  }
  if (!isInitializerOf(tsInstance, holder, value)) {
    if (tsInstance.isExportAssignment(holder)) return fileNameOf(holder);
    return isAssignmentOf(tsInstance, holder, value) && isDottedName(tsInstance, holder.left)
      ? holder.left.getText()
      : undefined;
  }
  if (tsInstance.isPropertyDeclaration(holder) || tsInstance.isPropertyAssignment(holder)) {
    return qualifiedMember(containerNameOf(tsInstance, holder.parent), memberNameOf(tsInstance, holder.name));
  }
  return tsInstance.isIdentifier(holder.name) ? holder.name.text : undefined;
}

/** `prefix.member`, or `prefix[key]` for a computed member name. */
function qualifiedMember(prefix: string, member: string): string {
  return member.startsWith('[') ? `${prefix}${member}` : `${prefix}.${member}`;
}

function memberNameOf(tsInstance: typeof ts, name: ts.PropertyName): string {
  return tsInstance.isComputedPropertyName(name) ? `[${name.expression.getText()}]` : name.getText();
}

/** `name` prefixed with the namespaces its declaration stands in: `Geometry.area`, `A.B.f`. */
function inNamespace(tsInstance: typeof ts, declaration: ts.Declaration, name: string): string {
  const statement = tsInstance.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
  const namespaces: string[] = [];
  for (
    let node = statement.parent;
    tsInstance.isModuleBlock(node) || tsInstance.isModuleDeclaration(node);
    node = node.parent
  ) {
    if (tsInstance.isModuleDeclaration(node)) namespaces.unshift(node.name.text);
  }
  return [...namespaces, name].join('.');
}

/** An identifier or `this`, with property names after it: `handler`, `exports.handler`, `this.onClick`. */
function isDottedName(tsInstance: typeof ts, node: ts.Expression): boolean {
  if (tsInstance.isIdentifier(node) || node.kind === tsInstance.SyntaxKind.ThisKeyword) return true;
  return tsInstance.isPropertyAccessExpression(node) && isDottedName(tsInstance, node.expression);
}

/** What a default export is called: its file's name without extension. */
function fileNameOf(node: ts.Node): string {
  const fileName = node.getSourceFile().fileName;
  return fileName.slice(fileName.lastIndexOf('/') + 1).replace(/\.[cm]?[tj]sx?$/, '');
}
