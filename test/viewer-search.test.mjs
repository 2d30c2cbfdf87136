// Finding calls: search by value (`--value`, `--where`), duration filters and the slowest-first order, in the
// command line, the API and the dashboard, on a recording of test/programs/shop (three services, interleaved
// requests, two kinds of failure). Expected answers are worked out from the rows, read apart.
import test from 'ava';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { scratchDir } from './helpers/compile.mjs';
import { redrawn } from './helpers/dashboard-page.mjs';
import { observatoryOn, recordShop, shopDir as shop } from './helpers/shop.mjs';
import { startDashboard } from './helpers/serve.mjs';
import { query } from './runtime-harness.mjs';

const screenshots = scratchDir('screenshots');
let dbPath;
let calls;
let durationsNs;
let dashboard;
let browser;

test.before(async () => {
  // Two runs, so that every variable has values from more than one request.
  ({ dbPath, calls } = recordShop('search', 2));
  durationsNs = new Map(query(dbPath, 'SELECT id, duration_ns AS ns FROM calls').map(row => [row.id, row.ns]));
  dashboard = await startDashboard(dbPath, shop);
});

test.after.always(async () => {
  await browser?.close();
  dashboard?.server.kill('SIGTERM');
});

/** A 1440×900 tab of Debian's Chromium, started once for the file's browser tests. */
async function newPage() {
  browser ??= await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  return browser.newPage({ viewport: { width: 1440, height: 900 } });
}

const observatory = (...args) => observatoryOn(dbPath, ...args);

/** The ids of the calls `calls --json ...args` lists, in its order (each call once). */
function listed(...args) {
  const result = observatory('calls', '--json', '--limit', '1000', ...args);
  if (result.status !== 0) throw new Error(result.stderr);
  return [...new Set(JSON.parse(result.stdout).map(row => row.callId))];
}

/** Ids of the calls that `match`, newest first as the lists order them. */
function expected(match) {
  return calls
    .filter(match)
    .reverse()
    .map(call => call.id);
}

const has = (call, name, test) => call.values.some(([valueName, , , value]) => valueName === name && test(value));
/** A call's inputs as the trace timeline's Arguments column writes them, before it shortens them. */
const argsOf = call =>
  call.values
    .filter(([, direction]) => direction === 'INPUT')
    .map(([name, , , value]) => `${name}=${JSON.stringify(value)}`)
    .join(', ');
const anyValueContains = (call, text) =>
  call.values.some(([, , , value]) => JSON.stringify(value).toLowerCase().includes(text.toLowerCase()));

test('calls --value finds the calls with the text anywhere in their inputs or outputs, in any case', t => {
  const want = expected(call => anyValueContains(call, 'SKU-1054'));
  t.deepEqual(
    new Set(calls.filter(call => want.includes(call.id)).map(call => call.fn)),
    new Set(['placeOrder', 'priceOf', 'reserve']),
  );
  t.deepEqual(listed('--value', 'SKU-1054'), want);
  t.deepEqual(listed('--value', 'sku-1054'), want);
  t.deepEqual(
    listed('--value', 'R-44-'),
    expected(call => anyValueContains(call, 'R-44-')),
  );
  t.deepEqual(listed('--value', '100%_\\'), [], 'LIKE wildcards in the text are literal');
  const none = observatory('calls', '--value', 'SKU-0000');
  t.is(none.stdout, 'No calls match.\n');
});

