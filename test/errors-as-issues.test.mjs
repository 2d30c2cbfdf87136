// Errors as issues on test/programs/billing, compiled through ts-patch and run: each failure keeps its error's
// fields and cause chain (calls.error_detail), failures tagged expected= are stored as expected along the whole
// path the error took, and stats, errors, the API and the report count expected failures apart from errors.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { repoRoot, scratchDir } from './helpers/compile.mjs';
import { recordProject } from './helpers/pipeline.mjs';
import { databaseAtVersion } from './helpers/schema-version.mjs';
import { startDashboard } from './helpers/serve.mjs';
import { observatoryOn } from './helpers/shop.mjs';
import { query } from './runtime-harness.mjs';

const { migrate, SCHEMA_VERSION } = createRequire(import.meta.url)('../dist/runtime/schema.js');
const billing = path.join(repoRoot, 'test', 'programs', 'billing');
let dbPath;
let failures;

test.before(() => {
  dbPath = path.join(scratchDir('billing'), 'traces.db');
  recordProject(billing, dbPath);
  failures = query(
    dbPath,
    `SELECT c.id, c.parent, f.name AS fn, c.error_type AS type, c.error_message AS message,
            c.error_detail AS detail, c.error_expected AS expected
       FROM calls c JOIN functions f ON f.id = c.function_id WHERE c.status = 'ERR' ORDER BY c.id`,
  ).map(row => ({ ...row, detail: row.detail === null ? null : JSON.parse(row.detail) }));
});

const observatory = (...args) => observatoryOn(dbPath, ...args);

const withoutStacks = form =>
  Array.isArray(form)
    ? form.map(withoutStacks)
    : form && typeof form === 'object'
      ? Object.fromEntries(
          Object.entries(form)
            .filter(([key]) => key !== 'stack')
            .map(([k, v]) => [k, withoutStacks(v)]),
        )
      : form;

test("each failure keeps its error's own fields and its cause chain, secrets redacted", t => {
  const gateway = failures.find(row => row.fn === 'authorize' && row.type === 'GatewayError');
  t.deepEqual(withoutStacks(gateway.detail), {
    cause: { $type: 'Error', name: 'Error', message: 'socket hang up', fields: { code: 'ECONNRESET' } },
    fields: { status: 502, apiKey: { $type: 'redacted' } },
  });
  const wrapped = failures.find(row => row.fn === 'charge' && row.type === 'PaymentFailedError');
  t.deepEqual(wrapped.detail.fields, { userId: 13 });
  t.deepEqual(withoutStacks(wrapped.detail.cause), {
    $type: 'Error',
    class: 'GatewayError',
    name: 'GatewayError',
    ...withoutStacks(gateway.detail),
    message: 'gateway answered 502',
  });
  t.regex(wrapped.detail.cause.stack, /^GatewayError: gateway answered 502\n\s+at authorize /);
  const declined = failures.find(row => row.fn === 'authorize' && row.type === 'CardDeclinedError');
  t.deepEqual(declined.detail, { fields: { amount: 1500, code: 'insufficient_funds' } });
  const aggregate = failures.find(row => row.fn === 'refundAll');
  t.deepEqual(
    aggregate.detail.errors.map(error => [error.class, error.message, error.cause.fields.code]),
    [
      ['GatewayError', 'gateway answered 502', 'ECONNRESET'],
      ['GatewayError', 'gateway answered 502', 'ECONNRESET'],
    ],
  );
});

test('a failure tagged expected= is expected along the whole path of its error, and only there', t => {
  const declined = failures.filter(row => row.type === 'CardDeclinedError');
  t.deepEqual(declined.map(row => row.fn).sort(), [
    'authorize',
    'authorize',
    'charge',
    'charge',
    'checkout',
    'checkout',
  ]);
  t.true(
    declined.every(row => row.expected === 1),
    'charge expects it: it began in authorize, below, and passed up through checkout, above',
  );
  t.true(
    failures.filter(row => row.type !== 'CardDeclinedError').every(row => row.expected === 0),
    'charge wraps a gateway failure in an error it does not expect',
  );
});

