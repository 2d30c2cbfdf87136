/**
 * Remembers the answers to expensive questions until the database changes, so that a dashboard refreshing
 * every few seconds over data nobody is writing recomputes nothing.
 *
 * The data is identified by `PRAGMA data_version`, which changes whenever another connection commits: the
 * writer adding calls, and also `prune` and `vacuum` taking them away, which the highest calls.id would not
 * show. It is read on every lookup and costs next to nothing.
 */
import type { Connection } from './database';

/** Questions are few (a handful of ranges and functions); the oldest answers make way beyond this. */
const CAPACITY = 64;

export class ResultCache {
  private dataVersion: number | undefined;
  private readonly answers = new Map<string, unknown>();

  constructor(private readonly db: Connection) {}

  /**
   * The answer to the question `key`, computed by `answer` unless the data is the same as last time. Answers
   * are shared by every caller, so they must be treated as read-only.
   */
  get<T>(key: string, answer: () => T): T {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.dataVersion) {
      this.answers.clear();
      this.dataVersion = version;
    }
    if (this.answers.has(key)) return this.answers.get(key) as T;
    const value = answer();
    if (this.answers.size >= CAPACITY) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(key, value);
    return value;
  }
}