test('calls --where matches a named variable: equals, contains, a path into it, and several at once', t => {
  const user44 = expected(call => has(call, 'userId', value => value === 44));
  t.deepEqual(
    new Set(calls.filter(call => user44.includes(call.id)).map(call => call.fn)),
    new Set(['placeOrder', 'charge']),
  );
  t.deepEqual(listed('--where', 'userId=44'), user44);
  t.deepEqual(listed('--where', 'userId=4'), [], '= is equality, not a prefix');
  t.deepEqual(
    listed('--where', 'sku=SKU-7777'),
    expected(call => has(call, 'sku', value => value === 'SKU-7777')),
  );
  t.deepEqual(
    listed('--where', 'items~sku-1054'),
    expected(call => has(call, 'items', value => JSON.stringify(value).includes('SKU-1054'))),
  );
  t.deepEqual(
    listed('--where', 'items[0].sku=SKU-3300'),
    expected(call => has(call, 'items', value => value[0].sku === 'SKU-3300')),
  );
  t.deepEqual(
    listed('--where', 'receipt~R-62'),
    expected(call => has(call, 'receipt', value => value.startsWith('R-62'))),
  );
  const declined = listed('--where', 'userId=44', '--where', 'amount=1240');
  t.deepEqual(
    declined,
    expected(call => call.fn === 'charge' && call.status === 'ERR'),
  );
  t.is(declined.length, 2, 'one declined payment per run');
  t.deepEqual(
    listed('--fn', 'charge', '--where', 'userId=44'),
    expected(call => call.fn === 'charge' && has(call, 'userId', value => value === 44)),
  );
  t.deepEqual(
    listed('--where', 'result=1240'),
    expected(call => call.fn === 'priceOf' && has(call, 'result', value => value === 1240)),
  );
});

test('a --where that cannot match anything is a usage error, not an empty list', t => {
  const unknown = observatory('calls', '--where', 'customerId=44');
  t.is(unknown.status, 2);
  t.is(unknown.stderr, 'observatory: no function has a parameter or output named "customerId"\n');
  const elsewhere = observatory('calls', '--fn', 'reserve', '--where', 'userId=44');
  t.is(elsewhere.status, 2, 'reserve has no userId');
  const malformed = observatory('calls', '--where', '44');
  t.is(malformed.status, 2);
  t.regex(malformed.stderr, /^observatory: --where takes NAME=VALUE \(equals\) or NAME~TEXT \(contains\)/);
});

test('--min-duration, --max-duration and --sort duration narrow and order the calls', t => {
  const sorted = [...durationsNs.values()].sort((a, b) => a - b);
  const middleUs = Math.floor(sorted[Math.floor(sorted.length / 2)] / 1000);
  const slowest = [...calls]
    .sort((a, b) => durationsNs.get(b.id) - durationsNs.get(a.id) || b.id - a.id)
    .map(call => call.id);
  t.deepEqual(listed('--sort', 'duration'), slowest);
  t.deepEqual(
    listed('--min-duration', `${middleUs}us`),
    expected(call => durationsNs.get(call.id) >= middleUs * 1000),
  );
  t.deepEqual(
    listed('--max-duration', `${middleUs}us`),
    expected(call => durationsNs.get(call.id) <= middleUs * 1000),
  );
  t.deepEqual(
    listed('--fn', 'placeOrder', '--sort', 'duration', '--limit', '2'),
    slowest.filter(id => calls.find(call => call.id === id).fn === 'placeOrder').slice(0, 2),
  );
  const bad = observatory('calls', '--sort', 'size');
  t.is(bad.status, 2);
  t.is(bad.stderr, 'observatory: sort must be one of time, duration, not "size"\n');
  t.is(observatory('calls', '--min-duration', 'fast').status, 2);
});

