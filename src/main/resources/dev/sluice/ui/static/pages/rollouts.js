import {h, card, table} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {pct, usd, time} from '../lib/fmt.js';

/** A/B experiments, canary rollouts and shadows of prompts and models, newest first (figures: sluice experiments show). */
export default {
  id: 'rollouts',
  title: 'Experiments and rollouts',
  nav: true,
  group: 'Quality',
  async render() {
    const [ab, rollouts, shadows] = await Promise.all([api.get('experiments', {limit: 50}), api.get('rollouts', {limit: 50}),
      api.get('shadows', {limit: 50})]);
    const badge = status => h('span', {class: 'badge ' + (/running|active/.test(status) ? 'ok' : /abort|fail/.test(status) ? 'bad' : '')}, status);
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Experiments and rollouts')),
      card('Canary rollouts', table([
        ['Started', r => time(r.started_at)], ['Subject', r => r.subject], ['Label', r => r.label ?? '—'],
        ['Baseline → candidate', r => (r.baseline ?? '—') + ' → ' + (r.candidate ?? '—')], ['Status', r => badge(r.status)],
        ['Step', r => String(r.step ?? '—')], ['Candidate share', r => r.candidate_percent == null ? '—' : r.candidate_percent + '%'],
        ['Reason', r => r.reason ?? '']], rollouts.data, {empty: 'No rollouts.'})),
      card('A/B experiments', table([
        ['Started', e => time(e.started_at)], ['Subject', e => e.subject], ['Label', e => e.label ?? '—'],
        ['Status', e => badge(e.status)], ['Winner', e => e.winner ?? '—'], ['Stopped', e => e.stopped_at ? time(e.stopped_at) : '—']],
        ab.data, {empty: 'No A/B experiments.'})),
      card('Shadows', table([
        ['Subject', s => s.subject], ['Candidate', s => s.candidate], ['Status', s => badge(s.status)],
        ['Share', s => s.share == null ? '—' : pct(s.share, 0)], ['Budget', s => usd(s.budget_usd)],
        ['Calls', s => String(s.results?.calls ?? '—')], ['Cost', s => usd(s.results?.cost_usd)]],
        shadows.data, {empty: 'No shadows.'})));
  },
};
