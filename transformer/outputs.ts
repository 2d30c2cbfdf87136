/**
 * How a monitored function's return value is split into named output rows.
 *
 * The names come from the return type as declared, or as the checker infers it when it is not declared:
 *   - labeled tuple `[quotient: number, remainder: number]`   -> `quotient`, `remainder`
 *   - unlabeled tuple `[number, string]`                      -> `return_0`, `return_1`
 *   - object type with 1..16 data properties (literal, interface, alias, class instance) -> property names
 *   - `Promise<T>` (async functions) and the return type of generators are unwrapped first
 *   - `void` and `never`                                      -> no output row
 *   - anything else                                           -> `result`
 * The runtime checks the actual value against the shape and falls back to one `result` row when it does
 * not fit, so a lying type can cost a split, never a value.
 */
import type * as ts from 'typescript';
import type { OutputShape } from '../runtime/contract';
import { normalizeTypeText } from './parameters';

export interface OutputDescription {
  shape: OutputShape;
  names: string[];
  types: string[];
  returnType: string;
}

/** Object types with more properties than this are recorded whole, as `result`. */
const MAX_OBJECT_PROPERTIES = 16;

export function describeOutputs(
  tsInstance: typeof ts,
  program: ts.Program,
  fn: ts.SignatureDeclaration,
): OutputDescription {
  const checker = program.getTypeChecker();
  const flags = tsInstance.getCombinedModifierFlags(fn as ts.Declaration);
  const isAsync = (flags & tsInstance.ModifierFlags.Async) !== 0;
  const isGenerator = isGeneratorFunction(tsInstance, fn);
  const signature = checker.getSignatureFromDeclaration(fn);
  const declared = fn.type;
  const returnType = declared
    ? normalizeTypeText(declared)
    : signature
      ? printType(checker, checker.getReturnTypeOfSignature(signature), fn)
      : 'any';
  if (!signature || tsInstance.isConstructorDeclaration(fn) || tsInstance.isSetAccessorDeclaration(fn)) {
    return {
      shape: 'none',
      names: [],
      types: [],
      returnType: tsInstance.isConstructorDeclaration(fn) ? 'void' : returnType,
    };
  }

  let type = checker.getReturnTypeOfSignature(signature);
  let node = declared;
  if (isGenerator) {
    // Generator<T, TReturn, TNext> and AsyncGenerator<...>: the output is what the generator returns.
    const args = (type as ts.TypeReference).target ? checker.getTypeArguments(type as ts.TypeReference) : [];
    type = args[1] ?? checker.getAnyType();
    node = declared && tsInstance.isTypeReferenceNode(declared) ? declared.typeArguments?.[1] : undefined;
  } else if (isAsync) {
    type = checker.getAwaitedType(type) ?? type;
    node = declared && tsInstance.isTypeReferenceNode(declared) ? declared.typeArguments?.[0] : undefined;
  }
  const single = (): OutputDescription => ({
    shape: 'single',
    names: ['result'],
    types: [node ? normalizeTypeText(node) : printType(checker, type, fn)],
    returnType,
  });

  if (type.flags & (tsInstance.TypeFlags.Void | tsInstance.TypeFlags.Never)) {
    return { shape: 'none', names: [], types: [], returnType };
  }
  if (checker.isTupleType(type)) {
    const tuple = (type as ts.TypeReference).target as ts.TupleType;
    if (tuple.hasRestElement || tuple.minLength !== tuple.fixedLength) return single();
    const elementTypes = checker.getTypeArguments(type as ts.TypeReference);
    const elementNodes = node && tsInstance.isTupleTypeNode(node) ? node.elements : undefined;
    const labels = tuple.labeledElementDeclarations;
    return {
      shape: 'tuple',
      names: elementTypes.map((_, index) => {
        const label = labels?.[index]?.name;
        return label && tsInstance.isIdentifier(label) ? label.text : `return_${index}`;
      }),
      types: elementTypes.map((elementType, index) => {
        const elementNode = elementNodes?.[index];
        if (!elementNode) return printType(checker, elementType, fn);
        return normalizeTypeText(tsInstance.isNamedTupleMember(elementNode) ? elementNode.type : elementNode);
      }),
      returnType,
    };
  }
  const properties = dataPropertiesOf(tsInstance, program, type);
  if (properties && properties.length > 0 && properties.length <= MAX_OBJECT_PROPERTIES) {
    const memberNodes = node && tsInstance.isTypeLiteralNode(node) ? node.members : undefined;
    return {
      shape: 'object',
      names: properties.map(property => property.name),
      types: properties.map(property => {
        const member = memberNodes?.find(
          (candidate): candidate is ts.PropertySignature =>
            tsInstance.isPropertySignature(candidate) && candidate.name.getText() === property.name,
        );
        if (member?.type) return normalizeTypeText(member.type);
        return printType(checker, checker.getTypeOfSymbolAtLocation(property, fn), fn);
      }),
      returnType,
    };
  }
  return single();
}

/**
 * The data properties of a plain object type, or undefined when the type is not one: unions, arrays,
 * functions, primitives and the standard library's own classes (Map, Date, ...) are recorded whole.
 */
function dataPropertiesOf(tsInstance: typeof ts, program: ts.Program, type: ts.Type): ts.Symbol[] | undefined {
  const checker = program.getTypeChecker();
  if (!(type.flags & tsInstance.TypeFlags.Object) || isArrayLike(checker, program, type)) return undefined;
  if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return undefined;
  const declarations = type.getSymbol()?.getDeclarations() ?? [];
  if (declarations.some(declaration => program.isSourceFileDefaultLibrary(declaration.getSourceFile()))) {
    return undefined;
  }
  return checker
    .getPropertiesOfType(type)
    .filter(property => !(property.flags & (tsInstance.SymbolFlags.Method | tsInstance.SymbolFlags.Accessor)))
    .filter(property => !property.name.startsWith('__@') && !property.name.startsWith('#'));
}

/**
 * Arrays and tuples, and the types that are one. Without the standard library (a transpile-only build, which
 * compiles each file alone), TypeScript stands an empty type in for ReadonlyArray, and every object type is
 * assignable to it: there only the array and tuple types themselves count.
 */
function isArrayLike(checker: ts.TypeChecker, program: ts.Program, type: ts.Type): boolean {
  if (program.getCompilerOptions().noLib === true) return checker.isArrayType(type) || checker.isTupleType(type);
  return checker.isArrayLikeType(type);
}

function isGeneratorFunction(tsInstance: typeof ts, fn: ts.SignatureDeclaration): boolean {
  return (
    (tsInstance.isFunctionDeclaration(fn) ||
      tsInstance.isFunctionExpression(fn) ||
      tsInstance.isMethodDeclaration(fn)) &&
    fn.asteriskToken !== undefined
  );
}

function printType(checker: ts.TypeChecker, type: ts.Type, enclosing: ts.Node): string {
  return checker.typeToString(type, enclosing);
}
