// The portd dashboard: renders the snapshot written into the page at once, then every snapshot of
// /api/events (server-sent events, once a second; polling /api/services without EventSource).
// Charts are in dashboard-charts.js, the mail panel in dashboard-mail.js, the shared helpers in
// dashboard-format.js. Every value from the server is set as text, never as HTML.
import { $, el, bytes, count, duration, address } from './dashboard-format.js';
import { Charts } from './dashboard-charts.js';
import { Mail } from './dashboard-mail.js';

let last = null;           // previous snapshot, for rates and change highlights
let lastAt = 0;
const charts = new Charts();
const mail = new Mail();

function sum(list, key) { return list.reduce((a, s) => a + s[key], 0); }
function reasons(map) { return Object.entries(map || {}).map(([k, v]) => k + ': ' + count(v)).join(', '); }

function render(snap) {
  const now = performance.now();
  const dt = last ? (now - lastAt) / 1000 : 0;
  renderHost(snap, dt);
  renderServices(snap.services, dt);
  renderRpc(snap.rpc || []);
  if (snap.recent) charts.merge(snap.recent);
  mail.available(snap.mail);
  $('updated').textContent = 'updated ' + new Date(snap.host.now).toLocaleTimeString();
  last = snap; lastAt = now;
}

function renderHost(snap, dt) {
  const h = snap.host, svc = snap.services;
  $('hostname').textContent = h.hostname || '';
  $('uptime').textContent = duration(h.uptimeSeconds);
  $('started').textContent = 'since ' + new Date(h.startedAt).toLocaleString()
    + (h.lastReload ? ' · reload ' + new Date(h.lastReload.at).toLocaleTimeString() + ': ' + h.lastReload.summary : '');
  $('transport').textContent = h.transport;
  $('files').textContent = h.openFiles >= 0 ? count(h.openFiles) + ' of ' + count(h.maxFiles) + ' files open' : '';
  $('open').textContent = count(sum(svc, 'openConnections'));
  $('total').textContent = count(sum(svc, 'totalConnections')) + ' since start';
  const tin = sum(svc, 'bytesIn'), tout = sum(svc, 'bytesOut');
  $('in').textContent = bytes(tin);
  $('out').textContent = bytes(tout);
  if (last && dt > 0) {
    $('in-rate').textContent = bytes(Math.max(0, (tin - sum(last.services, 'bytesIn')) / dt)) + '/s';
    $('out-rate').textContent = bytes(Math.max(0, (tout - sum(last.services, 'bytesOut')) / dt)) + '/s';
  }
  $('refused').textContent = count(sum(svc, 'refused')) + ' · ' + count(sum(svc, 'datagramsDropped'));
  $('dropped').textContent = count(sum(svc, 'datagramsIn')) + ' datagrams in';
}

// ---- services: one row each, kept across updates so a change can flash; a click charts it ----

const COLUMNS = ['Service', 'Listening on', 'Open', 'Connections', 'In', 'Out', 'Refused', 'Dropped'];

function renderServices(svc, dt) {
  const prev = new Map(last ? last.services.map((s) => [s.name, s]) : []);
  const body = $('services').tBodies[0];
  const rows = new Map([...body.rows].map((r) => [r.dataset.service, r]));
  svc.forEach((s, i) => {
    const row = rows.get(s.name) || newRow(body, s.name);
    rows.delete(s.name);
    if (body.rows[i] !== row) body.insertBefore(row, body.rows[i] || null);
    const c = row.cells;
    const name = [el('span', 'name', s.name)];
    if (s.kind !== s.name) name.push(el('span', 'kind', s.kind));
    const figures = Object.entries(s.figures || {});   // a service's own counters (exec, forward)
    if (figures.length) name.push(el('span', 'sub', figures.map(([k, v]) =>
      k.replace(/_/g, ' ') + ' ' + (k.startsWith('bytes') ? bytes(v) : count(v))).join(' · ')));
    c[0].replaceChildren(...name);
    c[1].replaceChildren(...s.listeners.map((l) => {
      const chip = el('span', 'chip');
      chip.append(el('b', '', l.protocol), ' ' + address(l.address) + ':' + l.port);
      return chip;
    }));
    const p = prev.get(s.name);
    setNum(c[2], count(s.openConnections), p && p.openConnections !== s.openConnections);
    setNum(c[3], count(s.totalConnections), p && p.totalConnections !== s.totalConnections);
    setRate(c[4], s.bytesIn, p && p.bytesIn, dt);
    setRate(c[5], s.bytesOut, p && p.bytesOut, dt);
    setNum(c[6], count(s.refused), p && p.refused !== s.refused, reasons(s.refusedByReason), s.refused > 0);
    setNum(c[7], count(s.datagramsDropped), p && p.datagramsDropped !== s.datagramsDropped,
           reasons(s.droppedByReason), s.datagramsDropped > 0);
  });
  rows.forEach((r) => r.remove());
}

function newRow(body, name) {
  const row = body.insertRow();
  row.dataset.service = name;
  row.tabIndex = 0;
  row.title = 'chart ' + name;
  COLUMNS.forEach((label, c) => {
    const td = row.insertCell();
    td.dataset.label = label;
    if (c >= 2) td.className = 'n';
  });
  row.onclick = () => chart(charts.scope === name ? null : name);
  row.onkeydown = (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); row.onclick(); } };
  return row;
}

