// The main job: build examples/ with the plugin through ts-patch, run it, and print what it recorded, read
// back from the SQLite file (OBSERVATORY_DB, or .observatory/traces.db under this directory).
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const Database = require('better-sqlite3');
const { linkSelf } = require('./link-self');
const { defaultDatabasePath } = require('../dist/runtime/record/config');

const root = path.join(__dirname, '..');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  if (result.status !== 0) {
    console.error(`\n${path.basename(command)} ${args.join(' ')} failed with exit code ${result.status}.`);
    process.exit(1);
  }
  return result;
}

// The build goes to examples/dist, or to the directory given as the one argument (the tests build elsewhere so
// that nothing is written into the repository's own tree).
const outDir = path.relative(root, path.resolve(process.argv[2] ?? path.join(root, 'examples', 'dist')));
linkSelf();
console.log(`$ tspc -p examples${process.argv[2] ? ` --outDir ${outDir}` : ''}`);
run(process.execPath, [require.resolve('ts-patch/bin/tspc'), '-p', 'examples', '--outDir', outDir]);
console.log(`$ node --enable-source-maps ${path.join(outDir, 'main.js')}`);
const { pid } = run(process.execPath, ['--enable-source-maps', path.join(outDir, 'main.js')]);

const databasePath = process.env.OBSERVATORY_DB ? path.resolve(process.env.OBSERVATORY_DB) : defaultDatabasePath(root);
const db = new Database(databasePath, { readonly: true });
// data_trace is the original design's one row per variable: Data Type is INPUT or OUTPUT, Declared Type the
// TypeScript type. Calls come in the order they started (an instance numbers its calls as they start; its
// number is the low half of the call id), each call's inputs first.
const rows = db
  .prepare(
    `SELECT d.process AS Process, d.data AS Data, d.data_type AS "Data Type", d.declared_type AS "Declared Type",
            d.data_value AS "Data Value", d.status AS Status, coalesce(d.exception, '') AS Error
       FROM data_trace d WHERE d.call_id >> 32 IN (SELECT id FROM processes WHERE pid = ?)
      ORDER BY d.call_id, d.data_type, d.position`,
  )
  .all(pid);
db.close();

console.log(`\n${rows.length} values recorded in ${path.relative(process.cwd(), databasePath)}:\n`);
printTable(rows, ['Process', 'Data', 'Data Type', 'Declared Type', 'Data Value', 'Status', 'Error']);

function printTable(records, columns) {
  const widths = columns.map(column =>
    Math.min(48, Math.max(column.length, ...records.map(r => String(r[column]).length))),
  );
  const line = cells => cells.map((cell, i) => String(cell).slice(0, widths[i]).padEnd(widths[i])).join(' | ');
  console.log(line(columns));
  console.log(widths.map(width => '-'.repeat(width)).join('-+-'));
  for (const record of records) console.log(line(columns.map(column => record[column])));
}
