// The reading side against hostile data: a traced program chooses its error names, messages, values and call
// depth, and a database names the files its source view reads. Terminals, the dashboard's layout and the
// source root must all hold.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { scratchDir } from './helpers/compile.mjs';
import { startDashboard } from './helpers/serve.mjs';
import { program, query, run } from './runtime-harness.mjs';

const cli = path.resolve(import.meta.dirname, '..', 'dist', 'viewer', 'cli.js');
const servers = [];
let browser;

test.after.always(async () => {
  await browser?.close();
  for (const server of servers) server.kill('SIGTERM');
});

function observatory(...args) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, OBSERVATORY_DB: '' },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Any character a terminal or a bidi algorithm acts on, other than the line feeds that end lines. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

// An error class named with a colour escape, thrown with a message that sets the window title, clears the
// screen, returns the carriage to write a fake line, sends a C1 CSI and reverses the text after it; the
// function's own name carries an escape, and so does its string argument.
const TYPE = '\x1b[31mBoom';
const MESSAGE = `\x1b]0;owned\x07\x1b[2J\r\nfake line \x9b31m ${'\u202e'}desrever ${'x'.repeat(3000)}`;
const HOSTILE = `
const Boom = { ${JSON.stringify(TYPE)}: class extends Error {} }[${JSON.stringify(TYPE)}];
const handle = __observatory.register(2, meta('charge\\x1b[2J', { params: ['note'], paramTypes: ['string'] }));
function charge(note) {
  const call = __observatory.enter(handle, [note]);
  try { throw new Boom(${JSON.stringify(MESSAGE)}); } catch (error) { throw __observatory.fail(call, error); } finally { __observatory.done(call); }
}
try { charge('\\u202egnirts \\x1b[1mbold') } catch {}
`;

let hostile;
async function hostileDatabase() {
  hostile ??= (async () => {
    const prog = program(HOSTILE);
    const result = await run(prog);
    if (result.status !== 0) throw new Error(result.stderr);
    return prog;
  })();
  return hostile;
}

test('control characters in recorded text are escaped in every human-readable command', async t => {
  const { dbPath } = await hostileDatabase();
  const [call] = query(dbPath, 'SELECT id, error_type AS type, error_message AS message FROM calls');
  t.is(call.type, TYPE, 'the runtime stored the name as the program made it');
  t.is(call.message, MESSAGE);
  const commands = [
    ['errors'],
    ['errors', '--each'],
    ['calls'],
    ['calls', '--compact'],
    ['stats'],
    ['tree', String(call.id)],
    ['calls', '--fn', 'nothing-by-this-name'],
  ];
  for (const args of commands) {
    const result = observatory(...args, '--db', dbPath);
    const text = result.stdout + result.stderr;
    t.false(CONTROL.test(text), `${args.join(' ')}: ${JSON.stringify(text.slice(0, 300))}`);
    if (['--each', String(call.id)].includes(args[1]))
      t.true(
        text.includes('\\x1b[31mBoom: \\x1b]0;owned\\x07\\x1b[2J\\r\\nfake line \\x9b31m \\u202edesrever'),
        `${args.join(' ')} shows the escapes`,
      );
  }
  const groups = observatory('errors', '--db', dbPath).stdout;
  t.true(groups.includes('1 error: \\x1b[31mBoom in prog.charge\\x1b[2J'), groups.slice(0, 200));
  t.true(groups.includes('  latest: \\x1b]0;owned\\x07\\x1b[2J\\r\\nfake line \\x9b31m \\u202edesrever'));
  const calls = observatory('calls', '--db', dbPath).stdout;
  t.true(calls.includes('prog.charge\\x1b[2J'), calls);
  t.true(calls.includes('\\u202egnirts \\u001b[1mbold') || calls.includes('\\u202egnirts \\\\u001b[1mbold'), calls);
  const unknown = observatory('calls', '--fn', 'nothing-by-this-name', '--db', dbPath);
  t.is(unknown.status, 2);
  t.regex(unknown.stderr, /known: prog\.charge\\x1b\[2J\)\n$/);
});

// A recursion 3,000 calls deep, each call one level below the last.
const DIVE = `
const handle = __observatory.register(2, meta('dive', { params: ['n'], paramTypes: ['number'] }));
function dive(n) {
  const call = __observatory.enter(handle, [n]);
  try { return __observatory.exit(call, n === 0 ? 0 : dive(n - 1) + 1); } catch (error) { throw __observatory.fail(call, error); } finally { __observatory.done(call); }
}
dive(2999);
`;

