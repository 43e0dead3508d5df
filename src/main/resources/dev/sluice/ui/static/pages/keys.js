import {h, mount, field, input, card, table, errorBox} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {time, usd, num} from '../lib/fmt.js';
import {secretBox, formValues, list, quota} from '../lib/forms.js';

export default {
  id: 'keys',
  title: 'Virtual keys',
  nav: true,
  group: 'Access',
  async render(ctx) {
    const notice = h('div', {});
    const listEl = h('div', {});
    const canCreate = ctx.can.write(ctx.session.team) || ctx.can.owner();
    async function reload() {
      const keys = await api.get('keys');
      mount(listEl, table([
        ['Name', k => k.name],
        ['Id', k => h('code', {}, k.id)],
        ['Secret', k => k.hint],
        ['Status', k => h('span', {class: 'badge ' + (k.status === 'active' ? 'ok' : 'warn')}, k.status)],
        ['Team', k => k.team ?? '—'],
        ['Models', k => k.models.length ? k.models.join(', ') : 'all'],
        ['Limits', k => [k.limits.rpm && num(k.limits.rpm) + ' rpm', k.limits.tpm && num(k.limits.tpm) + ' tpm',
          k.limits.concurrency && k.limits.concurrency + ' concurrent'].filter(Boolean).join(' · ') || 'defaults'],
        ['Budget', k => [k.budget.daily_usd != null && usd(k.budget.daily_usd) + '/day',
          k.budget.monthly_usd != null && usd(k.budget.monthly_usd) + '/month'].filter(Boolean).join(' · ') || '—'],
        ['Expires', k => time(k.expires_at)],
        ['Usage', k => h('a', {href: '#/requests?key=' + encodeURIComponent(k.id)}, 'requests')],
        ['', k => k.status === 'revoked' || !ctx.can.write(k.team) ? '' : h('span', {class: 'row-actions'},
          h('button', {type: 'button', class: 'secondary', onclick: () => rotate(k)}, 'Rotate'),
          h('button', {type: 'button', class: 'danger', onclick: () => revoke(k)}, 'Revoke'))],
      ], keys.data, {empty: 'No keys yet.'}));
    }
    async function act(work) {
      try {
        await work();
        await reload();
      } catch (e) {
        mount(notice, errorBox(e));
      }
    }
    const rotate = k => act(async () => {
      if (!confirm('Rotate key "' + k.name + '"? The old secret keeps working for a grace period.')) return;
      const rotated = await api.post('keys/' + k.id + '/rotate', {});
      mount(notice, secretBox('New secret of "' + k.name + '"', rotated.key));
    });
    const revoke = k => act(async () => {
      if (!confirm('Revoke key "' + k.name + '"? Requests with it fail from now on.')) return;
      await api.del('keys/' + k.id);
      mount(notice, h('div', {class: 'notice', role: 'status'}, 'Key "' + k.name + '" revoked.'));
    });
    let form = null;
    if (canCreate) {
      form = h('form', {class: 'filters', 'aria-label': 'Create a key'},
        field('Name', input('name', {required: true})),
        field('Team', input('team', {value: ctx.session.team || '', readonly: ctx.session.team ? true : null})),
        field('Models', input('models', {placeholder: 'all; or gpt-4o-mini, gpt-4o'})),
        field('Expires in', input('expires_in', {placeholder: 'e.g. 30d'})),
        field('Requests / minute', input('rpm', {type: 'number', min: 1})),
        field('Tokens / minute', input('tpm', {type: 'number', min: 1})),
        field('Daily budget (USD)', input('daily_usd', {type: 'number', min: 0, step: 'any'})),
        field('Monthly budget (USD)', input('monthly_usd', {type: 'number', min: 0, step: 'any'})),
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
