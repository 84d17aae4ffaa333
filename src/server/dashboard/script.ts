/**
 * The dashboard's browser script (plain ES2017, no framework, shipped as a string). It polls
 * /api/v1/fleets every few seconds (the page's meta, `?poll=SECONDS`, or the select), measures
 * ages against the server's clock (X-Drover-Now), follows the running deployment (or the fleet
 * the user picked), redraws its timeline picture as it grows, and says plainly when what it
 * shows is stale: the last poll failed, none succeeded for three intervals, or no fleet status was
 * written for ten minutes (no daemon is writing the state directory).
 */
import { RENDER_SCRIPT } from './script-render';

const MAIN_SCRIPT = String.raw`
var state = { pollMs: 5000, timer: 0, paused: false, lastOkMs: 0, serverNowMs: 0, items: [], picked: null, error: '', refreshes: 0, busy: false, statusText: '' };

function initialPollMs() {
  var q = Number(new URLSearchParams(location.search).get('poll'));
  if (q >= 1) return Math.round(q * 1000);
  var meta = doc.querySelector('meta[name="drover-poll-ms"]');
  var m = meta ? Number(meta.getAttribute('content')) : NaN;
  return m >= 1000 ? m : 5000;
}

function following(items) {
  var names = items.map(function (f) { return f.name; });
  if (state.picked && names.indexOf(state.picked) >= 0) return state.picked;
  var running = items.filter(function (f) { return f.deployment && f.deployment.result === 'InProgress'; })[0];
  var any = running || items.filter(function (f) { return f.deployment; })[0] || items[0];
  return any ? any.name : null;
}

function renderFleets(items, nowMs, selected) {
  var focused = doc.activeElement && doc.activeElement.getAttribute('data-fleet');
  var body = byId('fleets').tBodies[0];
  body.replaceChildren.apply(body, items.map(function (f) { return fleetRow(f, nowMs, selected); }));
  byId('fleets-empty').hidden = items.length > 0;
  if (focused) {
    var again = body.querySelector('button[data-fleet="' + CSS.escape(focused) + '"]');
    if (again) again.focus();
  }
}

function renderDeployment(f, nowMs) {
  var d = f && (f.deployment || (f.history || [])[0]);
  byId('deploy-none').hidden = !!d;
  byId('deploy-body').hidden = !d;
  byId('deploy-none').textContent = f ? 'Fleet ' + f.name + ' has had no deployment yet.' : 'No deployment yet.';
  if (!d) return;
  var factsEl = byId('deploy-facts');
  factsEl.replaceChildren.apply(factsEl, deploymentFacts(f, d, nowMs));
  var traffic = byId('traffic-facts');
  traffic.replaceChildren.apply(traffic, facts([['Weight', weightText(d)]]));
  var rows = analysisRows(d);
  var table = byId('analysis');
  table.tBodies[0].replaceChildren.apply(table.tBodies[0], rows);
  table.hidden = rows.length === 0;
  var points = (d.timeline || []).length;
  // A run of equal samples keeps its newest in place of the last, so the count alone can stand still while time moves.
  var last = points ? d.timeline[points - 1].at : '';
  var src = '/api/v1/fleets/' + encodeURIComponent(f.name) + '/timeline.svg?deployment=' + encodeURIComponent(d.id) +
    '&v=' + points + '-' + encodeURIComponent(last + '-' + d.phase + '-' + d.result + '-' + (d.finishedAt || ''));
  var img = byId('timeline');
  if (img.getAttribute('src') !== src) img.setAttribute('src', src);
  img.setAttribute('data-points', String(points));
  img.alt = 'Timeline of ' + d.kind + ' ' + d.id + ' of fleet ' + f.name + ': blue and green instances InService against desired capacity, ' +
    points + ' samples so far, now ' + d.phase + ' (' + d.result + ').';
  byId('timeline-cap').textContent = 'Capacity over time, ' + points + ' samples; the picture grows while the deployment runs.';
}

function renderEvents(items, nowMs) {
  var events = [];
  items.forEach(function (f) { (f.events || []).forEach(function (e) { events.push(e); }); });
  events.sort(function (a, b) { return Date.parse(b.at) - Date.parse(a.at); });
  var body = byId('events').tBodies[0];
  body.replaceChildren.apply(body, events.slice(0, 50).map(function (e) { return eventRow(e, nowMs); }));
  byId('events-empty').hidden = events.length > 0;
}

function render() {
  var selected = following(state.items);
  renderFleets(state.items, state.serverNowMs, selected);
  renderDeployment(state.items.filter(function (f) { return f.name === selected; })[0], state.serverNowMs);
  renderEvents(state.items, state.serverNowMs);
}

/** drover's clock (virtual under --sim), as the data was read. */
function clock(ms) { return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC'; }

/** Ten minutes: twice the daemon's default resync, after which every fleet has been written again. */
var WRITTEN_STALE_MS = 10 * 60 * 1000;

/** How long ago (server clock) the newest fleet status was written, when that is too long. */
function writtenLongAgo() {
  var newest = Math.max.apply(Math, state.items.map(function (f) { return Date.parse(f.updatedAt) || 0; }));
  if (!state.items.length || !(state.serverNowMs - newest > WRITTEN_STALE_MS)) return '';
  return 'the newest fleet status was written ' + humanDuration((state.serverNowMs - newest) / 1000) + ' ago (is a daemon running?)';
}

function updateStatus() {
  var s = byId('status');
  var late = state.lastOkMs > 0 && !state.paused && Date.now() - state.lastOkMs > 3 * state.pollMs;
  var old = state.lastOkMs > 0 ? writtenLongAgo() : '';
  var stale = state.error !== '' || late || old !== '';
  var why = state.error ? 'the last refresh failed (' + state.error + ')' : late ? 'no refresh for a while' : old;
  var text;
  if (!state.lastOkMs && state.error) text = 'Stale: cannot read /api/v1/fleets (' + state.error + '); nothing to show yet.';
  else if (!state.lastOkMs) text = 'Loading…';
  else if (stale) text = 'Stale: ' + why + '; showing data as of ' + clock(state.serverNowMs) + '.';
  else text = 'Data as of ' + clock(state.serverNowMs) + (state.paused ? '; updates paused.' : '; refreshing every ' + state.pollMs / 1000 + ' s.');
  s.setAttribute('data-state', stale ? 'stale' : state.lastOkMs ? 'fresh' : 'loading');
  s.setAttribute('data-refreshes', String(state.refreshes));
  if (text !== state.statusText) s.textContent = state.statusText = text;
}

function schedule() {
  clearTimeout(state.timer);
  if (!state.paused) state.timer = setTimeout(refresh, state.pollMs);
}

async function refresh() {
  if (state.busy) return;
  state.busy = true;
  clearTimeout(state.timer);
  try {
    var res = await fetch('/api/v1/fleets', { cache: 'no-store', headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    var body = await res.json();
    if (!body || body.kind !== 'FleetStatus' || !Array.isArray(body.items)) throw new Error('not a FleetStatus list');
    state.serverNowMs = Date.parse(res.headers.get('x-drover-now') || '') || Date.now();
    state.items = body.items;
    state.lastOkMs = Date.now();
    state.error = '';
    state.refreshes++;
    render();
  } catch (err) {
    state.error = err && err.message ? err.message : String(err);
  } finally {
    state.busy = false;
    updateStatus();
    schedule();
  }
}

function start() {
  state.pollMs = initialPollMs();
  var select = byId('interval');
  var seconds = String(state.pollMs / 1000);
  if (![].some.call(select.options, function (o) { return o.value === seconds; })) select.appendChild(el('option', { value: seconds }, [seconds + ' s']));
  select.value = seconds;
  select.addEventListener('change', function () { state.pollMs = Number(select.value) * 1000; updateStatus(); schedule(); });
  byId('refresh').addEventListener('click', function () { refresh(); });
  var pause = byId('pause');
  pause.addEventListener('click', function () {
    state.paused = !state.paused;
    pause.setAttribute('aria-pressed', String(state.paused));
    pause.textContent = state.paused ? 'Resume updates' : 'Pause updates';
    updateStatus();
    if (state.paused) clearTimeout(state.timer); else refresh();
  });
  byId('fleets').addEventListener('click', function (ev) {
    var b = ev.target.closest && ev.target.closest('button[data-fleet]');
    if (!b) return;
    var name = b.getAttribute('data-fleet');
    state.picked = state.picked === name ? null : name;
    render();
  });
  setInterval(updateStatus, 1000);
  refresh();
}

if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', start); else start();
`;

export const DASHBOARD_SCRIPT = `(function () {\n'use strict';\n${RENDER_SCRIPT}\n${MAIN_SCRIPT}\n})();\n`;
