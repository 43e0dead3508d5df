import {h, mount, field, input, card, table, errorBox} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {time, usd, num} from '../lib/fmt.js';
import {secretBox, formValues, list, quota, changes, quotaText, quotaFields} from '../lib/forms.js';
import {meter, budgetText} from '../lib/limits.js';

export default {
  id: 'keys',
  title: 'Virtual keys',
  nav: true,
  group: 'Access',
  async render(ctx) {
    const notice = h('div', {});
    const listEl = h('div', {});
    async function reload() {
      const keys = await api.get('keys');
      // the headroom of the active keys now, in one call (limits and budgets used, from the limiter)
      const active = keys.data.filter(k => k.status === 'active').slice(0, 200).map(k => k.id);
      const usage = active.length ? await api.get('limits', {key: active}) : {data: []};
      const usageOf = id => usage.data.filter(u => u.subject === id);
      const rpmNow = k => {
        const u = usageOf(k.id).find(x => x.limit_type === 'rpm');
        return u ? h('span', {class: 'row-actions'}, meter(u), num(Math.round(u.used)) + ' / ' + num(u.limit)) : '—';
      };
      mount(listEl, table([
        ['Name', k => h('a', {href: '#/key/' + encodeURIComponent(k.id)}, k.name)],
        ['Id', k => h('code', {}, k.id)],
        ['Secret', k => k.hint],
        ['Status', k => h('span', {class: 'badge ' + (k.status === 'active' ? 'ok' : 'warn')}, k.status)],
        ['Team', k => k.team ?? '—'],
        ['Models', k => k.models.length ? k.models.join(', ') : 'all'],
        ['Limits', k => quotaText(k, num, usd).limits],
        ['Budget', k => k.status === 'active' ? (budgetText(usageOf(k.id)) ?? quotaText(k, num, usd).budget) : quotaText(k, num, usd).budget],
        ['Requests this minute', rpmNow],
        ['Expires', k => time(k.expires_at)],
        ['Usage', k => h('a', {href: '#/requests?key=' + encodeURIComponent(k.id)}, 'requests')],
        ['', k => k.status === 'revoked' || !ctx.can.write(k.team) ? '' : h('span', {class: 'row-actions'},
          h('button', {type: 'button', class: 'secondary', onclick: () => rotate(k)}, 'Rotate'),
          h('button', {type: 'button', class: 'danger', onclick: () => revoke(k)}, 'Revoke'))],
      ], keys.data, {empty: 'No keys yet.'}));
    }
    const act = changes(notice, reload, errorBox);
    const rotate = k => act(async () => {
      const rotated = await api.post('keys/' + k.id + '/rotate', {});
      mount(notice, secretBox('New secret of "' + k.name + '"', rotated.key));
    }, 'Rotate key "' + k.name + '"? The old secret keeps working for a grace period.');
    const revoke = k => act(async () => {
      await api.del('keys/' + k.id);
      mount(notice, h('div', {class: 'notice', role: 'status'}, 'Key "' + k.name + '" revoked.'));
    }, 'Revoke key "' + k.name + '"? Requests with it fail from now on.');
    let form = null;
    if (ctx.can.owner() || ctx.can.write(ctx.session.team)) {
      form = h('form', {class: 'filters', 'aria-label': 'Create a key'},
        field('Name', input('name', {required: true})),
        field('Team', input('team', {value: ctx.session.team || '', readonly: ctx.session.team ? true : null})),
        field('Models', input('models', {placeholder: 'all; or gpt-4o-mini, gpt-4o'})),
        field('Expires in', input('expires_in', {placeholder: 'e.g. 30d'})),
        quotaFields(field, input),
        h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Create key')));
      form.addEventListener('submit', e => {
        e.preventDefault();
        act(async () => {
          const v = formValues(form);
          const body = {name: v.name, ...quota(v)};
          if (v.team) body.team = v.team;
          if (v.models) body.models = list(v.models);
          if (v.expires_in) body.expires_in = v.expires_in;
          const created = await api.post('keys', body);
          form.reset();
          mount(notice, secretBox('Secret of the new key "' + created.name + '"', created.key));
        });
      });
    }
    await reload();
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Virtual keys')), notice,
      form ? card('New key', form) : null, card('Keys', listEl));
  },
};
