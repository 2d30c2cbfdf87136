// The browser tests drive Debian's Chromium and never download one. Without it they would fail deep inside
// playwright; this says in one line what is missing and how to install it. `npm test` runs it first.
import * as fs from 'node:fs';

export const chromiumPath = '/usr/bin/chromium';

export const missingChromium = `${chromiumPath} is missing: the dashboard tests need Debian's Chromium (sudo apt-get install chromium)`;

if (import.meta.filename === process.argv[1] && !fs.existsSync(chromiumPath)) {
  console.error(missingChromium);
  process.exit(1);
}
