/**
 * An INSERT of many rows per statement: `INSERT INTO t (a, b) VALUES (?, ?), (?, ?), ...`.
 *
 * Each better-sqlite3 `run` crosses from JavaScript into SQLite and back; for the small rows of a trace that
 * crossing cost about as much as SQLite's own work, so rows are handed over ROWS_PER_STATEMENT at a time.
 * Callers add one row's values with `value` and call `endRow`; `flush` writes what is left. A column whose
 * value is the same in every row is written into the statement (`fixed`) rather than bound row after row:
 * each bound parameter costs the crossing a little more.
 *
 * The values are handed to `run` as its arguments, not as one array: better-sqlite3 reads an array element by
 * element through V8's generic property lookup, and a call's arguments directly. They are kept in one array
 * of the full statement's size, reused from statement to statement, so that it never grows again.
 */
import type { Database, Statement } from 'better-sqlite3';

const ROWS_PER_STATEMENT = 64;

export class BatchedInsert {
  private readonly db: Database;
  private readonly head: string;
  private readonly row: string;
  private readonly columns: number;
  /** The values of the rows not yet written, row after row, in the first `size` slots. */
  private readonly values: unknown[];
  private size = 0;
  /** Statements by number of rows: the full one, and the shorter ones that end a batch. */
  private readonly statements = new Map<number, Statement>();

  /** Rows of `table`: one parameter per column of `columns`, and each column of `fixed` set to its SQL literal. */
  constructor(db: Database, table: string, columns: readonly string[], fixed: Readonly<Record<string, string>> = {}) {
    this.db = db;
    this.head = `INSERT INTO ${table} (${[...columns, ...Object.keys(fixed)].join(', ')})`;
    this.columns = columns.length;
    this.row = `(${[...columns.map(() => '?'), ...Object.values(fixed)].join(', ')})`;
    this.values = new Array<unknown>(this.columns * ROWS_PER_STATEMENT).fill(null);
  }

  /** The next column's value of the row being added. */
  value(value: unknown): void {
    this.values[this.size++] = value;
  }

  endRow(): void {
    if (this.size === this.values.length) this.flush();
  }

  /** Forgets the rows not yet written: their transaction was rolled back. */
  discard(): void {
    this.size = 0;
  }

  flush(): void {
    const size = this.size;
    if (size === 0) return;
    const rows = size / this.columns;
    let statement = this.statements.get(rows);
    if (statement === undefined) {
      statement = this.db.prepare(`${this.head} VALUES ${new Array(rows).fill(this.row).join(', ')}`);
      this.statements.set(rows, statement);
    }
    this.size = 0;
    if (size === this.values.length) statement.run(...this.values);
    else statement.run(...this.values.slice(0, size));
  }
}
