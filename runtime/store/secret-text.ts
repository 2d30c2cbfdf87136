/**
 * Credentials written inside text, which a name-based rule (redaction.ts) cannot see: a connection string
 * under `url`, a header line in an error message, a token under `value`. Wherever text is stored (string
 * values, error messages and stacks), these are replaced:
 *
 *   URL user-info       postgres://app:s3cret@db/prod     ->  postgres://app:[redacted]@db/prod
 *   HTTP credentials    Authorization: Bearer abc.def-123  ->  Authorization: Bearer [redacted]   (also Basic)
 *   JSON Web Tokens     eyJhbGciOi….eyJzdWIiOi….c2ln       ->  [redacted JWT]
 *
 * The text is chosen by the program, and this runs on the writer thread, so every scan is linear in the
 * text's length whatever the text is: fixed substrings found with indexOf, then one forward scan that the next
 * search starts after. (A regular expression with nested or adjacent overlapping quantifiers would backtrack
 * quadratically on a crafted string; the one below has a literal head and disjoint classes.)
 */

export const REDACTED_TEXT = '[redacted]';
const REDACTED_JWT = '[redacted JWT]';
/** `Bearer <credentials>` or `Basic <credentials>`, credentials of at least 8 token characters (RFC 6750, 7617). */
const HTTP_CREDENTIALS = /\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/-]{8,}=*/gi;

export function scrubSecrets(text: string): string {
  // The shortest text any rule matches: `a://b:c@d` is 9 characters.
  if (text.length < 9) return text;
  let scrubbed = text;
  if (scrubbed.includes('://')) scrubbed = scrubUrlPasswords(scrubbed);
  HTTP_CREDENTIALS.lastIndex = 0;
  if (HTTP_CREDENTIALS.test(scrubbed)) scrubbed = scrubbed.replace(HTTP_CREDENTIALS, `$1$2${REDACTED_TEXT}`);
  if (scrubbed.includes('eyJ')) scrubbed = scrubJwts(scrubbed);
  return scrubbed;
}

/** `scheme://user:password@host`: the password goes; the user, which says which account, stays. */
function scrubUrlPasswords(text: string): string {
  let result = '';
  let copied = 0;
  for (let at = text.indexOf('://'); at !== -1;) {
    const start = at + 3;
    let end = start;
    while (end < text.length && !endsAuthority(text.charCodeAt(end))) end++;
    if (end < text.length && text.charCodeAt(end) === AT_SIGN) {
      const colon = text.indexOf(':', start);
      if (colon !== -1 && colon < end) {
        result += text.slice(copied, colon + 1) + REDACTED_TEXT;
        copied = end;
      }
    }
    at = text.indexOf('://', Math.max(end, start));
  }
  return copied === 0 ? text : result + text.slice(copied);
}

const AT_SIGN = 0x40;

/** Where a URL's authority (`user:password@host:port`) ends: `/ ? # @`, whitespace or a quote. */
function endsAuthority(code: number): boolean {
  return (
    code === AT_SIGN ||
    code === 0x2f ||
    code === 0x3f ||
    code === 0x23 ||
    code <= 0x20 ||
    code === 0x22 ||
    code === 0x27
  );
}

/** Three base64url segments joined by dots, the first two JSON objects (`eyJ` is the encoding of `{"`). */
function scrubJwts(text: string): string {
  let result = '';
  let copied = 0;
  for (let at = text.indexOf('eyJ'); at !== -1;) {
    const header = scanBase64Url(text, at);
    let end = header;
    if (text.charCodeAt(header) === DOT && text.startsWith('eyJ', header + 1)) {
      const payload = scanBase64Url(text, header + 1);
      end = payload;
      if (text.charCodeAt(payload) === DOT) {
        end = scanBase64Url(text, payload + 1);
        result += text.slice(copied, at) + REDACTED_JWT;
        copied = end;
      }
    }
    at = text.indexOf('eyJ', Math.max(end, at + 3));
  }
  return copied === 0 ? text : result + text.slice(copied);
}

const DOT = 0x2e;

/** The index after the run of base64url characters that starts at `from`. */
function scanBase64Url(text: string, from: number): number {
  let end = from;
  while (end < text.length && isBase64Url(text.charCodeAt(end))) end++;
  return end;
}

function isBase64Url(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x2d ||
    code === 0x5f
  );
}
