import {h, mount, field, input, select, card, facts, table, link, errorBox} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {num, pct, time} from '../lib/fmt.js';
import {lineChart, bucketPoints} from '../lib/chart.js';

export default {
  id: 'cache',
  title: 'Cache',
  nav: true,
  group: 'Operations',
  async render(ctx) {
    const notice = h('div', {});
    const off = e => (e.status === 404 || e.status === 400 || e.status === 409 ? null : Promise.reject(e));
    const [stats, series, entries] = await Promise.all([
      api.get('cache').catch(off),
      api.get('analytics/stats', {from: '24h', bucket: '1h'}),
      api.get('cache/entries', {limit: 50}).catch(off)]);
    let form = null;
    if (stats && (ctx.can.owner() || ctx.can.write(ctx.session.team))) {
      form = h('form', {class: 'filters', 'aria-label': 'Drop cached answers'},
        field('Key id', input('key_id')),
        field('Team', input('team', {value: ctx.session.team || '', readonly: ctx.session.team ? true : null})),
        field('Model', input('model')),
        ctx.can.owner() ? field('Everything', select('all', [['false', 'No'], ['true', 'Yes: drop every cached answer']], 'false')) : null,
        h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'danger'}, 'Drop cached answers')));
      form.addEventListener('submit', async e => {
        e.preventDefault();
        const p = {};
        for (const el of form.elements) if (el.name && el.value && !(el.name === 'all' && el.value === 'false')) p[el.name] = el.value;
        if (!confirm('Drop the cached answers that match? Later requests go to the model again.')) return;
        try {
          const done = await api.del('cache', p);
          mount(notice, h('div', {class: 'notice', role: 'status'}, 'Dropped ' + num(done.deleted) + ' cached answers.'));
        } catch (err) {
          mount(notice, errorBox(err));
        }
      });
    }
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Cache')), notice,
      stats ? card('This instance since start', facts([
        ['Hit rate', pct(stats.hit_rate)], ['Exact hits', num(stats.hits)], ['Semantic hits', num(stats.semantic_hits)],
        ['Misses', num(stats.misses)], ['Bypassed', num(stats.bypasses) + ' (not cacheable: sampling, tools, no-store)'],
        ['Stored answers', num(stats.stores)], ['Refused by the false-hit guards', num(stats.guard_rejections)],
        ['Saved tokens', num(stats.saved_tokens_in) + ' in · ' + num(stats.saved_tokens_out) + ' out'],
        ['Semantic index entries', num(stats.index_entries)], ['Evictions', num(stats.evictions)],
        ['Redis errors', num(stats.redis_errors)]])) : card('Cache', h('p', {class: 'empty'}, 'The response cache is off (cache: in the config).')),
      lineChart('Cache hit rate per hour (request log, last 24 h)', [{name: 'hit rate', points: bucketPoints(series, d => d.cache_hit_rate, null)}],
        v => pct(v, 0)),
      entries ? card('Cached answers in this instance\'s memory (newest 50)',
        h('p', {}, 'Who and what produced each answer, not its text: the cache keeps questions and answers as they were sent, '
          + 'while the request log may keep them redacted.'),
        table([['Stored', e => time(e.created_at)], ['Expires', e => time(e.expires_at)], ['Model', e => e.model ?? '—'],
          ['Key', e => e.key_id ? link('#/key/' + encodeURIComponent(e.key_id), e.key_id) : '—'], ['Team', e => e.team ?? '—'],
          ['End user', e => e.user ?? '—'], ['Lookup', e => e.semantic ? 'exact and semantic' : 'exact'],
          ['Tokens', e => num(e.prompt_tokens) + ' in · ' + num(e.completion_tokens) + ' out', 'num']],
        entries.data, {empty: 'Nothing cached in this instance\'s memory now.'})) : null,
      form ? card('Invalidate', form) : null);
  },
};