test('the API searches and sorts the same way, and pages through the slowest calls by keyset', async t => {
  const get = async params => {
    const response = await fetch(`${dashboard.url}api/calls?${params}`);
    t.is(response.status, 200, params);
    return response.json();
  };
  const user44 = await get('where=userId%3D44&value=SKU-1054');
  t.deepEqual(
    user44.calls.map(call => call.id),
    expected(call => has(call, 'userId', value => value === 44) && anyValueContains(call, 'SKU-1054')),
  );
  t.deepEqual(user44.total, { count: user44.calls.length, capped: false });
  const twoTerms = await get('where=userId%3D44&where=amount%3D1240');
  t.is(twoTerms.calls.length, 2);

  const slowest = [...calls]
    .sort((a, b) => durationsNs.get(b.id) - durationsNs.get(a.id) || b.id - a.id)
    .map(call => call.id);
  const pages = [];
  for (let after = ''; ;) {
    const page = await get(`sort=duration&limit=3${after ? `&after=${after}` : ''}`);
    pages.push(...page.calls.map(call => call.id));
    if (!page.next) break;
    after = page.next;
  }
  t.deepEqual(pages, slowest);
  const bad = await fetch(`${dashboard.url}api/calls?where=nosuch%3D1`);
  t.is(bad.status, 400);
  t.deepEqual(await bad.json(), { error: 'no function has a parameter or output named "nosuch"' });
  const csv = await (await fetch(`${dashboard.url}api/calls.csv?value=SKU-7777`)).text();
  t.deepEqual(
    [
      ...new Set(
        csv
          .trim()
          .split('\r\n')
          .slice(1)
          .map(line => Number(line.split(',').at(-1))),
      ),
    ],
    expected(call => anyValueContains(call, 'SKU-7777')),
  );
});

test.serial(
  'the dashboard searches by value and by variable, and the p95, p99 and max cells open the calls behind them',
  async t => {
    const page = await newPage();
    const errors = [];
    page.on('pageerror', error => errors.push(error.message));
    const shownCalls = () =>
      page
        .locator('#calls-table tr.first')
        .evaluateAll(rows => [...new Set(rows.map(row => Number(row.dataset.call)))]);

    await page.goto(`${dashboard.url}#/calls`);
    await page.locator('#calls-table tr.first').first().waitFor();
    await page.fill('#filter-value', 'SKU-1054');
    await page.press('#filter-value', 'Enter');
    await page.waitForFunction(() => location.hash.includes('value=SKU-1054'));
    const want = expected(call => anyValueContains(call, 'SKU-1054'));
    await page.waitForFunction(
      count => document.querySelectorAll('#calls-table tr.first').length === count,
      want.length,
    );
    t.deepEqual(await shownCalls(), want);
    t.regex(await page.locator('#calls-summary').textContent(), new RegExp(`of ${want.length}$`));
    t.is(await page.locator('#export-csv').getAttribute('href'), '/api/calls.csv?value=SKU-1054');
    await page.screenshot({ path: path.join(screenshots, 'calls-search-value.png'), fullPage: true });

    await page.fill('#filter-value', '');
    await page.fill('#filter-where', 'userId=44');
    await page.press('#filter-where', 'Enter');
    const user44 = expected(call => has(call, 'userId', value => value === 44));
    await page.waitForFunction(
      count =>
        location.hash.includes('where=userId') && document.querySelectorAll('#calls-table tr.first').length === count,
      user44.length,
    );
    t.deepEqual(await shownCalls(), user44);

    await page.fill('#filter-where', 'nosuch=1');
    await page.press('#filter-where', 'Enter');
    await page.locator('.error-banner').waitFor();
    t.is(await page.locator('.error-banner').textContent(), 'no function has a parameter or output named "nosuch"');

    await page.goto(`${dashboard.url}#/functions`);
    const link = page.locator(
      '#stats-table tr[data-process="src/orders.placeOrder"] a.slow-calls[data-percentile="p95"]',
    );
    await link.waitFor();
    const stats = await (await fetch(`${dashboard.url}api/stats`)).json();
    const p95Us = stats.stats.find(s => s.process === 'src/orders.placeOrder').p95Us;
    await link.click();
    await page.waitForFunction(() => location.hash.startsWith('#/calls?') && location.hash.includes('sort=duration'));
    const slow = [...calls]
      .filter(call => call.fn === 'placeOrder' && durationsNs.get(call.id) >= Math.floor(p95Us) * 1000)
      .sort((a, b) => durationsNs.get(b.id) - durationsNs.get(a.id) || b.id - a.id)
      .map(call => call.id);
    t.true(slow.length >= 1);
    await page.waitForFunction(
      count => document.querySelectorAll('#calls-table tr.first').length === count,
      slow.length,
    );
    t.deepEqual(await shownCalls(), slow);
    t.is(await page.locator('#filter-sort').inputValue(), 'duration');
    t.is(await page.locator('#filter-min-duration').inputValue(), `${Math.floor(p95Us) / 1000}ms`);
    await page.screenshot({ path: path.join(screenshots, 'calls-slowest.png'), fullPage: true });
    t.deepEqual(errors, []);
  },
);

