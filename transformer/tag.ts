/**
 * Reading `@monitor` tags from comments.
 *
 * Since TypeScript 5.3, `tsc` does not parse JSDoc in .ts files, so `ts.getJSDocTags` is empty there. The tags
 * are therefore read from the raw comment ranges that precede a declaration, which works the same in every
 * compiler configuration and for .js files too.
 *
 * Grammar, inside a `/** ... *\/` comment:
 *
 *   @monitor [name=Pricing.quote] [group=trading] [sample=0.1] [capture=args|result|all|none] [redact=pin,cvv] [snapshot]
 *            [expected=PaymentDeclinedError,OutOfStockError]
 *   @monitor-ignore
 *
 * As in TypeScript's JSDoc parser, a tag starts a line of the comment (after its `*` decoration), or follows
 * whitespace once an earlier tag has begun (`/** @internal @monitor *\/`); elsewhere `@monitor` is prose, as
 * in `{@link monitor}` or "see the @monitor docs". A tag's options are the rest of its own line, up to the
 * next tag on it: the lines below are its description, free text that is never read as options.
 */
import type * as ts from 'typescript';

export interface MonitorOptions {
  name?: string;
  group?: string;
  sample: number;
  capture: 'all' | 'args' | 'result' | 'none';
  redact: string[];
  snapshot: boolean;
  /** Error class names the function is expected to throw (FunctionMeta.expected). */
  expected: string[];
}

/** A tag found in a comment; `pos` is the tag's offset in the file, for diagnostics. */
export interface TagComment {
  /** Full start of the comment in the source text; identifies the comment. */
  commentPos: number;
  kind: 'monitor' | 'ignore';
  /** Offset of the `@` of the tag. */
  pos: number;
  /** Offset just after the tag's options. */
  end: number;
  options: MonitorOptions;
  /** Problems with the tag's options, each with the offset of the offending word. */
  problems: { pos: number; length: number; message: string }[];
}

const CAPTURE_VALUES = ['all', 'args', 'result', 'none'] as const;
const IDENTIFIER_PATH = /^[A-Za-z_$][\w$]*([.#][A-Za-z_$][\w$]*)*$/;
const GROUP_NAME = /^[\w$./-]+$/;
/** What calls.error_type holds for an error: its class's name, an identifier. */
const ERROR_CLASS_NAME = /^[A-Za-z_$][\w$]*$/;

/** Reads every `@monitor` / `@monitor-ignore` tag in the JSDoc-style comments at `ranges`. */
export function readTagComments(text: string, ranges: readonly ts.CommentRange[], tagName: string): TagComment[] {
  const tags: TagComment[] = [];
  for (const range of ranges) {
    if (text.charCodeAt(range.pos + 1) !== 42 /* * */ || text.charCodeAt(range.pos + 2) !== 42) continue;
    const body = text.slice(range.pos, range.end);
    const tagPattern = new RegExp(`@${escapeRegExp(tagName)}(-ignore)?(?![\\w-])`, 'g');
    for (let match = tagPattern.exec(body); match; match = tagPattern.exec(body)) {
      if (!startsTag(body, match.index)) continue;
      const pos = range.pos + match.index;
      if (match[1]) {
        tags.push({
          commentPos: range.pos,
          kind: 'ignore',
          pos,
          end: pos + match[0].length,
          options: defaultOptions(),
          problems: [],
        });
        continue;
      }
      const optionsStart = match.index + match[0].length;
      const optionsEnd = endOfOptions(body, optionsStart);
      const end = range.pos + optionsEnd;
      tags.push({
        commentPos: range.pos,
        kind: 'monitor',
        pos,
        end,
        ...parseOptions(body, optionsStart, optionsEnd, range.pos),
      });
    }
  }
  return tags;
}

export function defaultOptions(): MonitorOptions {
  return { sample: 1, capture: 'all', redact: [], snapshot: false, expected: [] };
}

/**
 * Whether the `@` at `at` begins a tag: it starts its line (after the comment opener or a line's `*`
 * decoration), or follows whitespace after a tag that began earlier in the comment.
 */
function startsTag(body: string, at: number): boolean {
  const lineStart = body.lastIndexOf('\n', at - 1) + 1;
  if (/^(\/\*\*)?[\s*]*$/.test(body.slice(lineStart, at))) return true;
  return /\s/.test(body.charAt(at - 1)) && /(^|\n)(\/\*\*)?[\s*]*@\w/.test(body.slice(0, at));
}

/** A tag's options run to the end of its line, or to the next tag on it, and never into the closing `*\/`. */
function endOfOptions(body: string, from: number): number {
  const lineEnd = body.indexOf('\n', from);
  const end = Math.min(lineEnd === -1 ? body.length : lineEnd, body.length - 2);
  const nextTag = body.slice(from, end).search(/\s@\w/);
  return Math.max(from, nextTag === -1 ? end : from + nextTag);
}

function parseOptions(body: string, start: number, end: number, offset: number) {
  const options = defaultOptions();
  const problems: TagComment['problems'] = [];
  // No option contains a `*`, and the closing `*\/` may follow the last one without a space.
  const words = /[^\s*]+/g;
  words.lastIndex = start;
  for (let match = words.exec(body); match && match.index < end; match = words.exec(body)) {
    const word = match[0];
    const at = offset + match.index;
    const problem = (message: string) => problems.push({ pos: at, length: word.length, message });
    const equals = word.indexOf('=');
    const key = equals === -1 ? word : word.slice(0, equals);
    const value = equals === -1 ? undefined : word.slice(equals + 1);
    switch (key) {
      case 'snapshot':
        if (value !== undefined) problem(`'snapshot' takes no value.`);
        else options.snapshot = true;
        break;
      case 'name':
        if (value === undefined || !IDENTIFIER_PATH.test(value)) {
          problem(`'name' needs a dotted identifier, as in name=Pricing.quote.`);
        } else options.name = value;
        break;
      case 'group':
        if (value === undefined || !GROUP_NAME.test(value)) {
          problem(`'group' needs a word of letters, digits, '.', '/', '-' or '_', as in group=trading.`);
        } else options.group = value;
        break;
      case 'sample': {
        const rate = value === undefined || value.trim() === '' ? NaN : Number(value);
        if (!(rate >= 0 && rate <= 1)) problem(`'sample' needs a number from 0 to 1, as in sample=0.1.`);
        else options.sample = rate;
        break;
      }
      case 'capture':
        if (!CAPTURE_VALUES.includes(value as MonitorOptions['capture'])) {
          problem(`'capture' must be one of ${CAPTURE_VALUES.join(', ')}.`);
        } else options.capture = value as MonitorOptions['capture'];
        break;
      case 'redact': {
        const names = (value ?? '').split(',').filter(Boolean);
        if (names.length === 0 || !names.every(name => /^[\w$-]+$/.test(name))) {
          problem(`'redact' needs a comma-separated list of names, as in redact=pin,cvv.`);
        } else options.redact = names.map(name => name.toLowerCase());
        break;
      }
      case 'expected': {
        const names = (value ?? '').split(',');
        if (!names.every(name => ERROR_CLASS_NAME.test(name))) {
          problem(
            `'expected' needs a comma-separated list of error class names, as in expected=PaymentDeclinedError,OutOfStockError.`,
          );
        } else options.expected = names;
        break;
      }
      default:
        problem(
          `Unknown @monitor option '${key}'. Known options: name=, group=, sample=, capture=, redact=, snapshot, expected=.`,
        );
    }
  }
  return { options, problems };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
