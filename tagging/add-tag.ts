/**
 * Where `observatory tag` writes a tag: before the function's host (transformer/hosts.ts), the node whose
 * leading comment the transformer reads.
 *
 *   /** Adds. *\/                 the doc comment right above the host gets a tag line:   /** Adds.
 *   function add() {}                                                                       * @monitor *\/
 *
 *   /**                          a comment of several lines gets it as its last line:     /**
 *    * Adds.                                                                                * Adds.
 *    *\/                                                                                    * @monitor
 *                                                                                           *\/
 *   function add() {}            a host that starts its line gets a comment of its own:   /** @monitor *\/
 *                                                                                         function add() {}
 *   items.map(item => ...)       and one in the middle of a line gets it inline:          items.map(/** @monitor *\/ item => ...)
 *
 * A doc comment counts when it is the last comment before the host, with no blank line between (so that a
 * file's header comment is not taken for the first function's), and says something: an empty `/** *\/` is left
 * as it is, so that `untag` can delete every comment that holds only the tag.
 */
import type * as ts from 'typescript';
import { hostOf } from '../transformer/hosts';
import { lineBreakNear, lineStartOf, type TextEdit } from './text-edits';

export function addTagEdit(
  tsInstance: typeof ts,
  sourceFile: ts.SourceFile,
  fn: ts.FunctionLikeDeclaration,
  tagName: string,
): TextEdit {
  const text = sourceFile.text;
  const host = hostOf(tsInstance, fn);
  const start = host.getStart(sourceFile);
  const doc = docCommentBefore(tsInstance, text, host.pos, start);
  if (doc) return tagLineEdit(text, doc, tagName);
  const lineStart = lineStartOf(text, start);
  const indentation = text.slice(lineStart, start);
  const comment = `/** @${tagName} */`;
  const separator = /^[ \t]*$/.test(indentation) ? lineBreakNear(text, start) + indentation : ' ';
  return { pos: start, end: start, text: comment + separator };
}

function docCommentBefore(
  tsInstance: typeof ts,
  text: string,
  pos: number,
  start: number,
): ts.CommentRange | undefined {
  const last = tsInstance.getLeadingCommentRanges(text, pos)?.at(-1);
  if (!last || !text.startsWith('/**', last.pos) || last.end - last.pos < 5) return undefined;
  if (/\n[ \t]*\r?\n/.test(text.slice(last.end, start))) return undefined;
  const says = /[^\s*]/.test(text.slice(last.pos + 3, last.end - 2));
  return says ? last : undefined;
}

/** A new last line for the comment, decorated like its other lines, before the `*\/` and the blank before it. */
function tagLineEdit(text: string, comment: ts.CommentRange, tagName: string): TextEdit {
  let at = comment.end - 2;
  while (text[at - 1] === ' ' || text[at - 1] === '\t') at--;
  if (text[at - 1] === '\n') at--;
  if (text[at - 1] === '\r') at--;
  const body = text.slice(comment.pos, comment.end);
  const decorated = [...body.matchAll(/\n([ \t]*\*[ \t]+)[^\s/]/g)].at(-1);
  const decoration = decorated?.[1] ?? text.slice(lineStartOf(text, comment.pos)).match(/^[ \t]*/)![0] + ' * ';
  return { pos: at, end: at, text: `${lineBreakNear(text, comment.end)}${decoration}@${tagName}` };
}
