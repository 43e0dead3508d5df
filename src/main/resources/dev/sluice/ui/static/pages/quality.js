import {h, card, table} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {num, pct, ms, time} from '../lib/fmt.js';

/** "before → after" of one figure of a model change. */
function delta(c, pick, format) {
  const a = c.before[pick], b = c.after[pick];
  return (a == null ? '—' : format(a)) + ' → ' + (b == null ? '—' : format(b));
}

export default {
  id: 'quality',
  title: 'Model changes',
  nav: true,
  group: 'Quality',
  // deployments serve every team, so only organisation-wide keys read this
  visible: can => can.session.team == null,
  async render() {
    const changes = await api.get('quality/model-changes', {limit: 100});
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Model changes')),
      h('p', {}, 'When a deployment starts answering as another model (its reported model or system fingerprint changes), with '
        + 'the traffic ' + changes.window.replace('PT', '').toLowerCase() + ' before and after the change.'),
      card(null, table([
        ['Time', c => time(new Date(c.ts).toISOString())], ['Deployment', c => c.deployment], ['Provider', c => c.provider],
        ['Model', c => (c.from_model ?? '?') + ' → ' + (c.to_model ?? '?')],
        ['Fingerprint', c => (c.from_fingerprint ?? '—') + ' → ' + (c.to_fingerprint ?? '—')],
        ['Requests', c => delta(c, 'requests', num)], ['Error rate', c => delta(c, 'error_rate', pct)],
        ['Mean latency', c => delta(c, 'mean_latency_ms', ms)], ['Output tokens', c => delta(c, 'mean_output_tokens', v => v.toFixed(0))],
        ['Feedback', c => delta(c, 'mean_feedback', v => v.toFixed(2))]],
        changes.data, {empty: 'No deployment has changed model.'})));
  },
};
