// Following a database while a program writes it: `observatory tail` in the terminal and the dashboard's live
// stream (server-sent events), against test/programs/live, a real program compiled through ts-patch that takes
// its requests from stdin. Every wait is for a line or an event, never for time to pass.
import test from 'ava';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from './helpers/chromium.mjs';
import { repoRoot, scratchDir } from './helpers/compile.mjs';
import { compileProject } from './helpers/pipeline.mjs';
import { startDashboard } from './helpers/serve.mjs';
import { cli } from './helpers/shop.mjs';

const liveMain = path.join(compileProject(path.join(repoRoot, 'test', 'programs', 'live')), 'main.js');
/** `node args…` with the environment `env`, killed after the test `t` if it is still running then. */
function start(t, args, env, options = {}) {
  const child = spawn(process.execPath, args, { env, ...options });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

/** The environment of a child whose output is a pipe, with colour left to the child to decide. */
function plainEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  if (!('FORCE_COLOR' in extra)) delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  return env;
}

/**
 * Promises about something that grows (a process's output, a stream's events): `until(read)` resolves with
 * what `read(current())` first returns other than undefined. `check()` after each growth; `fail(error)` rejects
 * whatever still waits.
 */
function waiter(current) {
  const waiting = [];
  const check = () => {
    for (const wait of [...waiting]) {
      const found = wait.read(current());
      if (found === undefined) continue;
      waiting.splice(waiting.indexOf(wait), 1);
      wait.resolve(found);
    }
  };
  return {
    check,
    fail: error => waiting.splice(0).forEach(wait => wait.reject(error)),
    until: read =>
      new Promise((resolve, reject) => {
        waiting.push({ read, resolve, reject });
        check();
      }),
  };
}

/** A stream's text as it comes; `waitFor(pattern)` resolves with the first line matching `pattern`. */
function watch(child, stream) {
  let text = '';
  const { check, fail, until } = waiter(() => text);
  stream.setEncoding('utf8').on('data', chunk => {
    text += chunk;
    check();
  });
  child.once('exit', code => fail(new Error(`exited with ${code} while waiting:\n${text}`)));
  return {
    text: () => text,
    until,
    waitFor: pattern => until(all => all.split('\n').find(line => pattern.test(line))),
  };
}