test('errors lists unexpected groups first, each with its fields, cause chain and path; expected ones last, marked', t => {
  const result = observatory('errors', '--json');
  t.is(result.status, 0, result.stderr);
  const { groups } = JSON.parse(result.stdout);
  t.deepEqual(
    groups.map(group => [group.process, group.errorType, group.expected, group.count, group.latest.path]),
    [
      ['src/gateway.authorize', 'GatewayError', false, 3, ['src/gateway.authorize']],
      ['src/payments.refundAll', 'AggregateError', false, 1, ['src/payments.refundAll']],
      ['src/payments.charge', 'PaymentFailedError', false, 1, ['src/payments.charge', 'src/orders.checkout']],
      [
        'src/gateway.authorize',
        'CardDeclinedError',
        true,
        2,
        ['src/gateway.authorize', 'src/payments.charge', 'src/orders.checkout'],
      ],
    ],
  );
  const wrapped = groups.find(group => group.errorType === 'PaymentFailedError');
  t.deepEqual(wrapped.latest.errorDetail, failures.find(row => row.id === wrapped.latest.callId).detail);
  const text = observatory('errors').stdout;
  t.regex(
    text,
    /^1 error: PaymentFailedError in src\/payments\.charge {2}\(first .+ UTC\)\n {2}payment for user <n> failed\n {2}latest: payment for user 13 failed {2}\[call \d+\]\n {4}fields: userId=13\n {4}caused by GatewayError: gateway answered 502\n {6}fields: status=502, apiKey=\[redacted\]\n {6}caused by Error: socket hang up\n {8}fields: code="ECONNRESET"\n {2}path: src\/payments\.charge → src\/orders\.checkout\n {2}inputs: userId=13, amount=40\n$/m,
  );
  t.regex(text, /^2 expected errors: CardDeclinedError in src\/gateway\.authorize /m);
  t.regex(text, /^ {4}error 2 of 2: GatewayError: gateway answered 502$/m);
  const each = observatory('errors', '--each', '--fn', 'checkout').stdout;
  t.regex(
    each,
    /^ {2}CardDeclinedError: card declined for 2400 {2}\(expected\)\n {4}fields: amount=2400, code="insufficient_funds"\n/m,
  );
  const named = JSON.parse(observatory('errors', '--json', '--expected', 'GatewayError,AggregateError').stdout);
  t.deepEqual(
    named.groups.map(group => [group.errorType, group.expected]),
    [
      ['PaymentFailedError', false],
      ['GatewayError', true],
      ['CardDeclinedError', true],
      ['AggregateError', true],
    ],
  );
  const bad = observatory('errors', '--expected', 'Card Declined');
  t.is(bad.status, 2);
  t.regex(bad.stderr, /expected must be a comma-separated list of error class names/);
});

test('stats count expected failures apart: they are not errors and do not raise the error rate', t => {
  const stats = JSON.parse(observatory('stats', '--json').stdout);
  for (const fn of ['authorize', 'charge', 'checkout', 'refundAll']) {
    const row = stats.find(s => s.process.endsWith(`.${fn}`));
    const mine = failures.filter(failure => failure.fn === fn);
    t.is(row.errors, mine.filter(failure => !failure.expected).length, fn);
    t.is(row.expected, mine.filter(failure => failure.expected).length, fn);
    t.is(row.errorRate, row.errors / row.calls, fn);
  }
  t.is(stats.find(s => s.process === 'src/payments.charge').errors, 1, 'a declined card is not an error of charge');
  const table = observatory('stats').stdout;
  t.regex(table, /^Function +\| Calls \| Dropped \| Errors \| Error rate \| Expected \| p50/);
  t.regex(table, /^src\/payments\.charge +\| 5 +\| 0 +\| 1 +\| 20\.0% +\| 2 +\|/m);
  const everything = JSON.parse(
    observatory('stats', '--json', '--expected', 'GatewayError,PaymentFailedError,AggregateError').stdout,
  );
  t.true(everything.every(s => s.errors === 0 && s.errorRate === 0));
  t.is(
    everything.reduce((sum, s) => sum + s.expected, 0),
    failures.length,
  );
});

test('the API and the charts count expected failures apart, and the report marks expected groups', async t => {
  const dashboard = await startDashboard(dbPath, billing);
  try {
    const get = async url => (await fetch(`${dashboard.url}api/${url}`)).json();
    const series = await get('timeseries?fn=charge&buckets=4');
    const sum = (buckets, key) => buckets.reduce((total, bucket) => total + bucket[key], 0);
    t.is(sum(series.buckets, 'errors'), failures.filter(row => !row.expected).length);
    t.is(sum(series.buckets, 'expected'), failures.filter(row => row.expected).length);
    t.is(sum(series.latency, 'errors'), 1);
    t.is(sum(series.latency, 'expected'), 2);
    const named = await get('timeseries?buckets=4&expected=GatewayError,PaymentFailedError,AggregateError');
    t.is(sum(named.buckets, 'errors'), 0);
    const stats = await get('stats?expected=PaymentFailedError');
    t.is(stats.stats.find(s => s.process === 'src/payments.charge').errors, 0);
    const errors = await get('errors');
    t.deepEqual(
      errors.groups.map(group => group.expected),
      [false, false, false, true],
    );
    const wrapped = failures.find(row => row.type === 'PaymentFailedError' && row.fn === 'charge');
    const detail = await get(`calls/${wrapped.id}`);
    t.deepEqual(detail.call.errorDetail, wrapped.detail);
    t.is(detail.call.errorExpected, 0);
    const list = await get('calls?status=ERR');
    t.false('errorDetail' in list.calls[0], 'lists leave the detail to the call page');
    t.is((await fetch(`${dashboard.url}api/stats?expected=a-b`)).status, 400);
  } finally {
    dashboard.server.kill('SIGTERM');
  }
  const file = path.join(path.dirname(dbPath), 'report.html');
  t.is(observatory('report', '-o', file).status, 0);
  const html = fs.readFileSync(file, 'utf8');
  t.regex(html, /<tr class="expected"><td>2 expected<\/td><td class="text"><b>CardDeclinedError<\/b>/);
  t.regex(
    html,
    /path: src\/payments\.charge → src\/orders\.checkout<br>fields: userId=13<br>caused by GatewayError: gateway answered 502<br>/,
  );
  t.regex(html, /<div><b>6<\/b>expected errors<\/div>/);
});

