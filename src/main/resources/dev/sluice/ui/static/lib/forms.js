// Shared pieces of the pages that change things: a secret shown once, confirmations, form values.
import {h} from './dom.js';

/** The box that shows a new secret once, with a copy button; it is never shown again. */
export function secretBox(label, secret) {
  const code = h('code', {class: 'secret', 'data-testid': 'secret'}, secret);
  const copy = h('button', {type: 'button', class: 'secondary'}, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(secret);
      copy.textContent = 'Copied';
    } catch (e) {
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      copy.textContent = 'Selected: press Ctrl+C';
    }
  });
  return h('div', {class: 'notice', role: 'status'}, h('strong', {}, label), h('p', {}, 'Copy it now: it is shown only once.'),
    h('div', {class: 'secret-row'}, code, copy));
}

/** The form's values: empty fields left out, numbers where the input is numeric. */
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.value === '') continue;
    out[el.name] = el.type === 'number' ? Number(el.value) : el.value.trim();
  }
  return out;
}

/** A comma-separated list as an array (empty = none). */
export function list(text) {
  return (text || '').split(',').map(s => s.trim()).filter(Boolean);
}

/** Limits and budget objects for the admin API from flat form values. */
export function quota(v) {
  const limits = {}, budget = {};
  ['rpm', 'tpm', 'concurrency'].forEach(k => { if (v[k] !== undefined) limits[k] = v[k]; });
  ['daily_usd', 'monthly_usd'].forEach(k => { if (v[k] !== undefined) budget[k] = v[k]; });
  return {limits, budget};
}

/**
 * Runs a change, then reloads the page's data; a refusal (e.g. the admin API's 403) is shown in
 * `notice` instead. Returns act(work, confirmText?).
 */
export function changes(notice, reload, errorBox) {
  return async (work, confirmText) => {
    if (confirmText && !confirm(confirmText)) return;
    try {
      await work();
      await reload();
    } catch (e) {
      notice.replaceChildren(errorBox(e));
    }
  };
}

/** Limits and budget of a key or team, as short text. */
export function quotaText(q, num, usd) {
  const limits = [q.limits.rpm && num(q.limits.rpm) + ' rpm', q.limits.tpm && num(q.limits.tpm) + ' tpm',
    q.limits.concurrency && q.limits.concurrency + ' concurrent'].filter(Boolean).join(' · ');
  const budget = [q.budget.daily_usd != null && usd(q.budget.daily_usd) + '/day',
    q.budget.monthly_usd != null && usd(q.budget.monthly_usd) + '/month'].filter(Boolean).join(' · ');
  return {limits: limits || 'defaults', budget: budget || '—'};
}

/** Form fields for limits and budgets (names match quota()). */
export function quotaFields(field, input) {
  return [
    field('Requests / minute', input('rpm', {type: 'number', min: 1})),
    field('Tokens / minute', input('tpm', {type: 'number', min: 1})),
    field('Daily budget (USD)', input('daily_usd', {type: 'number', min: 0, step: 'any'})),
    field('Monthly budget (USD)', input('monthly_usd', {type: 'number', min: 0, step: 'any'})),
  ];
}