test('tree prints a 3,000-deep recursion as text and as JSON, in output linear in its calls', async t => {
  const prog = program(DIVE);
  t.is((await run(prog)).status, 0);
  const [root] = query(prog.dbPath, 'SELECT id FROM calls WHERE parent IS NULL');
  t.is(query(prog.dbPath, 'SELECT max(depth) AS depth FROM calls')[0].depth, 2999);

  const text = observatory('tree', String(root.id), '--db', prog.dbPath);
  t.is(text.status, 0, text.stderr);
  const lines = text.stdout.trimEnd().split('\n');
  t.is(lines[0].replace(/^trace \w+: /, ''), '3,000 calls');
  t.is(lines.length, 3001);
  t.true(Math.max(...lines.map(line => line.length)) < 120, 'no line grows with the depth');
  t.regex(lines[1], /^prog\.dive {2}\S+ \S+ {2}OK {2}\[call \d+\]$/);
  t.regex(lines[2], /^└─ prog\.dive /);
  t.regex(lines[3000], /^ {45}└─ \(depth 2999\) prog\.dive /);

  const json = observatory('tree', String(root.id), '--json', '--db', prog.dbPath);
  t.is(json.status, 0, json.stderr);
  t.true(json.stdout.length < 3000 * 600, 'each call costs a line of its own fields');
  let node = JSON.parse(json.stdout)[0];
  let depth = 0;
  while (node.children.length === 1) {
    t.is(node.depth, depth);
    node = node.children[0];
    depth++;
  }
  t.is(depth, 2999);
  t.deepEqual(node.children, []);
});

test('the source view reads real paths and refuses a symlink out of the root', async t => {
  const outside = scratchDir('outside');
  fs.writeFileSync(path.join(outside, 'secret.ts'), 'const secret = "do not serve";\n');
  const prog = program(`
const handles = ['etclink/secret.ts', 'inner/prog.js', 'prog.js'].map(file =>
  __observatory.register(2, meta(file, { file, line: 1 })));
for (const handle of handles) { const call = __observatory.enter(handle, []); __observatory.exit(call, 1); __observatory.done(call); }
`);
  t.is((await run(prog)).status, 0);
  fs.symlinkSync(outside, path.join(prog.dir, 'etclink'));
  fs.symlinkSync(prog.dir, path.join(prog.dir, 'inner'));
  const { server, url } = await startDashboard(prog.dbPath, prog.dir);
  servers.push(server);
  const source = async file => {
    const [call] = query(
      prog.dbPath,
      'SELECT c.id FROM calls c JOIN functions f ON f.id = c.function_id WHERE f.file = ?',
      file,
    );
    return (await (await fetch(`${url}api/calls/${call.id}`)).json()).source;
  };
  t.deepEqual(await source('etclink/secret.ts'), {
    available: false,
    file: 'etclink/secret.ts',
    reason: 'outside the source root',
  });
  const inner = await source('inner/prog.js');
  t.true(inner.available, 'a symlink that stays inside the root is followed');
  t.is(inner.lines[0], "'use strict';");
  t.true((await source('prog.js')).available);
});

test('the dashboard wraps a 3,000-character token inside its cell and shows bidi controls as escapes', async t => {
  const { dbPath, dir } = await hostileDatabase();
  const { server, url } = await startDashboard(dbPath, dir);
  servers.push(server);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const [call] = query(dbPath, 'SELECT id FROM calls');
  for (const [hash, ready] of [
    ['#/calls', '#calls-table tr.err'],
    [`#/call/${call.id}`, '#call-error'],
    // The charts are drawn after the table, from a request of their own.
    ['#/functions', '#latency-chart svg'],
  ]) {
    await page.goto(url + hash);
    await page.locator(ready).first().waitFor();
    const layout = await page.evaluate(() => ({
      width: document.documentElement.scrollWidth,
      text: document.body.innerText,
    }));
    t.true(layout.width <= 1440, `${hash} is ${layout.width} px wide`);
    t.false(CONTROL.test(layout.text.replace(/\t/g, '')), `${hash} shows no raw control character`);
  }
  await page.goto(`${url}#/calls`);
  const error = await page.locator('#calls-table tr.err .error-text').textContent();
  t.true(
    error.startsWith('\\x1b[31mBoom: \\x1b]0;owned\\x07\\x1b[2J\\r\nfake line \\x9b31m \\u202edesrever xxx'),
    error.slice(0, 80),
  );
  const box = await page.locator('#calls-table tr.err .error-text').boundingBox();
  // Unwrapped, the 3,000 characters would make a line about 21,000 px wide.
  t.true(box.width < 1000 && box.height > 200, `the error wraps within its column (${box.width} × ${box.height} px)`);
});