test('the jump API takes a call id, span id, trace id or function name, and says what it did not find', async t => {
  const declined = calls.find(call => call.fn === 'charge' && call.status === 'ERR');
  const jump = async q => {
    const response = await fetch(`${dashboard.url}api/jump?q=${encodeURIComponent(q)}`);
    return { status: response.status, body: await response.json() };
  };
  t.deepEqual(await jump(String(declined.id)), {
    status: 200,
    body: { kind: 'call', id: declined.id, href: `#/call/${declined.id}` },
  });
  t.deepEqual(await jump(` ${declined.spanId.toUpperCase()} `), {
    status: 200,
    body: { kind: 'call', id: declined.id, href: `#/call/${declined.id}` },
  });
  t.deepEqual(await jump(declined.traceId), {
    status: 200,
    body: { kind: 'trace', traceId: declined.traceId, href: `#/trace/${declined.traceId}` },
  });
  t.deepEqual(await jump('placeOrder'), {
    status: 200,
    body: { kind: 'function', name: 'placeOrder', href: '#/calls?fn=placeOrder' },
  });
  t.deepEqual(await jump('src/payments'), {
    status: 200,
    body: { kind: 'function', name: 'src/payments', href: '#/calls?fn=src%2Fpayments' },
  });
  t.deepEqual(await jump('remove'), {
    status: 200,
    body: { kind: 'function', name: 'remove', href: '#/calls?fn=remove' },
  });
  t.deepEqual(await jump('refund'), {
    status: 404,
    body: { error: 'no call, span, trace or function matches "refund"' },
  });
  t.deepEqual(await jump('99999999999'), {
    status: 404,
    body: { error: 'no call, span, trace or function matches "99999999999"' },
  });
  t.deepEqual(
    await jump(declined.traceId.replace(/^./, c => (c === 'f' ? '0' : 'f'))).then(r => r.status),
    404,
    'a trace id whose process half is wrong',
  );
  t.deepEqual(await jump('add'), {
    status: 400,
    body: { error: '"add" names 2 methods: src/cart.Cart.add, src/payments.Ledger.add; give one of them' },
  });
  const missing = await fetch(`${dashboard.url}api/calls/12345`);
  t.deepEqual(await missing.json(), { error: 'no call "12345" in this database' });
});

test.serial(
  'the jump box opens what it names, ids stay whole with a copy button, and a page for nothing says so',
  async t => {
    const page = await newPage();
    const errors = [];
    page.on('pageerror', error => errors.push(error.message));
    const declined = calls.find(call => call.fn === 'charge' && call.status === 'ERR');
    await page.goto(`${dashboard.url}#/calls`);
    await page.locator('#calls-table tr.first').first().waitFor();
    await page.waitForFunction(() => document.getElementById('last-updated').textContent.startsWith('Last updated'));

    await page.fill('#jump', declined.spanId);
    await page.press('#jump', 'Enter');
    await page.waitForFunction(id => location.hash === `#/call/${id}`, declined.id);
    await page.locator('#call-detail').waitFor();
    for (const [id, text] of [
      ['#fact-call-id', String(declined.id)],
      ['#fact-span-id', declined.spanId],
      ['#fact-trace-id', declined.traceId],
    ]) {
      const fact = page.locator(id);
      t.is(await fact.evaluate(node => node.firstChild.textContent), text);
      t.is(await fact.locator('button').textContent(), 'Copy');
      const lineHeight = await fact.evaluate(node => parseFloat(getComputedStyle(node).lineHeight) || 20);
      t.true((await fact.boundingBox()).height <= lineHeight * 1.5, `${id} is on one line`);
    }
    await page.screenshot({ path: path.join(screenshots, 'call-detail.png'), fullPage: true });

    await page.fill('#jump', 'charge');
    await page.press('#jump', 'Enter');
    await page.waitForFunction(() => location.hash === '#/calls?fn=charge');
    await page.locator('#calls-table tr.first').first().waitFor();
    await page.waitForFunction(() => document.getElementById('last-updated').textContent.startsWith('Last updated'));

    await page.fill('#jump', 'refund-everything');
    await page.press('#jump', 'Enter');
    await page.locator('#not-found').waitFor();
    t.is(
      await page.locator('#not-found').innerText(),
      'Not found\nno call, span, trace or function matches "refund-everything"',
    );
    t.is(await page.locator('#last-updated').textContent(), 'Not found', 'no stale "Last updated" from the calls page');
    t.is(await page.locator('#calls-table').count(), 0);

    // The page before was a Not found page too: wait for this one's own text.
    await page.goto(`${dashboard.url}#/call/12345`);
    await page.locator('#not-found', { hasText: 'no call "12345"' }).waitFor();
    t.regex(await page.locator('#not-found').innerText(), /no call "12345" in this database/);
    await page.screenshot({ path: path.join(screenshots, 'not-found.png'), fullPage: true });
    t.deepEqual(errors, []);
  },
);

