// Errors as issues: failures grouped by the function they began in, their type and message shape, with counts,
// first and last seen, the path up through monitored callers and the latest inputs; in the command line, the
// API and the dashboard, on two recordings of test/programs/shop. Expected groups are worked out from the rows.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { scratchDir } from './helpers/compile.mjs';
import { observatoryOn, recordShop, shopDir as shop } from './helpers/shop.mjs';
import { startDashboard } from './helpers/serve.mjs';
import { query } from './runtime-harness.mjs';

const screenshots = scratchDir('screenshots');
let dbPath;
let calls;
let expected;

test.before(() => {
  ({ dbPath, calls } = recordShop('errors', 2));
  // Origins: failed calls with no failed child of the same error. Their groups: function, type, message shape.
  const byId = new Map(calls.map(call => [call.id, call]));
  const parents = new Map(query(dbPath, 'SELECT id, parent FROM calls').map(row => [row.id, row.parent]));
  const passedOn = new Set(
    calls
      .filter(call => call.status === 'ERR')
      .map(call => parents.get(call.id))
      .filter(
        parent =>
          parent !== null &&
          byId.get(parent).error === calls.find(c => parents.get(c.id) === parent && c.status === 'ERR').error,
      ),
  );
  const origins = calls.filter(call => call.status === 'ERR' && !passedOn.has(call.id));
  const groups = new Map();
  for (const call of origins) {
    const key = `${call.group}.${call.fn} ${call.error.replace(/\d+/g, '<n>')}`;
    groups.set(key, [...(groups.get(key) ?? []), call]);
  }
  expected = [...groups.values()];
});

const observatory = (...args) => observatoryOn(dbPath, ...args);

test('errors groups failures by origin, type and message shape; an error passed up its callers counts once, with its path', t => {
  t.is(
    calls.filter(call => call.status === 'ERR').length,
    8,
    'each run: two errors, each failing its function and placeOrder',
  );
  t.is(expected.length, 2);
  t.true(
    expected.every(group => group.length === 2),
    'one of each per run',
  );
  const result = observatory('errors', '--json');
  t.is(result.status, 0, result.stderr);
  const { groups, truncated } = JSON.parse(result.stdout);
  t.false(truncated);
  t.deepEqual(
    groups.map(g => [g.process, g.errorType, g.messageShape, g.count, g.latest.path, g.latestInputs]).sort(),
    [
      [
        'src/inventory.reserve',
        'OutOfStockError',
        'not enough SKU-<n>: wanted <n>',
        2,
        ['src/inventory.reserve', 'src/orders.placeOrder'],
        'sku="SKU-7777", qty=1',
      ],
      [
        'src/payments.charge',
        'PaymentDeclinedError',
        'payment of <n> declined',
        2,
        ['src/payments.charge', 'src/orders.placeOrder'],
        'userId=44, amount=1240',
      ],
    ],
  );
  for (const group of groups) {
    const members = expected.find(list => `${list[0].group}.${list[0].fn}` === group.process);
    const starts = new Map(
      query(dbPath, 'SELECT id, start_us AS startUs FROM calls').map(row => [row.id, row.startUs]),
    );
    t.deepEqual(group.sampleCallIds, members.map(call => call.id).reverse());
    t.is(group.latest.callId, members.at(-1).id);
    t.is(group.firstSeenUs, starts.get(members[0].id));
    t.is(group.lastSeenUs, starts.get(members.at(-1).id));
  }
  const text = observatory('errors');
  t.regex(
    text.stdout,
    /^2 errors: PaymentDeclinedError in src\/payments\.charge {2}\(first .+, last .+ UTC\)\n {2}payment of <n> declined\n {2}latest: payment of 1240 declined {2}\[call \d+\]\n {4}fields: amount=1240, code="card_declined"\n {2}path: src\/payments\.charge → src\/orders\.placeOrder\n {2}inputs: userId=44, amount=1240\n$/m,
  );
  t.is(observatory('errors', '--fn', 'placeOrder').stdout, 'No errors recorded.\n', 'placeOrder only passed errors on');
  t.is(observatory('errors', '--limit', '1').stdout.split('\n').at(-2), '1 more group (--limit).');
});

