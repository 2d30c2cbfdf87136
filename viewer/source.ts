/**
 * The source lines of an instrumented function, for the call detail view.
 *
 * `functions.file` is relative to the traced project's root (the directory of its tsconfig.json), which the
 * database does not record; the dashboard is told that root (`--root`). Only files whose real path is inside the
 * root are read, so neither a crafted database nor a symlink can make the dashboard serve arbitrary files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type SourceExcerpt =
  | { available: true; file: string; startLine: number; functionLine: number; lines: string[] }
  | { available: false; file: string; reason: string };

/** The most lines shown for one function; longer bodies are cut, the start is what readers need. */
const MAX_LINES = 120;
const MAX_FILE_BYTES = 4 * 1024 * 1024;

export function readFunctionSource(root: string, file: string, line: number): SourceExcerpt {
  const outside: SourceExcerpt = { available: false, file, reason: 'outside the source root' };
  if (!inside(path.resolve(root), path.resolve(root, file))) return outside;
  let text: string;
  try {
    // By real paths: a symlink under the root (`etclink -> /etc`) must not lead the dashboard out of it.
    const real = fs.realpathSync(path.resolve(root, file));
    if (!inside(fs.realpathSync(root), real)) return outside;
    const stat = fs.statSync(real);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return { available: false, file, reason: 'not a readable source file' };
    text = fs.readFileSync(real, 'utf8');
  } catch {
    return { available: false, file, reason: `not found under ${root}` };
  }
  const all = text.split(/\r?\n/);
  if (line < 1 || line > all.length) return { available: false, file, reason: `file has no line ${line}` };
  const start = leadingCommentStart(all, line - 1);
  const end = Math.min(functionEnd(all, line - 1), start + MAX_LINES - 1);
  return { available: true, file, startLine: start + 1, functionLine: line, lines: all.slice(start, end + 1) };
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
 * The line holding the brace that closes the function's body, by counting braces outside strings and
 * comments. It is a display heuristic, not a parser: when the count never closes, the excerpt is cut at
 * MAX_LINES.
 */
function functionEnd(lines: string[], index: number): number {
  let depth = 0;
  let opened = false;
  let inBlockComment = false;
  for (let i = index; i < lines.length; i++) {
    const code = lines[i]!;
    for (let j = 0; j < code.length; j++) {
      const pair = code.slice(j, j + 2);
      if (inBlockComment) {
        if (pair === '*/') {
          inBlockComment = false;
          j++;
        }
        continue;
      }
      if (pair === '//') break;
      if (pair === '/*') {
        inBlockComment = true;
        j++;
      } else if (code[j] === '"' || code[j] === "'" || code[j] === '`') {
        j = skipString(code, j);
      } else if (code[j] === '{') {
        depth++;
        opened = true;
      } else if (code[j] === '}') {
        depth--;
        if (opened && depth === 0) return i;
      }
    }
    // An arrow function with an expression body ends with its statement.
    if (!opened && /;\s*$/.test(code)) return i;
  }
  return lines.length - 1;
}

function skipString(code: string, start: number): number {
  const quote = code[start];
  for (let j = start + 1; j < code.length; j++) {
    if (code[j] === '\\') j++;
    else if (code[j] === quote) return j;
  }
  return code.length;
}
