// The dashboard's finish, in Debian's Chromium: words kept whole, Copy buttons only where copying helps, a
// redacted field inside an object shown as the badge it is, charts on round values with units, distinct
// percentile colours and thousands separators, and a tooltip wherever a label is cut short.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { scratchDir } from './helpers/compile.mjs';
import { recordProject } from './helpers/pipeline.mjs';
import { startDashboard } from './helpers/serve.mjs';
import { recordShop, shopDir } from './helpers/shop.mjs';
import { readCalls } from './helpers/trace.mjs';

let browser;
const servers = [];

test.before(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

test.after.always(async () => {
  await browser?.close();
  for (const server of servers) server.kill('SIGTERM');
});

async function open(dbPath, root, hash) {
  const dashboard = await startDashboard(dbPath, root);
  servers.push(dashboard.server);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  page.on('pageerror', error => errors.push(error.message));
  await page.goto(dashboard.url + hash);
  return { page, errors, url: dashboard.url };
}

/** Every element on the page whose text is cut short by an ellipsis, and whether it or an ancestor has a title. */
function cutShort(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('*')]
      .filter(el => getComputedStyle(el).textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1)
      .map(el => ({ text: el.textContent, titled: Boolean(el.closest('[title]')?.title) })),
  );
}

test.serial('names keep their words whole, and only values worth copying have a Copy button', async t => {
  const { dbPath } = recordShop('polish-calls');
  const { page, errors } = await open(dbPath, shopDir, '#/calls');
  await page.locator('#calls-table tbody tr').first().waitFor();
  const names = await page.locator('#calls-table tbody td:nth-child(3)').evaluateAll(cells =>
    cells
      .filter(cell => cell.textContent !== '')
      .map(cell => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        return { name: cell.textContent, lines: new Set([...range.getClientRects()].map(rect => rect.top)).size };
      }),
  );
  t.true(names.some(name => name.name === 'receipt'));
  for (const name of names) t.is(name.lines, 1, `${name.name} is on one line`);

  const values = await page.locator('#calls-table .value').evaluateAll(boxes =>
    boxes.map(box => ({
      text: box.querySelector('.line')?.textContent ?? box.textContent,
      opens: Boolean(box.querySelector('.toggle')),
      copy: [...box.querySelectorAll('button')].some(button => button.textContent === 'Copy'),
    })),
  );
  t.true(values.some(value => !value.copy) && values.some(value => value.copy));
  for (const value of values) t.is(value.copy, value.opens || value.text.length >= 16, value.text);
  t.deepEqual(await cutShort(page).then(cut => cut.filter(c => !c.titled)), []);
  t.deepEqual(errors, []);
});

test.serial('a redacted field inside an object is a redaction badge, in the call and in the one-line list', async t => {
  const project = scratchDir('polish-redacted');
  fs.mkdirSync(path.join(project, 'src'));
  fs.copyFileSync(path.join(shopDir, 'tsconfig.json'), path.join(project, 'tsconfig.json'));
  fs.writeFileSync(
    path.join(project, 'src', 'main.ts'),
    `/** @monitor */
export function login(user: { name: string; password: string }, attempt: number): boolean {
  return user.name.length > attempt;
}

login({ name: 'ada', password: 'hunter2' }, 1);
`,
  );
  const dbPath = path.join(project, 'traces.db');
  recordProject(project, dbPath);
  const [call] = readCalls(dbPath);
  t.deepEqual(call.values[0], [
    'user',
    'INPUT',
    '{ name: string; password: string }',
    { name: 'ada', password: { $type: 'redacted' } },
  ]);

  const { page, errors } = await open(dbPath, project, `#/call/${call.id}`);
  await page.locator('#inputs').waitFor();
  const user = page.locator('#inputs .value').first();
  t.is(await user.locator('pre .j-special.redacted').textContent(), '[redacted]');
  t.false((await user.locator('pre').textContent()).includes('$type'));
  await page.locator('#view').evaluate(() => (location.hash = '#/calls?layout=calls'));
  await page.locator('#calls-table tr.call-row').first().waitFor();
  const line = page.locator('#calls-table tr.call-row td.call-line');
  t.is(await line.locator('.j-special.redacted').textContent(), '[redacted]');
  t.false((await line.textContent()).includes('$type'));
  t.deepEqual(errors, []);
});

test.serial(
  'charts: round ticks with units, thousands separators, and p50, p95, p99 in colours of their own',
  async t => {
    const { dbPath } = recordShop('polish-charts', 2);
    const calls = readCalls(dbPath);
    const { page, errors } = await open(dbPath, shopDir, '#/functions?fn=src/orders.placeOrder');
    await page.locator('#latency-chart svg').waitFor();
    const axis = async id =>
      page
        .locator(`${id} svg text[text-anchor="end"]:not(.units)`)
        .evaluateAll(texts => texts.map(text => text.textContent));
    const overall = page.locator('.charts .panel').first();
    const counts = (await overall.locator('svg text[text-anchor="end"]:not(.units)').allTextContents()).map(text =>
      Number(text.replaceAll(',', '')),
    );
    t.is(counts[0], 0);
    const step = counts[1];
    t.true([1, 2, 5].includes(step / 10 ** Math.floor(Math.log10(step))), counts.join(' '));
    counts.forEach((count, i) => t.is(count, step * i));
    const bars = (await overall.locator('svg rect title').allTextContents()).map(text =>
      Number(text.split(': ')[1].replaceAll(',', '')),
    );
    t.is(
      bars.reduce((sum, n) => sum + n, 0),
      calls.length + calls.filter(call => call.status === 'ERR').length,
      'the bars count every call and every error',
    );
    t.true(
      counts.at(-1) >= Math.max(...bars) && counts.at(-2) < Math.max(...bars),
      'the top is the first tick over the tallest bar',
    );
    t.regex(
      await overall.locator('svg text.units').textContent(),
      /^count per [\d.]+ (µs|ms|s|min|h) · times in local time$/,
    );

    const latencyTicks = await axis('#latency-chart');
    t.is(latencyTicks[0], '0 µs');
    t.true(
      latencyTicks.slice(1).every(tick => /^\d+(\.\d+)? (µs|ms|s)$/.test(tick)),
      latencyTicks.join(' '),
    );
    t.regex(await page.locator('#latency-chart svg text.units').textContent(), /^duration per /);
    const legend = await page
      .locator('#latency-chart svg rect[width="10"]')
      .evaluateAll(rects => rects.map(r => r.getAttribute('fill')));
    t.is(new Set(legend).size, 3, 'p50, p95 and p99 each have a colour');
    const bar = await overall.locator('svg rect title').first().textContent();
    t.regex(bar, /^(calls|errors): \d{1,3}(,\d{3})*$/);
    t.deepEqual(await cutShort(page).then(cut => cut.filter(c => !c.titled)), []);
    t.deepEqual(errors, []);
  },
);

test.serial('a label cut short on the trace timeline has a tooltip with the whole of it', async t => {
  const { dbPath, calls } = recordShop('polish-trace');
  const placed = calls.find(call => call.fn === 'placeOrder');
  const { page, errors } = await open(dbPath, shopDir, `#/trace/${placed.traceId}`);
  await page.locator('#trace-timeline .row').first().waitFor();
  const cut = await cutShort(page);
  t.true(cut.length > 0, 'the arguments of placeOrder are longer than their column');
  t.deepEqual(
    cut.filter(c => !c.titled),
    [],
  );
  t.deepEqual(errors, []);
});
