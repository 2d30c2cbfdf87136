/**
 * Which names have their values replaced by {"$type":"redacted"} before anything is written.
 *
 * A name is split into words at `_`, `-`, other punctuation and camelCase boundaries, case-insensitively, and
 * is redacted when one word, or up to four adjacent words run together, is a sensitive word (or its plural):
 * `password`, `userPassword`, `api_key`, `X-Api-Key`, `accessToken`, `sessionId` and `cookies` are redacted,
 * while `author` (not the word `auth`), `className` (no word `ssn`) and `options` (no word `otp`) are not.
 * Matching words instead of substrings catches the usual spellings without hiding unrelated fields.
 *
 * The sensitive words are the built-in list, OBSERVATORY_REDACT, and the function's own `redact=` names.
 * The same rule applies to parameter names, output names and every key nested in a value (object fields,
 * class instance fields, string keys of Map entries, extra fields of errors).
 */

/** Always redacted, written without `_` or `-`. */
export const SENSITIVE_WORDS: readonly string[] = [
  'password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'jwt', 'bearer', 'otp', 'apikey', 'authorization',
  'auth', 'cookie', 'session', 'credential', 'privatekey', 'creditcard', 'ssn',
];

const MAX_CACHED_NAMES = 10_000;
const MAX_WORDS_JOINED = 4;

export class Redactor {
  private readonly words: ReadonlySet<string>;
  private readonly cache = new Map<string, boolean>();

  constructor(extraWords: readonly string[]) {
    this.words = new Set([...SENSITIVE_WORDS, ...extraWords].map(normalizeWord).filter(word => word !== ''));
  }

  matches(name: string): boolean {
    let redacted = this.cache.get(name);
    if (redacted === undefined) {
      redacted = this.judge(name);
      if (this.cache.size >= MAX_CACHED_NAMES) this.cache.clear();
      this.cache.set(name, redacted);
    }
    return redacted;
  }

  private judge(name: string): boolean {
    if (this.isSensitive(normalizeWord(name))) return true;
    const words = splitWords(name);
    for (let first = 0; first < words.length; first++) {
      let joined = '';
      for (let last = first; last < words.length && last < first + MAX_WORDS_JOINED; last++) {
        joined += words[last];
        if (this.isSensitive(joined)) return true;
      }
    }
    return false;
  }

  private isSensitive(word: string): boolean {
    return this.words.has(word) || (word.endsWith('s') && this.words.has(word.slice(0, -1)));
  }
}

function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/[_\-\s]/g, '');
}

/** `xApiKey` -> [x, api, key]; `HTTPHeaders` -> [http, headers]; `private_key` -> [private, key]. */
function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(word => word !== '');
}
