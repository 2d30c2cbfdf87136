/**
 * Which values a monitored function records on entry, and under which names.
 *
 * Every name returned here is a local binding that is in scope, with its final value, at the first statement
 * of the function body: plain parameters, the bindings of destructuring patterns (with defaults already
 * applied) and rest parameters. So the entry record can read them as plain identifiers, without touching
 * `arguments` and without changing `fn.length`.
 */
import type * as ts from 'typescript';

export interface ParameterNames {
  names: string[];
  types: string[];
  /** The last name is a rest parameter, recorded as `name[0]`, `name[1]`, ... */
  rest: boolean;
}

export function collectParameterNames(
  tsInstance: typeof ts,
  checker: ts.TypeChecker,
  fn: ts.SignatureDeclaration,
): ParameterNames {
  const names: string[] = [];
  const types: string[] = [];
  let rest = false;
  for (const parameter of fn.parameters) {
    if (tsInstance.isIdentifier(parameter.name) && parameter.name.text === 'this') continue;
    if (tsInstance.isIdentifier(parameter.name)) {
      names.push(parameter.name.text);
      types.push(declaredTypeText(checker, parameter, parameter.name));
      rest = parameter.dotDotDotToken !== undefined;
      continue;
    }
    rest = false;
    collectBindingNames(tsInstance, checker, parameter.name, names, types);
  }
  return { names, types, rest };
}

function collectBindingNames(
  tsInstance: typeof ts,
  checker: ts.TypeChecker,
  pattern: ts.BindingPattern,
  names: string[],
  types: string[],
): void {
  for (const element of pattern.elements) {
    if (tsInstance.isOmittedExpression(element)) continue;
    if (tsInstance.isIdentifier(element.name)) {
      names.push(element.name.text);
      types.push(typeText(checker, element.name));
    } else {
      collectBindingNames(tsInstance, checker, element.name, names, types);
    }
  }
}

function declaredTypeText(checker: ts.TypeChecker, parameter: ts.ParameterDeclaration, name: ts.Identifier): string {
  if (parameter.type) return normalizeTypeText(parameter.type);
  return typeText(checker, name);
}

function typeText(checker: ts.TypeChecker, node: ts.Node): string {
  return checker.typeToString(checker.getTypeAtLocation(node));
}

/** A type node's text as written, on one line. */
export function normalizeTypeText(node: ts.TypeNode): string {
  return node.getText().replace(/\s+/g, ' ').trim();
}
