/**
 * What a module exports, for `select: "exported"`.
 *
 * Read from the module's export symbols rather than from `export` keywords, so that every way of exporting
 * counts the same: `export function f`, `export { f }`, `export { f as g }`, `export default f`, `export =`,
 * each declarator of `export const a = ..., b = ...`, and what an exported namespace exports in turn.
 */
import type * as ts from 'typescript';
import { isFunctionOrClassExpression, outermostExpressionOf } from './hosts';

/** The declarations in `sourceFile` that its module exports; empty for a script. */
export function collectExportedDeclarations(
  tsInstance: typeof ts,
  checker: ts.TypeChecker,
  sourceFile: ts.SourceFile,
): Set<ts.Node> {
  const declarations = new Set<ts.Node>();
  const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
  if (!moduleSymbol) return declarations;
  const seen = new Set<ts.Symbol>();
  const add = (symbol: ts.Symbol) => {
    const target = symbol.flags & tsInstance.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (seen.has(target)) return;
    seen.add(target);
    for (const declaration of target.declarations ?? []) {
      if (declaration.getSourceFile() === sourceFile) declarations.add(declaration);
    }
    if (target.flags & tsInstance.SymbolFlags.Namespace) checker.getExportsOfModule(target).forEach(add);
  };
  checker.getExportsOfModule(moduleSymbol).forEach(add);
  // `export =` replaces the module's exports with one value, which getExportsOfModule looks inside of.
  const exportEquals = moduleSymbol.exports?.get(tsInstance.InternalSymbolName.ExportEquals);
  if (exportEquals) add(exportEquals);
  return declarations;
}

/**
 * Whether `node` is exported: an exported declaration, a member of an exported class or object literal, or
 * a function, class or object literal that is the value of an exported variable or default export.
 */
export function isExported(tsInstance: typeof ts, node: ts.Node, exported: ReadonlySet<ts.Node>): boolean {
  if (exported.has(node)) return true;
  const parent = node.parent;
  if (tsInstance.isClassLike(parent) || tsInstance.isObjectLiteralExpression(parent))
    return isExported(tsInstance, parent, exported);
  if (!isFunctionOrClassExpression(tsInstance, node) && !tsInstance.isObjectLiteralExpression(node)) return false;
  const holder = outermostExpressionOf(tsInstance, node).parent;
  if (tsInstance.isPropertyAssignment(holder) || tsInstance.isPropertyDeclaration(holder))
    return isExported(tsInstance, holder, exported);
  return exported.has(holder);
}
