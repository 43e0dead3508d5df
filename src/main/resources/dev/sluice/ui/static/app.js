// The dashboard shell: login, the navigation, and a hash router that hands each page its element.
// A page is one module in pages/ listed in pages/index.js; see pages/index.js for the contract.
import {h, mount, field, errorBox} from './lib/dom.js';
import {ui, setSession} from './lib/api.js';
import pages from './pages/index.js';

const root = document.getElementById('app');
let session = null;
let leaving = [];

function can(role) {
  return {
    /** May change things of `team` (null = organisation-wide): the admin API decides anyway; this hides buttons. */
    write: team => session.role === 'owner' || (session.role === 'team_admin' && team != null && team === session.team),
    owner: () => session.role === 'owner',
    role,
    session,
  };
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, q] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return {id: parts[0] || 'overview', params: parts.slice(1), query: new URLSearchParams(q || '')};
}

async function route() {
  leaving.forEach(fn => { try { fn(); } catch (e) { /* a page's cleanup failing must not stop navigation */ } });
  leaving = [];
  if (!session) return;
  const {id, params, query} = parseHash();
  const page = pages.find(p => p.id === id && (!p.visible || p.visible(can(session.role))));
  document.querySelectorAll('nav.side a').forEach(a => a.setAttribute('aria-current', a.dataset.page === id ? 'page' : 'false'));
  const main = document.getElementById('main');
  if (!page) {
    mount(main, h('h1', {}, 'Not found'), h('p', {}, 'There is no page "' + id + '".'));
    return;
  }
  document.title = page.title + ' · Sluice';
  const hashAtStart = location.hash;
  delete main.dataset.rendered;
  mount(main, h('p', {class: 'loading'}, 'Loading…'));
  const ctx = {
    params, query, session, can: can(session.role),
    go: hash => { location.hash = hash; },
    setQuery: values => {
      const q = new URLSearchParams();
      Object.entries(values).forEach(([k, v]) => { if (v !== null && v !== undefined && v !== '') q.set(k, v); });
      const s = q.toString();
      history.replaceState(null, '', '#/' + [id, ...params].map(encodeURIComponent).join('/') + (s ? '?' + s : ''));
    },
    onLeave: fn => leaving.push(fn),
    reload: () => route(),
  };
  try {
    const content = await page.render(ctx);
    if (location.hash !== hashAtStart) return; // the user went elsewhere meanwhile
    mount(main, content);
    main.dataset.rendered = hashAtStart;
    const heading = main.querySelector('h1');
    if (heading) { heading.tabIndex = -1; heading.focus({preventScroll: true}); }
  } catch (e) {
    if (location.hash !== hashAtStart) return;
    mount(main, h('h1', {}, page.title), errorBox(e));
    main.dataset.rendered = hashAtStart;
  }
}

function shell() {
  const visible = pages.filter(p => p.nav && (!p.visible || p.visible(can(session.role))));
  const groups = [...new Set(visible.map(p => p.group || ''))];
  const who = session.role.replace('_', ' ') + (session.team ? ' · ' + session.team : '');
  mount(root,
    // the link's own '#main' would be taken by the hash router for a page called "main": it moves the focus instead
    h('a', {class: 'skip', href: '#main', onclick: e => {
      e.preventDefault();
      const main = document.getElementById('main');
      const heading = main.querySelector('h1');
      if (heading) heading.tabIndex = -1;
      (heading || main).focus();
    }}, 'Skip to content'),
    h('header', {class: 'top'},
      h('span', {class: 'brand'}, 'Sluice'),
      h('span', {class: 'who', title: session.actor}, who),
      h('button', {type: 'button', class: 'link', onclick: logout}, 'Log out')),
    h('div', {class: 'layout'},
      h('nav', {class: 'side', 'aria-label': 'Pages'}, groups.map(g => [
        g ? h('div', {class: 'nav-group'}, g) : null,
        visible.filter(p => (p.group || '') === g).map(p => h('a', {href: '#/' + p.id, 'data-page': p.id}, p.title))])),
      h('main', {id: 'main', tabindex: '-1'})));
  route();
}

async function logout() {
  try { await ui.logout(); } catch (e) { /* logged out either way */ }
  session = null;
  setSession(null);
  login();
}

function login(message) {
  const key = h('input', {type: 'password', name: 'key', autocomplete: 'current-password', required: true, spellcheck: 'false'});
  const status = h('p', {class: 'error', role: 'alert', hidden: !message}, message || '');
  const form = h('form', {class: 'login card'},
    h('h1', {}, 'Sluice dashboard'),
    h('p', {}, 'Log in with an admin key. The key stays on the server for this session; the browser keeps only a session cookie.'),
    field('Admin key', key),
    status,
    h('button', {type: 'submit'}, 'Log in'));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    status.hidden = true;
    try {
      session = await ui.login(key.value);
      key.value = '';
      setSession(session, expired);
      shell();
    } catch (e) {
      status.textContent = e.message;
      status.hidden = false;
    }
  });
  mount(root, h('main', {id: 'main', class: 'login-page'}, form));
  key.focus();
}

function expired() {
  if (session) {
    session = null;
    setSession(null);
    login('Your session ended (expired, logged out, or the admin key was revoked). Log in again.');
  }
}

async function start() {
  try {
    const current = await ui.session();
    if (!current.logged_in) {
      login();
      return;
    }
    session = current;
    setSession(session, expired);
    shell();
  } catch (e) {
    login();
  }
}

window.addEventListener('hashchange', route);
start();
