import {h, field, select, card, table} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {lineChart, barChart, bucketPoints, ERROR_COLOR} from '../lib/chart.js';
import {num, pct, usd, ms} from '../lib/fmt.js';

const RANGES = [['15m', 'Last 15 minutes', '30s'], ['1h', 'Last hour', '1m'], ['6h', 'Last 6 hours', '5m'],
  ['24h', 'Last 24 hours', '30m'], ['7d', 'Last 7 days', '6h'], ['30d', 'Last 30 days', '1d']];
const GROUPS = [['model', 'Model'], ['provider', 'Provider'], ['key', 'Key'], ['team', 'Team'], ['prompt', 'Prompt'],
  ['prompt_version', 'Prompt version'], ['operation', 'Operation'], ['cache_status', 'Cache status']];

export default {
  id: 'overview',
  title: 'Overview',
  nav: true,
  group: 'Traffic',
  async render(ctx) {
    const range = ctx.query.get('from') || '1h';
    const groupBy = ctx.query.get('group_by') || 'model';
    const bucket = (RANGES.find(r => r[0] === range) || RANGES[1])[2];
    const [total, series, groups] = await Promise.all([
      api.get('analytics/stats', {from: range}),
      api.get('analytics/stats', {from: range, bucket}),
      api.get('analytics/stats', {from: range, group_by: groupBy}),
    ]);
    const t = total.data[0] || {};
    const rangeSel = select('from', RANGES.map(r => [r[0], r[1]]), range);
    const groupSel = select('group_by', GROUPS, groupBy);
    const apply = () => ctx.go('#/overview?from=' + rangeSel.value + '&group_by=' + groupSel.value);
    rangeSel.addEventListener('change', apply);
    groupSel.addEventListener('change', apply);
    const points = (f, empty = 0) => bucketPoints(series, f, empty);
    const groupLabel = d => Object.values(d.group)[0] ?? '(none)';
    const byCount = groups.data.slice().sort((a, b) => b.count - a.count);
    const errorTypes = Object.entries(t.errors_by_type || {}).map(([type, v]) => ({type, ...v}));
    return h('div', {},
      h('div', {class: 'page-head'}, h('h1', {}, 'Overview'),
        h('form', {class: 'filters', onsubmit: e => e.preventDefault()}, field('Time range', rangeSel), field('Group by', groupSel))),
      h('div', {class: 'tiles'},
        tile('Requests', num(t.count ?? 0)),
        tile('Error rate', pct(t.error_rate ?? 0), num(t.errors ?? 0) + ' errors', (t.error_rate ?? 0) > 0.05 ? 'bad' : ''),
        tile('Latency p50 / p99', ms(t.latency_ms?.p50) + ' / ' + ms(t.latency_ms?.p99), 'p90 ' + ms(t.latency_ms?.p90)),
        tile('TTFT p50 / p99', ms(t.ttft_ms?.p50) + ' / ' + ms(t.ttft_ms?.p99), 'p90 ' + ms(t.ttft_ms?.p90)),
        tile('Tokens', num(t.tokens?.total ?? 0), num(t.tokens?.input ?? 0) + ' in · ' + num(t.tokens?.output ?? 0) + ' out'),
        tile('Cost', usd(t.cost_usd ?? 0)),
        tile('Cache hit rate', pct(t.cache_hit_rate ?? 0), num(t.cache_hits ?? 0) + ' hits'),
        tile('Feedback', t.feedback ? pct(t.feedback.positive_rate) + ' positive' : '—',
          t.feedback ? num(t.feedback.count) + ' ratings' : 'no ratings')),
      h('div', {class: 'grid2'},
        lineChart('Requests and errors per ' + bucket, [
          {name: 'requests', points: points(d => d.count)},
          {name: 'errors', points: points(d => d.errors), color: ERROR_COLOR}], v => num(Math.round(v))),
        lineChart('Latency p50 / p99', [
          {name: 'p50', points: points(d => d.latency_ms?.p50 ?? null, null)},
          {name: 'p99', points: points(d => d.latency_ms?.p99 ?? null, null)}], ms),
        lineChart('Cost per ' + bucket, [{name: 'cost', points: points(d => d.cost_usd ?? 0)}], usd),
        lineChart('Cache hit rate', [{name: 'hit rate', points: points(d => d.cache_hit_rate ?? null, null)}], v => pct(v, 0)),
        barChart('Requests by ' + groupBy, byCount.map(d => ({label: groupLabel(d), value: d.count})), num),
        barChart('Cost by ' + groupBy, groups.data.slice().sort((a, b) => b.cost_usd - a.cost_usd)
          .map(d => ({label: groupLabel(d), value: d.cost_usd ?? 0})), usd)),
      card('By ' + groupBy, table([
        [(GROUPS.find(g => g[0] === groupBy) || [groupBy, groupBy])[1], d => groupLabel(d)],
        ['Requests', d => num(d.count), 'num'],
        ['Errors', d => pct(d.error_rate), 'num'],
        ['p50', d => ms(d.latency_ms?.p50), 'num'],
        ['p99', d => ms(d.latency_ms?.p99), 'num'],
        ['TTFT p50', d => ms(d.ttft_ms?.p50), 'num'],
        ['Tokens', d => num(d.tokens?.total), 'num'],
        ['Cost', d => usd(d.cost_usd), 'num'],
        ['Cache hits', d => pct(d.cache_hit_rate), 'num']], byCount)),
      card('Errors by type', table([
        ['Type', e => h('a', {href: '#/requests?status=error&error_type=' + encodeURIComponent(e.type)}, e.type)],
        ['Count', e => num(e.count), 'num'], ['Share of requests', e => pct(e.rate), 'num']], errorTypes,
        {empty: 'No errors in this range.'})));
  },
};

function tile(label, value, sub, cls) {
  return h('div', {class: 'tile ' + (cls || '')}, h('div', {class: 'tile-label'}, label), h('div', {class: 'tile-value'}, value),
    sub ? h('div', {class: 'tile-sub'}, sub) : null);
}
