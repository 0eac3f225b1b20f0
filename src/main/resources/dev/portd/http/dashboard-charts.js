// The dashboard's charts, drawn by uPlot (the webjar portd serves as /uplot.js): connections,
// bytes in and out, refused and dropped per second over the last 15 minutes, for the host or one
// service. The history comes in /api/history's shape:
//   { periodSeconds: 1, t: [unix seconds], host: {series: [...]}, services: {name: {series: [...]}} }
// first written into the page, then the newest seconds with every event (snapshot.recent).
import { $, bytes, count } from './dashboard-format.js';

const KEEP = 900;   // seconds, as the server keeps
const height = () => (window.innerWidth < 760 ? 120 : 150);   // lower on a phone, where charts stack
const SERIES = ['connections', 'bytesIn', 'bytesOut', 'refused', 'dropped'];
// Steps between a chart's y ticks: whole counts (1, 2, 5, 10...), bytes in binary units (512 B, 1 KiB, 2 KiB...).
const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500];
const COUNT_STEPS = STEPS.flatMap((m) => [1, 1e3, 1e6].map((u) => m * u)).sort((a, b) => a - b);
const BYTE_STEPS = STEPS.flatMap((m) => [1, 1024, 1024 ** 2, 1024 ** 3].map((u) => m * u)).sort((a, b) => a - b);
const CHARTS = [
  { id: 'chart-connections', format: count, steps: COUNT_STEPS, lines: [['connections', 'connections', '--accent']] },
  { id: 'chart-bytes', format: bytes, steps: BYTE_STEPS, lines: [['bytesIn', 'in', '--accent'], ['bytesOut', 'out', '--good']] },
  { id: 'chart-refused', format: count, steps: COUNT_STEPS, lines: [['refused', 'refused', '--bad'], ['dropped', 'dropped', '--warn']] },
];

export class Charts {
  constructor() {
    this.t = [];          // seconds held, oldest first, one apart
    this.services = {};   // name -> series name -> values, aligned with t
    this.scope = null;    // the service charted; null for the host
    this.plots = [];
  }

  /** Makes the three charts from a history (or none). */
  create(history) {
    if (history) this.load(history);
    if (!window.uPlot) return;   // the script did not load: the numbers still show
    const css = getComputedStyle(document.documentElement);
    const color = (name) => css.getPropertyValue(name).trim();
    const axis = { stroke: color('--muted'), grid: { stroke: color('--line'), width: 1 }, ticks: { show: false } };
    this.plots = CHARTS.map((c) => {
      const box = $(c.id);
      return new uPlot({
        width: box.clientWidth || 300,
        height: height(),
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (u, min, max) => [0, max > 0 ? max * 1.15 : 1] } },
        axes: [axis, Object.assign({}, axis, { size: 64, incrs: c.steps, values: (u, ticks) => ticks.map(c.format) })],
        series: [{}].concat(c.lines.map(([, label, stroke]) => ({
          label, stroke: color(stroke), width: 1.5, points: { show: false },
          value: (u, v) => (v == null ? '–' : c.format(v) + '/s'),
        }))),
      }, this.data(c), box);
    });
    new ResizeObserver(() => this.plots.forEach((p, i) => {
      const width = $(CHARTS[i].id).clientWidth;
      if (width && (width !== p.width || height() !== p.height)) p.setSize({ width, height: height() });
    })).observe($('traffic'));
  }

  /** Replaces what is held by a whole history. */
  load(history) {
    this.t = history.t.slice();
    this.services = {};
    Object.entries(history.services).forEach(([name, series]) => {
      this.services[name] = {};
      SERIES.forEach((s) => { this.services[name][s] = series[s].slice(); });
    });
  }

  /** Adds the newest seconds; a second already held is replaced, as the server may have added to it. */
  merge(recent) {
    if (!recent.t.length) return;
    const newest = this.t.length ? this.t[this.t.length - 1] : recent.t[0] - 1;
    if (recent.t[0] > newest + 1) {   // seconds were missed (the tab slept): fetch them all again
      fetch('/api/history', { cache: 'no-store' }).then((r) => r.json()).then((h) => { this.load(h); this.draw(); });
      return;
    }
    recent.t.forEach((second, i) => {
      let at = this.t.lastIndexOf(second);
      if (at < 0) {
        if (second < newest) return;
        this.t.push(second);
        Object.values(this.services).forEach((series) => SERIES.forEach((s) => series[s].push(0)));
        at = this.t.length - 1;
      }
      Object.entries(recent.services).forEach(([name, series]) => {
        if (!this.services[name]) {
          this.services[name] = {};
          SERIES.forEach((s) => { this.services[name][s] = new Array(this.t.length).fill(0); });
        }
        SERIES.forEach((s) => { this.services[name][s][at] = series[s][i]; });
      });
    });
    const extra = this.t.length - KEEP;
    if (extra > 0) {
      this.t.splice(0, extra);
      Object.values(this.services).forEach((series) => SERIES.forEach((s) => series[s].splice(0, extra)));
    }
    this.draw();
  }

  /** Charts one service, or the host (null). */
  show(name) {
    this.scope = name;
    this.draw();
  }

  draw() {
    this.plots.forEach((p, i) => p.setData(this.data(CHARTS[i])));
  }

  /** uPlot's data for one chart: the seconds, then one array per line. */
  data(chart) {
    return [this.t].concat(chart.lines.map(([s]) => this.series(s)));
  }

  series(name) {
    if (this.scope) {
      const one = this.services[this.scope];
      return one ? one[name] : new Array(this.t.length).fill(0);
    }
    const total = new Array(this.t.length).fill(0);
    Object.values(this.services).forEach((series) => series[name].forEach((v, i) => { total[i] += v; }));
    return total;
  }
}
