import {h, card, facts, table, link} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {num, usd, ms, time, statusClass} from '../lib/fmt.js';
import {triggers} from './guardrails.js';
import {headroomTable} from '../lib/limits.js';

/** A stored body (JSON, or text when it was not JSON) as indented text. */
function pretty(body) {
  return typeof body === 'string' ? body : JSON.stringify(body, null, 2);
}

export default {
  id: 'request',
  title: 'Request',
  nav: false,
  async render(ctx) {
    const id = ctx.params[0];
    const [rows, feedback] = await Promise.all([
      api.get('logs', {request_id: id, limit: 1}),
      api.get('feedback', {request_id: id, limit: 50}).catch(() => ({data: []})),
    ]);
    if (rows.data.length === 0) {
      return h('div', {}, h('h1', {}, 'Request ', h('code', {}, id)),
        h('p', {class: 'empty'}, 'There is no logged request with this id (the log is written a moment after the answer).'));
    }
    const r = rows.data[0];
    // the body of this row's team: request ids are the clients' own, and two teams may have used one.
    // Reading a body is audited by the admin API (body.read); 404 = not captured (or another team's)
    const captured = await api.get('logs/' + id + '/body', r.team ? {team: r.team} : {})
      .catch(e => (e.status === 404 || e.status === 409 ? null : Promise.reject(e)));
    const attempts = r.attempt_log || [];
    // the headroom of the request's key, team, end user and model now (end users and models: organisation-wide keys only)
    const orgWide = ctx.session.team == null;
    const limitsOf = {key: r.key_id, team: r.team, user: orgWide ? r.user : null, model: orgWide ? r.model : null};
    const headroom = Object.values(limitsOf).some(v => v)
      ? await api.get('limits', limitsOf).catch(e => ({error: e})) : {data: []};
    const guardrails = triggers(r.guardrails);
    return h('div', {},
      h('div', {class: 'page-head'}, h('h1', {}, 'Request ', h('code', {}, r.request_id)),
        h('span', {class: 'badge ' + statusClass(r.status)}, 'HTTP ' + r.status)),
      h('div', {class: 'grid2'},
        card('Summary', facts([
          ['Time', time(r.ts)], ['Operation', r.operation], ['Model', r.model],
          ['Served by', (r.provider ?? '—') + ' / ' + (r.upstream_model ?? '—')],
          ['Stream', r.stream ? 'yes' : 'no'], ['Error', r.error_type],
          ['Latency', ms(r.latency_ms)], ['Time to first token', ms(r.ttft_ms)],
          ['Tokens', num(r.tokens_in) + ' in · ' + num(r.tokens_out) + ' out'], ['Cost', usd(r.cost_usd)],
          ['Cache', (r.cache_status ?? '—') + (r.cache_similarity != null ? ' (similarity ' + r.cache_similarity + ')' : '')],
          r.saved_tokens_in != null ? ['Saved by the cache', num(r.saved_tokens_in) + ' in · ' + num(r.saved_tokens_out) + ' out'] : null,
          ['Route', r.route_reason], ['Fallback to', r.fallback_model]])),
        card('Caller', facts([
          ['Key', r.key_id], ['Team', r.team], ['End user', r.user],
          ['Session', r.session_id ? link('#/session/' + encodeURIComponent(r.session_id), r.session_id) : null],
          ['Trace', r.trace_id ? link('#/trace/' + r.trace_id, r.trace_id) : null],
          ['Tags', r.tags ? Object.entries(r.tags).map(([k, v]) => k + '=' + v).join(', ') : null]]))),
      card('Attempts', table([
        ['#', a => String(attempts.indexOf(a) + 1)], ['Provider', a => a.provider], ['Model', a => a.model],
        ['Status', a => h('span', {class: 'badge ' + statusClass(a.status)}, a.status)], ['Time', a => ms(a.ms), 'num'],
        ['Reason', a => a.error ?? a.reason ?? '']], attempts, {empty: 'No upstream call (answered by the gateway: cache, guardrail or limit).'})),
      card('Guardrails', table([
        ['Side', g => g.direction], ['Rule', g => g.rule],
        ['Action', g => h('span', {class: 'badge ' + (g.action === 'block' ? 'bad' : 'warn')}, g.action)], ['Found', g => g.detail]],
        guardrails, {empty: 'No guardrail triggered.'})),
      card('Captured request and answer', captured
        ? h('div', {class: 'grid2'},
          h('div', {}, h('h3', {}, 'Request'), h('pre', {class: 'body', 'data-testid': 'captured-request'}, pretty(captured.request))),
          h('div', {}, h('h3', {}, 'Answer'), h('pre', {class: 'body', 'data-testid': 'captured-response'}, pretty(captured.response))))
        : h('p', {class: 'empty', 'data-testid': 'capture-off'},
          'Not captured: body capture was off for this request (tracing.capture), it was not sampled, or the bodies expired.'),
        h('small', {}, 'Shown as stored: personal data and secrets are masked when tracing.redact is on.')),
      card('Limits headroom now', headroom.error ? h('p', {class: 'empty'}, 'Unavailable: ' + headroom.error.message)
        : headroomTable(headroom.data, {scopes: true, empty: 'No limits or budgets apply to this caller.'}),
        h('small', {}, 'The limits this request drew on, as they stand now (not at the time of the request).')),
      card('Feedback', table([
        ['Name', f => f.name], ['Value', f => String(f.value)], ['Comment', f => f.comment ?? ''], ['User', f => f.user ?? ''],
        ['Time', f => time(f.created)]], feedback.data, {empty: 'No feedback on this request.'})));
  },
};
