/**
 * The dashboard's stylesheet. Light and dark palettes (prefers-color-scheme), every text colour
 * at 4.5:1 or more on its background, a visible focus ring, state never shown by colour alone,
 * and no motion when the user asks for reduced motion.
 */
export const DASHBOARD_CSS = `:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2937; --muted: #4b5563; --line: #d1d5db; --panel: #f9fafb;
  --link: #1d4ed8; --focus: #1d4ed8; --btn-bg: #1f2937; --btn-fg: #ffffff;
  --ok-bg: #dcfce7; --ok-fg: #14532d; --info-bg: #dbeafe; --info-fg: #1e3a8a;
  --warn-bg: #fef3c7; --warn-fg: #78350f; --bad-bg: #fee2e2; --bad-fg: #7f1d1d;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111827; --fg: #f3f4f6; --muted: #d1d5db; --line: #374151; --panel: #1f2937;
    --link: #93c5fd; --focus: #fbbf24; --btn-bg: #e5e7eb; --btn-fg: #111827;
    --ok-bg: #14532d; --ok-fg: #dcfce7; --info-bg: #1e3a8a; --info-fg: #dbeafe;
    --warn-bg: #78350f; --warn-fg: #fef3c7; --bad-bg: #7f1d1d; --bad-fg: #fee2e2;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--link); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: 0.5rem; top: -3rem; background: var(--bg); color: var(--link); padding: 0.5rem 0.75rem; z-index: 1; }
.skip:focus { top: 0.5rem; }
.top { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; padding: 0.75rem 1.25rem; border-bottom: 1px solid var(--line); background: var(--panel); }
.brand h1 { margin: 0; font-size: 1.35rem; }
.source { margin: 0; color: var(--muted); font-size: 0.85rem; overflow-wrap: anywhere; }
.controls { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
button, select { font: inherit; min-height: 2.25rem; border-radius: 6px; padding: 0.25rem 0.8rem; }
button { background: var(--btn-bg); color: var(--btn-fg); border: 1px solid var(--btn-bg); cursor: pointer; }
button[aria-pressed="true"] { background: var(--warn-bg); color: var(--warn-fg); border-color: var(--warn-fg); }
select { background: var(--bg); color: var(--fg); border: 1px solid var(--muted); }
.status { margin: 0; padding: 0.25rem 0.6rem; border-radius: 6px; background: var(--info-bg); color: var(--info-fg); }
.status[data-state="stale"] { background: var(--warn-bg); color: var(--warn-fg); font-weight: 600; }
main { padding: 0 1.25rem 1.5rem; max-width: 84rem; }
main:focus { outline: none; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.4rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; color: var(--muted); font-size: 0.85rem; padding-bottom: 0.35rem; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.6rem; border-bottom: 1px solid var(--line); }
thead th { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.03em; color: var(--muted); }
tbody th { font-weight: 600; }
.fleet-pick { text-align: left; background: transparent; color: var(--link); border: 1px solid transparent; padding: 0.1rem 0.4rem; text-decoration: underline; min-height: 0; }
.fleet-pick[aria-pressed="true"] { background: transparent; color: var(--fg); border-color: var(--fg); text-decoration: none; }
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.85rem; font-weight: 600; background: var(--info-bg); color: var(--info-fg); }
.badge.tone-ok { background: var(--ok-bg); color: var(--ok-fg); }
.badge.tone-warn { background: var(--warn-bg); color: var(--warn-fg); }
.badge.tone-bad { background: var(--bad-bg); color: var(--bad-fg); }
.conds { list-style: none; margin: 0; padding: 0; font-size: 0.85rem; }
.conds .cond-bad { color: var(--bad-fg); background: var(--bad-bg); border-radius: 4px; padding: 0 0.25rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0.5rem 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.empty { color: var(--muted); }
time { white-space: nowrap; }
figure { margin: 1rem 0 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #ffffff; }
figcaption { color: var(--muted); font-size: 0.85rem; }
.bottom { padding: 0.75rem 1.25rem; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.85rem; }
.bottom p { margin: 0; }
#status { transition: background-color 0.3s ease; }
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { transition: none !important; animation: none !important; scroll-behavior: auto !important; }
}
`;
