import {h, mount, field, input, card, facts, table, errorBox} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {num, usd} from '../lib/fmt.js';

export default {
  id: 'users',
  title: 'End users',
  nav: true,
  group: 'Access',
  async render(ctx) {
    const notice = h('div', {});
    const result = h('div', {});
    const lookup = h('form', {class: 'filters', 'aria-label': 'Look up an end user'},
      field('End user', input('user', {required: true, value: ctx.query.get('user') || '', placeholder: "the request's user field"})),
      field('From', input('from', {value: ctx.query.get('from') || '30d'})),
      h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Look up')));
    async function show(user, from) {
      const [stats, recent] = await Promise.all([api.get('analytics/stats', {user, from}),
        api.get('analytics/requests', {user, from, limit: 20})]);
      const s = stats.data[0] || {};
      const erase = ctx.can.owner() ? h('button', {type: 'button', class: 'danger', onclick: () => eraseUser(user)},
        'Erase this user\'s data') : null;
      mount(result, card('End user ' + user, facts([['Requests', num(s.count ?? 0)], ['Cost', usd(s.cost_usd ?? 0)],
        ['Tokens', num(s.tokens?.total ?? 0)]]),
        h('p', {}, h('a', {href: '#/requests?user=' + encodeURIComponent(user)}, 'All their requests')), erase),
        card('Recent requests', table([['Time', r => h('a', {href: '#/request/' + encodeURIComponent(r.request_id)}, r.ts)],
          ['Model', r => r.model], ['Status', r => String(r.status)]], recent.data, {empty: 'No requests from this user.'})));
    }
    async function eraseUser(user) {
      if (!confirm('Erase every stored trace of end user "' + user + '" (request log rows, bodies, feedback)? This cannot be undone.')) return;
      try {
        const done = await api.del('users/' + user);
        mount(notice, h('div', {class: 'notice', role: 'status'}, 'Erased ' + user + ': ' +
          Object.entries(done.deleted).map(([k, v]) => v + ' ' + k).join(', ') + '.'));
        await show(user, lookup.elements.from.value);
      } catch (e) {
        mount(notice, errorBox(e));
      }
    }
    lookup.addEventListener('submit', e => {
      e.preventDefault();
      ctx.setQuery({user: lookup.elements.user.value, from: lookup.elements.from.value});
      show(lookup.elements.user.value, lookup.elements.from.value).catch(err => mount(result, errorBox(err)));
    });
    if (ctx.query.get('user')) await show(ctx.query.get('user'), ctx.query.get('from') || '30d');
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'End users')),
      h('p', {}, 'End users are the "user" field of requests. Owners can erase everything stored about one.'),
      notice, lookup, result);
  },
};
