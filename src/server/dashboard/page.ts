/**
 * The dashboard's HTML: landmarks (header, main, footer), a skip link, one section per view
 * with a heading, tables with captions and scoped headers, and a polite live region for the
 * refresh status. The script (./script) fills it from /api/v1; nothing here holds data.
 */
export interface PageParts {
  pollMs: number;
  source: string;
  style: string;
  script: string;
  icon: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const INTERVALS = [2, 5, 10, 30, 60];

function intervalOptions(pollMs: number): string {
  const seconds = Math.max(1, Math.round(pollMs / 1000));
  const all = [...new Set([...INTERVALS, seconds])].sort((a, b) => a - b);
  return all.map((s) => `<option value="${s}"${s === seconds ? ' selected' : ''}>${s} s</option>`).join('');
}

export function dashboardHtml(p: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="drover-poll-ms" content="${Math.max(1000, Math.round(p.pollMs))}">
<title>drover dashboard</title>
<link rel="icon" href="${escapeHtml(p.icon)}" type="image/svg+xml">
<link rel="stylesheet" href="${escapeHtml(p.style)}">
<script src="${escapeHtml(p.script)}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to the fleets</a>
<header class="top">
  <div class="brand">
    <h1>drover</h1>
    <p class="source">Read-only view of ${escapeHtml(p.source)}</p>
  </div>
  <div class="controls" role="group" aria-label="Updates">
    <button type="button" id="refresh">Refresh now</button>
    <button type="button" id="pause" aria-pressed="false">Pause updates</button>
    <label for="interval">Refresh every</label>
    <select id="interval">${intervalOptions(p.pollMs)}</select>
  </div>
  <p id="status" class="status" role="status" aria-live="polite" data-state="loading" data-refreshes="0">Loading…</p>
</header>
<main id="main" tabindex="-1">
  <section aria-labelledby="fleets-h">
    <h2 id="fleets-h">Fleets</h2>
    <div class="scroll">
      <table id="fleets">
        <caption>Every fleet with its health, conditions and age. Choose a fleet's name to follow its deployment.</caption>
        <thead><tr>
          <th scope="col">Name</th><th scope="col">Phase</th><th scope="col">Ready</th><th scope="col">Strategy</th>
          <th scope="col">Image</th><th scope="col">Conditions</th><th scope="col">Age</th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <p id="fleets-empty" class="empty" hidden>No fleets have reported status yet.</p>
  </section>
  <section id="deployment" aria-labelledby="deploy-h">
    <h2 id="deploy-h">Deployment</h2>
    <p id="deploy-none" class="empty">No deployment yet.</p>
    <div id="deploy-body" hidden>
      <dl id="deploy-facts" class="facts"></dl>
      <section id="traffic" aria-labelledby="traffic-h" data-slot="canary">
        <h3 id="traffic-h">Traffic and analysis</h3>
        <dl id="traffic-facts" class="facts"></dl>
        <div class="scroll">
          <table id="analysis" hidden>
            <caption>Analysis results, newest step last</caption>
            <thead><tr><th scope="col">Check</th><th scope="col">Verdict</th><th scope="col">Value</th><th scope="col">Threshold</th><th scope="col">Detail</th></tr></thead>
            <tbody></tbody>
          </table>
        </div>
      </section>
      <figure id="timeline-fig">
        <img id="timeline" width="800" height="360" alt="">
        <figcaption id="timeline-cap"></figcaption>
      </figure>
    </div>
  </section>
  <section aria-labelledby="events-h">
    <h2 id="events-h">Events</h2>
    <div class="scroll">
      <table id="events">
        <caption>What happened to the fleets, newest first (at most 50)</caption>
        <thead><tr><th scope="col">Last seen</th><th scope="col">Fleet</th><th scope="col">Type</th><th scope="col">Reason</th><th scope="col">Message</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <p id="events-empty" class="empty" hidden>No events yet.</p>
  </section>
</main>
<footer class="bottom">
  <p>Read-only. The same data as JSON: <a href="/api/v1/fleets">/api/v1/fleets</a> and <a href="/api/v1/events">/api/v1/events</a>.</p>
</footer>
</body>
</html>
`;
}
