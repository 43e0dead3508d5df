// Headroom under limits and budgets (GET /admin/limits): a meter per limit, used against the limit.
import {h, table} from './dom.js';
import {num, usd} from './fmt.js';

const NAMES = {rpm: 'Requests / minute', tpm: 'Tokens / minute', concurrency: 'In flight', daily_usd: 'Budget today',
  monthly_usd: 'Budget this month'};

function amount(u, v) {
  return u.limit_type.endsWith('_usd') ? usd(v) : num(Math.round(v));
}

function resets(u) {
  if (u.limit_type === 'concurrency' || u.used <= 0) return '';
  const s = u.resets_in_seconds;
  const text = s >= 86400 ? Math.round(s / 3600) + ' h' : s >= 3600 ? (s / 3600).toFixed(1) + ' h' : s >= 60 ? Math.round(s / 60) + ' min' : s + ' s';
  return (u.limit_type.endsWith('_usd') ? 'resets in ' : 'whole again in ') + text;
}

/** A bar of how much of a limit is used (red from 90%, amber from 70%), labelled for screen readers. */
export function meter(u) {
  const f = Math.max(0, Math.min(1, u.used_fraction));
  const fill = h('span', {class: 'meter-fill'});
  fill.style.width = Math.round(f * 100) + '%'; // through the CSSOM: the page's CSP forbids style attributes
  return h('span', {class: 'meter' + (f >= 0.9 ? ' bad' : f >= 0.7 ? ' warn' : ''), role: 'meter', 'aria-valuemin': 0,
    'aria-valuemax': 100, 'aria-valuenow': Math.round(f * 100), 'aria-label': 'share used of the ' + u.limit_type + ' limit'}, fill);
}

/** The headroom table of a list of usages; `scopes` shows the scope and subject column. */
export function headroomTable(usages, opts = {}) {
  return table([
    opts.scopes ? ['Of', u => u.scope + ' ' + u.subject] : null,
    ['Limit', u => NAMES[u.limit_type] || u.limit_type], ['Used', u => meter(u)],
    ['', u => amount(u, u.used) + ' of ' + amount(u, u.limit), 'num'], ['Left', u => amount(u, u.available), 'num'],
    ['', u => resets(u)]].filter(Boolean), usages, {empty: opts.empty || 'No limits or budgets apply.', class: 'headroom'});
}

/** "$0.12 of $5.00 today · $0.40 of $50 this month" for the budgets among a subject's usages, or null. */
export function budgetText(usages) {
  const parts = usages.filter(u => u.limit_type.endsWith('_usd'))
    .map(u => usd(u.used) + ' of ' + usd(u.limit) + (u.limit_type === 'daily_usd' ? ' today' : ' this month'));
  return parts.length ? parts.join(' · ') : null;
}
