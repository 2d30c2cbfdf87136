/**
 * The module-level statements an instrumented file starts with: one import of the runtime and one
 * `register` call per monitored function, so that per-call code refers to a ready handle and builds nothing.
 *
 *   import * as __observatory from "ts-observatory/runtime";          (ES module output)
 *   import __observatory = require("ts-observatory/runtime");         (CommonJS output: a plain require)
 *   const __observatory = require("ts-observatory/runtime");          (CommonJS script without imports/exports)
 *   var __observatory_divmod = __observatory.register(1, { name: "divmod", ... });
 *
 * They stand before the file's own imports, so in CommonJS output a module that calls back into this one
 * through an import cycle finds them ready. In ES module output dependencies run first; the handles are
 * `var`s, so such an early call sees `undefined` instead of a temporal-dead-zone error, and the runtime
 * records nothing for it.
 */
import type * as ts from 'typescript';
import { CONTRACT_VERSION, RUNTIME_CALLS, type FunctionMeta } from '../runtime/contract';

export function createRuntimeImport(
  tsInstance: typeof ts,
  factory: ts.NodeFactory,
  runtime: ts.Identifier,
  specifier: string,
  commonJs: boolean,
  isModule: boolean,
): ts.Statement {
  const moduleName = factory.createStringLiteral(specifier);
  if (commonJs && !isModule) {
    // A script (no import or export) is not run through the module transform, so write the require itself.
    const require = factory.createCallExpression(factory.createIdentifier('require'), undefined, [moduleName]);
    return factory.createVariableStatement(
      undefined,
      factory.createVariableDeclarationList(
        [factory.createVariableDeclaration(runtime, undefined, undefined, require)],
        tsInstance.NodeFlags.Const,
      ),
    );
  }
  if (commonJs) {
    return factory.createImportEqualsDeclaration(
      undefined,
      false,
      runtime,
      factory.createExternalModuleReference(moduleName),
    );
  }
  return factory.createImportDeclaration(
    undefined,
    factory.createImportClause(false, undefined, factory.createNamespaceImport(runtime)),
    moduleName,
  );
}

export function createRegistration(
  tsInstance: typeof ts,
  factory: ts.NodeFactory,
  runtime: ts.Identifier,
  handle: ts.Identifier,
  meta: FunctionMeta,
): ts.Statement {
  const register = factory.createCallExpression(
    factory.createPropertyAccessExpression(runtime, RUNTIME_CALLS.register),
    undefined,
    [factory.createNumericLiteral(CONTRACT_VERSION), toLiteral(factory, meta, true)],
  );
  return factory.createVariableStatement(
    undefined,
    factory.createVariableDeclarationList(
      [factory.createVariableDeclaration(handle, undefined, undefined, register)],
      tsInstance.NodeFlags.None,
    ),
  );
}

/** Plain data as a literal expression; only the top-level object is spread over several lines. */
function toLiteral(factory: ts.NodeFactory, value: unknown, multiLine = false): ts.Expression {
  if (typeof value === 'string') return factory.createStringLiteral(value);
  if (typeof value === 'boolean') return value ? factory.createTrue() : factory.createFalse();
  if (typeof value === 'number') return factory.createNumericLiteral(value);
  if (Array.isArray(value)) return factory.createArrayLiteralExpression(value.map(item => toLiteral(factory, item)));
  const properties = Object.entries(value as object).map(([key, item]) =>
    factory.createPropertyAssignment(factory.createIdentifier(key), toLiteral(factory, item)),
  );
  return factory.createObjectLiteralExpression(properties, multiLine);
}
