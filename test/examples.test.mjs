// The project's own examples/, and the demo that is the README's main job.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { repoRoot, scratchDir } from './helpers/compile.mjs';
import { recordExamples, recordProject } from './helpers/pipeline.mjs';
import { startDashboard } from './helpers/serve.mjs';
import { readCalls } from './helpers/trace.mjs';

test('select: "all" monitors every function of examples/ and the program prints the same', t => {
  const dir = scratchDir('select-all');
  const everything = recordExamples(path.join(dir, 'all.db'), { plugin: { select: 'all' } });
  const plain = recordExamples(path.join(dir, 'plain.db'), { plugin: { enabled: false } });
  t.is(everything.stdout, plain.stdout);

  const db = new Database(path.join(dir, 'all.db'), { readonly: true });
  const names = db.prepare('SELECT DISTINCT name FROM functions ORDER BY name').pluck().all();
  db.close();
  for (const name of [
    'main',
    'calculatePrice',
    'analyzeTrade',
    'divmod',
    'validateOrder',
    'Portfolio.add',
    'Portfolio.value',
    'fetchQuote',
    '<anonymous>',
  ]) {
    t.true(names.includes(name), `${name} is monitored`);
  }
  const tagged = readCalls(path.join(dir, 'all.db')).filter(call => call.fn === 'validateOrder');
  t.deepEqual(
    tagged.map(call => call.status),
    ['ERR'],
  );
});

test('npm run demo prints the rows it read back from SQLite', t => {
  const dir = scratchDir('demo');
  const dbPath = path.join(dir, 'traces.db');
  const demo = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'demo.js'), path.join(dir, 'dist')], {
    cwd: repoRoot,
    env: { ...process.env, OBSERVATORY_DB: dbPath },
    encoding: 'utf8',
  });
  t.is(demo.status, 0, demo.stderr);
  t.true(fs.existsSync(path.join(dir, 'dist', 'main.js')), 'built into the directory it was given');
  const rows = readCalls(dbPath).flatMap(call =>
    call.values.map(([name, direction, type, value]) => ({ fn: call.fn, name, direction, type, value })),
  );
  const divmodRows = rows.filter(row => row.fn === 'divmod').map(row => `${row.name} ${row.direction} ${row.value}`);
  t.deepEqual(divmodRows, ['dividend INPUT 17', 'divisor INPUT 5', 'quotient OUTPUT 3', 'remainder OUTPUT 2']);
  // Every recorded value is printed, as the original design's `Process | Data | Data Type | Data Value`, where
  // Data Type is INPUT or OUTPUT, with the declared type beside it.
  t.regex(demo.stdout, /^Process\s+\| Data\s+\| Data Type\s+\| Declared Type\s+\| Data Value\s+\| Status/m);
  t.regex(demo.stdout, /^src\/pricing\.divmod\s+\| quotient\s+\| OUTPUT\s+\| number\s+\| 3\s+\| OK/m);
  t.regex(demo.stdout, new RegExp(`^${rows.length} values recorded`, 'm'));
});

test('after npm run demo, observatory serve finds the sources of the database in .observatory/ by itself', async t => {
  // The demo's layout: the program in <project>/examples, its database in <project>/.observatory, where
  // functions.file paths are relative to examples/, not to the project.
  const project = scratchDir('demo-layout');
  fs.cpSync(path.join(repoRoot, 'examples'), path.join(project, 'examples'), {
    recursive: true,
    filter: source => !source.includes(`${path.sep}dist`),
  });
  const dbPath = path.join(project, '.observatory', 'traces.db');
  recordProject(path.join(project, 'examples'), dbPath);
  const divmod = readCalls(dbPath).find(call => call.fn === 'divmod');
  t.is(divmod.file, 'src/pricing.ts');

  const elsewhere = scratchDir('serve-cwd');
  const dashboard = await startDashboard(dbPath, undefined, { cwd: elsewhere });
  try {
    t.true(dashboard.stdout().includes(`sources under ${path.join(project, 'examples')})`), dashboard.stdout());
    const detail = await (await fetch(`${dashboard.url}api/calls/${divmod.id}`)).json();
    t.true(detail.source.available, JSON.stringify(detail.source));
    t.is(detail.source.functionLine, divmod.line);
    t.true(detail.source.lines.some(line => line.includes('function divmod(')));
  } finally {
    dashboard.server.kill('SIGTERM');
  }
});
