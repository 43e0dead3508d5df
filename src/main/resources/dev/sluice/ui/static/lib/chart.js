// Small SVG charts drawn from the analytics API's numbers (no library, nothing fetched elsewhere).
import {h, svg} from './dom.js';

// red is kept for errors (a series may name its own color)
const COLORS = ['#2563eb', '#0d9488', '#7c3aed', '#d97706', '#db2777', '#0891b2', '#65a30d', '#4b5563'];
export const ERROR_COLOR = '#dc2626';

export function color(i) {
  return COLORS[i % COLORS.length];
}

/**
 * A line chart over time. series: [{name, points: [[epochMillis, value], ...], color?}]; null values are gaps.
 * format: value => label for the axis and tooltips.
 */
export function lineChart(title, series, format = String) {
  const W = 640, H = 200, L = 56, R = 12, T = 12, B = 28;
  series = series.map(s => ({...s, points: s.points.filter(p => p[1] !== null && p[1] !== undefined)}));
  const all = series.flatMap(s => s.points);
  if (all.length === 0) return h('figure', {class: 'chart'}, h('figcaption', {}, title), h('p', {class: 'empty'}, 'No data in this range.'));
  const xs = all.map(p => p[0]), ys = all.map(p => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  const y1 = Math.max(...ys, 0) || 1;
  const X = x => L + (x - x0) / (x1 - x0) * (W - L - R);
  const Y = y => T + (1 - y / y1) * (H - T - B);
  const grid = [0, 0.5, 1].map(f => [
    svg('line', {x1: L, x2: W - R, y1: Y(y1 * f), y2: Y(y1 * f), class: 'grid'}),
    svg('text', {x: L - 6, y: Y(y1 * f) + 4, 'text-anchor': 'end', class: 'axis'}, format(y1 * f))]);
  const ticks = [x0, (x0 + x1) / 2, x1].map((t, i) => svg('text', {x: X(t), y: H - 8,
    'text-anchor': i === 0 ? 'start' : i === 2 ? 'end' : 'middle', class: 'axis'},
    new Date(t).toLocaleTimeString('en-GB', {hour: '2-digit', minute: '2-digit', hour12: false})));
  const lines = series.map((s, i) => {
    const pts = s.points.slice().sort((a, b) => a[0] - b[0]);
    const d = pts.map((p, j) => (j ? 'L' : 'M') + X(p[0]).toFixed(1) + ' ' + Y(p[1]).toFixed(1)).join(' ');
    const c = s.color || color(i);
    return [svg('path', {d, fill: 'none', stroke: c, 'stroke-width': 2}),
      pts.map(p => svg('circle', {cx: X(p[0]), cy: Y(p[1]), r: pts.length > 60 ? 0 : 2.5, fill: c},
        svg('title', {}, s.name + ' ' + new Date(p[0]).toLocaleTimeString('en-GB', {hour12: false}) + ': ' + format(p[1]))))];
  });
  return h('figure', {class: 'chart'}, h('figcaption', {}, title),
    svg('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, preserveAspectRatio: 'none'}, grid, ticks, lines),
    legend(series.map((s, i) => [s.name, s.color || color(i)])));
}

/** Horizontal bars: rows [{label, value}]. */
export function barChart(title, rows, format = String) {
  if (rows.length === 0) return h('figure', {class: 'chart'}, h('figcaption', {}, title), h('p', {class: 'empty'}, 'No data in this range.'));
  const max = Math.max(...rows.map(r => r.value), 0) || 1;
  return h('figure', {class: 'chart bars'}, h('figcaption', {}, title),
    h('div', {class: 'bar-list', role: 'list'}, rows.map((r, i) => {
      const bar = h('span', {class: 'bar'});
      bar.style.width = Math.max(1, r.value / max * 100) + '%';
      bar.style.background = color(i);
      return h('div', {class: 'bar-row', role: 'listitem'}, h('span', {class: 'bar-label', title: r.label}, r.label),
        h('span', {class: 'bar-track'}, bar), h('span', {class: 'bar-value'}, format(r.value)));
    })));
}

function legend(entries) {
  if (entries.length < 2) return null;
  return h('div', {class: 'legend'}, entries.map(([n, c]) => {
    const swatch = h('span', {class: 'swatch'});
    swatch.style.background = c;
    return h('span', {}, swatch, n);
  }));
}

/**
 * Points for every bucket of a bucketed stats answer (analytics/stats with bucket=), from its start
 * to now: buckets without requests get `empty` (0 for counts, null — a gap — for latencies).
 */
export function bucketPoints(stats, value, empty) {
  const step = stats.bucket_ms;
  const byStart = new Map(stats.data.map(d => [Date.parse(d.bucket_start), d]));
  if (!step) return stats.data.map(d => [Date.parse(d.bucket_start), value(d)]);
  const first = Math.floor(Date.parse(stats.from) / step) * step;
  const last = stats.to ? Date.parse(stats.to) : Date.now();
  const out = [];
  for (let t = first; t <= last && out.length < 2000; t += step) {
    const d = byStart.get(t);
    out.push([t, d ? value(d) : empty]);
  }
  return out;
}