test('the Errors page lists the groups with counts, path and latest inputs, linking to the calls', async t => {
  const dashboard = await startDashboard(dbPath, shop);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = [];
    page.on('pageerror', error => errors.push(error.message));
    await page.goto(`${dashboard.url}#/errors`);
    await page.locator('#errors-table tr.error-group').first().waitFor();
    const rows = await page
      .locator('#errors-table tr.error-group')
      .evaluateAll(trs => trs.map(tr => [...tr.children].map(td => td.innerText)));
    t.is(rows.length, 2);
    const declined = rows.find(row => row[2] === 'src/payments.charge');
    t.is(declined[0], '2');
    t.is(
      declined[1],
      'PaymentDeclinedError: payment of <n> declined\nlatest: payment of 1240 declined\npath: src/payments.charge → src/orders.placeOrder\nfields: amount=1240, code="card_declined"',
    );
    t.is(declined[5], 'userId=44, amount=1240');
    await page.screenshot({ path: path.join(screenshots, 'errors.png'), fullPage: true });
    await page.locator('#errors-table tr[data-process="src/payments.charge"] td.proc a').click();
    await page.waitForFunction(() => location.hash.startsWith('#/calls?') && location.hash.includes('status=ERR'));
    await page.locator('#calls-table tr.call-row').first().waitFor();
    t.is(await page.locator('#calls-table tr.call-row').count(), 2);
    const failedCharge = calls.find(call => call.fn === 'charge' && call.status === 'ERR');
    await page.goto(`${dashboard.url}#/call/${failedCharge.id}`);
    await page.locator('#source div.threw').waitFor();
    t.is(await page.locator('#call-error .msg').textContent(), 'PaymentDeclinedError: payment of 1240 declined');
    const stack = await page.locator('#call-error pre').textContent();
    t.regex(
      stack,
      /^ {4}at charge \(.*payments\.ts:\d+:\d+\)\n/,
      'the headline is not repeated as the first stack line',
    );
    t.regex(
      await page.locator('#source div.threw').innerText(),
      /^\d+\s*if \(amount > 1000\) throw new PaymentDeclinedError\(amount\);$/,
    );
    // Highlighted by TypeScript's scanner: keywords, numbers, the doc comment.
    t.deepEqual(await page.locator('#source div.threw .t-keyword').allTextContents(), ['if', 'throw', 'new']);
    t.deepEqual(await page.locator('#source div.threw .t-number').allTextContents(), ['1000']);
    t.is(await page.locator('#source div').first().locator('.t-comment').textContent(), '/** @monitor */');
    await page.screenshot({ path: path.join(screenshots, 'call-failed-source.png'), fullPage: true });
    t.deepEqual(errors, []);
  } finally {
    await browser.close();
    dashboard.server.kill('SIGTERM');
  }
});

test('the source view shows the whole function, found by the TypeScript parser, and marks the line that threw', async t => {
  const dashboard = await startDashboard(dbPath, shop);
  try {
    const detail = async call => (await (await fetch(`${dashboard.url}api/calls/${call.id}`)).json()).source;
    const lines = file => fs.readFileSync(path.join(shop, file), 'utf8').split('\n');
    const shipping = await detail(calls.find(call => call.fn === 'shippingFor'));
    const orders = lines('src/orders.ts');
    const signature = orders.findIndex(line => line.startsWith('export function shippingFor({')) + 1;
    t.is(shipping.functionLine, signature);
    t.deepEqual(
      shipping.lines,
      orders.slice(signature - 2, signature + 3),
      'from the tag to the closing brace, past the `}` of its parameter type',
    );
    t.is(shipping.lines.at(-1), '}');
    t.is(shipping.thrownLine, null);

    const declined = await detail(calls.find(call => call.fn === 'charge' && call.status === 'ERR'));
    const payments = lines('src/payments.ts');
    t.is(declined.thrownLine, payments.findIndex(line => line.includes('throw new PaymentDeclinedError')) + 1);
    t.is(declined.lines.at(-1), '}');
    t.deepEqual(
      declined.tokens.map(tokens => tokens.map(([, text]) => text).join('')),
      declined.lines,
      'the highlighted tokens are the lines, nothing lost or added',
    );
    const reserve = await detail(calls.find(call => call.fn === 'reserve' && call.status === 'ERR'));
    t.is(
      reserve.thrownLine,
      lines('src/inventory.ts').findIndex(line => line.includes('throw new OutOfStockError')) + 1,
    );
  } finally {
    dashboard.server.kill('SIGTERM');
  }
});

