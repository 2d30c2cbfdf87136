/** The dashboard's HTML shell; script.ts fills `<main>` from the JSON API. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ts-observatory</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<header class="top">
  <span class="brand">ts-observatory</span>
  <nav>
    <a href="#/calls" data-view="calls">Calls</a>
    <a href="#/functions" data-view="functions">Functions</a>
    <a href="#/errors" data-view="errors">Errors</a>
  </nav>
  <input id="jump" type="search" placeholder="Call id, span id, trace id or function" aria-label="Jump to a call, span, trace or function" spellcheck="false">
  <span class="db" id="db-path"></span>
  <div class="refresh">
    <label title="Show recorded times in UTC instead of local time"><input type="checkbox" id="utc"> UTC</label>
    <label title="Show new calls as they are recorded; reading the page pauses them"><input type="checkbox" id="live" checked> Live</label>
    <span class="live-status" id="live-status" role="status">Connecting…</span>
    <button id="live-resume" hidden>Resume</button>
    <div>
      <button id="refresh" class="primary">Refresh</button>
      <span class="stamp" id="last-updated">Not loaded yet</span>
    </div>
  </div>
</header>
<main id="view" aria-live="polite"></main>
<script src="/assets/app.js"></script>
</body>
</html>
`;
