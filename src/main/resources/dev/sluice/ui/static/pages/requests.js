import {h, mount, field, input, select, table} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {num, usd, ms, shortTime, statusClass} from '../lib/fmt.js';

const FILTERS = [['from', 'From', 'e.g. 1h, 24h or an ISO time'], ['model', 'Model'], ['provider', 'Provider'],
  ['key', 'Key id'], ['team', 'Team'], ['user', 'End user'], ['session', 'Session'], ['error_type', 'Error type'],
  ['min_latency_ms', 'Min latency (ms)'], ['min_cost', 'Min cost (USD)'], ['request_id', 'Request id'], ['trace_id', 'Trace id']];
const STATUS = [['', 'Any'], ['ok', 'OK'], ['error', 'Errors'], ['4xx', '4xx'], ['5xx', '5xx'], ['429', '429']];
const CACHE = [['', 'Any'], ['hit', 'Hit'], ['semantic-hit', 'Semantic hit'], ['miss', 'Miss'], ['bypass', 'Bypass']];

export function requestColumns() {
  return [
    ['Time', r => h('a', {href: '#/request/' + encodeURIComponent(r.request_id)}, shortTime(r.ts))],
    ['Status', r => h('span', {class: 'badge ' + statusClass(r.status)}, r.status)],
    ['Model', r => r.model],
    ['Provider', r => r.provider ?? '—'],
    ['Key', r => r.key_id ?? '—'],
    ['Team', r => r.team ?? '—'],
    ['Latency', r => ms(r.latency_ms), 'num'],
    ['Tokens', r => num((r.tokens_in ?? 0) + (r.tokens_out ?? 0)), 'num'],
    ['Cost', r => usd(r.cost_usd), 'num'],
    ['Cache', r => r.cache_status ?? '—'],
    ['Error', r => r.error_type ?? ''],
  ];
}

export default {
  id: 'requests',
  title: 'Requests',
  nav: true,
  group: 'Traffic',
  async render(ctx) {
    const values = Object.fromEntries([...ctx.query.entries()]);
    const inputs = FILTERS.map(([name, label, hint]) => field(label, input(name, {value: values[name] || '', placeholder: hint || ''})));
    const status = field('Status', select('status', STATUS, values.status || ''));
    const cache = field('Cache', select('cache_status', CACHE, values.cache_status || ''));
    const live = h('input', {type: 'checkbox', name: 'live'});
    const form = h('form', {class: 'filters'}, status, cache, inputs,
      h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Search'),
        h('label', {class: 'check'}, live, ' Live tail')));
    const params = () => {
      const p = {};
      new FormData(form).forEach((v, k) => { if (k !== 'live' && v) p[k] = v; });
      return p;
    };
    form.addEventListener('submit', e => {
      e.preventDefault();
      ctx.setQuery(params());
      load();
    });
    const results = h('div', {});
    let rows = [];
    let tail = null;
    let older = null;
    let timer = null;
    const draw = () => mount(results, table(requestColumns(), rows, {empty: 'No requests match.',
      rowClass: r => r.status >= 400 ? 'row-error' : ''}),
      older ? h('button', {type: 'button', class: 'secondary', onclick: more}, 'Older requests') : null);
    async function load() {
      const page = await api.get('analytics/requests', {...params(), limit: 50});
      rows = page.data;
      tail = page.tail_cursor;
      older = page.next_cursor;
      draw();
    }
    async function more() {
      const page = await api.get('analytics/requests', {...params(), limit: 50, cursor: older});
      rows = rows.concat(page.data);
      older = page.next_cursor;
      draw();
    }
    async function poll() {
      const page = await api.get('analytics/requests', {...params(), limit: 200, after: tail});
      if (page.data.length) {
        rows = page.data.concat(rows).slice(0, 500);
        draw();
      }
      tail = page.tail_cursor;
    }
    live.addEventListener('change', () => {
      clearInterval(timer);
      timer = live.checked ? setInterval(() => poll().catch(() => {}), 2000) : null;
    });
    ctx.onLeave(() => clearInterval(timer));
    await load();
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Requests')), form, results);
  },
};
