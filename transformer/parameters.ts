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
  /** The property path each name was destructured from, '' for a plain parameter (FunctionMeta.paramKeys). */
  keys: string[];
  /** The last name is a rest parameter, recorded as `name[0]`, `name[1]`, ... */
  rest: boolean;
}

export function collectParameterNames(
  tsInstance: typeof ts,
  checker: ts.TypeChecker,
  fn: ts.SignatureDeclaration,
): ParameterNames {
  const collected: ParameterNames = { names: [], types: [], keys: [], rest: false };
  for (const parameter of fn.parameters) {
    if (tsInstance.isIdentifier(parameter.name) && parameter.name.text === 'this') continue;
    if (tsInstance.isIdentifier(parameter.name)) {
      collected.names.push(parameter.name.text);
      collected.types.push(declaredTypeText(checker, parameter, parameter.name));
      collected.keys.push('');
      collected.rest = parameter.dotDotDotToken !== undefined;
      continue;
    }
    collected.rest = false;
    collectBindingNames(tsInstance, checker, parameter.name, '', collected);
  }
  return collected;
}

/** The bindings of a pattern, each with the path of properties it was read from below `path`. */
function collectBindingNames(
  tsInstance: typeof ts,
  checker: ts.TypeChecker,
  pattern: ts.BindingPattern,
  path: string,
  collected: ParameterNames,
): void {
  for (const element of pattern.elements) {
    if (tsInstance.isOmittedExpression(element)) continue;
    const property = element.propertyName;
    const key = property !== undefined && !tsInstance.isComputedPropertyName(property) ? property.text : '';
    const elementPath = key === '' ? path : path === '' ? key : `${path}.${key}`;
    if (tsInstance.isIdentifier(element.name)) {
      collected.names.push(element.name.text);
      collected.types.push(typeText(checker, element.name));
      collected.keys.push(elementPath);
    } else {
      collectBindingNames(tsInstance, checker, element.name, elementPath, collected);
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
