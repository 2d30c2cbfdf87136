// End to end: the dashboard in Debian's Chromium (never a downloaded browser), driven by playwright-core,
// against a database recorded from the real examples. Screenshots go to .test-out/screenshots-*/ (kept with KEEP_TEST_OUT=1).
import test from 'ava';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath, missingChromium } from './helpers/chromium.mjs';
import { redrawn } from './helpers/dashboard-page.mjs';
import { scratchDir } from './helpers/compile.mjs';
import { examplesDir, recordExamples, squeezedCopy } from './helpers/pipeline.mjs';
import { startDashboard } from './helpers/serve.mjs';
import { readCalls } from './helpers/trace.mjs';
import { program, query, run } from './runtime-harness.mjs';

const screenshots = scratchDir('screenshots');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'observatory-browser-'));
const dbPath = path.join(scratch, 'traces.db');
const servers = [];
let browser;

test.before(async () => {
  await recordExamples(dbPath, { times: 2 });
  browser = await launch();
});

test.after.always(async () => {
  await browser?.close();
  for (const server of servers) server.kill('SIGTERM');
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** `observatory serve` of `file` on a free port, resolved with its URL. */
async function serve(file, root) {
  const started = await startDashboard(file, root);
  servers.push(started.server);
  return started.url;
}

/** A new tab that collects the page's errors, for a test to check there were none. */
async function openPage() {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', error => errors.push(error.message));
  page.on('console', message => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { page, errors };
}

/** A ring size as the recording notes print it: bytes, KB or MB with at most one decimal. */
function size(bytes) {
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1)).toLocaleString('en-US')} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1)).toLocaleString('en-US')} KB`;
  return `${bytes} bytes`;
}

/**
 * Checks the page's "Ring high-water mark" sentence against the processes table of `file`: the fullest ring's
 * high-water mark and size, a pid whose ring came that close to full, and how many rings there are.
 */
async function checkRingNote(t, page, file, { rings, bytes }) {
  const instances = query(
    file,
    'SELECT pid, buffer_bytes AS bytes, buffer_high_water AS highWater FROM processes WHERE buffer_bytes > 0',
  );
  t.is(instances.length, rings);
  const top = Math.max(...instances.map(ring => ring.highWater / ring.bytes));
  const fullest = instances.filter(ring => ring.highWater / ring.bytes === top);
  const note = /^Ring high-water mark: (.+) of (.+) \(pid (\d+), the fullest of (\d+) rings\)\.$/.exec(
    await page.locator('#ring-note').textContent(),
  );
  t.truthy(note);
  t.deepEqual([note[1], note[2], Number(note[4])], [size(fullest[0].highWater), size(bytes), rings]);
  t.true(fullest.every(ring => ring.bytes === bytes));
  t.true(
    fullest.some(ring => ring.pid === Number(note[3])),
    `pid ${note[3]}`,
  );
  return fullest[0];
}

/** The time labels of the Functions page's latency chart. */
function latencyTicks(page) {
  return page
    .locator('#latency-chart svg text')
    .evaluateAll(texts => texts.map(text => text.textContent).filter(text => /^\d\d:\d\d/.test(text)));
}

function launch() {
  if (!fs.existsSync(chromiumPath)) throw new Error(missingChromium);
  return chromium.launchPersistentContext(path.join(scratch, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
  });
}

test.serial('filter to a function, open a call, check its values and parent, open its trace timeline', async t => {
  const calls = readCalls(dbPath);
  const target = calls.find(call => call.fn === 'calculatePrice' && call.parent === 'fetchQuote');
  t.truthy(target, 'fetchQuote calls calculatePrice in the examples');
  const base = await serve(dbPath, examplesDir);
  const { page, errors: pageErrors } = await openPage();

  await page.goto(base);
  await page.locator('#calls-table tbody tr[data-call]').first().waitFor();
  t.regex(await page.locator('#last-updated').textContent(), /^Last updated \d\d:\d\d:\d\d \(\d+ seconds? ago\)$/);
  t.is(await page.locator('#calls-table tr.first').count(), calls.length);
  t.deepEqual(await page.locator('#calls-table thead th').allTextContents(), [
    'Time',
    'Process',
    'Data',
    'Data Type',
    'Declared Type',
    'Data Value',
    'Status',
    'Duration',
  ]);
  // Data Type is the direction, Declared Type the TypeScript type, for each variable of the call.
  const cells = await page
    .locator(`#calls-table tr[data-call="${target.id}"]`)
    .evaluateAll(rows => rows.map(row => [...row.cells].slice(2, 5).map(cell => cell.textContent)));
  t.deepEqual(
    cells,
    target.values.map(([name, direction, type]) => [name, direction, type]),
  );
  await page.screenshot({ path: path.join(screenshots, 'dashboard-calls.png'), fullPage: true });

  await redrawn(page, async () => {
    await page.locator('#filter-status').selectOption('ERR');
    await page.waitForFunction(() => location.hash.includes('status=ERR'));
  });
  await page.locator('#calls-summary', { hasText: 'Calls 1–' }).waitFor();
  const failedRows = page.locator('#calls-table tbody tr.first');
  t.is(await failedRows.count(), calls.filter(call => call.status === 'ERR').length);
  t.is(await page.locator('#calls-table tbody tr.first.err').count(), await failedRows.count());
  await redrawn(page, async () => {
    await page.locator('#filter-status').selectOption('');
    await page.waitForFunction(() => !location.hash.includes('status=ERR'));
  });

  await redrawn(page, async () => {
    await page.locator('#filter-fn').selectOption('src/pricing.calculatePrice');
    await page.waitForFunction(() => location.hash.includes('fn=src%2Fpricing.calculatePrice'));
  });
  const link = page.locator(`#calls-table tr[data-call="${target.id}"] a.call-link`);
  await link.waitFor();
  const processes = await page.locator('#calls-table tr.first td.proc').allTextContents();
  t.is(processes.length, calls.filter(call => call.fn === 'calculatePrice').length);
  t.true(processes.every(text => text === 'src/pricing.calculatePrice'));
  await page.screenshot({ path: path.join(screenshots, 'dashboard-filtered.png'), fullPage: true });

  await link.click();
  await page.locator('#call-detail').waitFor();
  const inputs = await page
    .locator('#inputs tbody tr')
    .evaluateAll(rows =>
      rows.map(row => [...row.cells].map(cell => cell.querySelector('.line')?.textContent ?? cell.textContent)),
    );
  t.deepEqual(
    inputs,
    target.values
      .filter(([, direction]) => direction === 'INPUT')
      .map(([name, , type, value]) => [name, type, JSON.stringify(value)]),
  );
  const outputs = await page.locator('#outputs tbody tr td:first-child').allTextContents();
  t.deepEqual(
    outputs,
    target.values.filter(([, direction]) => direction === 'OUTPUT').map(([name]) => name),
  );
  t.is(await page.locator('#parent-link').textContent(), 'src/portfolio.fetchQuote');
  t.true((await page.locator('#source').textContent()).includes('export function calculatePrice('));
  await page.screenshot({ path: path.join(screenshots, 'dashboard-call.png'), fullPage: true });

  await page.locator('#trace-link').click();
  await page.locator('#trace-timeline .row').first().waitFor();
  const rows = await page.locator('#trace-timeline .row .label').allTextContents();
  t.is(rows.length, calls.filter(call => call.traceId === target.traceId).length);
  t.true(rows.includes('src/portfolio.fetchQuote') && rows.includes('src/pricing.calculatePrice'));
  t.is(await page.locator(`#trace-timeline .row.current[data-call="${target.id}"]`).count(), 1);
  await page.screenshot({ path: path.join(screenshots, 'dashboard-trace.png'), fullPage: true });

  await page.locator('header nav a[data-view="functions"]').click();
  await page.locator('#stats-table tbody tr.clickable').first().waitFor();
  await page.locator('#latency-chart svg').waitFor();
  t.is(await page.locator('#stats-table tbody tr').count(), new Set(calls.map(call => call.fn)).size);
  await checkRingNote(t, page, dbPath, { rings: 2, bytes: 32 * 1024 * 1024 });
  t.false(await page.locator('#drops-notice').isVisible(), 'nothing was dropped');
  t.deepEqual(
    await page.locator('#stats-table td.dropped').allTextContents(),
    Array(new Set(calls.map(call => call.fn)).size).fill('0'),
  );
  // However long the runs took, the time axis labels its ticks in one format, and no two alike.
  const ticks = await latencyTicks(page);
  t.true(ticks.length > 1 && ticks.every(tick => /^\d\d:\d\d(:\d\d(\.\d{3})?)?$/.test(tick)), ticks.join(' '));
  t.is(new Set(ticks.map(tick => tick.length)).size, 1, ticks.join(' '));
  t.is(new Set(ticks).size, ticks.length, ticks.join(' '));
  await page.screenshot({ path: path.join(screenshots, 'dashboard-functions.png'), fullPage: true });

  // The same calls within 400 ms: the time axis tells its ticks apart by the millisecond.
  const squeezed = await serve(await squeezedCopy(dbPath, path.join(scratch, 'squeezed.db'), 400_000), examplesDir);
  await page.goto(`${squeezed}#/functions`);
  // Its time axis, whose labels depend on how long the two runs took, is checked on fixed times below.
  await page.locator('#latency-chart svg').waitFor();

  t.deepEqual(pageErrors, []);
});

