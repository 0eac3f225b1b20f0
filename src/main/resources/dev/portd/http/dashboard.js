'use strict';
// The portd dashboard: renders /api/events (server-sent events, once a second) into the page,
// falls back to polling /api/services, and drives the mail panel through /api/messages.
// Every value from the server is set as text, never as HTML.
(function () {
  const $ = (id) => document.getElementById(id);
  let last = null;           // previous snapshot, for rates and change highlights
  let lastAt = 0;
  let mailShown = false;
  let selected = null;       // id of the open message
  let mailTimer = null;

  function bytes(n) {
    if (n < 1024) return n + ' B';
    const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let v = n, u = -1;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0) + ' ' + units[u];
  }
  function count(n) { return Number(n).toLocaleString('en-US'); }
  function duration(s) {
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    if (d) return d + 'd ' + h + 'h ' + m + 'm';
    if (h) return h + 'h ' + m + 'm';
    if (m) return m + 'm ' + sec + 's';
    return sec + 's';
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function sum(list, key) { return list.reduce((a, s) => a + s[key], 0); }
  function reasons(map) { return Object.entries(map || {}).map(([k, v]) => k + ': ' + count(v)).join(', '); }
  function address(a) { return a.includes(':') ? '[' + a + ']' : a; }

  function render(snap) {
    const now = performance.now();
    const dt = last ? (now - lastAt) / 1000 : 0;
    const prev = new Map(last ? last.services.map((s) => [s.name, s]) : []);
    const h = snap.host, svc = snap.services;
    $('hostname').textContent = h.hostname || '';
    $('uptime').textContent = duration(h.uptimeSeconds);
    $('started').textContent = 'since ' + new Date(h.startedAt).toLocaleString() + (h.lastReload ? ' · reload ' + new Date(h.lastReload.at).toLocaleTimeString() + ': ' + h.lastReload.summary : '');
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

    const body = $('services').tBodies[0];
    const rows = new Map([...body.rows].map((r) => [r.dataset.service, r]));
    svc.forEach((s, i) => {
      let row = rows.get(s.name);
      if (!row) {
        row = body.insertRow();
        row.dataset.service = s.name;
        ['Service', 'Listening on', 'Open', 'Connections', 'In', 'Out', 'Refused', 'Dropped'].forEach((label, c) => {
          const td = row.insertCell();
          td.dataset.label = label;
          if (c >= 2) td.className = 'n';
        });
      }
      rows.delete(s.name);
      if (body.rows[i] !== row) body.insertBefore(row, body.rows[i] || null);
      const c = row.cells;
      c[0].replaceChildren(el('span', 'name', s.name), el('span', 'kind', s.kind));
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
    $('updated').textContent = 'updated ' + new Date(h.now).toLocaleTimeString();
    renderRpc(snap.rpc || []);
    if (snap.mail && !mailShown) showMail();
    if (!snap.mail && mailShown) { $('mail').hidden = true; mailShown = false; clearInterval(mailTimer); }
    last = snap; lastAt = now;
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
    events.onerror = () => live(false, 'reconnecting');
  }

  // ---- RPC registrations (the portmapper's, when one runs) ----

  const RPC_NAMES = { 100000: 'portmapper', 100003: 'nfs', 100005: 'mountd', 100021: 'nlockmgr',
    100024: 'status', 100227: 'nfs_acl', 542134084: 'portd names' };

  function renderRpc(list) {
    $('rpc').hidden = list.length === 0;
    $('rpc-count').textContent = list.length ? String(list.length) : '';
    const body = $('rpc-table').tBodies[0];
    const rows = list.map((m) => {
      const tr = document.createElement('tr');
      [[m.program, 'n'], [RPC_NAMES[m.program] || '', ''], [m.version, 'n'], [m.netid, ''],
        [m.address, ''], [m.owner, '']].forEach(([text, cls]) => tr.appendChild(el('td', cls, String(text))));
      return tr;
    });
    body.replaceChildren(...rows);
  }

  // ---- mail ----

  function showMail() {
    mailShown = true;
    $('mail').hidden = false;
    loadMail();
    mailTimer = setInterval(loadMail, 3000);
    if (location.hash.startsWith('#mail=')) openMail(decodeURIComponent(location.hash.slice(6)));
  }

  function api(path, options) {
    return fetch(path, Object.assign({ cache: 'no-store' }, options)).then((r) => {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  function loadMail() {
    api('/api/messages').then((data) => {
      const list = $('mail-list');
      const items = data.messages.map((m) => {
        const li = el('li');
        li.dataset.id = m.id;
        li.append(el('div', 'subject', m.subject || '(no subject)'), el('div', 'from', m.from || ''),
                  el('div', 'when', new Date(m.received).toLocaleString() + ' · ' + bytes(m.sizeBytes)));
        li.classList.toggle('sel', m.id === selected);
        li.onclick = () => openMail(m.id);
        return li;
      });
      if (!items.length) items.push(el('li', 'empty', 'No mail yet.'));
      list.replaceChildren(...items);
      $('mail-count').textContent = data.messages.length + (data.messages.length === 1 ? ' message' : ' messages');
      if (selected && !data.messages.some((m) => m.id === selected)) closeMail();
    }).catch(() => {});
  }

  function openMail(id) {
    selected = id;
    history.replaceState(null, '', '#mail=' + encodeURIComponent(id));
    const path = '/api/messages/' + encodeURIComponent(id);
    api(path).then((m) => {
      $('mail-view').hidden = false;
      $('mail-subject').textContent = m.subject || '(no subject)';
      const meta = $('mail-meta');
      meta.replaceChildren();
      [['From', m.from], ['To', (m.to || []).join(', ')], ['Received', new Date(m.received).toLocaleString()],
       ['Size', bytes(m.sizeBytes)]].forEach(([k, v]) => meta.append(el('dt', '', k), el('dd', '', v || '')));
      $('mail-raw').href = path + '/raw';
      $('mail-text').textContent = m.text || '(no text part)';
      const hb = $('mail-headers').tBodies[0];
      hb.replaceChildren(...m.headers.map(([k, v]) => {
        const tr = el('tr');
        tr.append(el('td', 'name', k), el('td', '', v));
        return tr;
      }));
      $('mail-html').src = m.hasHtml ? path + '/html' : 'about:blank';
      tab(m.hasHtml ? 'html' : 'text');
      [...$('mail-list').children].forEach((li) => li.classList.toggle('sel', li.dataset.id === id));
    }).catch(() => closeMail());
  }

  function closeMail() {
    selected = null;
    history.replaceState(null, '', location.pathname);
    $('mail-view').hidden = true;
  }

  function tab(name) {
    document.querySelectorAll('.tabs button').forEach((b) => b.setAttribute('aria-selected', b.dataset.tab === name));
    $('mail-html').hidden = name !== 'html';
    $('mail-text').hidden = name !== 'text';
    $('mail-headers').hidden = name !== 'headers';
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.querySelectorAll('.tabs button').forEach((b) => { b.onclick = () => tab(b.dataset.tab); });
    $('mail-delete').onclick = () => {
      if (!selected) return;
      api('/api/messages/' + encodeURIComponent(selected), { method: 'DELETE' }).finally(() => { closeMail(); loadMail(); });
    };
    $('mail-delete-all').onclick = () => {
      if (!confirm('Delete every message?')) return;
      api('/api/messages', { method: 'DELETE' }).finally(() => { closeMail(); loadMail(); });
    };
    connect();
  });
})();
