import {h, card, facts, table} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {num, usd, ms, time} from '../lib/fmt.js';
import {traceColumns} from './traces.js';
import {requestColumns} from './requests.js';

export default {
  id: 'session',
  title: 'Session',
  nav: false,
  async render(ctx) {
    const s = await api.get('sessions/' + ctx.params[0]);
    const t = s.totals;
    return h('div', {},
      h('div', {class: 'page-head'}, h('h1', {}, 'Session ', h('code', {}, s.id))),
      facts([['Start', time(t.start)], ['Duration', ms(t.duration_ms)], ['Traces', num(t.traces)], ['Requests', num(t.requests)],
        ['Errors', num(t.errors)], ['Tokens', num(t.tokens_in) + ' in · ' + num(t.tokens_out) + ' out'], ['Cost', usd(t.cost_usd)]]),
      card('Traces, oldest first', table(traceColumns(), s.traces, {empty: 'No traces.'})),
      card('Requests, oldest first', table(requestColumns(), s.requests, {empty: 'No requests.'})));
  },
};
