import {h, field, input, select, table, mount} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {num, ms, time} from '../lib/fmt.js';

const FILTERS = [['from', 'From', 'e.g. 1h, 24h'], ['service', 'Service'], ['name', 'Root span name'], ['session', 'Session'],
  ['min_duration_ms', 'Min duration (ms)']];

export function traceColumns() {
  return [
    ['Start', t => h('a', {href: '#/trace/' + t.trace_id}, time(t.start))],
    ['Root span', t => t.root_name ?? '—'],
    ['Service', t => t.root_service ?? '—'],
    ['Duration', t => ms(t.duration_ms), 'num'],
    ['Spans', t => num(t.spans), 'num'],
    ['Errors', t => t.errors ? h('span', {class: 'badge bad'}, t.errors) : '0', 'num'],
    ['Session', t => t.session_id ? h('a', {href: '#/session/' + encodeURIComponent(t.session_id)}, t.session_id) : '—'],
  ];
}

export default {
  id: 'traces',
  title: 'Traces',
  nav: true,
  group: 'Traffic',
  async render(ctx) {
    // a bounded range by default: searching every stored trace groups every span (clear the field to do it)
    const values = Object.assign({from: '24h'}, Object.fromEntries([...ctx.query.entries()]));
    const errors = field('Only with errors', select('errors', [['', 'No'], ['true', 'Yes']], values.errors || ''));
    const form = h('form', {class: 'filters'},
      FILTERS.map(([name, label, hint]) => field(label, input(name, {value: values[name] || '', placeholder: hint || ''}))), errors,
      h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Search')));
    const params = () => {
      const p = {};
      new FormData(form).forEach((v, k) => { if (v) p[k] = v; });
      return p;
    };
    const results = h('div', {});
    let rows = [];
    let next = null;
    const draw = () => mount(results, table(traceColumns(), rows, {empty: 'No traces match.'}),
      next ? h('button', {type: 'button', class: 'secondary', onclick: () => load(true)}, 'Older traces') : null);
    async function load(more) {
      const page = await api.get('analytics/traces', {...params(), limit: 50, cursor: more ? next : null});
      rows = more ? rows.concat(page.data) : page.data;
      next = page.next_cursor;
      draw();
    }
    form.addEventListener('submit', e => {
      e.preventDefault();
      ctx.setQuery(params());
      load(false);
    });
    await load(false);
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Traces')), form, results);
  },
};
