/**
 * The dashboard script's rendering half (browser JavaScript as a string; ./script wraps it).
 * Every piece of data becomes a text node or an attribute through `el`: no innerHTML, so a
 * fleet name or event message can never become markup.
 */
export const RENDER_SCRIPT = String.raw`
var doc = document;
function byId(id) { return doc.getElementById(id); }

/** An element with attributes (skipping null/undefined) and children (strings become text nodes). */
function el(tag, attrs, children) {
  var e = doc.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) {
    var v = attrs[k];
    if (v !== undefined && v !== null && v !== false) e.setAttribute(k, String(v));
  });
  (children || []).forEach(function (c) {
    if (c === undefined || c === null) return;
    e.appendChild(typeof c === 'object' ? c : doc.createTextNode(String(c)));
  });
  return e;
}

/** kubectl's AGE (drover's humanDuration). */
function humanDuration(total) {
  var s = Math.floor(total);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return s + 's';
  var m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? m + 'm' : m + 'm' + (s % 60) + 's';
  if (m < 180) return m + 'm';
  var h = Math.floor(s / 3600);
  if (h < 8) return m % 60 === 0 ? h + 'h' : h + 'h' + (m % 60) + 'm';
  if (h < 48) return h + 'h';
  var d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? d + 'd' : d + 'd' + (h % 24) + 'h';
  if (h < 24 * 365 * 2) return d + 'd';
  var y = Math.floor(d / 365);
  return y + 'y';
}

function ageText(iso, nowMs) {
  var t = Date.parse(iso || '');
  return isNaN(t) ? 'unknown' : humanDuration((nowMs - t) / 1000);
}

function timeEl(iso, nowMs, suffix) {
  if (!iso) return el('span', {}, ['unknown']);
  return el('time', { datetime: iso, title: iso }, [ageText(iso, nowMs) + (suffix || '')]);
}

var TONES = { Ready: 'ok', Succeeded: 'ok', Normal: 'ok', True: 'ok', Progressing: 'info', InProgress: 'info',
  Degraded: 'warn', Warning: 'warn', RolledBack: 'warn', Failed: 'bad' };
function badge(text) {
  return el('span', { 'class': 'badge tone-' + (TONES[text] || 'info') }, [text]);
}

function shortId(text, n) { return text ? String(text).slice(0, n) : '—'; }

function conditionList(conditions) {
  var bad = { Degraded: 'True', Ready: 'False', ManifestValid: 'False' };
  return el('ul', { 'class': 'conds' }, (conditions || []).map(function (c) {
    var wrong = bad[c.type] === c.status;
    var text = c.type + ': ' + c.status + (c.reason ? ' (' + c.reason + ')' : '');
    return el('li', { title: c.message || null }, [el('span', { 'class': wrong ? 'cond-bad' : null }, [text])]);
  }));
}

function fleetRow(f, nowMs, selected) {
  var pick = el('button', { type: 'button', 'class': 'fleet-pick', 'data-fleet': f.name, 'aria-pressed': f.name === selected ? 'true' : 'false' }, [f.name]);
  var ready = f.ready ? f.ready.inService + '/' + f.ready.desired : '—';
  return el('tr', { 'data-fleet': f.name }, [
    el('th', { scope: 'row' }, [pick]),
    el('td', {}, [badge(f.phase)]),
    el('td', {}, [ready]),
    el('td', {}, [f.spec ? f.spec.strategy : '—']),
    el('td', {}, [f.ami || '—', f.commit ? el('span', { 'class': 'empty' }, [' @ ' + shortId(f.commit, 8)]) : null]),
    el('td', {}, [conditionList(f.conditions)]),
    el('td', {}, [timeEl(f.createdAt, nowMs)]),
  ]);
}

function facts(pairs) {
  var out = [];
  pairs.forEach(function (p) {
    if (p[1] === undefined || p[1] === null || p[1] === '') return;
    out.push(el('dt', {}, [p[0]]), el('dd', { 'data-fact': p[0].toLowerCase().replace(/[^a-z]+/g, '-') }, [p[1]]));
  });
  return out;
}

function side(s) {
  return s ? s.group + ': ' + s.inService + ' of ' + s.desired + ' InService' : undefined;
}

function deploymentFacts(f, d, nowMs) {
  var end = d.finishedAt ? Date.parse(d.finishedAt) : nowMs;
  var took = humanDuration((end - Date.parse(d.startedAt)) / 1000);
  return facts([
    ['Fleet', f.name],
    ['Kind', d.kind],
    ['Deployment', d.id + (d.generation !== undefined ? ' (generation ' + d.generation + ')' : '')],
    ['Result', badge(d.result)],
    ['Step', d.step !== undefined && d.steps !== undefined ? d.phase + ' (step ' + d.step + ' of ' + d.steps + ')' : d.phase],
    ['Started', timeEl(d.startedAt, nowMs, ' ago')],
    [d.finishedAt ? 'Took' : 'Running for', took],
    ['Image', (d.fromAmi || '—') + ' → ' + (d.toAmi || '—')],
    ['Commit', d.commit],
    ['Blue', side(d.blue)],
    ['Green', side(d.green)],
    ['Reason', d.reason ? d.reason + (d.message ? ': ' + d.message : '') : undefined],
    ['Failing instances', (d.failingInstanceIds || []).join(', ')],
  ]);
}

/** The canary slot: weight and analysis when the deployment reports them (a later wave fills them in). */
function weightText(d) {
  var w = typeof d.weight === 'number' ? d.weight : d.canary && typeof d.canary.weight === 'number' ? d.canary.weight : undefined;
  if (w === undefined) return 'not set: this ' + d.kind + ' moves traffic all at once, not by weight';
  return w + ' % of traffic to green, ' + (100 - w) + ' % to blue';
}

function analysisRows(d) {
  var results = Array.isArray(d.analysis) ? d.analysis : d.canary && Array.isArray(d.canary.analysis) ? d.canary.analysis : [];
  return results.map(function (a) {
    var verdict = a.verdict || a.result || a.status || '—';
    return el('tr', {}, [
      el('th', { scope: 'row' }, [a.name || a.metric || '—']),
      el('td', {}, [badge(String(verdict))]),
      el('td', {}, [a.value === undefined ? '—' : String(a.value)]),
      el('td', {}, [a.threshold === undefined ? '—' : String(a.threshold)]),
      el('td', {}, [a.message || '']),
    ]);
  });
}

function eventRow(e, nowMs) {
  return el('tr', {}, [
    el('td', {}, [timeEl(e.at, nowMs, e.count > 1 ? ' ago (×' + e.count + ')' : ' ago')]),
    el('td', {}, [e.fleet]),
    el('td', {}, [badge(e.type)]),
    el('td', {}, [e.reason]),
    el('td', {}, [e.message]),
  ]);
}
`;
