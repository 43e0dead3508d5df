import {h, mount, field, input, card, table, errorBox} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {time, usd, num} from '../lib/fmt.js';
import {formValues, quota, changes, quotaText, quotaFields} from '../lib/forms.js';
import {budgetText} from '../lib/limits.js';

export default {
  id: 'teams',
  title: 'Teams and budgets',
  nav: true,
  group: 'Access',
  async render(ctx) {
    const notice = h('div', {});
    const listEl = h('div', {});
    const from = new Date(Date.now() - 30 * 864e5).toISOString();
    let spent = null;
    // the 30-day spend aggregates the request log: the table shows at once and the figures follow
    const spendLoaded = api.get('analytics/stats', {from, group_by: 'team'}).then(spend => {
      spent = Object.fromEntries(spend.data.map(d => [d.group.team, d]));
    }).catch(() => {});
    let current = null;
    let usage = {data: []};
    async function reload() {
      const teams = await api.get('teams');
      // each team's budget spent in the current day / month, from the limiter (one call for the page)
      const ids = teams.data.slice(0, 200).map(t => t.id);
      usage = ids.length ? await api.get('limits', {team: ids}) : {data: []};
      draw(teams);
    }
    function draw(teams) {
      current = teams;
      mount(listEl, table([
        ['Id', t => h('code', {}, t.id)],
        ['Name', t => t.name],
        ['Limits', t => quotaText(t, num, usd).limits],
        ['Budget', t => budgetText(usage.data.filter(u => u.subject === t.id)) ?? quotaText(t, num, usd).budget],
        ['Spent (30 days)', t => spent ? usd(spent[t.id]?.cost_usd ?? 0) : '…', 'num'],
        ['Requests (30 days)', t => h('a', {href: '#/requests?team=' + encodeURIComponent(t.id)}, spent ? num(spent[t.id]?.count ?? 0) : '…'), 'num'],
        ['Created', t => time(t.created_at)],
        ['', t => ctx.can.owner() ? h('button', {type: 'button', class: 'danger', onclick: () => remove(t)}, 'Delete') : ''],
      ], teams.data, {empty: 'No teams yet.'}));
    }
    const act = changes(notice, reload, errorBox);
    const remove = t => act(() => api.del('teams/' + t.id), 'Delete team "' + t.id + '"?');
    let form = null;
    if (ctx.can.owner()) {
      form = h('form', {class: 'filters', 'aria-label': 'Create a team'},
        field('Team id', input('id', {required: true, placeholder: 'e.g. search'})),
        field('Team name', input('name')),
        quotaFields(field, input),
        h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Create team')));
      form.addEventListener('submit', e => {
        e.preventDefault();
        act(async () => {
          const v = formValues(form);
          await api.post('teams', {id: v.id, name: v.name || v.id, ...quota(v)});
          form.reset();
        });
      });
    }
    await reload();
    spendLoaded.then(() => draw(current));
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Teams and budgets')), notice,
      form ? card('New team', form) : null, card('Teams', listEl));
  },
};
