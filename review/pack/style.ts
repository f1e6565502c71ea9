// The pack's one stylesheet (written to out/review/assets/style.css): readable code side by side, lanes that
// stay aligned, badges; no web fonts or anything fetched.

export const STYLE = `
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #f5f7fa; --accent: #1d4ed8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
header { display: flex; gap: 24px; align-items: center; padding: 10px 24px; background: #102a43; color: #fff; }
header .brand { font-weight: 600; }
header nav a { color: #bcccdc; margin-right: 16px; text-decoration: none; }
header nav a:hover { color: #fff; }
main { padding: 8px 24px 48px; max-width: 1800px; }
h1 { font-size: 22px; margin: 16px 0 8px; }
h2 { font-size: 17px; margin: 22px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
a { color: var(--accent); }
code { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: var(--bg); padding: 0 3px; border-radius: 3px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.lede { font-size: 15px; }
.muted, .note { color: var(--muted); }
.side { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 20px; align-items: start; }
figure.code { margin: 0 0 14px; border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
figure.code figcaption { background: var(--bg); padding: 5px 10px; font-size: 12.5px; color: var(--muted); border-bottom: 1px solid var(--line); }
figure.code table { margin: 0; width: 100%; border: 0; }
figure.code td { border: 0; padding: 0 8px; }
figure.code td.ln { color: #9aa5b1; text-align: right; width: 1%; user-select: none; font: 12px/1.5 ui-monospace, Menlo, Consolas, monospace; }
figure.code pre { margin: 0; font: 12.5px/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; white-space: pre; }
figure.tla { border-left: 4px solid #7c3aed; }
figure.ts { border-left: 4px solid #2563eb; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.badge.ok { background: #d1fae5; color: #065f46; }
.badge.bad { background: #fee2e2; color: #991b1b; }
.badge.warn { background: #fef3c7; color: #92400e; }
.badge.info { background: #e0e7ff; color: #3730a3; }
.stale { background: #fffbeb; border: 1px solid #fcd34d; padding: 8px 12px; border-radius: 6px; }
ul.props li, ul.changes li { margin: 2px 0; }
.lanes { overflow-x: auto; }
.lanes table { table-layout: fixed; }
.lanes th.lane { min-width: 220px; }
.lanes th.netfs { background: #ede9fe; } .lanes th.object { background: #dbeafe; } .lanes th.op { background: #dcfce7; }
.lanes td { min-width: 220px; }
.lanes td.idx { min-width: 0; width: 40px; color: var(--muted); text-align: right; }
.lanes td.on { background: #fafcff; }
.lanes .act { font-weight: 600; }
.lanes ul.changes { margin: 2px 0 0; padding-left: 16px; font-size: 12px; }
.lanes td.loop { font-style: italic; color: var(--muted); }
.graph svg { max-width: 100%; height: auto; }
.legend .k { padding: 1px 8px; border: 1px solid var(--line); margin-right: 6px; }
.legend .work { background: #dbeafe; } .legend .wait { background: #fef3c7; border-radius: 10px; } .legend .dead { background: #e5e7eb; border-radius: 50%; }
table.status th { width: 200px; }
pre.report { background: var(--bg); padding: 10px; overflow-x: auto; }
`;
