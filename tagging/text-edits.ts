/**
 * Edits to a file's text. `tag` and `untag` change nothing but the text their edits name, so that the rest of a
 * file keeps its bytes: its formatting, its tabs, and its line endings, which the edits copy from the lines
 * around them.
 */

/** Replace the text from `pos` to `end` with `text`; an insertion has `pos === end`. */
export interface TextEdit {
  pos: number;
  end: number;
  text: string;
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.pos - b.pos);
  let result = '';
  let copied = 0;
  for (const edit of sorted) {
    if (edit.pos < copied) throw new Error(`internal error: overlapping edits at offset ${edit.pos}`);
    result += text.slice(copied, edit.pos) + edit.text;
    copied = edit.end;
  }
  return result + text.slice(copied);
}

/** The line break of the line that ends before `index`, else of the first line after it: "\r\n" or "\n". */
export function lineBreakNear(text: string, index: number): string {
  const before = text.lastIndexOf('\n', index - 1);
  const at = before !== -1 ? before : text.indexOf('\n', index);
  return at > 0 && text.charCodeAt(at - 1) === 13 /* \r */ ? '\r\n' : '\n';
}

/** Offset of the start of the line `index` is on. */
export function lineStartOf(text: string, index: number): number {
  return text.lastIndexOf('\n', index - 1) + 1;
}
