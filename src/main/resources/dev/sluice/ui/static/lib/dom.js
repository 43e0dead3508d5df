// Building the page: every piece of data goes in as text (textContent / attributes), never as HTML,
// so request bodies, span attributes or key names from the logs cannot inject markup or script.

/** An element: h('a', {href: '#/x', class: 'c', onclick: fn}, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'value') el.value = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces an element's content. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** An SVG element (for charts). */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/** A labelled form field; returns the wrapper, the control is in .control. */
export function field(label, control, hint) {
  const id = control.id || ('f-' + Math.random().toString(36).slice(2, 9));
  control.id = id;
  const wrap = h('div', {class: 'field'}, h('label', {for: id}, label), control, hint ? h('small', {}, hint) : null);
  wrap.control = control;
  return wrap;
}

export function input(name, attrs) {
  return h('input', Object.assign({name, type: 'text', autocomplete: 'off'}, attrs || {}));
}

export function select(name, options, value) {
  return h('select', {name}, options.map(([v, label]) => h('option', {value: v, selected: v === value}, label)));
}

/** A table: columns are [header, row => cell, className?]. Empty rows show `empty`. */
export function table(columns, rows, opts = {}) {
  if (!rows || rows.length === 0) return h('p', {class: 'empty'}, opts.empty || 'Nothing here yet.');
  return h('div', {class: 'table-wrap'}, h('table', {class: opts.class || ''},
    h('thead', {}, h('tr', {}, columns.map(c => h('th', {scope: 'col', class: c[2] || ''}, c[0])))),
    h('tbody', {}, rows.map(r => h('tr', {class: opts.rowClass ? opts.rowClass(r) : ''},
      columns.map(c => h('td', {class: c[2] || ''}, c[1](r))))))));
}

/** A key/value list. */
export function facts(pairs) {
  return h('dl', {class: 'facts'}, pairs.filter(p => p).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]));
}

export function card(title, ...children) {
  return h('section', {class: 'card'}, title ? h('h2', {}, title) : null, ...children);
}

export function link(href, text) {
  return h('a', {href}, text);
}

/** An error message box (an admin API error shows its message and status). */
export function errorBox(e) {
  return h('div', {class: 'error', role: 'alert'}, e && e.status ? `${e.message} (HTTP ${e.status})` : String((e && e.message) || e));
}
