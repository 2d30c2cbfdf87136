/**
 * Search by value: `--value SKU-1054` (anywhere in a call's inputs or outputs) and `--where userId=44` (one named
 * variable), read from the words users type and turned into SQL terms over the JSON packed in each calls row.
 *
 * Every term scans the JSON text of the rows it is asked about: schema 3 keeps no index of values, and an index
 * (FTS5 trigrams) would have to be written by the runtime's writer with every call. The scan is kept cheap
 * instead: a plain substring test on the stored text (LIKE, no JSON parsing) rejects almost every row before
 * any value is taken apart, and pages stop at their limit. `npm run bench:viewer` measures it on a million
 * calls.
 */
import type { StoredOutput, StoredParam } from '../runtime/schema';
import { UsageError } from './errors';

/** `name`, `name.key`, `name[2].key` then `=` (equals) or `~` (contains), then the value. */
const WHERE_WORDS = /^([A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*|\[\d+\])*)\s*([=~])(.*)$/s;

export type Match = '=' | '~';

/** A `--where` as typed: the variable, a path into its value (`.userId`, `[0]`), how to match, the text. */
export interface WhereWords {
  name: string;
  path: string;
  match: Match;
  value: string;
}

/** Where a variable's value is: a JSON path into `calls.inputs` or `calls.outputs`, for some functions. */
export interface ValuePlace {
  column: 'inputs' | 'outputs';
  /** SQLite JSON path of the value in the column, with the term's own path after it. */
  path: string;
  functionIds: number[];
}

/** A WHERE term and its bound parameters, for where.ts to add to a filter's. */
export interface Term {
  sql: string;
  params: (string | number)[];
}

/** A `--where` with its variable found in the functions that have one by that name. */
export interface WhereTerm {
  places: ValuePlace[];
  match: Match;
  value: string;
}

export function parseWhere(text: string): WhereWords {
  const parts = WHERE_WORDS.exec(text.trim());
  if (!parts) {
    throw new UsageError(
      `--where takes NAME=VALUE (equals) or NAME~TEXT (contains), as in userId=44 or order.sku~1054; not ${JSON.stringify(text)}`,
    );
  }
  return { name: parts[1]!, path: parts[2]!, match: parts[3] as Match, value: parts[4]!.trim() };
}

/** The functions the variable search looks through: id, parameters and outputs. */
export interface VariableOwner {
  id: number;
  params: StoredParam[];
  outputs: StoredOutput[];
}

/**
 * Where `words.name` is recorded among `owners`: each parameter of that name (inputs, by position), each output
 * (outputs, by position, or by key in the `{"result": …}` form of a value that did not fit its outputs).
 * Calls of one function keep a variable in one place, so places group the functions that share one.
 */
export function placeVariable(words: WhereWords, owners: VariableOwner[]): WhereTerm {
  const places = new Map<string, ValuePlace>();
  const add = (column: ValuePlace['column'], base: string, id: number) => {
    const path = base + words.path;
    const key = `${column} ${path}`;
    const place = places.get(key) ?? { column, path, functionIds: [] };
    place.functionIds.push(id);
    places.set(key, place);
  };
  for (const fn of owners) {
    fn.params.forEach(
      (param, index) => param.name === words.name && !param.rest && add('inputs', `$[${index}]`, fn.id),
    );
    fn.outputs.forEach((output, index) => output.name === words.name && add('outputs', `$[${index}]`, fn.id));
    if (words.name === 'result' || words.name === 'yielded') add('outputs', `$.${words.name}`, fn.id);
  }
  if (places.size === 0)
    throw new UsageError(`no function has a parameter or output named ${JSON.stringify(words.name)}`);
  return { places: [...places.values()], match: words.match, value: words.value };
}

/** `--value`: the text anywhere in the inputs or outputs, case-insensitive for ASCII letters. */
export function valueClause(text: string): Term {
  const pattern = likePattern(text);
  return { sql: "(c.inputs LIKE ? ESCAPE '\\' OR c.outputs LIKE ? ESCAPE '\\')", params: [pattern, pattern] };
}

/**
 * `--where`: the variable's value equals the text (as a JSON number, boolean or null when it reads as one, and as
 * a string), or its JSON text contains it. The substring test on the whole column comes first, so that only
 * rows holding the text at all have their JSON taken apart.
 */
export function whereClause(term: WhereTerm): Term {
  const params: Term['params'] = [];
  const text = JSON.stringify(term.value);
  const literal = literalJson(term.value);
  // The value's JSON text is in the row verbatim: the writer stores JSON as JSON.stringify makes it.
  const contained = literal === text ? [jsonInner(term.value)] : [jsonInner(term.value), literal];
  const alternatives = term.places.map(place => {
    const column = `c.${place.column}`;
    // `+` keeps SQLite from reaching the rows through calls_by_function_time, whose order makes the JSON reads
    // jump about the file: a scan in table order is about twice as fast (bench/viewer/search-plans.mjs).
    const scope =
      place.functionIds.length === 1 ? '+c.function_id = ?' : '+c.function_id IN (SELECT value FROM json_each(?))';
    params.push(place.functionIds.length === 1 ? place.functionIds[0]! : JSON.stringify(place.functionIds));
    if (term.match === '~') {
      params.push(likePattern(term.value), place.path, likePattern(term.value));
      return `(${scope} AND ${column} LIKE ? ESCAPE '\\' AND (${column} -> ?) LIKE ? ESCAPE '\\')`;
    }
    params.push(...contained, place.path, text, literal);
    const prefilter = contained.map(() => `instr(${column}, ?) > 0`).join(' OR ');
    return `(${scope} AND (${prefilter}) AND (${column} -> ?) IN (?, ?))`;
  });
  return { sql: `(${alternatives.join(' OR ')})`, params };
}

/** The text as it appears inside stored JSON: quotes, backslashes and control characters escaped. */
function jsonInner(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** A LIKE pattern for "contains": the JSON form of the text, its own `%`, `_` and `\` escaped. */
function likePattern(text: string): string {
  return `%${jsonInner(text).replace(/[\\%_]/g, char => `\\${char}`)}%`;
}

/** The canonical JSON of a number, boolean or null typed as text (`44`, `1e3`, `true`); else the string's JSON. */
function literalJson(text: string): string {
  if (!/^(-?\d|true$|false$|null$)/.test(text)) return JSON.stringify(text);
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return JSON.stringify(text);
  }
}
