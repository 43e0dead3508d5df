import {h, mount, card, table, facts, field, input, select, errorBox} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {time} from '../lib/fmt.js';
import {changes} from '../lib/forms.js';

/** Label names, whether the API gives a list or a map of them. */
function labelList(labels) {
  if (!labels) return '';
  return (Array.isArray(labels) ? labels : Object.keys(labels)).join(', ');
}

/** The prompt registry: prompts with their labels; a prompt's versions, label history and the diff of two versions. */
export default {
  id: 'prompts',
  title: 'Prompts',
  nav: true,
  group: 'Quality',
  async render(ctx) {
    const name = ctx.params[0];
    if (!name) {
      const prompts = await api.get('prompts');
      return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Prompts')),
        h('p', {}, 'Versioned prompts; push new versions with `sluice prompts push` or POST /admin/prompts.'),
        card(null, table([
          ['Name', p => h('a', {href: '#/prompts/' + encodeURIComponent(p.name)}, p.name)],
          ['Latest', p => 'v' + p.latest_version, 'num'],
          ['Labels', p => Object.entries(p.labels || {}).map(([l, v]) => l + ' → v' + v).join(', ') || '—'],
          ['Team', p => p.team ?? '—'], ['Description', p => p.description ?? ''], ['Created', p => time(p.created_at)]],
          prompts.data, {empty: 'No prompts in the registry yet.'})));
    }
    const [prompt, history] = await Promise.all([api.get('prompts/' + name), api.get('prompts/' + name + '/labels')]);
    const diffBox = h('div', {});
    const showDiff = async (from, to) => {
      try {
        const d = await api.get('prompts/' + name + '/diff', {from, to});
        mount(diffBox, card('Diff v' + d.from + ' → v' + d.to, h('pre', {class: 'body diff'}, d.diff || '(no change)')));
      } catch (e) {
        mount(diffBox, errorBox(e));
      }
    };
    if (prompt.latest_version > 1) await showDiff(prompt.latest_version - 1, prompt.latest_version);
    const notice = h('div', {'aria-live': 'polite'});
    const act = changes(notice, () => ctx.reload(), errorBox);
    const writable = ctx.can.write(prompt.team ?? null);
    const labels = Object.entries(prompt.labels || {}).filter(([l]) => l !== 'latest');
    let labelForm = null;
    if (writable) {
      // promote: point a label (production, staging, ...) at a version; the move is audited and can be rolled back
      labelForm = h('form', {class: 'filters', 'aria-label': 'Point a label at a version'},
        field('Label', input('label', {value: 'production', required: true, pattern: '[a-z0-9][a-z0-9._\\-]*'})),
        field('Version', select('version', (prompt.versions || []).map(v => [String(v.version), 'v' + v.version]),
          String(prompt.latest_version))),
        field('Reason', input('reason', {placeholder: 'optional'})),
        h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Move label')));
      labelForm.addEventListener('submit', e => {
        e.preventDefault();
        const label = labelForm.elements.label.value.trim();
        const version = Number(labelForm.elements.version.value);
        const reason = labelForm.elements.reason.value.trim();
        act(async () => {
          await api.post('prompts/' + name + '/labels/' + label, reason ? {version, reason} : {version});
          sessionStorage.setItem('sluice-notice', 'Label ' + label + ' now points at v' + version + '.');
        }, 'Point label "' + label + '" of ' + name + ' at v' + version + '? Traffic using it gets that version at once.');
      });
    }
    const rollback = label => act(async () => {
      const m = await api.post('prompts/' + name + '/labels/' + label + '/rollback', {reason: 'rolled back from the dashboard'});
      sessionStorage.setItem('sluice-notice', 'Label ' + label + ' rolled back: v' + m.from_version + ' → v' + m.to_version + '.');
    }, 'Roll back label "' + label + '" of ' + name + ' to the version it pointed at before?');
    const shown = sessionStorage.getItem('sluice-notice');
    if (shown) {
      sessionStorage.removeItem('sluice-notice');
      mount(notice, h('div', {class: 'notice', role: 'status'}, shown));
    }
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Prompt ', h('code', {}, prompt.name))),
      notice,
      facts([['Description', prompt.description], ['Team', prompt.team], ['Latest version', 'v' + prompt.latest_version]]),
      card('Labels', table([['Label', ([l]) => h('code', {}, l)], ['Version', ([, v]) => 'v' + v],
        ['', ([l]) => writable ? h('button', {type: 'button', class: 'danger', onclick: () => rollback(l)}, 'Roll back ' + l) : '']],
        labels, {empty: 'No labels yet: requests name a version or "latest".'}), labelForm),
      card('Versions', table([
        ['Version', v => 'v' + v.version], ['Labels', v => labelList(v.labels)], ['Message', v => v.message ?? ''],
        ['Author', v => v.author ?? '—'], ['Created', v => time(v.created_at)],
        ['', v => v.version > 1 ? h('button', {type: 'button', class: 'secondary', onclick: () => showDiff(v.version - 1, v.version)},
          'Diff with v' + (v.version - 1)) : '']], prompt.versions || [], {empty: 'No versions.'})),
      diffBox,
      card('Label history', table([
        ['Time', m => time(m.ts)], ['Label', m => m.label], ['Move', m => (m.from_version ? 'v' + m.from_version : '—') + ' → v' + m.to_version],
        ['Kind', m => m.kind + (m.undone ? ' (undone)' : '')], ['By', m => m.actor ?? '—'], ['Reason', m => m.reason ?? '']],
        history.data, {empty: 'No label moves.'})));
  },
};
