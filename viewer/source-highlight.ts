/**
 * Syntax highlighting for a source excerpt, by TypeScript's own scanner: each line as a list of tokens, each
 * with the kind the dashboard colours it by. The page only draws the text it is given, so the colouring needs no
 * parser in the browser.
 */
import * as ts from 'typescript';

/** What a token is coloured as; '' for the rest (names, punctuation, white space). */
export type TokenKind = '' | 'keyword' | 'string' | 'number' | 'comment' | 'regexp';

/** A token's kind and its text; the texts of a line's tokens put together are the line. */
export type Token = [TokenKind, string];

/** Tokens after which a `/` starts a regular expression rather than dividing. */
const DIVIDEND_END = new Set([
  ts.SyntaxKind.Identifier,
  ts.SyntaxKind.NumericLiteral,
  ts.SyntaxKind.BigIntLiteral,
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateTail,
  ts.SyntaxKind.CloseParenToken,
  ts.SyntaxKind.CloseBracketToken,
  ts.SyntaxKind.CloseBraceToken,
  ts.SyntaxKind.ThisKeyword,
  ts.SyntaxKind.SuperKeyword,
  ts.SyntaxKind.TrueKeyword,
  ts.SyntaxKind.FalseKeyword,
  ts.SyntaxKind.NullKeyword,
  ts.SyntaxKind.PlusPlusToken,
  ts.SyntaxKind.MinusMinusToken,
]);

export function highlightSource(lines: string[]): Token[][] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, lines.join('\n'));
  const result: Token[][] = [[]];
  // Brace depths at which a template's `${` was opened: its `}` continues the template.
  const templates: number[] = [];
  let braces = 0;
  let previous = ts.SyntaxKind.Unknown;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.OpenBraceToken) braces++;
    else if (kind === ts.SyntaxKind.CloseBraceToken) {
      if (templates[templates.length - 1] === braces) {
        templates.pop();
        kind = scanner.reScanTemplateToken(false);
      } else braces--;
    } else if (
      (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) &&
      !DIVIDEND_END.has(previous)
    ) {
      kind = scanner.reScanSlashToken();
    }
    if (kind === ts.SyntaxKind.TemplateHead || kind === ts.SyntaxKind.TemplateMiddle) templates.push(braces);
    const text = scanner.getTokenText();
    const tokenKind = kindOf(kind);
    text.split('\n').forEach((part, index) => {
      if (index > 0) result.push([]);
      const line = result[result.length - 1]!;
      const last = line[line.length - 1];
      // Neighbours of one kind are one token: `export async function` is one keyword run to colour.
      if (last && last[0] === tokenKind) last[1] += part;
      else if (part !== '') line.push([tokenKind, part]);
    });
    if (!isTrivia(kind)) previous = kind;
  }
  return result;
}

function kindOf(kind: ts.SyntaxKind): TokenKind {
  if (kind >= ts.SyntaxKind.FirstKeyword && kind <= ts.SyntaxKind.LastKeyword) return 'keyword';
  switch (kind) {
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.TemplateHead:
    case ts.SyntaxKind.TemplateMiddle:
    case ts.SyntaxKind.TemplateTail:
      return 'string';
    case ts.SyntaxKind.NumericLiteral:
    case ts.SyntaxKind.BigIntLiteral:
      return 'number';
    case ts.SyntaxKind.SingleLineCommentTrivia:
    case ts.SyntaxKind.MultiLineCommentTrivia:
      return 'comment';
    case ts.SyntaxKind.RegularExpressionLiteral:
      return 'regexp';
    default:
      return '';
  }
}

function isTrivia(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstTriviaToken && kind <= ts.SyntaxKind.LastTriviaToken;
}
