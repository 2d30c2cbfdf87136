/** The dashboard's stylesheet: system font, compact tables, monospace values, red for failures. */
export const PAGE_STYLE = `
:root {
  --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #f9fafb; --panel: #ffffff;
  --accent: #2563eb; --err: #b91c1c; --err-bg: #fef2f2; --ok: #047857; --ok-bg: #ecfdf5; --warn: #92400e; --warn-bg: #fffbeb;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { display: flex; align-items: center; gap: 24px; padding: 8px 20px; background: #111827; color: #f9fafb; }
header.top .brand { font-weight: 600; font-size: 15px; letter-spacing: .2px; white-space: nowrap; }
header.top .db { color: #9ca3af; font-family: var(--mono); font-size: 11px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 40vw; }
header.top nav { display: flex; gap: 4px; }
header.top nav a { color: #d1d5db; padding: 5px 10px; border-radius: 4px; }
header.top #jump { width: 300px; background: #1f2937; border-color: #374151; color: #f9fafb; font-family: var(--mono); font-size: 12px; }
header.top nav a.active, header.top nav a:hover { background: #374151; color: #fff; text-decoration: none; }
.refresh { margin-left: auto; display: flex; align-items: center; gap: 12px; }
.refresh .stamp { display: block; color: #9ca3af; font-size: 11px; margin-top: 2px; }
.refresh .live-status { color: #86efac; font-size: 12px; }
.refresh .live-status.paused { color: #fcd34d; }
#live-resume { font-size: 12px; padding: 2px 8px; }
@keyframes arrived { from { background: #fef9c3; } }
table.grid tr.live-new td { animation: arrived 2s ease-out; }
.refresh label { color: #d1d5db; font-size: 12px; display: flex; align-items: center; gap: 4px; cursor: pointer; white-space: nowrap; }
main { padding: 16px 20px 40px; max-width: 1600px; margin: 0 auto; }
h1 { font-size: 18px; margin: 0 0 4px; font-weight: 600; }
h2 { font-size: 14px; margin: 20px 0 8px; font-weight: 600; color: #374151; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
.filters { display: flex; flex-wrap: wrap; align-items: end; gap: 12px; padding: 10px 12px; margin-bottom: 12px; }
.filters label { display: flex; flex-direction: column; gap: 2px; font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .3px; }
select, input, button, .button { font: inherit; font-size: 13px; padding: 4px 8px; border: 1px solid #d1d5db; border-radius: 4px; background: #fff; color: var(--fg); }
button, .button { cursor: pointer; background: #fff; }
button:hover, .button:hover { background: #f3f4f6; text-decoration: none; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.primary:hover { background: #1d4ed8; }
button:disabled { opacity: .45; cursor: default; }
.toolbar { display: flex; align-items: center; gap: 8px; margin: 0 0 8px; color: var(--muted); }
.toolbar .spacer { flex: 1; }
.zone-note { font-size: 12px; align-self: end; }
table.grid { width: 100%; border-collapse: collapse; background: var(--panel); }
table.grid th { text-align: left; font-weight: 600; font-size: 11px; text-transform: uppercase; letter-spacing: .3px; color: var(--muted); background: #f3f4f6; padding: 6px 8px; border-bottom: 1px solid var(--line); position: sticky; top: 0; }
table.grid td { padding: 4px 8px; border-bottom: 1px solid #f3f4f6; vertical-align: top; overflow-wrap: break-word; }
/* Recorded values and messages may hold one enormous token: only they may break anywhere, and so shrink their
   column; names, types and labels keep their words whole (break-word leaves a column as wide as its longest word). */
table.grid td .value, table.grid td .short, table.grid .error-text, table.grid td.call-line { overflow-wrap: anywhere; }
table.grid tr.first td { border-top: 1px solid var(--line); }
table.grid tr.err td { background: var(--err-bg); }
table.grid tr.clickable { cursor: pointer; }
table.grid tr.clickable:hover td, table.grid tr.selected td { background: #eff6ff; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; color: #374151; }
td.proc { font-family: var(--mono); font-size: 12px; white-space: nowrap; }
table.compact td { padding: 3px 8px; }
table.compact .fn { color: var(--fg); font-weight: 600; }
a.trace-mark { display: inline-block; padding: 0 5px; border-radius: 3px; color: #1f2937; font-size: 11px; }
.error-text { color: var(--err); white-space: normal; }
.mono, td.type { font-family: var(--mono); font-size: 12px; }
td.type { color: #7c3aed; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11px; font-weight: 600; line-height: 17px; }
.badge.OK { color: var(--ok); background: var(--ok-bg); }
.badge.ERR { color: #fff; background: var(--err); }
.badge.dir { color: #374151; background: #f3f4f6; font-weight: 500; }
.badge.expected { color: #374151; background: #e5e7eb; font-weight: 500; margin-left: 6px; }
tr.expected .error-text { color: var(--muted); }
div.error-detail { margin: 4px 0 0; font: 12px/1.4 var(--mono); white-space: pre-wrap; overflow-wrap: anywhere; color: #374151; }
.empty { padding: 24px; text-align: center; color: var(--muted); }
.notice { padding: 8px 12px; margin-bottom: 12px; color: var(--warn); background: var(--warn-bg); border: 1px solid #fde68a; border-radius: 6px; }
#ring-note { margin: 6px 2px 0; font-size: 12px; }
.error-banner { padding: 8px 12px; margin-bottom: 12px; color: var(--err); background: var(--err-bg); border: 1px solid #fecaca; border-radius: 6px; }
.value { font-family: var(--mono); font-size: 12px; }
.value .line { white-space: pre-wrap; overflow-wrap: anywhere; }
.value pre { margin: 4px 0 0; padding: 6px 8px; background: #f9fafb; border: 1px solid var(--line); border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 900px; }
.value .actions { display: inline-flex; gap: 6px; margin-left: 6px; }
.value .actions button { font-size: 11px; padding: 0 6px; line-height: 17px; }
.j-str { color: #047857; } .j-num { color: #1d4ed8; } .j-bool, .j-null { color: #b45309; } .j-key { color: #374151; }
.j-special { color: #6b7280; font-style: italic; }
.j-special.redacted { color: #b45309; font-style: normal; background: #fffbeb; padding: 0 4px; border-radius: 3px; }
.detail-head { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; margin-bottom: 12px; }
.detail-head h1 { font-family: var(--mono); font-size: 17px; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px 16px; padding: 12px; }
.facts div span { display: block; font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .3px; }
.facts div b { font-weight: 500; font-family: var(--mono); font-size: 12px; overflow-wrap: anywhere; }
.facts div.wide { grid-column: span 2; }
.facts b.id { white-space: nowrap; overflow-wrap: normal; }
.facts b.id button, .detail-head button.copy-id { font: 11px system-ui, sans-serif; padding: 0 6px; margin-left: 6px; line-height: 17px; }
.not-found h1 { font-family: inherit; margin-bottom: 8px; }
.errorbox { border: 1px solid #fecaca; background: var(--err-bg); border-radius: 6px; padding: 10px 12px; margin-top: 12px; }
.errorbox .msg { color: var(--err); font-weight: 600; font-family: var(--mono); overflow-wrap: anywhere; }
.errorbox pre { margin: 8px 0 0; font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; color: #7f1d1d; }
.columns { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; }
@media (max-width: 1100px) { .columns { grid-template-columns: minmax(0, 1fr); } }
.source { margin: 0; padding: 8px 0; font-family: var(--mono); font-size: 12px; overflow-x: auto; background: #0f172a; color: #e2e8f0; border-radius: 6px; }
.source div { padding: 0 12px; white-space: pre; }
.source div.here { background: #1e3a8a; }
.source div.threw { background: #7f1d1d; }
.source .t-keyword { color: #c4b5fd; } .source .t-string { color: #86efac; } .source .t-number { color: #fdba74; }
.source .t-comment { color: #94a3b8; font-style: italic; } .source .t-regexp { color: #f9a8d4; }
.source span.ln { display: inline-block; width: 40px; color: #64748b; text-align: right; margin-right: 12px; user-select: none; }
.muted { color: var(--muted); }
ul.links { list-style: none; margin: 0; padding: 0; }
ul.links li { padding: 5px 12px; border-bottom: 1px solid #f3f4f6; display: flex; gap: 10px; align-items: center; }
ul.links li:last-child { border-bottom: 0; }
.gantt { padding: 8px 0; }
.gantt .row { display: grid; grid-template-columns: 280px 220px 1fr 80px 80px; align-items: center; height: 24px; cursor: pointer; }
.gantt .args { font-size: 11px; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; padding-right: 8px; }
.trace-layout { display: grid; grid-template-columns: minmax(0, 1fr); gap: 16px; }
.trace-layout:has(.span-panel:not([hidden])) { grid-template-columns: minmax(0, 1fr) 380px; }
.span-panel { padding: 10px 12px; align-self: start; position: sticky; top: 8px; max-height: calc(100vh - 16px); overflow: auto; }
.span-panel h2 { margin: 10px 0 4px; }
.gantt .row:hover, .gantt .row.current { background: #eff6ff; }
.gantt .row[hidden] { display: none; }
.gantt .label { font-family: var(--mono); font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.gantt .track { position: relative; height: 14px; border-left: 1px solid var(--line); border-right: 1px solid var(--line); }
.gantt .bar { position: absolute; top: 0; height: 14px; min-width: 2px; border-radius: 2px; background: #3b82f6; }
.gantt .bar.ERR { background: var(--err); }
.gantt .twisty { display: inline-block; width: 16px; padding: 0; border: 0; background: none; color: var(--muted); font-size: 10px; line-height: 1; text-align: center; }
.gantt button.twisty[aria-expanded="true"]::before { content: "▾"; }
.gantt button.twisty[aria-expanded="false"]::before { content: "▸"; }
.gantt .hidden-count { margin-left: 6px; color: var(--muted); font-size: 11px; }
.gantt .row.match .name { background: #fef08a; border-radius: 2px; }
.gantt .row.dim { opacity: .45; }
.trace-tools { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 0 12px 8px; border-bottom: 1px solid var(--line); margin-bottom: 4px; }
.trace-tools #trace-find { width: 220px; }
.trace-tools .legend { display: flex; flex-wrap: wrap; gap: 4px 12px; margin-left: auto; font-size: 11px; color: #374151; font-family: var(--mono); }
.trace-tools .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.gantt .dur { text-align: right; padding-right: 12px; font-variant-numeric: tabular-nums; color: #374151; font-size: 12px; }
.gantt .axis { display: grid; grid-template-columns: 280px 220px 1fr 80px 80px; color: var(--muted); font-size: 11px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.gantt .axis .ticks { position: relative; height: 14px; }
.gantt .axis .ticks span { position: absolute; white-space: nowrap; }
.charts { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
.charts .panel { padding: 8px 12px; overflow: hidden; }
.charts h2 { margin: 4px 0; }
svg.chart.zoomable { cursor: crosshair; user-select: none; }
.zoom-band { position: absolute; top: 0; bottom: 0; background: rgba(37, 99, 235, .15); border: 1px solid #2563eb; pointer-events: none; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: system-ui, sans-serif; }
`;
