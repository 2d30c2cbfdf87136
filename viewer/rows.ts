/**
 * The stored rows (runtime/schema.ts) under the names the viewer uses: `error_type` becomes `errorType`, the
 * JavaScript spelling the JSON API and the page share. Deriving the viewer's types from the schema's row types
 * means a column changed there is a type error here instead of a silently wrong field.
 */

type CamelCase<Name extends string> = Name extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : Name;

export type CamelCased<Row> = { [Column in keyof Row & string as CamelCase<Column>]: Row[Column] };
