// The dashboard's mail panel, when an SMTP service runs: the list (reloaded every 3 s), one message
// with its headers, text, HTML (in a sandboxed frame) and attachments, deleting one or all.
import { $, el, bytes } from './dashboard-format.js';

function api(path, options) {
  return fetch(path, Object.assign({ cache: 'no-store' }, options)).then((r) => {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  });
}

export class Mail {
  constructor() {
    this.shown = false;
    this.selected = null;   // id of the open message
    this.timer = null;
    document.querySelectorAll('.tabs button').forEach((b) => { b.onclick = () => this.tab(b.dataset.tab); });
    $('mail-delete').onclick = () => {
      if (!this.selected) return;
      api(this.path(this.selected), { method: 'DELETE' }).finally(() => { this.close(); this.load(); });
    };
    $('mail-delete-all').onclick = () => {
      if (!confirm('Delete every message?')) return;
      api('/api/messages', { method: 'DELETE' }).finally(() => { this.close(); this.load(); });
    };
  }

  path(id) { return '/api/messages/' + encodeURIComponent(id); }

  /** Shows or hides the panel as the snapshot says whether a mailbox runs. */
  available(yes) {
    if (yes && !this.shown) {
      this.shown = true;
      $('mail').hidden = false;
      this.load();
      this.timer = setInterval(() => this.load(), 3000);
      if (location.hash.startsWith('#mail=')) this.open(decodeURIComponent(location.hash.slice(6)));
    } else if (!yes && this.shown) {
      this.shown = false;
      $('mail').hidden = true;
      clearInterval(this.timer);
    }
  }

  load() {
    api('/api/messages').then((data) => {
      const items = data.messages.map((m) => {
        const li = el('li');
        li.dataset.id = m.id;
        li.append(el('div', 'subject', m.subject || '(no subject)'), el('div', 'from', m.from || ''),
                  el('div', 'when', new Date(m.received).toLocaleString() + ' · ' + bytes(m.sizeBytes)));
        li.classList.toggle('sel', m.id === this.selected);
        li.onclick = () => this.open(m.id);
        return li;
      });
      if (!items.length) items.push(el('li', 'empty', 'No mail yet.'));
      $('mail-list').replaceChildren(...items);
      $('mail-count').textContent = data.messages.length + (data.messages.length === 1 ? ' message' : ' messages');
      if (this.selected && !data.messages.some((m) => m.id === this.selected)) this.close();
    }).catch(() => {});
  }

  open(id) {
    this.selected = id;
    history.replaceState(null, '', '#mail=' + encodeURIComponent(id));
    const path = this.path(id);
    api(path).then((m) => {
      $('mail-view').hidden = false;
      $('mail-subject').textContent = m.subject || '(no subject)';
      const meta = [['From', m.from], ['To', (m.to || []).join(', ')],
        ['Received', new Date(m.received).toLocaleString()], ['Size', bytes(m.sizeBytes)]];
      $('mail-meta').replaceChildren(...meta.flatMap(([k, v]) => [el('dt', '', k), el('dd', '', v || '')]));
      $('mail-raw').href = path + '/raw';
      this.attachments(path, m.attachments || []);
      $('mail-text').textContent = m.text || '(no text part)';
      $('mail-headers').tBodies[0].replaceChildren(...m.headers.map(([k, v]) => {
        const tr = el('tr');
        tr.append(el('td', 'name', k), el('td', '', v));
        return tr;
      }));
      const html = document.querySelector('.tabs button[data-tab="html"]');
      html.disabled = !m.hasHtml;
      html.title = m.hasHtml ? '' : 'this message has no HTML part';
      $('mail-html').src = m.hasHtml ? path + '/html' : 'about:blank';
      this.tab(m.hasHtml ? 'html' : 'text');
      [...$('mail-list').children].forEach((li) => li.classList.toggle('sel', li.dataset.id === id));
    }).catch(() => this.close());
  }

  /** One line per attachment: its name as a download link, its type and size. */
  attachments(path, list) {
    $('mail-attachments').hidden = list.length === 0;
    $('mail-attachments').replaceChildren(...list.map((a, i) => {
      const link = el('a', 'file', a.name || 'attachment ' + (i + 1));
      link.href = path + '/attachments/' + i;
      link.download = '';
      const li = el('li');
      li.append(link, el('span', 'muted', a.type + ' · ' + bytes(a.sizeBytes)));
      return li;
    }));
  }

  close() {
    this.selected = null;
    history.replaceState(null, '', location.pathname);
    $('mail-view').hidden = true;
  }

  tab(name) {
    document.querySelectorAll('.tabs button').forEach((b) => b.setAttribute('aria-selected', b.dataset.tab === name));
    $('mail-html').hidden = name !== 'html';
    $('mail-text').hidden = name !== 'text';
    $('mail-headers').hidden = name !== 'headers';
  }
}
