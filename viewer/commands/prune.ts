import { openReadWrite } from '../database';
import { parseDuration } from '../duration';
import { UsageError } from '../errors';
import { formatTimestamp, plural } from '../format';
import { acrossFunctions } from '../time-order';
import { whereSql } from '../where';
import { type Command, option } from './command';

/** Calls deleted per transaction: small enough that a running program's writer never waits long for the lock. */
const BATCH = 5000;

export const pruneCommand: Command = {
  name: 'prune',
  usage: '--older-than 6h',
  summary:
    'delete calls (their values are in their rows) that started longer ago than the given duration, and older drop counts',
  positionals: 0,
  options: { 'older-than': { type: 'string' } },
  run({ values, databasePath, out }) {
    const olderThan = option(values, 'older-than');
    if (olderThan === undefined) throw new UsageError('prune needs --older-than, as in --older-than 6h');
    const cutoffUs = Date.now() * 1000 - parseDuration(olderThan);
    const db = openReadWrite(databasePath);
    try {
      // The writer's own retention (schema 3): calls by start time, a batch at a time, each function's oldest first.
      const older = acrossFunctions({ sql: ['c.start_us < ?'], params: [cutoffUs] }, { untilUs: cutoffUs });
      const deleteBatch = db.prepare(
        `DELETE FROM calls WHERE id IN (SELECT c.id FROM calls c ${whereSql(older.sql)} LIMIT ?)`,
      );
      let deleted = 0;
      for (;;) {
        const { changes } = deleteBatch.run(...older.params, BATCH);
        deleted += changes;
        if (changes < BATCH) break;
      }
      // As the writer's own retention does: drop totals and ring figures of instances that stopped recording
      // before the cutoff describe calls that are gone now. An instance keeps its row while calls of it remain,
      // since those calls take their pid, thread and trace ids from it; its calls are one range of calls.id.
      db.prepare('DELETE FROM drops WHERE updated_us < ?').run(cutoffUs);
      db.prepare(
        `DELETE FROM processes WHERE updated_us < ?
            AND NOT EXISTS (SELECT 1 FROM calls WHERE id BETWEEN processes.id << 32 AND (processes.id << 32) + 0xffffffff)`,
      ).run(cutoffUs);
      out.write(`Deleted ${plural(deleted, 'call')} started before ${formatTimestamp(cutoffUs)} UTC.\n`);
    } finally {
      db.close();
    }
  },
};
