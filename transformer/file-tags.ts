/**
 * The tags of one file, looked up by the nodes they stand before.
 *
 * Every tag must be claimed by some node, so that a tag never silently does nothing: `@monitor` by the
 * function or class it configures, `@monitor-ignore` by a declaration or statement with a function inside
 * (see targets.ts). What is left unclaimed at the end of the file is reported.
 */
import type * as ts from 'typescript';
import { readTagComments, type TagComment } from './tag';

export interface TagProblem {
  pos: number;
  length: number;
  message: string;
}

export class FileTags {
  private readonly byComment = new Map<number, TagComment[]>();
  private readonly consumed = new Set<TagComment>();

  constructor(
    private readonly tsInstance: typeof ts,
    private readonly sourceFile: ts.SourceFile,
    readonly tagName: string,
  ) {
    const text = sourceFile.text;
    const mention = `@${tagName}`;
    for (let at = text.indexOf(mention); at !== -1; at = text.indexOf(mention, at + mention.length)) {
      const range = this.commentAround(at);
      if (!range || this.byComment.has(range.pos)) continue;
      const tags = readTagComments(text, [range], tagName);
      if (tags.length > 0) this.byComment.set(range.pos, tags);
    }
  }

  /** Length of `@tag`, for diagnostics that underline it. */
  get tagLength(): number {
    return this.tagName.length + 1;
  }

  /** True when the file mentions the tag at all; files without it are left alone in `tagged` mode. */
  get isEmpty(): boolean {
    return this.byComment.size === 0;
  }

  /** Claims and returns the tags standing directly before `node`, or only those of `kind`. */
  tagsOf(node: ts.Node, kind?: TagComment['kind']): TagComment[] {
    const tags = this.tagsBefore(node).filter(tag => kind === undefined || tag.kind === kind);
    for (const tag of tags) this.consumed.add(tag);
    return tags;
  }

  /** Problems found in consumed tags' options, and every tag no node claimed. */
  problems(): TagProblem[] {
    const problems: TagProblem[] = [];
    for (const tags of this.byComment.values()) {
      for (const tag of tags) {
        if (this.consumed.has(tag)) {
          problems.push(...tag.problems);
          continue;
        }
        const message =
          tag.kind === 'monitor'
            ? `@${this.tagName} must stand directly before a function, method, accessor, constructor, class or ` +
              `object literal, or before the variable, property or parameter it initializes, or the statement that ` +
              `assigns or calls it.`
            : `@${this.tagName}-ignore must stand directly before a declaration or statement with a function in it.`;
        problems.push({
          pos: tag.pos,
          length: this.tagLength + (tag.kind === 'ignore' ? '-ignore'.length : 0),
          message,
        });
      }
    }
    return problems;
  }

  /**
   * The comment that `at` lies in, or undefined when it lies in code, a string or a regular expression.
   * Comments are trivia before a token, so the one around `at` is found among the trivia before the tokens
   * of the deepest node around `at`: this reads every comment, wherever it stands (after `=` or `(`, before
   * a `}`), so that no tag escapes being claimed or reported.
   */
  private commentAround(at: number): ts.CommentRange | undefined {
    const ts = this.tsInstance;
    const text = this.sourceFile.text;
    let node: ts.Node = this.sourceFile;
    for (;;) {
      const child = ts.forEachChild(node, candidate =>
        candidate.pos <= at && at < candidate.end ? candidate : undefined,
      );
      if (!child) break;
      node = child;
    }
    const token = [node, ...node.getChildren(this.sourceFile)].find(
      candidate => candidate.pos <= at && at < candidate.getStart(this.sourceFile),
    );
    if (!token) return undefined;
    const ranges = [
      ...(ts.getLeadingCommentRanges(text, token.pos) ?? []),
      ...(ts.getTrailingCommentRanges(text, token.pos) ?? []),
    ];
    return ranges.find(range => range.pos <= at && at < range.end);
  }

  /** The tags standing directly before `node` (before its decorators, or between them and the declaration). */
  private tagsBefore(node: ts.Node): TagComment[] {
    const text = this.sourceFile.text;
    const positions = [node.pos];
    const modifiers = this.tsInstance.canHaveModifiers(node) ? this.tsInstance.getModifiers(node) : undefined;
    const decorators = this.tsInstance.canHaveDecorators(node) ? this.tsInstance.getDecorators(node) : undefined;
    if (decorators?.length) positions.push(decorators[decorators.length - 1]!.end);
    if (modifiers?.length) positions.push(modifiers[modifiers.length - 1]!.end);
    const tags: TagComment[] = [];
    for (const pos of positions) {
      const ranges = [
        ...(this.tsInstance.getLeadingCommentRanges(text, pos) ?? []),
        ...(this.tsInstance.getTrailingCommentRanges(text, pos) ?? []),
      ];
      for (const range of ranges) {
        for (const tag of this.byComment.get(range.pos) ?? []) {
          if (!tags.includes(tag)) tags.push(tag);
        }
      }
    }
    return tags;
  }
}
