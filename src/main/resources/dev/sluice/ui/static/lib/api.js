// The admin API, through the dashboard's session: /ui/api/<path> is /admin/<path> called with the
// session's admin key, which stays on the server. State changes carry the session's CSRF token,
// kept in this module's memory only (never in localStorage or a readable cookie).

let csrfToken = null;
let onLoggedOut = () => {};

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || ('HTTP ' + status));
    this.status = status;
    this.code = body && body.error && body.error.code;
  }
}

export function setSession(session, loggedOut) {
  csrfToken = session ? session.csrf_token : null;
  if (loggedOut) onLoggedOut = loggedOut;
}

async function call(method, url, body) {
  const headers = {'Accept': 'application/json'};
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken || '';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, {method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin', cache: 'no-store'});
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (res.status === 401) {
    onLoggedOut();
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/** The query string of an object, leaving out empty values; arrays repeat the name. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === null || v === undefined || v === '') continue;
    if (Array.isArray(v)) v.forEach(x => q.append(k, x)); else q.append(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

function path(p) {
  return '/ui/api/' + p.split('/').map(encodeURIComponent).join('/');
}

export const api = {
  get: (p, params) => call('GET', path(p) + query(params)),
  post: (p, body) => call('POST', path(p), body ?? {}),
  patch: (p, body) => call('PATCH', path(p), body ?? {}),
  del: (p, params) => call('DELETE', path(p) + query(params)),
};

export const ui = {
  session: () => call('GET', '/ui/session'),
  login: key => call('POST', '/ui/login', {key}),
  logout: () => call('POST', '/ui/logout', {}),
};