test.serial(
  "one row per call: the call and its result on a line, marked by trace, with a single function's variables as columns",
  async t => {
    const page = await newPage();
    const errors = [];
    page.on('pageerror', error => errors.push(error.message));
    await page.goto(`${dashboard.url}#/calls?layout=calls`);
    await page.locator('#calls-table tr.call-row').first().waitFor();
    const rows = await page.locator('#calls-table tr.call-row').evaluateAll(trs =>
      trs.map(tr => ({
        id: Number(tr.dataset.call),
        mark: tr.querySelector('.trace-mark').textContent,
        colour: tr.querySelector('.trace-mark').style.background,
        trace: tr.dataset.trace,
        text: tr.innerText,
      })),
    );
    const newest = [...calls].reverse().slice(0, 50);
    t.deepEqual(
      rows.map(row => row.id),
      newest.map(call => call.id),
    );
    rows.forEach((row, index) => {
      t.is(row.trace, newest[index].traceId);
      t.is(row.mark, `…${newest[index].traceId.slice(-4)}`);
    });
    const colours = new Map(rows.map(row => [row.trace, row.colour]));
    t.true(
      rows.every(row => colours.get(row.trace) === row.colour),
      'one colour per trace',
    );
    t.true(new Set(colours.values()).size >= Math.min(colours.size, 4), 'traces tell apart by colour');
    const declined = rows.find(
      row => row.id === calls.find(call => call.fn === 'charge' && call.status === 'ERR' && newest.includes(call)).id,
    );
    t.regex(
      declined.text,
      /src\/payments\.charge\(userId=44, amount=1240\) → ✗ PaymentDeclinedError: payment of 1240 declined/,
    );
    const tableHeight = (await page.locator('#calls-table').boundingBox()).height;
    t.true(tableHeight / rows.length < 32, `${Math.round(tableHeight / rows.length)} px per call`);
    await page.screenshot({ path: path.join(screenshots, 'calls-one-row-per-call.png'), fullPage: true });

    // Only the address's hash changes, so goto returns before the page has drawn the new view.
    await redrawn(page, () => page.goto(`${dashboard.url}#/calls?layout=calls&fn=src%2Forders.placeOrder`));
    t.deepEqual(await page.locator('#calls-table th').allTextContents(), [
      'Time',
      'Trace',
      'userId',
      'items',
      '→ orderId',
      '→ total',
      'Duration',
      'Status',
    ]);
    const orders = await page
      .locator('#calls-table tr.call-row')
      .evaluateAll(trs => trs.map(tr => [...tr.children].map(td => td.innerText)));
    const placed = [...calls].reverse().filter(call => call.fn === 'placeOrder');
    t.is(orders.length, placed.length);
    orders.forEach((cells, index) => {
      const values = Object.fromEntries(placed[index].values.map(([name, , , value]) => [name, value]));
      t.is(cells[2], String(values.userId));
      if (placed[index].status === 'OK')
        t.deepEqual([cells[4], cells[5]], [String(values.orderId), String(values.total)]);
      else t.is(cells[4], `✗ ${placed[index].error}`);
    });
    await page.screenshot({ path: path.join(screenshots, 'calls-one-function-columns.png'), fullPage: true });
    await page.locator('#calls-table tr.call-row a.call-link').first().click();
    await page.waitForFunction(id => location.hash === `#/call/${id}`, placed[0].id);
    await page.locator('#inputs').waitFor();
    t.deepEqual(errors, []);
  },
);

