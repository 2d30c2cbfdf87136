/**
 * An INSERT of many rows per statement: `INSERT INTO t (a, b) VALUES (?, ?), (?, ?), ...`.
 *
 * Each better-sqlite3 `run` crosses from JavaScript into SQLite and back; for the small rows of a trace that
 * crossing cost about as much as SQLite's own work, so rows are handed over ROWS_PER_STATEMENT at a time.
 * Callers push one row's values onto `params` and call `endRow`; `flush` writes what is left. A column whose
 * value is the same in every row is written into the statement (`fixed`) rather than bound row after row:
 * each bound parameter costs the crossing a little more.
 */
import type { Database, Statement } from 'better-sqlite3';

const ROWS_PER_STATEMENT = 64;

export class BatchedInsert {
  /** The values of the rows not yet written, row after row. */
  readonly params: unknown[] = [];
  private readonly db: Database;
  private readonly head: string;
  private readonly row: string;
  private readonly columns: number;
  /** Statements by number of rows: the full one, and the shorter ones that end a batch. */
  private readonly statements = new Map<number, Statement>();

  /** Rows of `table`: one parameter per column of `columns`, and each column of `fixed` set to its SQL literal. */
  constructor(db: Database, table: string, columns: readonly string[], fixed: Readonly<Record<string, string>> = {}) {
    this.db = db;
    this.head = `INSERT INTO ${table} (${[...columns, ...Object.keys(fixed)].join(', ')})`;
    this.columns = columns.length;
    this.row = `(${[...columns.map(() => '?'), ...Object.values(fixed)].join(', ')})`;
  }

  endRow(): void {
    if (this.params.length === this.columns * ROWS_PER_STATEMENT) this.flush();
  }

  /** Forgets the rows not yet written: their transaction was rolled back. */
  discard(): void {
    this.params.length = 0;
  }

  flush(): void {
    const rows = this.params.length / this.columns;
    if (rows === 0) return;
    let statement = this.statements.get(rows);
    if (statement === undefined) {
      statement = this.db.prepare(`${this.head} VALUES ${new Array(rows).fill(this.row).join(', ')}`);
      this.statements.set(rows, statement);
    }
    statement.run(this.params);
    this.params.length = 0;
  }
}
