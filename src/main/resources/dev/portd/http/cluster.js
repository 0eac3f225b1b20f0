// The cluster panel: every host that discovery sees, with its services, RPC programs and session.
// Self-contained: polls /api/cluster and stays hidden while discovery is off.
(() => {
  'use strict';
  const PERIOD_MS = 2000;
  const el = id => document.getElementById(id);
  const cell = (tr, text) => { const td = document.createElement('td'); td.textContent = text; tr.appendChild(td); };

  function render(c) {
    const section = el('cluster');
    if (!section) return;
    section.hidden = !c.enabled;
    if (!c.enabled) return;
    el('cluster-session').textContent = c.hostName + ': ' + c.session + (c.stale ? ' (cache may be stale)' : '');
    const body = el('cluster-table').tBodies[0];
    body.replaceChildren();
    for (const h of c.hosts) {
      const tr = document.createElement('tr');
      cell(tr, h.name);
      cell(tr, h.session);
      cell(tr, h.services.map(s => s.name + ' ' + s.protocol + '/' + s.port + ' @' + s.address).join(', '));
      cell(tr, h.rpc.map(r => r.name + ' (' + r.program + ' v' + r.version + ') ' + r.netid + '/' + r.port).join(', ') || '-');
      body.appendChild(tr);
    }
  }

  async function poll() {
    try {
      const r = await fetch('/api/cluster', { cache: 'no-store' });
      if (r.ok) render(await r.json());
    } catch (e) {
      // the host is stopping or restarting: keep the last view
    }
    setTimeout(poll, PERIOD_MS);
  }
  document.addEventListener('DOMContentLoaded', poll);
})();
