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
 *     finally { __observatory.done(__call); }
 *   }
 *
 * The body stays in the same function, so `this`, `super`, `arguments`, `new.target`, `fn.length` and the
 * generator/async machinery are untouched; the same error object is rethrown, so stacks are unchanged; the
 * original statements keep their source positions, so source maps still point at the original lines. The
 * call completes in the outermost `finally`, after the user's own `finally` blocks, whatever they return or
 * throw. Nested functions are left alone: their returns belong to them. Async functions and generators also
 * have their suspension points bracketed (see runtime/contract.ts).
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
  /** True for async functions and async generators: `yield*` delegates to async iterators. */
  async: boolean;
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
  const resumeStatement = () => factory.createExpressionStatement(runtimeCall(RUNTIME_CALLS.resume, [ids.call]));

  /** Rewrites returns (and await/yield points) of this function, not of the functions nested in it. */
  const rewrite = <N extends ts.Node>(node: N): N => {
    const visit = (child: ts.Node): ts.Node => {
      if (tsInstance.isFunctionLike(child) || tsInstance.isClassStaticBlockDeclaration(child)) return child;
      if (tsInstance.isReturnStatement(child)) {
        const value = child.expression && (tsInstance.visitNode(child.expression, visit) as ts.Expression);
        return factory.updateReturnStatement(
          child,
          runtimeCall(RUNTIME_CALLS.exit, value ? [ids.call, value] : [ids.call]),
        );
      }
      if (!plan.suspends) return tsInstance.visitEachChild(child, visit, context);
      if (tsInstance.isAwaitExpression(child) || tsInstance.isYieldExpression(child)) {
        return bracketSuspension(child, tsInstance.visitEachChild(child, visit, context));
      }
      const loop = forAwaitLoopOf(child);
      if (loop) return bracketForAwait(child as ts.Statement, loop, visit);
      return tsInstance.visitEachChild(child, visit, context);
    };
    return tsInstance.visitNode(node, visit) as N;
  };

  /**
   * `await x`   -> `resume(__call, await suspend(__call, x))`
   * `yield x`   -> `resume(__call, yield pause(__call, x))`
   * `yield* x`  -> `resume(__call, yield* delegate(__call, x))` (`delegateAsync` in async generators)
   */
  const bracketSuspension = (original: ts.AwaitExpression | ts.YieldExpression, visited: ts.Node) => {
    let inner: ts.Expression;
    if (tsInstance.isAwaitExpression(original)) {
      const operand = (visited as ts.AwaitExpression).expression;
      inner = factory.updateAwaitExpression(
        visited as ts.AwaitExpression,
        runtimeCall(RUNTIME_CALLS.suspend, [ids.call, operand]),
      );
    } else {
      const yielded = visited as ts.YieldExpression;
      const operand = yielded.expression ?? factory.createVoidZero();
      const wrapper = yielded.asteriskToken
        ? plan.async
          ? RUNTIME_CALLS.delegateAsync
          : RUNTIME_CALLS.delegate
        : RUNTIME_CALLS.pause;
      inner = factory.updateYieldExpression(yielded, yielded.asteriskToken, runtimeCall(wrapper, [ids.call, operand]));
    }
    return runtimeCall(RUNTIME_CALLS.resume, [ids.call, inner]);
  };

  /** The `for await` loop `statement` is, or labels; undefined for anything else. */
  const forAwaitLoopOf = (statement: ts.Node): ts.ForOfStatement | undefined => {
    let inner = statement;
    while (tsInstance.isLabeledStatement(inner)) inner = inner.statement;
    return tsInstance.isForOfStatement(inner) && inner.awaitModifier ? inner : undefined;
  };

  /**
   * `L: for await (x of y) S` -> `try { L: for await (x of iterate(__call, y)) { resume(__call); S } }
   * finally { resume(__call); }`: the engine's own awaits on the iterator are bracketed by `iterate`, and the
   * function is current again in the loop body and wherever it goes on after the loop (the `try` stands
   * outside the labels, so `break L` and `continue L` still find their loop).
   */
  const bracketForAwait = (statement: ts.Statement, loop: ts.ForOfStatement, visit: (node: ts.Node) => ts.Node) => {
    const body = tsInstance.visitNode(loop.statement, visit) as ts.Statement;
    const bodyStatements = tsInstance.isBlock(body) ? body.statements : [body];
    const newBody = factory.createBlock([resumeStatement(), ...bodyStatements], true);
    const newLoop = factory.updateForOfStatement(
      loop,
      loop.awaitModifier,
      tsInstance.visitNode(loop.initializer, visit) as ts.ForInitializer,
      runtimeCall(RUNTIME_CALLS.iterate, [ids.call, tsInstance.visitNode(loop.expression, visit) as ts.Expression]),
      tsInstance.isBlock(body) ? tsInstance.setTextRange(newBody, body) : newBody,
    );
    const relabel = (node: ts.Statement): ts.Statement =>
      tsInstance.isLabeledStatement(node)
        ? factory.updateLabeledStatement(node, node.label, relabel(node.statement))
        : newLoop;
    const guarded = factory.createTryStatement(
      factory.createBlock([relabel(statement)], true),
      undefined,
      factory.createBlock([resumeStatement()], true),
    );
    return tsInstance.setTextRange(guarded, statement);
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
  } else {
    // The expression keeps its own comments but not those after it: with no `;` ending a class property, the
    // next member's doc comment would otherwise be printed again inside the `exit(...)` call.
    const value = tsInstance.setEmitFlags(rewrite(body), tsInstance.EmitFlags.NoTrailingComments);
    statements.push(
      tsInstance.setTextRange(factory.createReturnStatement(runtimeCall(RUNTIME_CALLS.exit, [ids.call, value])), body),
    );
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
    factory.createBlock([factory.createExpressionStatement(runtimeCall(RUNTIME_CALLS.done, [ids.call]))], true),
  );
  const newBody = tsInstance.setTextRange(factory.createBlock([...prologue, entry, guarded], true), body);
  return replaceBody(tsInstance, factory, fn, newBody);
}

/** A `"use strict"`-style directive, which must stay at the top of its body or file. */
export function isPrologueDirective(tsInstance: typeof ts, statement: ts.Statement): boolean {
  return tsInstance.isExpressionStatement(statement) && tsInstance.isStringLiteral(statement.expression);
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
    updated = factory.updateFunctionDeclaration(
      node,
      node.modifiers,
      node.asteriskToken,
      node.name,
      node.typeParameters,
      node.parameters,
      node.type,
      body,
    );
  } else if (tsInstance.isFunctionExpression(node)) {
    updated = factory.updateFunctionExpression(
      node,
      node.modifiers,
      node.asteriskToken,
      node.name,
      node.typeParameters,
      node.parameters,
      node.type,
      body,
    );
  } else if (tsInstance.isArrowFunction(node)) {
    updated = factory.updateArrowFunction(
      node,
      node.modifiers,
      node.typeParameters,
      node.parameters,
      node.type,
      node.equalsGreaterThanToken,
      body,
    );
  } else if (tsInstance.isMethodDeclaration(node)) {
    updated = factory.updateMethodDeclaration(
      node,
      node.modifiers,
      node.asteriskToken,
      node.name,
      node.questionToken,
      node.typeParameters,
      node.parameters,
      node.type,
      body,
    );
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