test.serial(
  "the trace timeline names its root, summarises each call's arguments, shows self time, and opens a call in a side panel",
  async t => {
    const page = await newPage();
    const errors = [];
    page.on('pageerror', error => errors.push(error.message));
    const declined = calls.find(call => call.fn === 'charge' && call.status === 'ERR');
    const inTrace = calls.filter(call => call.traceId === declined.traceId);
    await page.goto(`${dashboard.url}#/trace/${declined.traceId}`);
    await page.locator('#trace-timeline .row').first().waitFor();
    t.is(await page.locator('#trace-root').textContent(), 'src/orders.placeOrder');
    const rows = await page.locator('#trace-timeline .row').evaluateAll(divs =>
      divs.map(div => ({
        id: Number(div.dataset.call),
        label: div.querySelector('.label').textContent,
        args: div.querySelector('.args').textContent,
        duration: div.querySelector('.dur:not(.self)').textContent,
        self: div.querySelector('.dur.self').textContent,
      })),
    );
    t.is(rows.length, inTrace.length);
    for (const row of rows) {
      const call = inTrace.find(c => c.id === row.id);
      t.is(row.args, argsOf(call).length > 120 ? `${argsOf(call).slice(0, 119)}…` : argsOf(call));
      // A call with no recorded children spent all its time in itself.
      if (!inTrace.some(c => c.parent === call.fn && c.depth === call.depth + 1))
        t.is(row.self, row.duration, row.label);
    }
    t.is(rows.find(row => row.id === declined.id).args, 'userId=44, amount=1240');

    await page.locator(`#trace-timeline .row[data-call="${declined.id}"]`).click();
    await page.locator('#span-panel .errorbox').waitFor();
    t.is(await page.locator('#span-panel .errorbox').textContent(), 'PaymentDeclinedError: payment of 1240 declined');
    t.deepEqual(await page.locator('#span-panel table td.mono').allTextContents(), ['userId', 'amount']);
    t.is(await page.evaluate(() => location.hash), `#/trace/${declined.traceId}`, 'the page stays');
    t.is(await page.locator(`#trace-timeline .row.current`).getAttribute('data-call'), String(declined.id));
    await page.screenshot({ path: path.join(screenshots, 'trace-side-panel.png'), fullPage: true });
    await page.locator('#span-open').click();
    await page.waitForFunction(id => location.hash === `#/call/${id}`, declined.id);
    t.deepEqual(errors, []);
  },
);

