// What the dashboard's scripts share: finding and making elements, and writing numbers for people.

export const $ = (id) => document.getElementById(id);

export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** 1536 -> "1.50 KiB": three significant digits, binary units. */
export function bytes(n) {
  if (n < 1024) return Math.round(n) + ' B';
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n, u = -1;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0) + ' ' + units[u];
}

export function count(n) { return Number(n).toLocaleString('en-US'); }

export function duration(s) {
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
  if (d) return d + 'd ' + h + 'h ' + m + 'm';
  if (h) return h + 'h ' + m + 'm';
  if (m) return m + 'm ' + sec + 's';
  return sec + 's';
}

/** An IPv6 address in brackets, so a port can follow it. */
export function address(a) { return a.includes(':') ? '[' + a + ']' : a; }
