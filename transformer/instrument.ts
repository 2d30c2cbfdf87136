/**
 * Rewriting one function body so that it records its calls, without changing what the function does.
 *
 *   function f(a, b) { body }
 *
 * becomes
 *
 *   function f(a, b) {
 *     const __call = __observatory.enter(__observatory_f, [a, b]);
 *     try { body', with every `return x` as `return __observatory.exit(__call, x)` }
 *     catch (__error) { throw __observatory.fail(__call, __error); }
 *   }
 *
 * The body stays in the same function, so `this`, `super`, `arguments`, `new.target`, `fn.length` and the
 * generator/async machinery are untouched; the same error object is rethrown, so stacks are unchanged; the
 * original statements keep their source positions, so source maps still point at the original lines.
 * Nested functions are left alone: their returns belong to them.
 */
import type * as ts from 'typescript';
import { RUNTIME_CALLS } from '../runtime/contract';

/** The identifiers one file's instrumentation shares. */
export interface FileIdentifiers {
  runtime: ts.Identifier;
  call: ts.Identifier;
  error: ts.Identifier;
}

export interface InstrumentationPlan {
  /** The module-level variable that holds the function's registration. */
  meta: ts.Identifier;
  /** Local names recorded on entry, in order. */
  inputs: string[];
  /** True for async functions and generators, whose await/yield points must be bracketed. */
  suspends: boolean;
  /** True for generators: a generator closed early by `.return()` completes in the `finally` block. */
  generator: boolean;
}

export function instrumentFunction<T extends ts.FunctionLikeDeclaration>(
  tsInstance: typeof ts,
  context: ts.TransformationContext,
  fn: T,
  plan: InstrumentationPlan,
  ids: FileIdentifiers,
): T {
  const factory = context.factory;
  const body = fn.body;
  if (!body) return fn;

  const runtimeCall = (name: string, args: ts.Expression[]) =>
    factory.createCallExpression(factory.createPropertyAccessExpression(ids.runtime, name), undefined, args);
  const exitCall = (value: ts.Expression | undefined) =>
    runtimeCall(RUNTIME_CALLS.exit, [ids.call, value ?? factory.createIdentifier('undefined')]);

  /** Rewrites returns (and await/yield points) of this function, not of the functions nested in it. */
  const rewrite = <N extends ts.Node>(node: N): N => {
    const visit = (child: ts.Node): ts.Node => {
      if (tsInstance.isFunctionLike(child) || tsInstance.isClassStaticBlockDeclaration(child)) return child;
      if (tsInstance.isReturnStatement(child)) {
        const value = child.expression && (tsInstance.visitNode(child.expression, visit) as ts.Expression);
        return factory.updateReturnStatement(child, exitCall(value));
      }
      if (plan.suspends && (tsInstance.isAwaitExpression(child) || tsInstance.isYieldExpression(child))) {
        return bracketSuspension(child, tsInstance.visitEachChild(child, visit, context));
      }
      return tsInstance.visitEachChild(child, visit, context);
    };
    return tsInstance.visitNode(node, visit) as N;
  };

  /** `await x` -> `resume(__call, await suspend(__call, x))`; `yield x` -> `resume(__call, yield pause(__call, x))`. */
  const bracketSuspension = (original: ts.AwaitExpression | ts.YieldExpression, visited: ts.Node) => {
    const operand = (visited as ts.AwaitExpression | ts.YieldExpression).expression ?? factory.createVoidZero();
    const isAwait = tsInstance.isAwaitExpression(original);
    const suspended = runtimeCall(isAwait ? RUNTIME_CALLS.suspend : RUNTIME_CALLS.pause, [ids.call, operand]);
    const inner = isAwait
      ? factory.updateAwaitExpression(visited as ts.AwaitExpression, suspended)
      : factory.updateYieldExpression(visited as ts.YieldExpression, (visited as ts.YieldExpression).asteriskToken, suspended);
    return runtimeCall(RUNTIME_CALLS.resume, [ids.call, inner]);
  };

  const prologue: ts.Statement[] = [];
  const statements: ts.Statement[] = [];
  if (tsInstance.isBlock(body)) {
    let index = 0;
    // Directives ("use strict") must stay the first statements of the body.
    while (index < body.statements.length && isPrologueDirective(tsInstance, body.statements[index]!)) {
      prologue.push(body.statements[index++]!);
    }
    for (; index < body.statements.length; index++) statements.push(rewrite(body.statements[index]!));
    if (!endsInJump(tsInstance, statements)) statements.push(factory.createExpressionStatement(exitCall(undefined)));
  } else {
    const value = rewrite(body);
    statements.push(tsInstance.setTextRange(factory.createReturnStatement(exitCall(value)), body));
  }

  const entry = factory.createVariableStatement(
    undefined,
    factory.createVariableDeclarationList(
      [
        factory.createVariableDeclaration(
          ids.call,
          undefined,
          undefined,
          runtimeCall(RUNTIME_CALLS.enter, [
            plan.meta,
            factory.createArrayLiteralExpression(plan.inputs.map(name => factory.createIdentifier(name))),
          ]),
        ),
      ],
      tsInstance.NodeFlags.Const,
    ),
  );
  const guarded = factory.createTryStatement(
    factory.createBlock(statements, true),
    factory.createCatchClause(
      factory.createVariableDeclaration(ids.error),
      factory.createBlock([factory.createThrowStatement(runtimeCall(RUNTIME_CALLS.fail, [ids.call, ids.error]))], true),
    ),
    plan.generator ? factory.createBlock([factory.createExpressionStatement(exitCall(undefined))], true) : undefined,
  );
  const newBody = tsInstance.setTextRange(factory.createBlock([...prologue, entry, guarded], true), body);
  return replaceBody(tsInstance, factory, fn, newBody);
}

