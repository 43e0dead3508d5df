import {h, mount, field, input, select, card, table, errorBox} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {time} from '../lib/fmt.js';
import {secretBox, formValues, changes} from '../lib/forms.js';

export default {
  id: 'admin-keys',
  title: 'Admin keys',
  nav: true,
  group: 'Access',
  visible: can => can.owner(),
  async render(ctx) {
    const notice = h('div', {});
    const listEl = h('div', {});
    async function reload() {
      const keys = await api.get('admin-keys');
      mount(listEl, table([
        ['Name', k => k.name], ['Id', k => h('code', {}, k.id)], ['Secret', k => k.hint], ['Role', k => k.role],
        ['Team', k => k.team ?? '—'],
        ['Status', k => h('span', {class: 'badge ' + (k.status === 'active' ? 'ok' : 'warn')}, k.status)],
        ['Created', k => time(k.created_at)],
        ['', k => k.status === 'active' ? h('button', {type: 'button', class: 'danger', onclick: () => revoke(k)}, 'Revoke') : ''],
      ], keys.data, {empty: 'No admin keys besides the configured one.'}));
    }
    const act = changes(notice, reload, errorBox);
    const revoke = k => act(() => api.del('admin-keys/' + k.id), 'Revoke admin key "' + k.name + '"? Its dashboard sessions end too.');
    const form = h('form', {class: 'filters', 'aria-label': 'Create an admin key'},
      field('Name', input('name', {required: true})),
      field('Role', select('role', [['viewer', 'viewer (read only)'], ['team_admin', 'team admin'], ['owner', 'owner']], 'viewer')),
      field('Team', input('team', {placeholder: 'for team admins and team viewers'})),
      h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Create admin key')));
    form.addEventListener('submit', e => {
      e.preventDefault();
      act(async () => {
        const created = await api.post('admin-keys', formValues(form));
        form.reset();
        mount(notice, secretBox('Secret of the new admin key "' + created.name + '"', created.key));
      });
    });
    await reload();
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Admin keys')), notice,
      card('New admin key', form), card('Admin keys', listEl));
  },
};
