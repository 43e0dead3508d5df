import {h, card, table, field, select} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {num, pct, shortTime} from '../lib/fmt.js';
import {barChart, lineChart, bucketPoints, ERROR_COLOR} from '../lib/chart.js';

const RECENT = 500;

/** "input:pii:redact(email)" → {direction, rule, action, detail}. */
export function parseTrigger(text) {
  const m = /^(input|output):([^:]+):([a-z_]+)(?:\((.*)\))?$/.exec(text.trim());
  return m ? {direction: m[1], rule: m[2], action: m[3], detail: m[4] || ''} : {direction: '', rule: text, action: '', detail: ''};
}

/** The request log's guardrails column ("input:pii:redact(email);output:toxicity:flag(insult)") as triggers. */
export function triggers(column) {
  if (!column) return [];
  return String(column).split(';').filter(Boolean).map(parseTrigger);
}

export default {
  id: 'guardrails',
  title: 'Guardrails',
  nav: true,
  group: 'Operations',
  async render(ctx) {
    const range = ctx.query.get('from') || '24h';
    const [stats, series, recent, blocked] = await Promise.all([
      api.get('analytics/stats', {from: range}),
      api.get('analytics/stats', {from: range, bucket: range === '1h' ? '5m' : '1h', error_type: 'guardrail_blocked'}),
      api.get('analytics/requests', {from: range, limit: RECENT}),
      api.get('analytics/requests', {from: range, error_type: 'guardrail_blocked', limit: 50})]);
    const t = stats.data[0] || {};
    const blockedCount = t.errors_by_type?.guardrail_blocked?.count ?? 0;
    const events = recent.data.flatMap(r => triggers(r.guardrails).map(g => ({...g, request: r})));
    const byRule = {};
    events.forEach(e => { const k = e.direction + ' ' + e.rule + ' → ' + e.action; byRule[k] = (byRule[k] || 0) + 1; });
    const rangeSel = select('from', [['1h', 'Last hour'], ['24h', 'Last 24 hours'], ['7d', 'Last 7 days']], range);
    rangeSel.addEventListener('change', () => ctx.go('#/guardrails?from=' + rangeSel.value));
    return h('div', {},
      h('div', {class: 'page-head'}, h('h1', {}, 'Guardrails'), h('form', {class: 'filters'}, field('Time range', rangeSel))),
      h('div', {class: 'tiles'},
        h('div', {class: 'tile'}, h('div', {class: 'tile-label'}, 'Blocked requests'), h('div', {class: 'tile-value'}, num(blockedCount)),
          h('div', {class: 'tile-sub'}, pct(t.count ? blockedCount / t.count : 0) + ' of ' + num(t.count ?? 0))),
        h('div', {class: 'tile'}, h('div', {class: 'tile-label'}, 'Triggers in the last ' + num(recent.data.length) + ' requests'),
          h('div', {class: 'tile-value'}, num(events.length)),
          h('div', {class: 'tile-sub'}, pct(recent.data.length ? new Set(events.map(e => e.request.request_id)).size / recent.data.length : 0) + ' of them'))),
      h('div', {class: 'grid2'},
        barChart('Top rules (last ' + num(recent.data.length) + ' requests)', Object.entries(byRule).sort((a, b) => b[1] - a[1])
          .slice(0, 12).map(([label, value]) => ({label, value})), num),
        lineChart('Blocked requests', [{name: 'blocked', points: bucketPoints(series, d => d.count, 0), color: ERROR_COLOR}],
          v => num(Math.round(v)))),
      card('Recent triggers', table([
        ['Time', e => h('a', {href: '#/request/' + encodeURIComponent(e.request.request_id)}, shortTime(e.request.ts))],
        ['Side', e => e.direction], ['Rule', e => e.rule], ['Action', e => h('span', {class: 'badge ' + (e.action === 'block' ? 'bad' : 'warn')}, e.action)],
        ['Found', e => e.detail], ['Model', e => e.request.model], ['Key', e => e.request.key_id ?? '—']],
        events.slice(0, 50), {empty: 'No guardrail triggered in this range.'})),
      card('Blocked requests', table([
        ['Time', r => h('a', {href: '#/request/' + encodeURIComponent(r.request_id)}, shortTime(r.ts))],
        ['Model', r => r.model], ['Key', r => r.key_id ?? '—'], ['Guardrail', r => String(r.guardrails ?? '')]],
        blocked.data, {empty: 'Nothing was blocked in this range.'})));
  },
};