test.serial(
  'the trace timeline colours bars by group and class, collapses and expands subtrees, and finds calls in the trace',
  async t => {
    const page = await newPage();
    const errors = [];
    page.on('pageerror', error => errors.push(error.message));
    // The trace with the most calls among those that failed in charge: a root, its children, and an error.
    const traceIds = new Set(calls.filter(call => call.fn === 'charge' && call.status === 'ERR').map(c => c.traceId));
    const inTrace = [...traceIds]
      .map(traceId => calls.filter(call => call.traceId === traceId))
      .sort((a, b) => b.length - a.length)[0];
    const traceId = inTrace[0].traceId;
    const ownerOf = call =>
      call.fn.includes('.') ? `${call.group}.${call.fn.slice(0, call.fn.lastIndexOf('.'))}` : call.group;
    await page.goto(`${dashboard.url}#/trace/${traceId}`);
    await page.locator('#trace-timeline .row').first().waitFor();

    const bars = await page.locator('#trace-timeline .row').evaluateAll(divs =>
      divs.map(div => {
        const bar = div.querySelector('.bar');
        return {
          id: Number(div.dataset.call),
          owner: bar.dataset.owner,
          colour: getComputedStyle(bar).backgroundColor,
        };
      }),
    );
    t.is(bars.length, inTrace.length);
    const owners = [...new Set(bars.map(bar => bar.owner))];
    t.true(owners.length >= 3, owners.join(', '));
    const colourOf = new Map();
    for (const bar of bars) {
      const call = inTrace.find(c => c.id === bar.id);
      t.is(bar.owner, ownerOf(call));
      if (call.status === 'ERR') {
        t.is(bar.colour, 'rgb(185, 28, 28)', 'a failed call is red');
        continue;
      }
      if (colourOf.has(bar.owner)) t.is(bar.colour, colourOf.get(bar.owner), bar.owner);
      else colourOf.set(bar.owner, bar.colour);
    }
    t.is(new Set(colourOf.values()).size, colourOf.size, 'each group or class has a colour of its own');
    const legend = await page.locator('#trace-legend > span').allTextContents();
    t.deepEqual(
      legend,
      [...owners.filter(owner => colourOf.has(owner)), 'failed'],
      'the legend names the colours drawn, in their order',
    );
    // The time axis is labelled at round durations: 1, 2 or 5 times a power of ten, and its multiples.
    const ticks = await page.locator('#trace-timeline .axis .ticks span').allTextContents();
    t.is(ticks[0], '0');
    const micros = ticks.slice(1).map(tick => {
      const [, number, unit] = /^([\d.]+) (µs|ms|s)$/.exec(tick);
      return Number(number) * { µs: 1, ms: 1e3, s: 1e6 }[unit];
    });
    // About four steps of the trace's length, rounded up to 1, 2 or 5: a trace a little under twice a round
    // step (9.9 ms, steps of 5 ms) has one label past 0, so the recorded trace's length decides how many.
    t.true(micros.length >= 1, ticks.join(' '));
    const step = micros[0];
    t.true([1, 2, 5].includes(Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(3))), ticks.join(' '));
    micros.forEach((us, i) =>
      t.is(Number(us.toPrecision(6)), Number((step * (i + 1)).toPrecision(6)), ticks.join(' ')),
    );

    // The root hides everything below it, and says how much.
    const visible = () =>
      page.locator('#trace-timeline .row:visible').evaluateAll(divs => divs.map(d => Number(d.dataset.call)));
    const root = page.locator('#trace-timeline .row').first();
    await root.locator('.twisty').click();
    t.deepEqual(await visible(), [inTrace[0].id]);
    t.is(await root.locator('.hidden-count').textContent(), `+${inTrace.length - 1}`);
    t.is(await root.locator('.twisty').getAttribute('aria-expanded'), 'false');
    await root.locator('.twisty').click();
    t.is((await visible()).length, inTrace.length);
    t.is(await page.locator('#span-panel:visible').count(), 0, 'the twisty does not open the call');

    // Find marks the calls whose function, arguments or error contain the text, revealing them under a collapse.
    await page.locator('#trace-collapse-all').click();
    t.deepEqual(await visible(), [inTrace[0].id]);
    await page.locator('#trace-find').fill('CHARGE');
    const found = inTrace.filter(call =>
      `${call.group}.${call.fn}\n${argsOf(call)}\n${call.error ?? ''}`.toLowerCase().includes('charge'),
    );
    t.true(found.length >= 1);
    const marked = await page
      .locator('#trace-timeline .row.match')
      .evaluateAll(divs => divs.map(d => ({ id: Number(d.dataset.call), shown: !d.hidden })));
    t.deepEqual(
      marked,
      found.map(call => ({ id: call.id, shown: true })),
    );
    t.is(
      await page.locator('#trace-find-count').textContent(),
      found.length === 1 ? '1 call' : `${found.length} calls`,
    );
    t.is(await page.locator('#trace-timeline .row.dim').count(), (await visible()).length - found.length);
    await page.screenshot({ path: path.join(screenshots, 'trace-find.png'), fullPage: true });

    // Enter opens the next match in the side panel.
    await page.locator('#trace-find').press('Enter');
    await page.locator('#span-panel .detail-head').waitFor();
    t.is(await page.locator('#trace-timeline .row.current').getAttribute('data-call'), String(found[0].id));
    t.is(await page.locator('#span-panel .detail-head b').textContent(), `${found[0].group}.${found[0].fn}`);
    await page.locator('#trace-find').fill('');
    t.is(await page.locator('#trace-timeline .row.dim').count(), 0);
    await page.locator('#trace-expand-all').click();
    t.is((await visible()).length, inTrace.length);
    t.deepEqual(errors, []);
  },
);

