// Waiting on the dashboard page in Chromium without reading what it showed before.

/**
 * Does what changes the page, then waits until the page has drawn it again. A new address is drawn by the page's
 * hashchange handler, which runs after the address has changed, so for a moment the old view is still there to
 * be read. What was drawn before (`outgoing`: a selector, or a locator for a part the change redraws, such as a
 * table a refresh rebuilds) leaves the page when the new one is drawn, and the stamp says "Last updated" once it
 * has loaded.
 */
export async function redrawn(page, change, outgoing = '#view > *') {
  const old = typeof outgoing === 'string' ? await page.$(outgoing) : await outgoing.elementHandle();
  await change();
  await page.waitForFunction(element => !element?.isConnected, old);
  await page.waitForFunction(() => document.getElementById('last-updated').textContent.startsWith('Last updated'));
}