test.serial(
  'long values open to a preview with "show more"; what the user opened survives refreshes; drops are shown',
  async t => {
    // describe() takes a 3,000-character string (and then one too long to keep, which is recorded truncated) and
    // returns 44 lines of pretty JSON; tick() then makes 5,000 calls in one synchronous loop through a 64 KB ring,
    // which sheds whole traces once it is half full: each run records some of them and counts the rest as overload.
    const prog = program(`
const __describe = __observatory.register(2, meta('describe', { params: ['text'], paramTypes: ['string'], returnType: '{ lines: string[] }' }));
const __tick = __observatory.register(2, meta('tick', { params: ['i'], paramTypes: ['number'] }));
function describe(text) {
  const __call = __observatory.enter(__describe, [text]);
  try { return __observatory.exit(__call, { lines: Array.from({ length: 40 }, (_, i) => 'line ' + i) }); } catch (__error) { throw __observatory.fail(__call, __error); } finally { __observatory.done(__call); }
}
function tick(i) {
  const __call = __observatory.enter(__tick, [i]);
  try { return __observatory.exit(__call, i); } catch (__error) { throw __observatory.fail(__call, __error); } finally { __observatory.done(__call); }
}
describe('x'.repeat(3000));
describe('y'.repeat(5000));
for (let i = 0; i < 5000; i++) tick(i);
`);
    const record = async () => t.is((await run(prog, { env: { OBSERVATORY_BUFFER_MB: '0.0625' } })).status, 0);
    await record();
    const describes = readCalls(prog.dbPath).filter(call => call.fn === 'describe');
    t.is(describes.length, 2, 'the ring was empty when describe was called');
    const [described, truncated] = describes;
    const base = await serve(prog.dbPath, prog.dir);
    const { page, errors } = await openPage();

    // The page's timers run on a clock the test moves (the 1 s "Last updated" tick).
    await page.clock.install();
    await page.goto(`${base}#/calls?fn=describe`);
    const text = page
      .locator(`#calls-table tr[data-call="${described.id}"]`)
      .filter({ has: page.locator('td.mono', { hasText: /^text$/ }) })
      .locator('.value');
    await text.locator('button.toggle').click();
    const quoted = JSON.stringify('x'.repeat(3000));
    t.is(await text.locator('pre button.show-more').textContent(), 'show more (1,002 more characters)');
    t.is(await text.locator('pre').evaluate(pre => pre.firstChild.textContent), quoted.slice(0, 2000));
    await text.locator('pre button.show-more').click();
    t.is(await text.locator('pre').textContent(), quoted);

    const prefix = page
      .locator(`#calls-table tr[data-call="${truncated.id}"]`)
      .filter({ has: page.locator('td.mono', { hasText: /^text$/ }) })
      .locator('.value');
    t.regex(
      await prefix.locator('.line').textContent(),
      /^\[truncated \{"reason":"length","kind":"string","length":5000,"value":"y+…$/,
    );
    await prefix.locator('button.toggle').click();
    t.regex(await prefix.locator('pre button.show-more').textContent(), /^show more \(2,\d{3} more characters\)$/);

    // A second run adds a newer call above it; the refresh redraws the table and keeps the value open and whole.
    // Whether Live or the button redraws it first, the value shown before leaves the page.
    await redrawn(
      page,
      async () => {
        await record();
        await page.locator('#refresh').click();
      },
      text.locator('pre'),
    );
    await page.locator('#calls-table tr.first').nth(3).waitFor();
    t.true(await text.locator('pre').isVisible());
    t.is(await text.locator('pre').textContent(), quoted);

    await page.goto(`${base}#/call/${described.id}`);
    const result = page.locator('#outputs .value');
    t.is(await result.locator('pre button.show-more').textContent(), 'show more (14 more lines)');
    await result.locator('pre button.show-more').click();
    await page.setViewportSize({ width: 1400, height: 400 });
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const scrolled = await page.evaluate(() => window.scrollY);
    t.true(scrolled > 0);
    // A refresh that has drawn writes "Last updated … (0 seconds ago)". With the clock stopped no timer writes the
    // stamp, so once it is overwritten here only the refresh can write it again.
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 100);
    await page.locator('#last-updated').evaluate(stamp => (stamp.textContent = 'before the refresh'));
    await page.locator('#refresh').evaluate(button => button.click());
    await page.locator('#last-updated', { hasText: '(0 seconds ago)' }).waitFor();
    t.is(await page.evaluate(() => window.scrollY), scrolled);
    t.is(await result.locator('pre button.show-more').count(), 0);
    t.is((await result.locator('pre').textContent()).split('\n').length, 44);
    await page.setViewportSize({ width: 1400, height: 900 });

    const [{ rows }] = query(
      prog.dbPath,
      "SELECT count(*) AS rows FROM calls c JOIN functions f ON f.id = c.function_id WHERE f.name = 'tick'",
    );
    const drops = query(
      prog.dbPath,
      'SELECT f.name, d.reason, sum(d.count) AS n FROM drops d JOIN functions f ON f.id = d.function_id GROUP BY f.name, d.reason',
    );
    const shed = 10_000 - rows;
    t.true(rows > 0 && shed > 0, `${rows} of 10,000 calls of tick recorded`);
    t.deepEqual(
      drops,
      [{ name: 'tick', reason: 'overload', n: shed }],
      'every call of tick not recorded is counted as overload',
    );
    const n = shed.toLocaleString('en-US');

    await page.goto(`${base}#/functions`);
    const notice = page.locator('#drops-notice');
    await notice.waitFor();
    t.is(
      await notice.textContent(),
      `Warning: ${n} calls were not recorded (${n} in traces shed under overload); these figures leave them out.`,
    );
    const dropped = page.locator('#stats-table tr[data-process="prog.tick"] td.dropped');
    t.is(await dropped.textContent(), n);
    t.true((await dropped.getAttribute('title')).startsWith(`${n} in traces shed under overload`));
    t.is(
      await page.locator('#stats-table tr[data-process="prog.tick"] td.num').first().textContent(),
      rows.toLocaleString('en-US'),
    );
    t.is(await page.locator('#stats-table tr[data-process="prog.describe"] td.dropped').textContent(), '0');
    const fullest = await checkRingNote(t, page, prog.dbPath, { rings: 2, bytes: 64 * 1024 });
    t.true(fullest.highWater >= 32 * 1024, 'traces are shed only past half full');
    await page.screenshot({ path: path.join(screenshots, 'dashboard-drops.png'), fullPage: true });
    t.deepEqual(errors, []);
  },
);
