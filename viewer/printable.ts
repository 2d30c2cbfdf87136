/**
 * Recorded text made safe to show: a program under trace chooses its error names, messages and values, and a
 * terminal obeys the escape sequences in them (`\x1b]0;title\x07`, `\x1b[2J`, a `\r` that writes a fake line over
 * a real one), as a page's text obeys bidi controls (`\u202e` reverses what follows it).
 *
 * The dashboard's script bundles this file too (page/browser).
 */

/**
 * `text` with every control character written out as its JavaScript escape (`\x1b`, `\r`, `\u202e`): the C0 and
 * C1 controls and DEL, the bidi marks, embeddings, overrides and isolates, and the Unicode line and paragraph
 * separators. `keepLines` leaves line feeds and tabs alone, for text that is laid out in lines (stacks, pretty
 * JSON).
 */
export function printable(text: string, keepLines = false): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, char => {
    if (keepLines && (char === '\n' || char === '\t')) return char;
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    const code = char.charCodeAt(0);
    return (
      named[char] ??
      (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
    );
  });
}
