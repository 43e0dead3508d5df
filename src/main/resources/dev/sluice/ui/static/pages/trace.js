import {h, mount, card, facts, table} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {ms, time} from '../lib/fmt.js';
import {color, ERROR_COLOR} from '../lib/chart.js';
import {requestColumns} from './requests.js';

/** The spans of a tree in display order, each with its depth. */
function flatten(roots) {
  const out = [];
  const walk = (span, depth) => {
    out.push({span, depth});
    (span.children || []).slice().sort((a, b) => a.start_ns - b.start_ns).forEach(c => walk(c, depth + 1));
  };
  roots.slice().sort((a, b) => a.start_ns - b.start_ns).forEach(r => walk(r, 0));
  return out;
}

export default {
  id: 'trace',
  title: 'Trace',
  nav: false,
  async render(ctx) {
    const trace = await api.get('traces/' + ctx.params[0]);
    const rows = flatten(trace.roots || []);
    const t0 = Math.min(...rows.map(r => r.span.start_ns));
    const t1 = Math.max(...rows.map(r => r.span.end_ns));
    const total = Math.max(1, t1 - t0);
    const services = trace.services || [];
    const detail = h('div', {class: 'span-detail', 'aria-live': 'polite'}, h('p', {class: 'empty'}, 'Select a span to see its attributes and events.'));
    const show = span => mount(detail,
      h('h3', {}, span.name),
      facts([['Service', span.service], ['Kind', span.kind], ['Start', time(span.start)], ['Duration', ms(span.duration_ms)],
        ['Status', span.status + (span.status_message ? ': ' + span.status_message : '')],
        ['Request', span.request_id ? h('a', {href: '#/request/' + encodeURIComponent(span.request_id)}, span.request_id) : null],
        ['Span id', span.span_id]]),
      h('h4', {}, 'Attributes'),
      table([['Name', ([k]) => k], ['Value', ([, v]) => typeof v === 'string' ? v : JSON.stringify(v)]],
        Object.entries(span.attributes || {}), {empty: 'No attributes.'}),
      h('h4', {}, 'Events'),
      table([['Name', e => e.name], ['Attributes', e => JSON.stringify(e.attributes || {})]], span.events || [], {empty: 'No events.'}));
    const waterfall = h('div', {class: 'waterfall', role: 'tree', 'aria-label': 'Spans'}, rows.map(({span, depth}) => {
      const bar = h('span', {class: 'wf-bar' + (span.status === 'error' ? ' error' : '')});
      bar.style.left = ((span.start_ns - t0) / total * 100) + '%';
      bar.style.width = Math.max(0.4, (span.end_ns - span.start_ns) / total * 100) + '%';
      bar.style.background = span.status === 'error' ? ERROR_COLOR : color(Math.max(0, services.indexOf(span.service)));
      const name = h('span', {class: 'wf-name', title: span.name}, span.name);
      name.style.paddingLeft = (Math.min(depth, 8) * 12) + 'px';
      const row = h('button', {type: 'button', class: 'wf-row', role: 'treeitem', 'aria-level': depth + 1,
        'data-span': span.name, onclick: () => { waterfall.querySelectorAll('.wf-row').forEach(x => x.classList.remove('selected'));
          row.classList.add('selected'); show(span); }},
        name, h('span', {class: 'wf-service'}, span.service ?? ''), h('span', {class: 'wf-track'}, bar),
        h('span', {class: 'wf-ms'}, ms(span.duration_ms)));
      return row;
    }));
    return h('div', {},
      h('div', {class: 'page-head'}, h('h1', {}, 'Trace ', h('code', {}, trace.trace_id))),
      facts([['Start', time(trace.start)], ['Duration', ms(trace.duration_ms)], ['Spans', String(trace.span_count)],
        ['Services', services.join(', ')], trace.truncated ? ['Truncated', 'yes (only the first spans are shown)'] : null]),
      h('div', {class: 'trace-layout'}, card('Waterfall', waterfall), card('Span', detail)),
      card('Requests in this trace', table(requestColumns(), trace.requests || [], {empty: 'No gateway request in this trace.'})));
  },
};
