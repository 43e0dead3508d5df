import {h, card, table, field, select, input, facts} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {num, pct, usd} from '../lib/fmt.js';
import {barChart} from '../lib/chart.js';

const WINDOWS = [['15m', '15 minutes'], ['1h', 'Hour'], ['6h', '6 hours'], ['24h', '24 hours']];
const BASELINES = [['1h', 'Hour before'], ['6h', '6 hours before'], ['24h', '24 hours before'], ['168h', 'Week before']];
/** What each drift figure means, for the table (0 = the windows look the same). */
const MEANING = {
  centroid_distance: 'how far the mean prompt embedding moved (cosine distance)',
  centroid_shift: 'the same, relative to the baseline\'s own spread',
  embedding_psi: 'population stability of the prompts\' embedding clusters',
  unknown_topic_share: 'share of prompts far from every baseline cluster',
  prompt_length_psi: 'population stability of prompt lengths',
  language_psi: 'population stability of prompt languages',
  output_length_change: 'relative change of the mean answer length',
  refusal_rate_change: 'change of the share of refusals',
  tool_call_rate_change: 'change of the share of answers calling tools',
  finish_reason_psi: 'population stability of finish reasons',
};

/**
 * Quality monitors: the online evaluators (sampling, scoring, judge spend on this node; their scores
 * as feedback named eval:NAME) and the drift figures of the sampled traffic, recent window against
 * the baseline before it. Organisation-wide: models serve every team.
 */
export default {
  id: 'monitors',
  title: 'Evaluators and drift',
  nav: true,
  group: 'Quality',
  visible: can => can.session.team == null,
  async render(ctx) {
    const model = ctx.query.get('model') || '';
    const window = ctx.query.get('window') || '1h';
    const baseline = ctx.query.get('baseline') || '24h';
    const [evaluators, scores, drift] = await Promise.all([
      api.get('quality/evaluators'),
      api.get('feedback/summary', {group_by: 'model'}),
      // 404 drift_off: drift monitoring is not on in this gateway's config
      api.get('quality/drift', {model, window, baseline}).catch(e => (e.code === 'drift_off' ? null : Promise.reject(e))),
    ]);
    const stats = Object.entries(evaluators.evaluators || {}).filter(([name]) => name !== 'dropped');
    const evalScores = scores.data.filter(d => d.name.startsWith('eval:'));
    const windowSel = select('window', WINDOWS, window);
    const baselineSel = select('baseline', BASELINES, baseline);
    const modelIn = input('model', {value: model, placeholder: 'all models'});
    const form = h('form', {class: 'filters', 'aria-label': 'Drift windows'}, field('Model', modelIn), field('Recent window', windowSel),
      field('Baseline', baselineSel), h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Compare')));
    form.addEventListener('submit', e => {
      e.preventDefault();
      ctx.go('#/monitors?window=' + windowSel.value + '&baseline=' + baselineSel.value
        + (modelIn.value.trim() ? '&model=' + encodeURIComponent(modelIn.value.trim()) : ''));
    });
    const figures = drift ? Object.entries(drift.figures || {}) : [];
    const samples = drift ? facts([['Recent samples', num(drift.figures.recent_samples ?? 0)],
      ['Baseline samples', num(drift.figures.baseline_samples ?? 0)]]) : null;
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Evaluators and drift')),
      card('Online evaluators (this node)', table([
        ['Evaluator', ([n]) => n], ['Version', ([, s]) => 'v' + s.version], ['Sample rate', ([, s]) => pct(s.sample_rate, 0), 'num'],
        ['Sampled', ([, s]) => num(s.sampled), 'num'], ['Scored', ([, s]) => num(s.scored), 'num'],
        ['Skipped (over budget)', ([, s]) => num(s.skipped_over_budget), 'num'], ['Judge spend today', ([, s]) => usd(s.judge_spend_today_usd), 'num']],
        stats, {empty: 'No online evaluators are configured (evaluators: in the config).'}),
        evaluators.evaluators && evaluators.evaluators.dropped ? h('p', {class: 'error'}, num(evaluators.evaluators.dropped)
          + ' answers were dropped: the evaluators\' queue was full.') : null),
      evalScores.length ? barChart('Evaluator pass rate by model', evalScores.map(d => ({label: (d.group ?? '(none)') + ' · ' + d.name,
        value: d.positive_rate ?? 0})), v => pct(v, 0)) : null,
      card('Evaluator scores', table([
        ['Model', d => d.group ?? '(none)'], ['Evaluator', d => d.name], ['Scored', d => num(d.count), 'num'],
        ['Passed', d => num(d.positive), 'num'], ['Failed', d => num(d.negative), 'num'], ['Pass rate', d => pct(d.positive_rate), 'num'],
        ['Mean score', d => d.mean == null ? '—' : d.mean.toFixed(2), 'num']], evalScores,
        {empty: 'No evaluator scores yet.'})),
      card('Drift', drift ? [form, samples, table([
        ['Figure', ([k]) => k], ['Value', ([, v]) => typeof v === 'number' ? v.toFixed(3) : String(v), 'num'],
        ['Meaning', ([k]) => MEANING[k] ?? '']], figures.filter(([k]) => MEANING[k]), {empty: 'No samples yet.'})]
        : h('p', {class: 'empty', 'data-testid': 'drift-off'}, 'Drift monitoring is off: turn it on with quality.drift.enabled: true '
          + '(or an alert rule with metric: drift).')));
  },
};
