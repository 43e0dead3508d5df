import {h, card, table, facts, link} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {num, pct, usd, ms, time} from '../lib/fmt.js';

function passBadge(pass) {
  return h('span', {class: 'badge ' + (pass ? 'ok' : 'bad')}, pass ? 'pass' : 'fail');
}

/**
 * Stored evaluation runs (sluice eval ... --store), newest first; a run's per-test results; the
 * comparison of a run with another; and the datasets (#/evals/<run>, #/evals/<run>/<baseline>,
 * #/evals/dataset/<name>).
 */
export default {
  id: 'evals',
  title: 'Evaluations',
  nav: true,
  group: 'Quality',
  async render(ctx) {
    const [first, second] = ctx.params;
    if (first === 'dataset' && second) return dataset(second);
    if (first && !second) return run(first);
    const [runs, datasets] = await Promise.all([api.get('evals', {limit: 100}), api.get('datasets')]);
    let comparison = null;
    if (first && second) {
      const c = await api.get('evals/' + first + '/compare/' + second);
      comparison = card('Run ' + c.run + ' against ' + c.baseline,
        h('p', {}, num(c.regressions) + ' regressed · ' + num(c.fixes) + ' fixed · ' + num(c.added) + ' added · '
          + num(c.removed) + ' removed'),
        table([['Test', r => r.key], ['Change', r => h('span', {class: 'badge ' + (r.change === 'regressed' ? 'bad'
          : r.change === 'fixed' ? 'ok' : '')}, r.change)],
        ['Before', r => r.pass_before == null ? '—' : (r.pass_before ? 'pass' : 'fail') + (r.score_before != null ? ' ' + r.score_before.toFixed(2) : '')],
        ['After', r => r.pass_after == null ? '—' : (r.pass_after ? 'pass' : 'fail') + (r.score_after != null ? ' ' + r.score_after.toFixed(2) : '')]],
        c.cases || [], {empty: 'No test changed.'}));
    }
    const previous = r => runs.data.find(p => p.suite === r.suite && p.created_at < r.created_at);
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Evaluations')), comparison,
      card('Runs', table([
        ['Created', r => time(new Date(r.created_at).toISOString())], ['Suite', r => r.suite ?? '—'],
        ['Run', r => link('#/evals/' + encodeURIComponent(r.id), r.id)],
        ['Cases', r => num(r.cases), 'num'], ['Passed', r => num(r.passed), 'num'], ['Failed', r => num(r.failed), 'num'],
        ['Pass rate', r => pct(r.pass_rate), 'num'], ['Cost', r => usd(r.cost_usd), 'num'], ['Team', r => r.team ?? '—'],
        ['', r => previous(r) ? h('a', {href: '#/evals/' + encodeURIComponent(r.id) + '/' + encodeURIComponent(previous(r).id)},
          'Compare with the previous run') : '']], runs.data, {empty: 'No stored evaluation runs (sluice eval --store).'})),
      card('Datasets', table([
        ['Name', d => link('#/evals/dataset/' + encodeURIComponent(d.name), d.name)], ['Items', d => num(d.items), 'num'],
        ['Description', d => d.description ?? ''], ['Team', d => d.team ?? '—'], ['Created', d => time(new Date(d.created_at).toISOString())],
        ['By', d => d.created_by ?? '—']], datasets.data, {empty: 'No datasets (sluice datasets create, or add-to-dataset from the review queue).'})));
  },
};

async function run(id) {
  const stored = await api.get('evals/' + id);
  const r = stored.run || {};
  const s = r.stats || {};
  return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Evaluation run ', h('code', {}, id))),
    card('Run', facts([['Suite', r.suite], ['Description', r.description], ['Started', time(r.started_at)],
      ['Prompts', (r.prompts || []).length ? String(r.prompts.length) : null], ['Targets', (r.targets || []).join(', ')],
      ['Cases', num(s.cases) + ' · ' + num(s.passed) + ' passed · ' + num(s.failed) + ' failed · ' + num(s.errors) + ' errors'],
      ['Pass rate', pct(s.pass_rate)], ['Cost', usd(s.cost_usd)], ['Tokens', num(s.tokens)], ['Mean latency', ms(s.mean_latency_ms)]])),
    card('Results', table([
      ['Test', c => c.test + (c.description ? ' — ' + c.description : '')], ['Target', c => c.target ?? c.model ?? '—'],
      ['Result', c => passBadge(c.pass)], ['Score', c => c.score == null ? '—' : c.score.toFixed(2), 'num'],
      ['Latency', c => ms(c.latency_ms), 'num'], ['Cost', c => usd(c.cost_usd), 'num'], ['Why it failed', c => c.reason ?? ''],
      ['Output', c => {
        const t = (c.trials || [])[0];
        return t ? h('details', {}, h('summary', {}, 'answer'), h('pre', {class: 'body'}, t.output ?? t.error ?? ''),
          t.request_id ? link('#/request/' + encodeURIComponent(t.request_id), 'its request') : null) : '';
      }]], r.results || [], {empty: 'This run has no results.', rowClass: c => c.pass ? '' : 'row-error'})));
}

async function dataset(name) {
  const d = await api.get('datasets/' + name);
  return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Dataset ', h('code', {}, d.name))),
    facts([['Description', d.description], ['Team', d.team], ['Items', num(d.items)]]),
    card('Items', table([
      ['#', i => String(i.id)], ['Input', i => h('pre', {class: 'body'}, typeof i.vars === 'object' ? JSON.stringify(i.vars, null, 2) : String(i.vars ?? ''))],
      ['Expected', i => i.expected ?? '—'],
      ['From request', i => i.source_request_id ? link('#/request/' + encodeURIComponent(i.source_request_id), i.source_request_id) : '—']],
      d.data || [], {empty: 'No items yet.'})));
}
