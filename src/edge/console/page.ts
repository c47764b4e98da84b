// The console's static shell and stylesheet, served by the Worker (see ./serve.ts). The
// script is built from ./client by scripts/build-console.mjs.

export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>durable-dynamodb console</title>
<link rel="stylesheet" href="/console/app.css">
<script defer src="/console/app.js"></script>
</head>
<body>
<header>
  <h1><a href="#/tables">durable-dynamodb</a></h1>
  <nav id="nav" hidden><a href="#/tables">Tables</a><a href="#/create">Create table</a><a href="#/partiql">PartiQL</a></nav>
  <span id="who"></span>
</header>
<div id="status" role="status"></div>
<main id="main"><noscript>The console needs JavaScript.</noscript></main>
</body>
</html>
`;

export const CONSOLE_CSS = `
:root { color-scheme: light dark; --fg: #1d2329; --bg: #f6f7f9; --card: #fff; --line: #d5d9de; --accent: #2463eb; --danger: #c62828; --muted: #66707a; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ec; --bg: #15181c; --card: #1e2227; --line: #343a41; --accent: #6e9bff; --danger: #ff6b6b; --muted: #98a2ad; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem; background: var(--card); border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.05rem; margin: 0; } header h1 a { color: inherit; text-decoration: none; }
header nav { display: flex; gap: 1rem; } header #who { margin-left: auto; color: var(--muted); }
a { color: var(--accent); }
main { padding: 1rem 1.2rem; max-width: 1400px; }
#status { padding: .3rem 1.2rem; min-height: 1.8rem; color: var(--muted); }
#status.error { color: var(--danger); font-weight: 600; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin-bottom: 1rem; }
.row { display: flex; gap: .6rem; align-items: end; flex-wrap: wrap; margin: .4rem 0; }
.card > .row:first-child { align-items: center; } .card > .row:first-child h2, .editor h3 { margin: 0 1rem 0 0; }
label { display: flex; flex-direction: column; gap: .15rem; font-size: .85rem; color: var(--muted); margin: .3rem 0; flex: 1 1 12rem; }
input, select, textarea, button, a.button { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: .35rem .5rem; }
textarea, #item-json { width: 100%; font-family: ui-monospace, monospace; font-size: 13px; }
button, a.button { cursor: pointer; background: var(--card); text-decoration: none; flex: 0 0 auto; }
button:disabled { opacity: .5; cursor: default; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.danger { color: var(--danger); border-color: var(--danger); }
button.active { outline: 2px solid var(--accent); }
button.link { border: 0; background: none; color: var(--accent); padding: 0; }
#sign-in { max-width: 28rem; }
table.grid { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: 13px; }
table.grid th, table.grid td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; max-width: 28rem; overflow-wrap: anywhere; }
table.grid td.num, table.grid th.num { text-align: right; }
table.items tbody tr { cursor: pointer; } table.items tbody tr:hover { background: var(--bg); }
.tabs { display: flex; gap: .2rem; border-bottom: 1px solid var(--line); margin-bottom: .8rem; }
.tabs a { padding: .4rem .8rem; text-decoration: none; border-bottom: 2px solid transparent; }
.tabs a.active { border-bottom-color: var(--accent); font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.warning { color: var(--danger); } .hint { color: var(--muted); font-size: .85rem; }
`;
