/**
 * The browser's whole stylesheet, served at `/assets/eventfold.css`. It lives in a module rather
 * than a .css file so that the package ships it without a build step or a copy.
 */
export const STYLESHEET = `
:root { --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --accent: #3559e0; --bad: #c4320a; --good: #067647; --bg-soft: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); }
header { display: flex; gap: 20px; align-items: center; padding: 10px 20px; border-bottom: 1px solid var(--line); background: var(--bg-soft); }
header strong { font-size: 15px; }
header nav a { margin-right: 14px; color: var(--muted); text-decoration: none; }
header nav a.current { color: var(--fg); font-weight: 600; }
header .database { margin-left: auto; color: var(--muted); font-size: 12px; }
header .mode { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: var(--line); }
header .mode.operations { background: #fde7d9; color: var(--bad); }
main { padding: 16px 20px; }
h1 { font-size: 18px; margin: 0 0 12px; }
h2 { font-size: 15px; margin: 18px 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
td code { word-break: break-all; font-size: 12px; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
pre { margin: 0; padding: 8px; background: var(--bg-soft); border-radius: 4px; overflow: auto; font-size: 12px; }
a { color: var(--accent); }
.muted { color: var(--muted); }
form.filters { display: flex; gap: 8px; margin-bottom: 12px; align-items: center; }
input, select, button { font: inherit; padding: 4px 8px; }
button { cursor: pointer; border: 1px solid var(--line); background: white; border-radius: 4px; }
button.danger { color: var(--bad); }
.flash { padding: 8px 12px; margin-bottom: 12px; border-radius: 4px; background: #e8f5ee; }
.flash.error { background: #fdecea; color: var(--bad); }
.history { display: grid; grid-template-columns: 260px 1fr; gap: 20px; }
.history ol { list-style: none; margin: 0; padding: 0; max-height: 70vh; overflow: auto; border: 1px solid var(--line); border-radius: 4px; }
.history li a { display: block; padding: 4px 8px; text-decoration: none; color: var(--fg); border-bottom: 1px solid var(--line); }
.history li a.current { background: var(--accent); color: white; }
.stepper { display: flex; gap: 12px; align-items: center; margin-bottom: 10px; }
.panes { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.change-added td.after, .change-changed td.after { color: var(--good); }
.change-removed td.before, .change-changed td.before { color: var(--bad); text-decoration: line-through; }
.state-halted { color: var(--bad); font-weight: 600; }
.state-running { color: var(--good); }
tr.fresh { animation: fresh 2s ease-out; }
@keyframes fresh { from { background: #fff6d6; } to { background: transparent; } }
svg.sparkline { vertical-align: middle; }
svg.sparkline polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.live-status { font-size: 12px; color: var(--muted); }
`;
