/**
 * Which names have their values replaced by {"$type":"redacted"} before anything is written.
 *
 * A name is split into words at `_`, `-`, other punctuation and camelCase boundaries, case-insensitively, and
 * is redacted when one word, or up to four adjacent words run together, is a sensitive word (or its plural):
 * `password`, `userPassword`, `api_key`, `X-Api-Key`, `accessToken`, `sessionId` and `cookies` are redacted,
 * while `author` (not the word `auth`), `className` (no word `ssn`) and `options` (no word `otp`) are not.
 * Matching words instead of substrings catches the usual spellings without hiding unrelated fields.
 *
 * Names written in one lower-case run (`sessionid`, `authtoken`, `userpassword`, `dbpass`) are compounds the
 * split cannot see into, so a word is also redacted when it contains a sensitive word of five letters or more
 * (`userpassword`, `accesstoken`, `sessionid`), or is a short sensitive word joined to one of a few common
 * parts (`dbpass`, `pincode`, `userpw`): short words alone would catch `spin` and `compass`.
 *
 * The sensitive words are the built-in list, OBSERVATORY_REDACT, and the function's own `redact=` names.
 * OBSERVATORY_REDACT_ALLOW names what must stay readable (a parser's `token`): a listed name is never
 * redacted, and a listed sensitive word stops counting as one. The same rule applies to parameter names (and
 * the property a destructured parameter was read from), output names, and every key nested in a value
 * (object fields, class instance fields, string keys of Map entries, `[key, value]` pairs and flat
 * `[key, value, key, value]` lists of strings such as Node's rawHeaders, extra fields of errors).
 *
 * Every step is linear in the name's length: names come from the program, and this runs on the writer thread.
 */

/** Always redacted, written without `_` or `-`. */
export const SENSITIVE_WORDS: readonly string[] = [
  'password',
  'passwd',
  'pwd',
  'pw',
  'pass',
  'passphrase',
  'passcode',
  'pin',
  'secret',
  'token',
  'jwt',
  'bearer',
  'otp',
  'apikey',
  'authorization',
  'auth',
  'cookie',
  'session',
  'credential',
  'cred',
  'privatekey',
  'creditcard',
  'ssn',
];

/** Words that, joined to a short sensitive word in one lower-case run, still name a credential. */
const COMPOUND_PARTS: readonly string[] = [
  'user',
  'db',
  'admin',
  'root',
  'app',
  'client',
  'my',
  'new',
  'old',
  'current',
  'confirm',
  'account',
  'login',
  'master',
  'access',
  'refresh',
  'id',
  'key',
  'code',
  'hash',
  'number',
  'value',
  'text',
  'plain',
  'raw',
];

/** Sensitive words at least this long are also found inside a lower-case compound. */
const MIN_CONTAINED_WORD = 5;
/** The shortest compound: a two-letter part and a two-letter word. */
const MIN_COMPOUND = 4;
const MAX_CACHED_NAMES = 10_000;
const MAX_WORDS_JOINED = 4;

export class Redactor {
  private readonly words: ReadonlySet<string>;
  private readonly containedWords: readonly string[];
  private readonly allowedNames: ReadonlySet<string>;
  private readonly cache = new Map<string, boolean>();

  constructor(extraWords: readonly string[], allowed: readonly string[] = []) {
    this.allowedNames = new Set(allowed.map(normalizeWord).filter(word => word !== ''));
    this.words = new Set(
      [...SENSITIVE_WORDS, ...extraWords]
        .map(normalizeWord)
        .filter(word => word !== '' && !this.allowedNames.has(word)),
    );
    this.containedWords = [...this.words].filter(word => word.length >= MIN_CONTAINED_WORD);
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
    const whole = normalizeWord(name);
    if (this.allowedNames.has(whole)) return false;
    if (this.isSensitive(whole)) return true;
    const words = splitWords(name);
    for (let first = 0; first < words.length; first++) {
      if (this.isSensitiveCompound(words[first]!)) return true;
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

  /** `userpassword`, `sessionid`: a long sensitive word inside, or a short one joined to a common part. */
  private isSensitiveCompound(word: string): boolean {
    if (word.length < MIN_COMPOUND) return false;
    for (const sensitive of this.containedWords) if (word.includes(sensitive)) return true;
    for (const part of COMPOUND_PARTS) {
      if (word.length <= part.length) continue;
      if (word.startsWith(part) && this.isSensitive(word.slice(part.length))) return true;
      if (word.endsWith(part) && this.isSensitive(word.slice(0, -part.length))) return true;
    }
    return false;
  }
}

function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/[_\-\s]/g, '');
}

const enum CharClass {
  Other,
  Lower,
  Upper,
  Digit,
}

function classOf(code: number): CharClass {
  if (code >= 0x61 && code <= 0x7a) return CharClass.Lower;
  if (code >= 0x41 && code <= 0x5a) return CharClass.Upper;
  if (code >= 0x30 && code <= 0x39) return CharClass.Digit;
  return CharClass.Other;
}

/**
 * `xApiKey` -> [x, api, key]; `HTTPHeaders` -> [http, headers]; `private_key` -> [private, key]. One pass:
 * a word ends before an upper-case letter that follows a lower-case letter or digit, before the last capital
 * of a run of capitals followed by a lower-case letter, and at anything that is not an ASCII letter or digit.
 */
function splitWords(name: string): string[] {
  const words: string[] = [];
  let start = -1;
  let previous = CharClass.Other;
  let beforePrevious = CharClass.Other;
  for (let i = 0; i < name.length; i++) {
    const current = classOf(name.charCodeAt(i));
    if (current === CharClass.Other) {
      if (start !== -1) words.push(name.slice(start, i).toLowerCase());
      start = -1;
    } else if (start === -1) {
      start = i;
    } else if (current === CharClass.Upper && previous !== CharClass.Upper) {
      words.push(name.slice(start, i).toLowerCase());
      start = i;
    } else if (
      current === CharClass.Lower &&
      previous === CharClass.Upper &&
      beforePrevious === CharClass.Upper &&
      i - 1 > start
    ) {
      words.push(name.slice(start, i - 1).toLowerCase());
      start = i - 1;
    }
    beforePrevious = previous;
    previous = current;
  }
  if (start !== -1) words.push(name.slice(start).toLowerCase());
  return words;
}
