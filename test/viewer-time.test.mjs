// Time on the dashboard: custom ranges, a chart bucket that opens its calls, and drag-to-zoom on a chart, in
// Chromium, on a recording of test/programs/shop whose calls are moved to fixed times one minute apart, so that
// nothing depends on when the test runs or on the machine's zone (the page is switched to UTC).
import test from 'ava';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { chromiumPath } from './helpers/chromium.mjs';
import { redrawn } from './helpers/dashboard-page.mjs';
import { startDashboard } from './helpers/serve.mjs';
import { recordShop, shopDir } from './helpers/shop.mjs';
import { query } from './runtime-harness.mjs';

/** 2026-01-01 10:00:00 UTC, the first call's start. */
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0) * 1000;
const MINUTE = 60_000_000;
let dbPath;
let dashboard;
let browser;

test.before(async () => {
  ({ dbPath } = recordShop('time', 1));
  const db = new Database(dbPath);
  db.prepare('UPDATE calls SET start_us = ? + (id - (SELECT min(id) FROM calls)) * ?').run(T0, MINUTE);
  db.close();
  dashboard = await startDashboard(dbPath, shopDir);
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
});

test.after.always(async () => {
  await browser?.close();
  dashboard?.server.kill('SIGTERM');
});

async function openPage(hash) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(() => localStorage.setItem('observatory.utc', '1'));
  await page.goto(dashboard.url + hash);
  return page;
}

/** Microseconds of an ISO time with up to six decimals, as the page writes `since` and `until`. */
function micros(iso) {
  const [, base, fraction = ''] = /^(.*?:\d\d)(?:\.(\d+))?Z$/.exec(iso);
  return Date.parse(base + 'Z') * 1000 + Math.round(Number(`0.${fraction || '0'}`) * 1e6);
}

function countBetween(fromUs, untilUs) {
  return query(dbPath, 'SELECT count(*) AS n FROM calls WHERE start_us >= ? AND start_us < ?', fromUs, untilUs)[0].n;
}

/** The Functions page's total of the Calls column. */
async function statsTotal(page) {
  await page.locator('#stats-table tbody tr').first().waitFor();
  const cells = await page.locator('#stats-table tbody tr td:nth-child(2)').allTextContents();
  return cells.reduce((sum, text) => sum + Number(text.replace(/,/g, '')), 0);
}

function rangeOf(page) {
  const params = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
  return { since: params.get('since'), until: params.get('until'), params };
}

/** The pointer's page position over `fraction` of the plot of the first chart (calls and errors). */
async function chartPoint(page, bucketFraction) {
  const chart = page.locator('.charts .panel').first().locator('svg');
  const box = await chart.boundingBox();
  const width = Number(await chart.getAttribute('width'));
  const plotX = 64 + bucketFraction * (width - 64 - 12);
  return { x: box.x + (plotX * box.width) / width, y: box.y + box.height / 2 };
}

test('a custom range is entered in the zone the page shows, and the statistics cover just that range', async t => {
  const since = new Date((T0 + 5 * MINUTE) / 1000).toISOString();
  const until = new Date((T0 + 15 * MINUTE) / 1000).toISOString();
  const page = await openPage(`#/functions?since=${since}&until=${until}`);
  t.is(await statsTotal(page), countBetween(T0 + 5 * MINUTE, T0 + 15 * MINUTE));
  t.is(await page.locator('#stats-since').inputValue(), 'custom');
  // Chromium leaves out seconds that are zero.
  t.is(await page.locator('#stats-since-from').inputValue(), '2026-01-01T10:05');
  t.is(await page.locator('#stats-since-to').inputValue(), '2026-01-01T10:15');
  t.is(await page.locator('.zone-note').first().textContent(), 'Times in UTC');

  // Typed in UTC, since the page shows UTC: 10:02 to 10:04 is two calls.
  await redrawn(page, async () => {
    await page.locator('#stats-since-to').fill('2026-01-01T10:04:00');
    await page.waitForURL(/until=2026-01-01T10%3A04%3A00/);
  });
  await redrawn(page, async () => {
    await page.locator('#stats-since-from').fill('2026-01-01T10:02:00');
    await page.waitForURL(/since=2026-01-01T10%3A02%3A00/);
  });
  t.is(await statsTotal(page), 2);
  t.is(countBetween(T0 + 2 * MINUTE, T0 + 4 * MINUTE), 2);
  await page.close();
});

