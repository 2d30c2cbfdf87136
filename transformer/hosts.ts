/**
 * Where a function, class or object literal stands, and which node's leading comment configures it: its
 * "host".
 *
 * Declarations are their own hosts. An expression is configured by what holds it, since that is where a
 * reader writes the comment:
 *
 *   /** @monitor *\/ const add = () => ...           the variable statement (each declarator, when several)
 *   { /** @monitor *\/ get: () => ... }              the property, in object literals and classes
 *   /** @monitor *\/ export default () => ...        the export assignment (also `export =`)
 *   f(/** @monitor *\/ callback = () => ...)         the parameter, or binding element, it is the default of
 *   /** @monitor *\/ exports.handler = () => ...     the statement that assigns it
 *   /** @monitor *\/ (async () => { ... })();        the statement that calls it (an IIFE, also under `void`
 *                                                   or `await`, or followed by `.catch(...)`)
 *   items.map(/** @monitor *\/ item => ...)          anywhere else, the expression itself
 */
import type * as ts from 'typescript';

export type FunctionOrClassExpression = ts.FunctionExpression | ts.ArrowFunction | ts.ClassExpression;

/** The node whose leading comment configures `node`: `node` itself unless it is an expression held as above. */
export function hostOf(
  tsInstance: typeof ts,
  node: ts.FunctionLikeDeclaration | ts.ClassLikeDeclaration | ts.ObjectLiteralExpression,
): ts.Node {
  if (!isFunctionOrClassExpression(tsInstance, node) && !tsInstance.isObjectLiteralExpression(node)) return node;
  const value = outermostExpressionOf(tsInstance, node);
  const holder = value.parent;
  if (tsInstance.isVariableDeclaration(holder)) {
    // A single declaration is configured by its statement's comment; in a list, each by its own.
    const list = holder.parent;
    return tsInstance.isVariableDeclarationList(list) &&
      list.declarations.length === 1 &&
      tsInstance.isVariableStatement(list.parent)
      ? list.parent
      : holder;
  }
  if (tsInstance.isExportAssignment(holder) || isInitializerOf(tsInstance, holder, value)) return holder;
  if (isAssignmentOf(tsInstance, holder, value) && tsInstance.isExpressionStatement(holder.parent))
    return holder.parent;
  return statementCalling(tsInstance, value) ?? node;
}

export function isFunctionOrClassExpression(tsInstance: typeof ts, node: ts.Node): node is FunctionOrClassExpression {
  return (
    tsInstance.isFunctionExpression(node) || tsInstance.isArrowFunction(node) || tsInstance.isClassExpression(node)
  );
}

/** `expression` together with the parentheses and type assertions around it, which do not change its value. */
export function outermostExpressionOf(tsInstance: typeof ts, expression: ts.Expression): ts.Expression {
  let value = expression;
  while (
    tsInstance.isParenthesizedExpression(value.parent) ||
    tsInstance.isAsExpression(value.parent) ||
    tsInstance.isSatisfiesExpression(value.parent) ||
    tsInstance.isTypeAssertionExpression(value.parent) ||
    tsInstance.isNonNullExpression(value.parent)
  ) {
    value = value.parent;
  }
  return value;
}

/** `holder` is a property, parameter or binding element initialized with `value`. */
export function isInitializerOf(
  tsInstance: typeof ts,
  holder: ts.Node,
  value: ts.Expression,
): holder is ts.PropertyDeclaration | ts.PropertyAssignment | ts.ParameterDeclaration | ts.BindingElement {
  return (
    (tsInstance.isPropertyDeclaration(holder) ||
      tsInstance.isPropertyAssignment(holder) ||
      tsInstance.isParameter(holder) ||
      tsInstance.isBindingElement(holder)) &&
    holder.initializer === value
  );
}

/** `holder` is `target = value`. */
export function isAssignmentOf(
  tsInstance: typeof ts,
  holder: ts.Node,
  value: ts.Expression,
): holder is ts.AssignmentExpression<ts.EqualsToken> {
  return (
    tsInstance.isBinaryExpression(holder) &&
    holder.operatorToken.kind === tsInstance.SyntaxKind.EqualsToken &&
    holder.right === value
  );
}

/** The expression statement that calls `callee` at once, when it is an IIFE. */
function statementCalling(tsInstance: typeof ts, callee: ts.Expression): ts.ExpressionStatement | undefined {
  if (!tsInstance.isCallExpression(callee.parent) || callee.parent.expression !== callee) return undefined;
  // Up the chain that starts with the call: `(...)()`, `(...)().catch(report)`, `void (...)()`, `await (...)()`.
  let chain: ts.Expression = callee.parent;
  for (;;) {
    const parent: ts.Node = chain.parent;
    const continues =
      ((tsInstance.isPropertyAccessExpression(parent) || tsInstance.isCallExpression(parent)) &&
        parent.expression === chain) ||
      tsInstance.isParenthesizedExpression(parent) ||
      tsInstance.isVoidExpression(parent) ||
      tsInstance.isAwaitExpression(parent);
    if (!continues) return tsInstance.isExpressionStatement(parent) ? parent : undefined;
    chain = parent as ts.Expression;
  }
}