/** A `"use strict"`-style directive, which must stay at the top of its body or file. */
export function isPrologueDirective(tsInstance: typeof ts, statement: ts.Statement): boolean {
  return tsInstance.isExpressionStatement(statement) && tsInstance.isStringLiteral(statement.expression);
}

/** True when control cannot fall off the end of the statement list, so no trailing exit is needed. */
function endsInJump(tsInstance: typeof ts, statements: readonly ts.Statement[]): boolean {
  const last = statements[statements.length - 1];
  return last !== undefined && (tsInstance.isReturnStatement(last) || tsInstance.isThrowStatement(last));
}

function replaceBody<T extends ts.FunctionLikeDeclaration>(
  tsInstance: typeof ts,
  factory: ts.NodeFactory,
  fn: T,
  body: ts.Block,
): T {
  const node = fn as ts.FunctionLikeDeclaration;
  let updated: ts.FunctionLikeDeclaration;
  if (tsInstance.isFunctionDeclaration(node)) {
    updated = factory.updateFunctionDeclaration(node, node.modifiers, node.asteriskToken, node.name, node.typeParameters, node.parameters, node.type, body);
  } else if (tsInstance.isFunctionExpression(node)) {
    updated = factory.updateFunctionExpression(node, node.modifiers, node.asteriskToken, node.name, node.typeParameters, node.parameters, node.type, body);
  } else if (tsInstance.isArrowFunction(node)) {
    updated = factory.updateArrowFunction(node, node.modifiers, node.typeParameters, node.parameters, node.type, node.equalsGreaterThanToken, body);
  } else if (tsInstance.isMethodDeclaration(node)) {
    updated = factory.updateMethodDeclaration(node, node.modifiers, node.asteriskToken, node.name, node.questionToken, node.typeParameters, node.parameters, node.type, body);
  } else if (tsInstance.isConstructorDeclaration(node)) {
    updated = factory.updateConstructorDeclaration(node, node.modifiers, node.parameters, body);
  } else if (tsInstance.isGetAccessorDeclaration(node)) {
    updated = factory.updateGetAccessorDeclaration(node, node.modifiers, node.name, node.parameters, node.type, body);
  } else if (tsInstance.isSetAccessorDeclaration(node)) {
    updated = factory.updateSetAccessorDeclaration(node, node.modifiers, node.name, node.parameters, body);
  } else {
    return fn;
  }
  return updated as T;
}