test('clicking a chart bucket opens its calls; dragging across a chart zooms the page to the span', async t => {
  const page = await openPage('#/functions');
  await page.locator('.charts .panel svg').first().waitFor();
  // The first bucket holds the first call.
  const first = await chartPoint(page, 0.5 / 48);
  await page.mouse.click(first.x, first.y);
  await page.waitForURL(/#\/calls\?/);
  const bucket = rangeOf(page);
  t.is(bucket.params.get('layout'), 'calls');
  t.is(micros(bucket.since), T0);
  const inBucket = countBetween(micros(bucket.since), micros(bucket.until));
  t.true(inBucket > 0);
  await page.locator('#calls-summary', { hasText: `of ${inBucket}` }).waitFor();
  t.is(await page.locator('#calls-table tr.call-row').count(), inBucket);
  t.is(await page.locator('#filter-since').inputValue(), 'custom');

  await page.goto(dashboard.url + '#/functions');
  await page.locator('.charts .panel svg').first().waitFor();
  const from = await chartPoint(page, 0.25);
  const to = await chartPoint(page, 0.6);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 5 });
  t.true(
    await page.locator('.charts .panel').first().locator('.zoom-band').isVisible(),
    'the span is shown while dragging',
  );
  await redrawn(page, async () => {
    await page.mouse.up();
    await page.waitForURL(/#\/functions\?since=/);
  });
  const zoomed = rangeOf(page);
  const [sinceUs, untilUs] = [micros(zoomed.since), micros(zoomed.until)];
  const [{ lo, hi }] = query(dbPath, 'SELECT min(start_us) AS lo, max(start_us) AS hi FROM calls');
  // A quarter of the way across to three fifths: the times of those points of the axis, to a bucket's precision.
  const bucketUs = Math.ceil((hi - lo + 1) / 48);
  t.true(Math.abs(sinceUs - (lo + 0.25 * 48 * bucketUs)) < bucketUs, zoomed.since);
  t.true(Math.abs(untilUs - (lo + 0.6 * 48 * bucketUs)) < bucketUs, zoomed.until);
  t.is(await page.locator('#stats-since').inputValue(), 'custom');
  t.is(await statsTotal(page), countBetween(sinceUs, untilUs));
  await page.close();
});

test('the time axis is labelled at round times of the zone shown, each where that time falls on the axis', async t => {
  const page = await openPage('#/functions');
  const chart = page.locator('.charts .panel').first().locator('svg');
  await chart.waitFor();
  const labels = await chart
    .locator('text[y]')
    .evaluateAll(texts =>
      texts
        .filter(text => /^\d\d:\d\d/.test(text.textContent) && !text.getAttribute('text-anchor'))
        .map(text => ({ label: text.textContent, x: Number(text.getAttribute('x')) })),
    );
  const calls = query(dbPath, 'SELECT count(*) AS n FROM calls')[0].n;
  t.true(labels.length >= 2, JSON.stringify(labels));
  // The calls span `calls - 1` minutes from 10:00 UTC: every label is a whole number of minutes, a round step apart.
  const minutes = labels.map(({ label }) => {
    t.regex(label, /^\d\d:\d\d$/);
    const [hours, minute] = label.split(':').map(Number);
    return (hours - 10) * 60 + minute;
  });
  const step = minutes[1] - minutes[0];
  t.true([1, 2, 5, 10, 15, 30, 60].includes(step), labels.map(l => l.label).join(' '));
  minutes.forEach((minute, i) => t.is(minute, minutes[0] + i * step));
  t.is(minutes[0] % step, 0);
  t.true(minutes.at(-1) <= calls);
  // Evenly spaced on the axis, as the times are.
  const gaps = labels.slice(1).map((label, i) => label.x - labels[i].x);
  t.true(
    gaps.every(gap => Math.abs(gap - gaps[0]) < 1),
    gaps.join(' '),
  );
  await page.close();
});
