import {h, mount, card, table, errorBox} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {num, pct, usd, ms, time} from '../lib/fmt.js';
import {changes} from '../lib/forms.js';

const PROMPT = 'prompt:';

function badge(status) {
  return h('span', {class: 'badge ' + (/running|active|promoted/.test(status) ? 'ok' : /paused/.test(status) ? 'warn'
    : /abort|fail|rolled_back/.test(status) ? 'bad' : '')}, status);
}

/** One side's figures (requests, errors, latency, feedback, online score) as table cells. */
const FIGURE_COLUMNS = [
  ['Requests', f => num(f.requests), 'num'], ['Error rate', f => pct(f.error_rate), 'num'],
  ['p50', f => ms(f.latency_p50_ms), 'num'], ['p99', f => ms(f.latency_p99_ms), 'num'],
  ['Cost', f => usd(f.cost_usd), 'num'], ['Positive feedback', f => f.rated ? pct(f.feedback_positive_rate, 0) + ' of ' + num(f.rated) : '—', 'num'],
  ['Online score', f => f.scored ? f.mean_online_score.toFixed(2) + ' (' + num(f.scored) + ')' : '—', 'num']];

/**
 * A/B experiments, canary rollouts and shadows of prompts and models, newest first, with the live
 * figures of those still running and the buttons that change them (the admin API's routes: promote a
 * winner, pause / resume / promote now / abort a canary, stop a shadow). Buttons show only to keys that may change
 * the subject (its prompt's team, or an owner for a model); the admin API decides and audits anyway.
 */