function exited(child) {
  return new Promise(resolve => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** The till (test/programs/live) recording into `dbPath`: `send(line)` a request and wait for its answer. */
function startTill(t, dbPath) {
  const child = start(t, [liveMain], plainEnv({ OBSERVATORY_DB: dbPath, OBSERVATORY_EXIT_TIMEOUT_MS: '60000' }), {
    cwd: path.dirname(liveMain),
  });
  const out = watch(child, child.stdout);
  const err = watch(child, child.stderr);
  const ended = exited(child);
  return {
    async send(line, answer = new RegExp(`^done ${line.split(' ')[0]}$`)) {
      const answers = all => all.split('\n').filter(candidate => answer.test(candidate)).length;
      const before = answers(out.text());
      child.stdin.write(`${line}\n`);
      // The answer to this request, not an earlier one in the same words.
      await out.until(all => (answers(all) > before ? true : undefined));
    },
    async end() {
      child.stdin.end();
      const result = await ended;
      if (result.code !== 0) throw new Error(`the till exited with ${result.code}: ${err.text()}`);
    },
  };
}

/** `observatory tail` with `args`, resolved once it says it follows the database. */
async function startTail(t, dbPath, args = [], env = {}) {
  const child = start(t, [cli, 'tail', '--db', dbPath, ...args], plainEnv(env));
  const out = watch(child, child.stdout);
  const err = watch(child, child.stderr);
  await err.waitFor(/^Following new calls in /);
  return { child, out, err, ended: exited(child) };
}

/** The lines of one call each (not the date lines), as a tail printed them. */
function callLines(text) {
  return text.split('\n').filter(line => line !== '' && !line.includes('──'));
}

test('tail prints each call committed while it runs, once, callers after their callees, and stops on Ctrl-C', async t => {
  const dbPath = path.join(scratchDir('live-tail'), 'traces.db');
  // Calls from before the tail began, which it must not print.
  const before = startTill(t, dbPath);
  await before.send('order 7 SKU-OLD 1');
  await before.end();

  const tail = await startTail(t, dbPath);
  const errors = await startTail(t, dbPath, ['--errors']);
  const prices = await startTail(t, dbPath, ['--fn', 'price'], { FORCE_COLOR: '1' });
  const till = startTill(t, dbPath);
  await till.send('order 37 SKU-2001 2');
  t.regex(
    await tail.out.waitFor(/placeOrder\(userId=37/),
    / OK +[\d.]+ .s {2}placeOrder\(userId=37, sku="SKU-2001", qty=2\) → \{total:/,
  );
  t.regex(await tail.out.waitFor(/price\(sku="SKU-2001"/), /price\(sku="SKU-2001", qty=2\) → 1610/);
  t.regex(await tail.out.waitFor(/charge\(userId=37/), /charge\(userId=37, amount=1610\) → "R-37-1610"/);

  // The held order's callee returns, and is printed, before the order itself does.
  await till.send('hold 44', /^held$/);
  await tail.out.waitFor(/price\(sku="SKU-HOLD"/);
  t.false(tail.out.text().includes('holdOrder'));
  await till.send('release');
  t.regex(await tail.out.waitFor(/holdOrder/), /holdOrder\(userId=44\) → 849/);

  await till.send('decline 51');
  const declined = await tail.out.waitFor(/placeOrder\(userId=51/);
  t.regex(declined, / ERR .*→ ✗ Pay…/, 'cut to 100 columns, as a pipe is');
  await errors.out.waitFor(/placeOrder\(userId=51/);
  await till.send('order 99 SKU-LAST 1');
  await prices.out.waitFor(/SKU-LAST/);
  await tail.out.waitFor(/placeOrder\(userId=99/);
  await till.end();

  for (const follower of [tail, errors, prices]) {
    follower.child.kill('SIGINT');
    t.deepEqual(await follower.ended, { code: 0, signal: null });
    t.is(follower.err.text(), `Following new calls in ${dbPath}; Ctrl-C stops\n`);
  }

  const lines = callLines(tail.out.text());
  t.false(tail.out.text().includes('SKU-OLD'), 'calls from before the tail began are not printed');
  t.regex(tail.out.text(), /^── \d{4}-\d\d-\d\d \(UTC\) ──\n/, 'the date, in UTC, heads the lines');
  t.false(tail.out.text().includes('\x1b['), 'no colour into a pipe');
  // Every call, each once: three per order (order, price, charge), two for the held order, three for the decline.
  t.is(lines.length, 3 + 2 + 3 + 3);
  const ids = lines.map(line => line.trim().split(/\s+/).at(-1));
  t.is(new Set(ids).size, lines.length);
  // The held order's id is lower than its callee's, and was printed after it.
  const holdAt = lines.findIndex(line => line.includes('holdOrder'));
  const holdPriceAt = lines.findIndex(line => line.includes('SKU-HOLD'));
  t.true(holdPriceAt < holdAt);
  t.true(Number(ids[holdAt]) < Number(ids[holdPriceAt]));

  const errorLines = callLines(errors.out.text());
  // The two failed calls may arrive in one look, which prints them by start time.
  t.deepEqual(errorLines.map(line => /(\w+)\(userId=/.exec(line)[1]).sort(), ['charge', 'placeOrder']);
  t.true(errorLines.every(line => / ERR /.test(line)));

  const priceLines = callLines(prices.out.text());
  t.deepEqual(
    priceLines.map(line => /sku="([^"]+)"/.exec(line)[1]),
    ['SKU-2001', 'SKU-HOLD', 'SKU-EXPENSIVE', 'SKU-LAST'],
  );
  t.true(
    priceLines.every(line => line.includes('\x1b[')),
    'FORCE_COLOR=1 colours a pipe',
  );
});

test('tail refuses a function it does not know, and a database that is not there', async t => {
  const dbPath = path.join(scratchDir('live-tail-usage'), 'traces.db');
  const missing = start(t, [cli, 'tail', '--db', dbPath], plainEnv());
  const missingErr = watch(missing, missing.stderr);
  t.is((await exited(missing)).code, 2);
  t.regex(missingErr.text(), /no trace database at /);
  const till = startTill(t, dbPath);
  await till.send('order 1 SKU-1 1');
  await till.end();
  const unknown = start(t, [cli, 'tail', '--db', dbPath, '--fn', 'nosuch'], plainEnv());
  const unknownErr = watch(unknown, unknown.stderr);
  t.is((await exited(unknown)).code, 2);
  t.regex(unknownErr.text(), /unknown function "nosuch" \(known: /);
});

/** The dashboard's live stream at `url`: `next(predicate)` resolves with the first `calls` event it matches. */
async function listen(url) {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  const events = [];
  const { check, until } = waiter(() => events);
  let buffer = '';
  let opened;
  const open = new Promise(resolve => (opened = resolve));
  (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes(': following')) opened();
          const data = /^event: calls\ndata: (.*)$/m.exec(block);
          if (data) events.push(JSON.parse(data[1]));
        }
        check();
      }
    } catch {
      // Closed by the test, or by the dashboard stopping: both are how a stream ends.
    }
  })();
  await open;
  return {
    response,
    events,
    next: predicate => until(all => all.find(predicate)),
    close: () => controller.abort(),
  };
}

test('the live stream sends the calls committed after it opened that match its filter, and ends with its client', async t => {
  const dbPath = path.join(scratchDir('live-events'), 'traces.db');
  const till = startTill(t, dbPath);
  await till.send('order 5 SKU-OLD 1');
  const dashboard = await startDashboard(dbPath, path.dirname(liveMain));
  const stopped = exited(dashboard.server);
  t.teardown(() => dashboard.server.kill('SIGKILL'));

  const orders = await listen(`${dashboard.url}api/live?fn=placeOrder`);
  t.is(orders.response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const failures = await listen(`${dashboard.url}api/live?status=ERR&limit=1`);
  await till.send('order 62 SKU-9 3');
  const event = await orders.next(e =>
    e.calls.some(call => call.values.some(v => v.name === 'userId' && v.valueJson === '62')),
  );
  t.is(event.count, event.calls.length);
  const [call] = event.calls;
  t.regex(call.process, /\.placeOrder$/);
  t.is(call.status, 'OK');
  t.false('errorStack' in call);
  t.deepEqual(
    call.values.map(v => [v.direction, v.name, v.valueJson]),
    [
      ['INPUT', 'userId', '62'],
      ['INPUT', 'sku', '"SKU-9"'],
      ['INPUT', 'qty', '3'],
      ['OUTPUT', 'total', '1515'],
      ['OUTPUT', 'receipt', '"R-62-1515"'],
    ],
  );

  // A client that goes away is let go: the stream for failures is closed before one happens.
  failures.close();
  await till.send('decline 70');
  const declined = await orders.next(e => e.calls.some(c => c.status === 'ERR'));
  t.is(declined.calls[0].errorType, 'PaymentDeclinedError');
  await till.end();
  t.false(
    orders.events.some(e => e.calls.some(c => c.values.some(v => v.valueJson === '"SKU-OLD"'))),
    'calls from before the stream opened are not sent',
  );
  t.true(orders.events.every(e => e.calls.every(c => c.process.endsWith('.placeOrder'))));

  const head = await fetch(`${dashboard.url}api/live`, { method: 'HEAD' });
  t.is(head.status, 200);
  t.is(head.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const bad = await fetch(`${dashboard.url}api/live?minDuration=soon`);
  t.is(bad.status, 400);
  t.regex((await bad.json()).error, /duration/);
  t.is((await fetch(`${dashboard.url}api/live`, { method: 'POST' })).status, 405);

  // Stopped while a page listens, the dashboard lets its stream go and exits as it should.
  dashboard.server.kill('SIGTERM');
  t.deepEqual(await stopped, { code: 0, signal: null });
  t.is(dashboard.stderr(), '');
});

test('the dashboard puts new calls at the top as they are recorded, and holds them while the user reads', async t => {
  const dbPath = path.join(scratchDir('live-page'), 'traces.db');
  const screenshots = scratchDir('screenshots');
  const till = startTill(t, dbPath);
  await till.send('order 1 SKU-FIRST 1');
  const dashboard = await startDashboard(dbPath, path.dirname(liveMain));
  t.teardown(() => dashboard.server.kill('SIGKILL'));
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  page.on('pageerror', error => errors.push(error.message));
  await page.goto(`${dashboard.url}#/calls?layout=calls`);
  const rows = page.locator('#calls-table tr.call-row');
  await rows.filter({ hasText: 'SKU-FIRST' }).first().waitFor();
  await page.locator('#live-status', { hasText: /^Live$/ }).waitFor();
  t.is(await page.locator('#auto-refresh').count(), 0, 'no 5-second refresh any more');
  // The page is never loaded again: a mark on its window stays.
  await page.evaluate(() => (window.sameDocument = true));
  await page.mouse.move(5, 5);

  await till.send('order 37 SKU-2001 2');
  await rows.filter({ hasText: 'placeOrder(userId=37' }).waitFor();
  await rows.filter({ hasText: 'charge(userId=37' }).waitFor();
  const order = await rows.evaluateAll(all => all.map(row => Number(row.dataset.start)));
  t.deepEqual(
    order,
    [...order].sort((a, b) => b - a),
    'newest first',
  );
  t.is(await rows.count(), 6);
  t.regex(await page.locator('#calls-summary').textContent(), /^Calls 1–6 of 6$/);

  // The pointer over the list holds new calls back, and says so.
  await page.hover('#calls-table');
  await till.send('order 44 SKU-HELD 1');
  await page.locator('#live-status', { hasText: 'Paused (reading): 3 new calls' }).waitFor();
  t.true(await page.locator('#live-resume').isVisible());
  t.is(await rows.filter({ hasText: 'SKU-HELD' }).count(), 0);
  await page.screenshot({ path: path.join(screenshots, 'live-paused.png') });
  // Moving it away lets them in.
  await page.mouse.move(5, 5);
  await rows.filter({ hasText: 'placeOrder(userId=44' }).waitFor();
  await page.locator('#live-status', { hasText: /^Live$/ }).waitFor();
  t.false(await page.locator('#live-resume').isVisible());
  t.is(await rows.count(), 9);

  // Scrolled down to read, the page stays put until Resume, which goes to the top with the new calls.
  await page.setViewportSize({ width: 1440, height: 240 });
  // What stays put is what the user reads: the first row in view keeps its place on the screen. (Not scrollY
  // itself: when the status line above the list grows, the browser's scroll anchoring moves scrollY to keep
  // the rows still, and under load that can happen after the scroll.)
  const readingTop = () =>
    page.evaluate(() => Math.round(document.querySelector('tr[data-reading]').getBoundingClientRect().top));
  await page.evaluate(() => {
    window.scrollTo(0, 120);
    const inView = [...document.querySelectorAll('#calls-table tr.call-row')].find(
      row => row.getBoundingClientRect().top >= 0,
    );
    inView.dataset.reading = 'yes';
  });
  const topBefore = await readingTop();
  await till.send('order 51 SKU-LATER 1');
  await page.locator('#live-status', { hasText: 'Paused (scrolled): 3 new calls' }).waitFor();
  t.is(await readingTop(), topBefore);
  t.true((await page.evaluate(() => window.scrollY)) > 0);
  t.is(await rows.filter({ hasText: 'SKU-LATER' }).count(), 0);
  await page.locator('#live-resume').evaluate(button => button.click());
  await rows.filter({ hasText: 'placeOrder(userId=51' }).waitFor();
  t.is(await page.evaluate(() => window.scrollY), 0);
  t.is(await rows.count(), 12);

  // Another view is drawn again when calls arrive: the Functions page counts the new ones.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${dashboard.url}#/functions`);
  await page.mouse.move(5, 5);
  const placeOrders = page.locator('#stats-table tr[data-process$=".placeOrder"] td.num').first();
  await placeOrders.filter({ hasText: /^4$/ }).waitFor();
  // Listening: a call committed before the page's stream opened would be the page's load's to show.
  await page.locator('#live-status', { hasText: /^Live$/ }).waitFor();
  await till.send('order 62 SKU-MORE 1');
  await placeOrders.filter({ hasText: /^5$/ }).waitFor();
  await page.screenshot({ path: path.join(screenshots, 'live-functions.png') });
  await till.end();
  t.true(await page.evaluate(() => window.sameDocument));
  t.deepEqual(errors, []);
});
