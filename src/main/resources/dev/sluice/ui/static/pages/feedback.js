import {h, card, table, field, select} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {num, pct, time} from '../lib/fmt.js';
import {barChart} from '../lib/chart.js';

const GROUPS = [['model', 'Model'], ['key', 'Key'], ['team', 'Team'], ['name', 'Feedback name']];

export default {
  id: 'feedback',
  title: 'Feedback',
  nav: true,
  group: 'Quality',
  async render(ctx) {
    const groupBy = ctx.query.get('group_by') || 'model';
    const [summary, recent] = await Promise.all([
      api.get('feedback/summary', {group_by: groupBy}).catch(e => e.status === 400 ? api.get('feedback/summary') : Promise.reject(e)),
      api.get('feedback', {limit: 50})]);
    const groupSel = select('group_by', GROUPS, groupBy);
    groupSel.addEventListener('change', () => ctx.go('#/feedback?group_by=' + groupSel.value));
    return h('div', {},
      h('div', {class: 'page-head'}, h('h1', {}, 'Feedback'), h('form', {class: 'filters'}, field('Group by', groupSel))),
      h('p', {}, 'From ' + time(summary.from) + ' to ' + time(summary.to) + '.'),
      barChart('Positive rate by ' + summary.group_by, summary.data.filter(d => d.positive + d.negative > 0)
        .map(d => ({label: (d.group ?? '(none)') + ' · ' + d.name, value: d.positive_rate})), v => pct(v, 0)),
      card('Summary', table([
        [summary.group_by, d => d.group ?? '(none)'], ['Feedback', d => d.name], ['Count', d => num(d.count), 'num'],
        ['Positive', d => num(d.positive), 'num'], ['Negative', d => num(d.negative), 'num'],
        ['Positive rate', d => pct(d.positive_rate), 'num'], ['Scored', d => num(d.scored), 'num'],
        ['Mean score', d => d.mean == null ? '—' : d.mean.toFixed(2), 'num']], summary.data, {empty: 'No feedback yet.'})),
      card('Latest feedback', table([
        ['Time', f => time(f.created)], ['Request', f => h('a', {href: '#/request/' + encodeURIComponent(f.request_id)}, f.request_id)],
        ['Name', f => f.name], ['Value', f => String(f.value)],
        ['Sentiment', f => f.sentiment ? h('span', {class: 'badge ' + (f.sentiment === 'positive' ? 'ok' : f.sentiment === 'negative' ? 'bad' : '')}, f.sentiment) : '—'],
        ['Comment', f => f.comment ?? ''], ['Model', f => f.model ?? '—'], ['User', f => f.user ?? '—']],
        recent.data, {empty: 'No feedback yet.'})));
  },
};