/** Charts one service, or the host when name is null, and marks its row. */
function chart(name) {
  charts.show(name);
  [...$('services').tBodies[0].rows].forEach((r) => r.classList.toggle('sel', r.dataset.service === name));
  $('chart-scope').textContent = (name ? name : 'host') + ', last 15 minutes';
  $('chart-host').hidden = !name;
}

function setNum(td, text, changed, detail, alarm) {
  const kids = [document.createTextNode(text)];
  if (detail) kids.push(el('span', 'sub', detail));
  td.replaceChildren(...kids);
  td.classList.toggle('bad', !!alarm);
  if (changed) { td.classList.remove('flash'); void td.offsetWidth; td.classList.add('flash'); }
}

function setRate(td, value, before, dt) {
  const rate = before !== undefined && dt > 0 ? Math.max(0, (value - before) / dt) : 0;
  setNum(td, bytes(value), before !== undefined && before !== value, rate > 0 ? bytes(rate) + '/s' : '');
}

// ---- RPC registrations (the portmapper's, when one runs); portd's own fold into one row ----

const RPC_NAMES = { 100000: 'portmapper', 100003: 'nfs', 100005: 'mountd', 100021: 'nlockmgr',
  100024: 'status', 100227: 'nfs_acl', 542134084: 'portd names' };
const PORTD_PROGRAMS = [100000, 542134084];
let rpcOpen = false;       // portd's own registrations unfolded
let rpcShown = '';         // the list drawn, as JSON: the table is redrawn only when it changes

/** A universal address (RFC 5665): h1.h2.h3.h4.p1.p2, or an IPv6 address then .p1.p2; a path for local. */
function hostPort(netid, uaddr) {
  const parts = uaddr.split('.');
  if (netid === 'local' || parts.length < 3) return uaddr;
  const port = Number(parts[parts.length - 2]) * 256 + Number(parts[parts.length - 1]);
  return address(parts.slice(0, -2).join('.')) + ':' + port;
}

function rpcRow(cells, cls) {
  const tr = el('tr', cls);
  cells.forEach(([text, c, title]) => {
    const td = el('td', c, String(text));
    if (title) td.title = title;
    tr.appendChild(td);
  });
  return tr;
}

function renderRpc(list) {
  const key = JSON.stringify([rpcOpen, list]);
  if (key === rpcShown) return;
  rpcShown = key;
  $('rpc').hidden = list.length === 0;
  $('rpc-count').textContent = list.length ? String(list.length) : '';
  const own = (m) => m.owner === 'superuser' && PORTD_PROGRAMS.includes(m.program);
  const rows = (m, cls) => rpcRow([[m.program, 'n'], [RPC_NAMES[m.program] || '', ''], [m.version, 'n'],
    [m.netid, ''], [hostPort(m.netid, m.address), 'addr', m.address], [m.owner, '']], cls);
  const mine = list.filter(own);
  const out = [];
  if (mine.length) {
    const netids = [...new Set(mine.map((m) => m.netid))].join(', ');
    const fold = rpcRow([['▸', 'n'], ['portd itself (portmapper, names)', 'name'],
      [[...new Set(mine.map((m) => m.version))].sort().join(', '), 'n'], [netids, ''],
      [mine.length + ' registrations', 'muted'], ['superuser', '']], 'fold');
    fold.cells[0].textContent = rpcOpen ? '▾' : '▸';
    fold.title = rpcOpen ? 'fold portd\'s own registrations' : 'show portd\'s own registrations';
    fold.onclick = () => { rpcOpen = !rpcOpen; renderRpc(list); };
    out.push(fold);
    if (rpcOpen) mine.forEach((m) => out.push(rows(m, 'own')));
  }
  list.filter((m) => !own(m)).forEach((m) => out.push(rows(m, '')));
  $('rpc-table').tBodies[0].replaceChildren(...out);
}

// ---- live updates ----

function live(on, text) {
  $('live').classList.toggle('on', on);
  $('live-text').textContent = text;
}

function poll() {
  fetch('/api/services', { cache: 'no-store' }).then((r) => r.json()).then((s) => { render(s); live(true, 'polling'); })
    .catch(() => live(false, 'offline')).finally(() => setTimeout(poll, 2000));
}

function connect() {
  if (!window.EventSource) { poll(); return; }
  const events = new EventSource('/api/events');
  events.onopen = () => live(true, 'live');
  events.onmessage = (e) => { live(true, 'live'); render(JSON.parse(e.data)); };
  events.onerror = () => live(false, 'reconnecting…');
}

/** The snapshot and history the server wrote into the page; absent when the page was saved as a file. */
function boot() {
  try {
    return JSON.parse($('boot').textContent);
  } catch (e) {
    return null;
  }
}

$('chart-host').onclick = () => chart(null);
window.portd = { charts };   // for the browser's console (and the browser test): portd.charts.series('bytesIn')
const first = boot();
charts.create(first ? first.history : null);
if (first) render(first.snapshot);
connect();
