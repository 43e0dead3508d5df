import {h, mount, card, table, facts, field, select, input, link, errorBox} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {time} from '../lib/fmt.js';
import {changes} from '../lib/forms.js';

const STATUSES = [['open', 'Open'], ['labelled', 'Labelled'], ['all', 'All']];
const LABELS = ['correct', 'incorrect', 'harmful'];

function pretty(body) {
  return body == null ? '' : typeof body === 'string' ? body : JSON.stringify(body, null, 2);
}

function labelBadge(label) {
  return label ? h('span', {class: 'badge ' + (label === 'correct' ? 'ok' : label === 'harmful' ? 'bad' : 'warn')}, label) : '—';
}

/**
 * The review queue: answers with a thumbs down or a failed online evaluator score. The list, and an
 * item with its captured request and answer (reading it is audited) and the label buttons (a viewer
 * has none; labelling is audited by the admin API).
 */
export default {
  id: 'reviews',
  title: 'Review queue',
  nav: true,
  group: 'Quality',
  async render(ctx) {
    const id = ctx.params[0];
    if (id) return item(ctx, id);
    const status = ctx.query.get('status') || 'open';
    const model = ctx.query.get('model') || '';
    const statusSel = select('status', STATUSES, status);
    const modelIn = input('model', {value: model, placeholder: 'any'});
    const form = h('form', {class: 'filters', 'aria-label': 'Filter the review queue'}, field('Status', statusSel),
      field('Model', modelIn), h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Filter')));
    form.addEventListener('submit', e => {
      e.preventDefault();
      ctx.go('#/reviews?status=' + statusSel.value + (modelIn.value.trim() ? '&model=' + encodeURIComponent(modelIn.value.trim()) : ''));
    });
    const items = await api.get('reviews', {status, model, limit: 200});
    return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Review queue')),
      h('p', {}, 'Answers someone rated down, or an online evaluator failed. Label them correct, incorrect or harmful; '
        + 'labelled items can become eval tests (sluice reviews add-to-dataset).'),
      form,
      card(null, table([
        ['Queued', r => link('#/reviews/' + encodeURIComponent(r.id), time(r.ts))], ['Reason', r => r.reason ?? '—'],
        ['Model', r => r.model ?? '—'], ['Prompt', r => r.prompt ?? '—'], ['Team', r => r.team ?? '—'],
        ['Request', r => link('#/request/' + encodeURIComponent(r.request_id), r.request_id)],
        ['Status', r => h('span', {class: 'badge ' + (r.status === 'open' ? 'warn' : 'ok')}, r.status)],
        ['Label', r => labelBadge(r.label)], ['By', r => r.labelled_by ?? '']],
        items.data, {empty: status === 'open' ? 'Nothing to review: no open items.' : 'No items match.'})));
  },
};

async function item(ctx, id) {
  const r = await api.get('reviews/' + id);
  const notice = h('div', {'aria-live': 'polite'});
  const act = changes(notice, () => ctx.reload(), errorBox);
  let form = null;
  if (ctx.can.write(r.team ?? null)) {
    const comment = h('textarea', {name: 'comment', rows: 2, maxlength: 4000}, r.comment ?? '');
    form = h('form', {class: 'filters', 'aria-label': 'Label this answer'}, field('Comment', comment),
      h('div', {class: 'actions'}, LABELS.map(l => h('button', {type: 'button', class: l === 'correct' ? 'secondary' : l === 'harmful' ? 'danger' : '',
        onclick: () => act(async () => {
          const text = comment.value.trim();
          await api.post('reviews/' + id + '/label', text ? {label: l, comment: text} : {label: l});
        })}, 'Label ' + l))));
  }
  return h('div', {}, h('div', {class: 'page-head'}, h('h1', {}, 'Review item ', h('code', {}, r.id)),
    h('span', {class: 'badge ' + (r.status === 'open' ? 'warn' : 'ok')}, r.status)),
  notice,
  h('div', {class: 'grid2'},
    card('Item', facts([['Queued', time(r.ts)], ['Reason', r.reason], ['Score', r.score == null ? null : String(r.score)],
      ['Model', r.model], ['Prompt', r.prompt], ['Team', r.team], ['Key', r.key_id],
      ['Request', link('#/request/' + encodeURIComponent(r.request_id), r.request_id)],
      ['Trace', r.trace_id ? link('#/trace/' + r.trace_id, r.trace_id) : null]])),
    card('Label', facts([['Label', labelBadge(r.label)], ['Comment', r.comment], ['By', r.labelled_by],
      ['At', r.labelled_at ? time(r.labelled_at) : null]]), form)),
  card('Request and answer', r.body_captured
    ? h('div', {class: 'grid2'},
      h('div', {}, h('h3', {}, 'Request'), h('pre', {class: 'body', 'data-testid': 'review-request'}, pretty(r.request))),
      h('div', {}, h('h3', {}, 'Answer'), h('pre', {class: 'body', 'data-testid': 'review-response'}, pretty(r.response))))
    : h('p', {class: 'empty'}, 'Not captured: body capture was off for this request, or the bodies expired.')));
}
