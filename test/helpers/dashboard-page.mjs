// Waiting on the dashboard page in Chromium without reading what it showed before.

/**
 * Does what changes the page's address, then waits until the page has drawn the view the new address names.
 * The address changes before the page's hashchange handler runs, so for a moment after it the old view is still
 * there to be read; every element of it leaves the page when the new view is drawn, and the stamp says "Last
 * updated" once the new view has loaded.
 */
export async function redrawn(page, change) {
  const old = await page.$('#view > *');
  await change();
  await page.waitForFunction(element => !element?.isConnected, old);
  await page.waitForFunction(() => document.getElementById('last-updated').textContent.startsWith('Last updated'));
}
