import {h, card, table, field, select} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {time} from '../lib/fmt.js';

const STATUSES = [['', 'All'], ['firing', 'Firing'], ['resolved', 'Resolved'], ['notice', 'Notices (budgets, model changes, rollbacks)']];

function stateBadge(state) {
  return h('span', {class: 'badge ' + (state === 'firing' ? 'bad' : state === 'resolved' || state === 'ok' ? 'ok' : 'warn')}, state);
}

function figure(v) {
  return v == null ? '—' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3);
}

function details(d) {
  if (!d || Object.keys(d).length === 0) return '';
  return h('details', {}, h('summary', {}, 'details'), h('pre', {class: 'body'}, JSON.stringify(d, null, 2)));
}

/**
 * Alert rules with their state now (value, samples, when they last fired) and the firing history:
 * every alert this node sent (rules firing and resolving, budgets, model changes, rollbacks), newest
 * first, from GET /admin/alerts. The history is this node's memory (the webhook is the durable record).
 */
export default {
  id: 'alerts',
  title: 'Alerts',
  nav: true,
  group: 'Operations',
  async render(ctx) {
    const status = ctx.query.get('status') || '';
    const alerts = await api.get('alerts', {status, limit: 200});
    const statusSel = select('status', STATUSES, status);
    statusSel.addEventListener('change', () => ctx.go('#/alerts' + (statusSel.value ? '?status=' + statusSel.value : '')));
    const firing = alerts.rules.filter(r => r.state === 'firing').length;
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Alerts'),
      firing ? h('span', {class: 'badge bad'}, firing + ' firing') : h('span', {class: 'badge ok'}, 'all rules ok')),
    card('Rules', table([
      ['Rule', r => r.name], ['State', r => stateBadge(r.state)], ['Priority', r => r.priority],
      ['Metric', r => r.metric + (r.figure ? ' · ' + r.figure : '') + (r.model ? ' · ' + r.model : '') + (r.team ? ' · team ' + r.team : '')],
      ['Threshold', r => r.threshold_text ?? String(r.threshold)], ['Window', r => r.window + (r.baseline ? ' vs ' + r.baseline : '')],
      ['Value now', r => figure(r.value), 'num'], ['Samples', r => r.samples == null ? '—' : String(r.samples), 'num'],
      ['Last fired', r => r.last_fired_at ? time(r.last_fired_at) : 'never'], ['Cooldown', r => r.cooldown]],
      alerts.rules, {empty: 'No alert rules are configured (alerts.rules in the config).', rowClass: r => 'rule-' + r.state})),
    card('History', h('div', {class: 'filters'}, field('Status', statusSel)),
      table([
        ['Time', a => time(a.time)], ['Status', a => stateBadge(a.status)], ['Priority', a => a.priority ?? '—'],
        ['Alert', a => a.title], ['Message', a => a.message ?? ''], ['', a => details(a.details)]],
      alerts.data, {empty: 'No alerts sent' + (status ? ' with this status' : '') + ' since this gateway started.'}),
      h('small', {}, 'This node\'s last ' + alerts.history_capacity + ' alerts (' + alerts.history_total
        + ' sent since it started); the webhook, when configured, keeps them all.')));
  },
};
