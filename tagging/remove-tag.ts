/**
 * How `observatory untag` takes a tag out, undoing each form add-tag.ts writes, and the same forms written by
 * hand:
 *
 *   a comment that holds nothing else     is deleted, with the blank after it up to the next code or comment
 *   a tag alone on its line               is deleted with that line
 *   a tag that shares its line            is deleted with the blank before it (or after it, at a line start)
 *
 * Only a bare tag is taken out: a tag with options (`@monitor sample=0.1`) was written by someone who chose
 * them, and stays.
 */
import type { TagComment } from '../transformer/tag';
import type { TextEdit } from './text-edits';

/** A tag without options. */
export function isBare(text: string, tag: TagComment, tagName: string): boolean {
  return /^[\s*]*$/.test(text.slice(tag.pos + 1 + tagName.length, tag.end));
}

/** The edits that delete `tags`, bare tags that all stand in the one comment that starts at their `commentPos`. */
export function removeTagEdits(text: string, tags: readonly TagComment[], tagName: string): TextEdit[] {
  const commentPos = tags[0]!.commentPos;
  const commentEnd = text.indexOf('*/', commentPos + 3) + 2;
  const wordEnd = (tag: TagComment) => tag.pos + 1 + tagName.length;
  let rest = text.slice(commentPos + 3, commentEnd - 2);
  for (const tag of [...tags].reverse())
    rest = rest.slice(0, tag.pos - commentPos - 3) + rest.slice(wordEnd(tag) - commentPos - 3);
  if (/^[\s*]*$/.test(rest)) {
    const next = /\S|$/.exec(text.slice(commentEnd))!.index;
    return [{ pos: commentPos, end: commentEnd + next, text: '' }];
  }
  return tags.map(tag => removeOneTag(text, tag.pos, wordEnd(tag), commentPos));
}

function removeOneTag(text: string, pos: number, end: number, commentPos: number): TextEdit {
  const lineBreak = text.lastIndexOf('\n', pos - 1);
  const blankAfter = /^[ \t]*/.exec(text.slice(end))![0].length;
  const endsLine = /^[ \t]*(\r?\n|\*\/)/.test(text.slice(end));
  if (lineBreak > commentPos && /^[ \t]*\*?[ \t]*$/.test(text.slice(lineBreak + 1, pos)) && endsLine) {
    const from = text.charCodeAt(lineBreak - 1) === 13 /* \r */ ? lineBreak - 1 : lineBreak;
    const to = /^[ \t]*\r?\n/.test(text.slice(end)) ? end + blankAfter : end;
    return { pos: from, end: to, text: '' };
  }
  const blankBefore = /[ \t]*$/.exec(text.slice(commentPos, pos))![0].length;
  return blankBefore > 0 ? { pos: pos - blankBefore, end, text: '' } : { pos, end: end + blankAfter, text: '' };
}