test.serial('an answer that comes after the page has moved to another view changes nothing on the new one', async t => {
  const page = await newPage();
  // When the page has read the late answer and every step the page takes from it has run (they follow it in the
  // same task's microtasks), the next task sets lateAnswerRead.
  await page.addInitScript(() => {
    const fetchFirst = window.fetch;
    window.fetch = async (...args) => {
      const response = await fetchFirst(...args);
      if (String(args[0]).startsWith('/api/stats')) {
        const json = response.json.bind(response);
        response.json = () => json().finally(() => setTimeout(() => (window.lateAnswerRead = true)));
      }
      return response;
    };
  });
  // The Functions page's statistics are held until the page shows Errors, then refused.
  let answer;
  const held = new Promise(resolve => (answer = resolve));
  await page.route('**/api/stats*', async route => {
    await held;
    await route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"the late answer"}' });
  });
  await Promise.all([page.waitForRequest('**/api/stats*'), page.goto(`${dashboard.url}#/functions`)]);
  await redrawn(page, () => page.goto(`${dashboard.url}#/errors`));
  answer();
  await page.waitForFunction(() => window.lateAnswerRead);
  t.is(await page.locator('.error-banner').count(), 0);
  t.regex(await page.locator('#last-updated').textContent(), /^Last updated /);
  t.is(await page.locator('#errors-table').count(), 1);
  await page.close();
});

test.serial('recorded times say their zone, and the UTC switch shows them in UTC instead of local time', async t => {
  await newPage();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'Asia/Kolkata' });
  const newest = calls.at(-1);
  const [{ startUs }] = query(dbPath, 'SELECT start_us AS startUs FROM calls WHERE id = ?', newest.id);
  const utc = new Date(Math.floor(startUs / 1000)).toISOString().replace('T', ' ').replace('Z', '');
  const kolkata = new Date(Math.floor(startUs / 1000) + 330 * 60_000).toISOString().replace('T', ' ').replace('Z', '');
  const firstTime = () => page.locator(`#calls-table tr[data-call="${newest.id}"] a.call-link`).textContent();
  await page.goto(`${dashboard.url}#/calls`);
  await page.locator(`#calls-table tr[data-call="${newest.id}"]`).first().waitFor();
  t.is(await firstTime(), kolkata);
  t.is(await page.locator('.zone-note').textContent(), 'Times in local time (UTC+05:30)');
  await page.check('#utc');
  await page.locator('.zone-note', { hasText: 'Times in UTC' }).waitFor();
  await page.locator(`#calls-table tr[data-call="${newest.id}"]`).first().waitFor();
  t.is(await firstTime(), utc);
  await page.reload();
  await page.locator(`#calls-table tr[data-call="${newest.id}"]`).first().waitFor();
  t.is(await firstTime(), utc, 'the choice is remembered');
  await redrawn(page, () => page.goto(`${dashboard.url}#/errors`));
  t.is(await page.locator('#errors-table').count(), 1);
  t.is(await page.locator('.zone-note').textContent(), 'Times in UTC');
  await page.uncheck('#utc');
  await page.close();
});
