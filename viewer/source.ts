/**
 * The source lines of an instrumented function, for the call detail view.
 *
 * `functions.file` is relative to the traced project's root (the directory of its tsconfig.json), which the
 * database does not record; the dashboard is told that root (`--root`). Only files whose real path is inside the
 * root are read, so neither a crafted database nor a symlink can make the dashboard serve arbitrary files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { highlightSource, type Token } from './source-highlight';

export type SourceExcerpt =
  | {
      available: true;
      file: string;
      startLine: number;
      functionLine: number;
      thrownLine: number | null;
      lines: string[];
      /** The same lines as highlighted tokens (source-highlight.ts). */
      tokens: Token[][];
    }
  | { available: false; file: string; reason: string };

/** The most lines shown for one function; longer bodies are cut, the start is what readers need. */
const MAX_LINES = 120;
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Where the function is: `functions.file`, `line` and `column` (of its name), and the call's error stack. */
export interface SourceRequest {
  file: string;
  line: number;
  column: number;
  errorStack: string | null;
}

export function readFunctionSource(root: string, { file, line, column, errorStack }: SourceRequest): SourceExcerpt {
  const outside: SourceExcerpt = { available: false, file, reason: 'outside the source root' };
  if (!inside(path.resolve(root), path.resolve(root, file))) return outside;
  let text: string;
  try {
    // By real paths: a symlink under the root (`etclink -> /etc`) must not lead the dashboard out of it.
    const real = fs.realpathSync(path.resolve(root, file));
    if (!inside(fs.realpathSync(root), real)) return outside;
    const stat = fs.statSync(real);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES)
      return { available: false, file, reason: 'not a readable source file' };
    text = fs.readFileSync(real, 'utf8');
  } catch {
    return { available: false, file, reason: `not found under ${root}` };
  }
  const all = text.split(/\r?\n/);
  if (line < 1 || line > all.length) return { available: false, file, reason: `file has no line ${line}` };
  const start = leadingCommentStart(all, line - 1);
  const end = Math.min(functionEndLine(file, text, line, column) - 1, start + MAX_LINES - 1);
  const threw = thrownAt(file, errorStack);
  const lines = all.slice(start, end + 1);
  return {
    available: true,
    file,
    startLine: start + 1,
    functionLine: line,
    thrownLine: threw !== null && threw > start && threw <= end + 1 ? threw : null,
    lines,
    tokens: highlightSource(lines),
  };
}

function inside(root: string, absolute: string): boolean {
  const relative = path.relative(root, absolute);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/** Walks up over the doc comment and decorators above the function, where its `@monitor` tag is. */
function leadingCommentStart(lines: string[], index: number): number {
  let start = index;
  while (start > 0 && /^\s*(\/\*\*|\*|\*\/|\/\/|@)/.test(lines[start - 1]!)) start--;
  return start;
}

/**
 * The last line (1-based) of the function whose name (or, nameless, whose start) is at `line`:`column`, found by
 * TypeScript's parser, so that a signature with an object type or a destructured parameter does not end the
 * excerpt at its first `}`. The line itself when no function starts there (the file changed since the run).
 */
function functionEndLine(file: string, text: string, line: number, column: number): number {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  let position: number;
  try {
    position = source.getPositionOfLineAndCharacter(line - 1, column - 1);
  } catch {
    return line;
  }
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (found || position < node.getFullStart() || position >= node.getEnd()) return;
    if (ts.isFunctionLike(node) && (node.name ?? node).getStart(source) === position) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(source);
  return found ? source.getLineAndCharacterOfPosition(found.getEnd()).line + 1 : line;
}

/**
 * The line of the function's file that the error was thrown at: the first stack frame in that file. Frames name
 * the TypeScript file when the program ran with source maps (`node --enable-source-maps`); otherwise none match.
 */
function thrownAt(file: string, errorStack: string | null): number | null {
  for (const frame of (errorStack ?? '').split('\n')) {
    const at = /\(?((?:file:\/\/)?[^()\s]+):(\d+):\d+\)?\s*$/.exec(frame.trim());
    if (at && /^\s*at /.test(frame) && (at[1] === file || at[1]!.endsWith(`/${file}`))) return Number(at[2]);
  }
  return null;
}
