import {h, card, facts} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {time, usd, num} from '../lib/fmt.js';
import {quotaText} from '../lib/forms.js';
import {headroomTable} from '../lib/limits.js';

/** One virtual key: its settings and the headroom under its limits and budgets now (and its team's). */
export default {
  id: 'key',
  title: 'Key',
  nav: false,
  async render(ctx) {
    const id = ctx.params[0];
    const k = await api.get('keys/' + id);
    const usage = await api.get('limits', k.team ? {key: id, team: k.team} : {key: id});
    const q = quotaText(k, num, usd);
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Key ', h('code', {}, k.name)),
      h('span', {class: 'badge ' + (k.status === 'active' ? 'ok' : 'warn')}, k.status)),
    h('div', {class: 'grid2'},
      card('Key', facts([['Id', h('code', {}, k.id)], ['Secret', k.hint], ['Team', k.team], ['Models', k.models.length ? k.models.join(', ') : 'all'],
        ['Own limits', q.limits], ['Own budget', q.budget], ['Created', time(k.created_at)], ['Expires', time(k.expires_at)],
        ['Requests', h('a', {href: '#/requests?key=' + encodeURIComponent(k.id)}, 'its requests')]])),
      card('Headroom now', headroomTable(usage.data.filter(u => u.scope === 'key'), {empty: 'No limits or budgets apply to this key.'}),
        h('small', {}, 'Used and left of each limit right now, across every gateway instance when limits are shared through Redis.'))),
    k.team ? card('Team ' + k.team + ' headroom now', headroomTable(usage.data.filter(u => u.scope === 'team'),
      {empty: 'No team limits or budgets.'})) : null);
  },
};