test('a version 4 file is upgraded in place: its failures keep their rows, with no detail and not expected', t => {
  const db = databaseAtVersion(t, 4);
  db.exec(`
    INSERT INTO functions VALUES (1, 'g', 'f', 'a.ts', 1, 1, 'function', '[]', '[]', 'void', 'void', 5);
    INSERT INTO processes VALUES (1, '${'a'.repeat(32)}', 10, 0, 5, '[]', 0, 0, 5);
    INSERT INTO calls (id, function_id, trace, parent, depth, start_us, duration_ns, status, error_type, error_message,
                       error_stack, inputs, outputs)
      VALUES (${2 ** 32 + 1}, 1, ${2 ** 32 + 1}, NULL, 0, 100, 5, 'ERR', 'Error', 'boom', 'Error: boom', '[]', NULL);
  `);
  const before = db.prepare('SELECT * FROM calls').all();
  migrate(db);
  t.is(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  t.deepEqual(
    db.prepare('SELECT * FROM calls').all(),
    before.map(row => ({ ...row, error_detail: null, error_expected: 0 })),
  );
  t.truthy(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'calls_failed'").get());
  // The same columns, in the same order, as a file made at this version.
  const fresh = new Database(':memory:');
  migrate(fresh);
  const columns = handle => handle.prepare('PRAGMA table_info(calls)').all();
  t.deepEqual(columns(db), columns(fresh));
  fresh.close();
});

test("the dashboard shows each group's fields and cause chain, expected groups last and marked, and a failed call's chain", async t => {
  const dashboard = await startDashboard(dbPath, billing);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const pageErrors = [];
    page.on('pageerror', error => pageErrors.push(error.message));
    await page.goto(`${dashboard.url}#/errors`);
    await page.locator('#errors-table tr.error-group').first().waitFor();
    const groups = await page.locator('#errors-table tr.error-group').evaluateAll(rows =>
      rows.map(row => ({
        type: row.dataset.type,
        expected: row.classList.contains('expected'),
        count: row.children[0].innerText,
        detail: row.querySelector('div.error-detail')?.textContent ?? null,
      })),
    );
    t.deepEqual(
      groups.map(group => [group.type, group.expected]),
      [
        ['GatewayError', false],
        ['AggregateError', false],
        ['PaymentFailedError', false],
        ['CardDeclinedError', true],
      ],
    );
    t.regex(groups[3].count, /^2\s*expected$/);
    t.is(
      groups[2].detail,
      'fields: userId=13\ncaused by GatewayError: gateway answered 502\n  fields: status=502, apiKey=[redacted]\n' +
        '  caused by Error: socket hang up\n    fields: code="ECONNRESET"',
    );
    await page.screenshot({ path: path.join(scratchDir('screenshots'), 'errors-detail.png'), fullPage: true });
    // The reader's own list: gateway failures counted as expected too, kept in the address.
    await page.locator('#errors-expected').fill('GatewayError');
    await page.locator('#errors-expected').press('Enter');
    await page.waitForFunction(() => location.hash.includes('expected=GatewayError'));
    await page.waitForFunction(() =>
      document.querySelector('#errors-table tr.error-group[data-type="GatewayError"]')?.classList.contains('expected'),
    );
    t.is(await page.locator('#errors-table tr.error-group').first().getAttribute('data-type'), 'AggregateError');

    const wrapped = failures.find(row => row.type === 'PaymentFailedError' && row.fn === 'checkout');
    await page.goto(`${dashboard.url}#/call/${wrapped.id}`);
    await page.locator('#call-error-detail').waitFor();
    t.is(await page.locator('#call-error .msg').innerText(), 'PaymentFailedError: payment for user 13 failed');
    t.is(await page.locator('#call-error-detail').textContent(), groups[2].detail);
    const declined = failures.find(row => row.type === 'CardDeclinedError' && row.fn === 'checkout');
    await page.goto(`${dashboard.url}#/call/${declined.id}`);
    await page.locator('#call-error .badge.expected').waitFor();
    t.regex(await page.locator('#call-error-detail').textContent(), /^fields: amount=\d+, code="insufficient_funds"$/);
    await page.screenshot({ path: path.join(scratchDir('screenshots'), 'call-expected-error.png'), fullPage: true });
    t.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    dashboard.server.kill('SIGTERM');
  }
});
