import {h, card, table} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {num, pct, usd, time} from '../lib/fmt.js';

/** Stored evaluation runs (sluice eval ... --store), newest first, and the comparison of a run with another. */
export default {
  id: 'evals',
  title: 'Evaluations',
  nav: true,
  group: 'Quality',
  async render(ctx) {
    const runs = await api.get('evals', {limit: 100});
    const [id, baseline] = ctx.params;
    let comparison = null;
    if (id && baseline) {
      const c = await api.get('evals/' + id + '/compare/' + baseline);
      comparison = card('Run ' + c.run + ' against ' + c.baseline,
        h('p', {}, num(c.regressions) + ' regressed · ' + num(c.fixes) + ' fixed · ' + num(c.added) + ' added · '
          + num(c.removed) + ' removed'),
        h('pre', {class: 'body'}, c.table ?? ''));
    }
    const previous = run => runs.data.find(r => r.suite === run.suite && r.created_at < run.created_at);
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Evaluations')), comparison,
      card('Runs', table([
        ['Created', r => time(new Date(r.created_at).toISOString())], ['Suite', r => r.suite ?? '—'], ['Run', r => h('code', {}, r.id)],
        ['Cases', r => num(r.cases), 'num'], ['Passed', r => num(r.passed), 'num'], ['Failed', r => num(r.failed), 'num'],
        ['Pass rate', r => pct(r.pass_rate), 'num'], ['Cost', r => usd(r.cost_usd), 'num'], ['Team', r => r.team ?? '—'],
        ['', r => previous(r) ? h('a', {href: '#/evals/' + encodeURIComponent(r.id) + '/' + encodeURIComponent(previous(r).id)},
          'Compare with the previous run') : '']], runs.data, {empty: 'No stored evaluation runs (sluice eval --store).'})));
  },
};
