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
 * a writer that commits every few milliseconds seldom leaves. So every WRITER_CHECKPOINT_COMMITS commits the
 * writer checkpoints too, before waking the thread, finding all but its last few commits copied, and again after
 * each commit until a checkpoint of its own has left the whole WAL copied: the WAL starts again about every
 * WRITER_CHECKPOINT_COMMITS commits, unless a reader holds on to old pages (which holds SQLite's own checkpoints
 * back as well). Once the writer has caught up, SQLite's own checkpoints are back.
 *
 * The thread starts with the first such backlog: a program whose writer never falls that far behind would not
 * have reached SQLite's first checkpoint before exiting either. It is a plain worker of the writer thread, not
 * one of piscina's: it holds nothing that is not committed. Should it die, the writer hears so at its event
 * loop's next turn and goes back to SQLite's checkpoints; until then its own checkpoints still let the WAL start
 * again. It ends with the writer thread, and better-sqlite3 closes its connection then; SQLite's checkpoints are
 * safe to cut short.
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
export const WRITER_CHECKPOINT_COMMITS = 64;

export interface CheckpointerData {
  databasePath: string;
  signal: SharedArrayBuffer;
}

/** What `PRAGMA wal_checkpoint` answers. */
interface CheckpointResult {
  /** 1 when another connection held the checkpoint lock, and nothing was copied. */
  busy: number;
  /** Pages in the WAL, and how many of them are in the database file now. */
  log: number;
  checkpointed: number;
}

export class Checkpointer {
  private readonly db: Database.Database;
  private readonly databasePath: string;
  /** SQLite's own threshold as the connection had it, given back when the writer has caught up. */
  private readonly autoCheckpointPages: number;
  private readonly signal = new Int32Array(new SharedArrayBuffer(CheckpointSignal.Size * 4));
  private thread: Worker | null = null;
  /** Checkpoints are SQLite's for good: something failed, or the writer has closed. */
  private failed = false;
  /** Checkpoints are the thread's now. */
  private aside = false;
  private commitsAside = 0;
  /** The writer's own checkpoint is due: it has not yet left the whole WAL copied. */
  private restartDue = false;
  /** Commits in a row that found the writer behind. */
  private backlog = 0;

  constructor(db: Database.Database, databasePath: string) {
    this.db = db;
    this.databasePath = databasePath;
    this.autoCheckpointPages = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  }

  /**
   * After each commit of the writer, outside its transaction; `behind` says whether more than that transaction
   * was waiting. Never throws: the commit is made, and a failure here must not make it look otherwise.
   */
  committed(behind: boolean): void {
    try {
      this.follow(behind);
    } catch (error) {
      this.giveBack(error);
    }
  }

  private follow(behind: boolean): void {
    this.backlog = behind ? this.backlog + 1 : 0;
    if (this.backlog >= BACKLOG_COMMITS && !this.aside && !this.failed) this.setAside(true);
    else if (!behind && this.aside) this.setAside(false);
    if (!this.aside) return;
    if (++this.commitsAside % WRITER_CHECKPOINT_COMMITS === 0) this.restartDue = true;
    // Before the thread is woken, which would hold the checkpoint lock; a checkpoint that found it held, or left
    // pages a reader still needs, is tried again after the next commit, until the WAL can start again.
    if (this.restartDue) this.restartDue = !this.checkpointAll();
    Atomics.add(this.signal, CheckpointSignal.Commits, 1);
    Atomics.notify(this.signal, CheckpointSignal.Commits);
  }

  /** A PASSIVE checkpoint on the writer's connection; true when every page of the WAL is in the file now. */
  private checkpointAll(): boolean {
    const [result] = this.db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
    return result !== undefined && result.busy === 0 && result.log === result.checkpointed;
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
    thread.once('error', error => this.giveBack(error));
    return thread;
  }

  /** The writer closes its connection: the thread ends, and nothing it says from now on matters. */
  close(): void {
    this.failed = true;
    void this.thread?.terminate();
  }

  /** The thread, or a checkpoint, failed: SQLite checkpoints in the writer's commits again, for good. */
  private giveBack(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    try {
      if (this.aside) this.setAside(false);
    } catch {
      // The connection refuses even that: the writer's next commit will say so.
    }
    const reason = error instanceof Error ? error.message : String(error);
    process.emitWarning(`WAL checkpoints are back on the writer thread: ${reason}`, { code: 'OBSERVATORY_WRITE' });
  }
}
