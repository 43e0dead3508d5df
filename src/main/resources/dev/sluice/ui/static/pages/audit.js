import {h, mount, field, input, card, table} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {time} from '../lib/fmt.js';

function change(e) {
  if (!e.before && !e.after) return '';
  return h('details', {}, h('summary', {}, 'before / after'),
    h('pre', {class: 'body'}, 'before: ' + JSON.stringify(e.before, null, 2) + '\nafter: ' + JSON.stringify(e.after, null, 2)));
}

export default {
  id: 'audit',
  title: 'Audit log',
  nav: true,
  group: 'Operations',
  async render(ctx) {
    const form = h('form', {class: 'filters', 'aria-label': 'Filter the audit log'},
      field('Action', input('action', {value: ctx.query.get('action') || '', placeholder: 'e.g. key.create'})),
      field('Actor', input('actor', {value: ctx.query.get('actor') || '', placeholder: 'admin key id'})),
      h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Filter')));
    const results = h('div', {});
    async function load() {
      const p = {action: form.elements.action.value, actor: form.elements.actor.value, limit: 200};
      const entries = await api.get('audit', p);
      mount(results, table([
        ['Time', e => time(e.ts)], ['Actor', e => e.actor], ['Role', e => e.role], ['Action', e => e.action],
        ['Target', e => e.target ?? '—'], ['Team', e => e.team ?? '—'], ['Change', change], ['Request', e => e.request_id ?? '']],
        entries.data, {empty: 'No audit entries match.'}));
    }
    form.addEventListener('submit', e => {
      e.preventDefault();
      ctx.setQuery({action: form.elements.action.value, actor: form.elements.actor.value});
      load();
    });
    await load();
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Audit log')),
      h('p', {}, 'Every change made through the admin API or this dashboard, and dashboard logins.'), form, card(null, results));
  },
};
