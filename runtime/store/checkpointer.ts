/**
 * WAL checkpoints on a thread of their own while the writer is behind.
 *
 * SQLite checkpoints in the connection whose commit takes the WAL past 1,000 pages: that commit copies the
 * WAL's pages into the database file and syncs both, on the writer thread. Inserting 2,000,000 `add` rows with
 * no checkpoint at all took that thread 2.2 s of CPU, against 2.4-3.9 s with SQLite's checkpoints, whose syncs
 * it also waited for (bench/README.md, "Checkpoints off the writer thread").
 *
 * Once the drain has been behind for BACKLOG_COMMITS commits in a row (each batch ended at a transaction limit
 * with more published after it), the writer turns SQLite's automatic checkpoints off and wakes this class's
 * thread after each commit. The thread runs a PASSIVE checkpoint on a connection of its own, at most one every
 * CHECKPOINT_INTERVAL_MS: it copies pages on the other core while the writer appends more.
 *
 * A WAL starts again from its first page only when a write begins with every page copied, which a thread racing
 * a writer that commits every few milliseconds seldom leaves. So the writer also checkpoints every
 * WRITER_CHECKPOINT_COMMITS commits, finding all but its last few commits copied, and the WAL stays within tens
 * of megabytes. Once the writer has caught up, SQLite's own checkpoints are back.
 *
 * The thread starts with the first such backlog: a program whose writer never falls that far behind would not
 * have reached SQLite's first checkpoint before exiting either. It is a plain worker of the writer thread, not
 * one of piscina's: it holds nothing that is not committed, so should it die, the writer goes back to
 * checkpointing for itself. It ends with the writer thread, and better-sqlite3 closes its connection then;
 * SQLite's checkpoints are safe to cut short.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** Words of the shared signal. */
export const enum CheckpointSignal {
  /** Commits made while behind; the thread waits for it to change. */
  Commits = 0,
  Size = 1,
}

/**
 * Commits behind in a row before checkpoints go to the thread: 16 batches of `add` calls fill about the 1,000
 * pages after which SQLite checkpoints, so a backlog smaller than that costs no thread.
 */
export const BACKLOG_COMMITS = 16;
/** The thread checkpoints at most this often: each checkpoint syncs the WAL and the database file. */
export const CHECKPOINT_INTERVAL_MS = 10;
/**
 * While behind, the writer's own checkpoint comes every this many commits. 2,000,000 `add` rows made by SQLite
 * (bench/README.md), two sittings: every 64 commits stored 521,963-785,593 calls/s with a WAL of at most 7,560
 * pages (30 MB), every 16 commits 481,168-710,799 with 3,786 pages; SQLite's own checkpoints 421,959-669,246.
 */
const WRITER_CHECKPOINT_COMMITS = 64;

export interface CheckpointerData {
  databasePath: string;
  signal: SharedArrayBuffer;
}

export class Checkpointer {
  private readonly db: Database.Database;
  private readonly databasePath: string;
  /** SQLite's own threshold as the connection had it, given back when the writer has caught up. */
  private readonly autoCheckpointPages: number;
  private readonly signal = new Int32Array(new SharedArrayBuffer(CheckpointSignal.Size * 4));
  private thread: Worker | null = null;
  /** The thread failed: the writer checkpoints for itself from then on. */
  private failed = false;
  /** Checkpoints are the thread's now. */
  private aside = false;
  private commitsAside = 0;
  /** Commits in a row that found the writer behind. */
  private backlog = 0;

  constructor(db: Database.Database, databasePath: string) {
    this.db = db;
    this.databasePath = databasePath;
    this.autoCheckpointPages = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  }

  /** After each commit of the writer; `behind` says whether more than one transaction was waiting. */
  committed(behind: boolean): void {
    this.backlog = behind ? this.backlog + 1 : 0;
    if (this.backlog >= BACKLOG_COMMITS && !this.aside && !this.failed) this.setAside(true);
    else if (!behind && this.aside) this.setAside(false);
    if (!this.aside) return;
    Atomics.add(this.signal, CheckpointSignal.Commits, 1);
    Atomics.notify(this.signal, CheckpointSignal.Commits);
    if (++this.commitsAside % WRITER_CHECKPOINT_COMMITS === 0) this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  private setAside(aside: boolean): void {
    if (aside && this.thread === null) this.thread = this.start();
    this.aside = aside;
    this.db.pragma(`wal_autocheckpoint = ${aside ? 0 : this.autoCheckpointPages}`);
  }

  private start(): Worker {
    const data: CheckpointerData = { databasePath: this.databasePath, signal: this.signal.buffer as SharedArrayBuffer };
    const thread = new Worker(path.join(__dirname, 'checkpointer-thread.js'), { workerData: data });
    // The writer thread ends when its work is done; this one must not keep it.
    thread.unref();
    thread.once('error', error => {
      this.failed = true;
      if (this.aside) this.setAside(false);
      process.emitWarning(`WAL checkpoints are back on the writer thread: ${error.message}`, {
        code: 'OBSERVATORY_WRITE',
      });
    });
    return thread;
  }
}
