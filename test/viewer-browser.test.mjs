// End to end: the dashboard in Debian's Chromium (never a downloaded browser), driven by playwright-core,
// against a database recorded from the real examples. Screenshots go to .test-out/screenshots/.
import test from 'ava';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { examplesDir, recordExamples } from './helpers/pipeline.mjs';
import { startDashboard } from './helpers/serve.mjs';
import { readCalls } from './helpers/trace.mjs';

const repoRoot = path.resolve(import.meta.dirname, '..');
const screenshots = path.join(repoRoot, '.test-out', 'screenshots');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'observatory-browser-'));
const dbPath = path.join(scratch, 'traces.db');
let server;
let browser;

test.before(async () => {
  fs.mkdirSync(screenshots, { recursive: true });
  await recordExamples(dbPath, { times: 2 });
});

test.after.always(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** `observatory serve` on a free port, resolved with its URL. */
async function serve() {
  const started = await startDashboard(dbPath, examplesDir);
  server = started.server;
  return started.url;
}

function launch() {
  return chromium.launchPersistentContext(path.join(scratch, 'profile'), {
    executablePath: '/usr/bin/chromium',
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

test('filter to a function, open a call, check its values and parent, open its trace timeline', async t => {
  const calls = readCalls(dbPath);
  const target = calls.find(call => call.fn === 'calculatePrice' && call.parent === 'fetchQuote');
  t.truthy(target, 'fetchQuote calls calculatePrice in the examples');
  const base = await serve();
  browser = await launch();
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', error => pageErrors.push(error.message));
  page.on('console', message => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });

  await page.goto(base);
  await page.locator('#calls-table tbody tr[data-call]').first().waitFor();
  t.regex(await page.locator('#last-updated').textContent(), /^Last updated \d\d:\d\d:\d\d \(\d+ seconds? ago\)$/);
  t.is(await page.locator('#calls-table tr.first').count(), calls.length);
  await page.screenshot({ path: path.join(screenshots, 'dashboard-calls.png'), fullPage: true });

  await page.locator('#filter-status').selectOption('ERR');
  await page.waitForFunction(() => location.hash.includes('status=ERR'));
  await page.locator('#calls-summary', { hasText: 'Calls 1–' }).waitFor();
  const failedRows = page.locator('#calls-table tbody tr.first');
  t.is(await failedRows.count(), calls.filter(call => call.status === 'ERR').length);
  t.is(await page.locator('#calls-table tbody tr.first.err').count(), await failedRows.count());
  await page.locator('#filter-status').selectOption('');

  await page.locator('#filter-fn').selectOption('src/pricing.calculatePrice');
  await page.waitForFunction(() => location.hash.includes('fn=src%2Fpricing.calculatePrice') && !location.hash.includes('status=ERR'));
  const link = page.locator(`#calls-table tr[data-call="${target.id}"] a.call-link`);
  await link.waitFor();
  const processes = await page.locator('#calls-table tr.first td.proc').allTextContents();
  t.is(processes.length, calls.filter(call => call.fn === 'calculatePrice').length);
  t.true(processes.every(text => text === 'src/pricing.calculatePrice'));
  await page.screenshot({ path: path.join(screenshots, 'dashboard-filtered.png'), fullPage: true });

  await link.click();
  await page.locator('#call-detail').waitFor();
  const inputs = await page.locator('#inputs tbody tr').evaluateAll(rows =>
    rows.map(row => [...row.cells].map(cell => cell.querySelector('.line')?.textContent ?? cell.textContent)),
  );
  t.deepEqual(
    inputs,
    target.values.filter(([, direction]) => direction === 'INPUT').map(([name, , type, value]) => [name, type, JSON.stringify(value)]),
  );
  const outputs = await page.locator('#outputs tbody tr td:first-child').allTextContents();
  t.deepEqual(outputs, target.values.filter(([, direction]) => direction === 'OUTPUT').map(([name]) => name));
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
  await page.screenshot({ path: path.join(screenshots, 'dashboard-functions.png'), fullPage: true });

  t.deepEqual(pageErrors, []);
});