export default {
  id: 'rollouts',
  title: 'Experiments and rollouts',
  nav: true,
  group: 'Quality',
  async render(ctx) {
    const notice = h('div', {'aria-live': 'polite'});
    const body = h('div', {});
    // which team owns each prompt: a team admin may change experiments on its team's prompts only
    const teamOf = new Map();
    const writable = subject => subject.startsWith(PROMPT)
      ? teamOf.has(subject.slice(PROMPT.length)) && ctx.can.write(teamOf.get(subject.slice(PROMPT.length)))
      : ctx.can.owner();
    const act = changes(notice, reload, errorBox);
    const done = text => mount(notice, h('div', {class: 'notice', role: 'status'}, text));
    const button = (label, cls, onclick) => h('button', {type: 'button', class: cls, onclick}, label);

    const rolloutActions = r => {
      if (!writable(r.subject) || !['running', 'paused'].includes(r.status)) return '';
      return h('span', {class: 'row-actions'},
        r.status === 'running'
          ? button('Pause', 'secondary', () => act(async () => {
            await api.post('rollouts/' + r.id + '/pause', {reason: 'paused from the dashboard'});
            done('Rollout ' + r.id + ' paused: its traffic split stays at ' + r.candidate_percent + '% until resumed.');
          }))
          : button('Resume', 'secondary', () => act(async () => {
            await api.post('rollouts/' + r.id + '/resume', {});
            done('Rollout ' + r.id + ' resumed.');
          })),
        button('Promote now', 'secondary', () => act(async () => {
          await api.post('rollouts/' + r.id + '/promote', {reason: 'promoted from the dashboard'});
          done('Rollout ' + r.id + ' promoted: all traffic goes to ' + r.candidate
            + (r.label ? ' and the label ' + r.label + ' points at it' : '') + '.');
        }, 'Promote rollout ' + r.id + ' now? The steps left are skipped and all traffic goes to the candidate (' + r.candidate + ')'
          + (r.label ? '; the label ' + r.label + ' moves to it' : '') + '.')),
        button('Abort', 'danger', () => act(async () => {
          await api.post('rollouts/' + r.id + '/abort', {reason: 'aborted from the dashboard'});
          done('Rollout ' + r.id + ' aborted: all traffic goes to the baseline again.');
        }, 'Abort rollout ' + r.id + '? All traffic goes back to the baseline (' + r.baseline + ').')));
    };
    const experimentActions = e => {
      if (!writable(e.subject) || e.status !== 'running') return '';
      return h('span', {class: 'row-actions'},
        (e.variants || []).map(v => button('Promote ' + v.name, 'secondary', () => act(async () => {
          await api.post('experiments/' + e.id + '/stop', {winner: v.name});
          done('Experiment ' + e.id + ' stopped; ' + v.name + ' promoted' + (e.label ? ' (' + e.label + ' → ' + v.target + ')' : '') + '.');
        }, 'Stop experiment ' + e.id + ' and promote "' + v.name + '"' + (e.label ? ': label ' + e.label + ' moves to ' + v.target : '') + '?'))),
        button('Stop', 'danger', () => act(async () => {
          await api.post('experiments/' + e.id + '/stop', {});
          done('Experiment ' + e.id + ' stopped without a winner.');
        }, 'Stop experiment ' + e.id + ' without a winner? Its label stays where it is.')));
    };
    const shadowActions = s => !writable(s.subject) || s.status !== 'running' ? ''
      : button('Stop', 'danger', () => act(async () => {
        await api.post('shadows/' + s.id + '/stop', {});
        done('Shadow ' + s.id + ' stopped.');
      }, 'Stop shadow ' + s.id + '?'));

    async function reload() {
      const [prompts, ab, rollouts, shadows] = await Promise.all([api.get('prompts'), api.get('experiments', {limit: 50}),
        api.get('rollouts', {limit: 50}), api.get('shadows', {limit: 50})]);
      teamOf.clear();
      prompts.data.forEach(p => teamOf.set(p.name, p.team ?? null));
      // the live figures of what still runs (a few at a time: each is one read of the request log)
      const live = rollouts.data.filter(r => ['running', 'paused'].includes(r.status)).slice(0, 5);
      const liveAb = ab.data.filter(e => e.status === 'running').slice(0, 5);
      const [liveRollouts, liveExperiments] = await Promise.all([
        Promise.all(live.map(r => api.get('rollouts/' + r.id))), Promise.all(liveAb.map(e => api.get('experiments/' + e.id)))]);
      mount(body,
        card('Canary rollouts', table([
          ['Started', r => time(r.started_at)], ['Subject', r => r.subject], ['Label', r => r.label ?? '—'],
          ['Baseline → candidate', r => (r.baseline ?? '—') + ' → ' + (r.candidate ?? '—')], ['Status', r => badge(r.status)],
          ['Step', r => (r.step ?? '—') + (r.steps ? ' of ' + r.steps.length : '')],
          ['Candidate share', r => r.candidate_percent == null ? '—' : r.candidate_percent + '%'],
          ['Reason', r => r.reason ?? ''], ['', rolloutActions]], rollouts.data, {empty: 'No rollouts.', rowClass: r => 'rollout-' + r.status})),
        liveRollouts.map(r => card('Live: rollout ' + r.id + ' (' + r.subject + ', ' + r.candidate_percent + '% to ' + r.candidate + ')',
          table([['Side', f => f.variant], ...FIGURE_COLUMNS], r.window ? [r.window.baseline, r.window.candidate] : [],
            {empty: 'No traffic in this step yet.'}),
          r.last_checks && r.last_checks.length ? table([['Gate', c => c.gate], ['Outcome', c => badge(c.outcome)],
            ['Candidate', c => c.candidate == null ? '—' : String(c.candidate)], ['Baseline', c => c.baseline == null ? '—' : String(c.baseline)],
            ['Threshold', c => c.threshold == null ? '—' : String(c.threshold)]], r.last_checks) : null)),
        card('A/B experiments', table([
          ['Started', e => time(e.started_at)], ['Subject', e => e.subject], ['Label', e => e.label ?? '—'],
          ['Variants', e => (e.variants || []).map(v => v.name + ' → ' + v.target + ' (' + v.weight + ')').join(', ')],
          ['Status', e => badge(e.status)], ['Winner', e => e.winner ?? '—'], ['Stopped', e => e.stopped_at ? time(e.stopped_at) : '—'],
          ['', experimentActions]], ab.data, {empty: 'No A/B experiments.'})),
        liveExperiments.map(e => card('Live: experiment ' + e.id + ' (' + e.subject + ')',
          table([['Variant', v => v.name + ' → ' + v.target], ...FIGURE_COLUMNS.map(([t, f, c]) => [t, v => f(v.figures || {}), c])],
            e.variants || []),
          (e.comparisons || []).map(c => table([['Compared', () => c.variant + ' vs ' + c.control], ['Metric', t => t.metric],
            ['Test', t => t.test], ['p-value', t => t.p_value == null ? '—' : t.p_value.toFixed(3), 'num'],
            ['Significant', t => t.significant ? 'yes' : 'no']], c.tests || [])))),
        card('Shadows', table([
          ['Subject', s => s.subject], ['Candidate', s => s.candidate], ['Status', s => badge(s.status)],
          ['Share', s => s.share == null ? '—' : pct(s.share, 0)], ['Budget', s => usd(s.budget_usd)],
          ['Calls', s => String(s.results?.calls ?? '—')], ['Cost', s => usd(s.results?.cost_usd)], ['', shadowActions]],
          shadows.data, {empty: 'No shadows.'})));
    }
    await reload();
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Experiments and rollouts')),
      h('p', {}, 'Start them with sluice experiments or the admin API; promote, pause, resume, abort and stop them here.'),
      notice, body);
  },
};