test('source highlighting keeps every character and tells keywords, strings, templates, numbers, comments and regular expressions apart', async t => {
  const { highlightSource } = await import('../dist/viewer/source-highlight.js');
  for (const file of fs.readdirSync(path.join(shop, 'src'))) {
    const lines = fs.readFileSync(path.join(shop, 'src', file), 'utf8').split('\n');
    t.deepEqual(
      highlightSource(lines).map(tokens => tokens.map(([, text]) => text).join('')),
      lines,
      file,
    );
  }
  const kinds = line => highlightSource([line])[0].filter(([kind]) => kind !== '');
  t.deepEqual(kinds('const m = `not enough ${sku}: wanted ${wanted}`; // why'), [
    ['keyword', 'const'],
    ['string', '`not enough ${'],
    ['string', '}: wanted ${'],
    ['string', '}`'],
    ['comment', '// why'],
  ]);
  t.deepEqual(kinds('const half = a / 2, sku = /^SKU-\\d+$/i.test(s) ? 0x1f : 2n;'), [
    ['keyword', 'const'],
    ['number', '2'],
    ['regexp', '/^SKU-\\d+$/i'],
    ['number', '0x1f'],
    ['number', '2n'],
  ]);
  t.deepEqual(highlightSource(['/** a', ' * b */']), [[['comment', '/** a']], [['comment', ' * b */']]]);
});

test('the report has the top error groups with their inputs and the slowest calls with their arguments', t => {
  const file = path.join(path.dirname(dbPath), 'report.html');
  const result = observatory('report', '-o', file);
  t.is(result.status, 0, result.stderr);
  const html = fs.readFileSync(file, 'utf8');
  const table = id => {
    const body = new RegExp(`<table id="${id}">[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(html)[1];
    return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map(row =>
      [...row[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map(cell => cell[1]),
    );
  };
  const errors = table('errors');
  t.deepEqual(errors.map(row => row.slice(0, 3)).sort(), [
    [
      '2',
      '<b>OutOfStockError</b>: not enough SKU-&lt;n&gt;: wanted &lt;n&gt;<br>path: src/inventory.reserve → src/orders.placeOrder<br>fields: sku=&quot;SKU-7777&quot;, wanted=1',
      'sku=&quot;SKU-7777&quot;, qty=1',
    ],
    [
      '2',
      '<b>PaymentDeclinedError</b>: payment of &lt;n&gt; declined<br>path: src/payments.charge → src/orders.placeOrder<br>fields: amount=1240, code=&quot;card_declined&quot;',
      'userId=44, amount=1240',
    ],
  ]);
  const slowest = table('slowest');
  const byDuration = query(dbPath, 'SELECT id FROM calls ORDER BY duration_ns DESC, id DESC LIMIT 10').map(row =>
    String(row.id),
  );
  t.deepEqual(
    slowest.map(row => row[4]),
    byDuration,
  );
  const placed = slowest.find(row =>
    row[1].startsWith('src/orders.placeOrder(userId=44, items=[{&quot;sku&quot;:&quot;SKU-3300&quot;'),
  );
  t.truthy(placed, 'a declined order is among the slowest');
  t.is(placed[2], '✗ PaymentDeclinedError: payment of 1240 declined');
});
