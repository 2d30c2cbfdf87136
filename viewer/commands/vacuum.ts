import * as fs from 'node:fs';
import { openReadWrite } from '../database';
import type { Command } from './command';

export const vacuumCommand: Command = {
  name: 'vacuum',
  usage: '',
  summary: 'rebuild the database file to return the space of deleted rows to the disk',
  positionals: 0,
  options: {},
  run({ databasePath, out }) {
    const before = fs.statSync(databasePath).size;
    const db = openReadWrite(databasePath);
    try {
      db.exec('VACUUM');
      // VACUUM writes through the WAL; checkpointing now makes the main file's new size real at once.
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    const after = fs.statSync(databasePath).size;
    out.write(`Vacuumed ${databasePath}: ${megabytes(before)} → ${megabytes(after)}.\n`);
  },
};

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}
