// The dashboard's pages. A page is one module in this folder plus one line here. It exports:
//   id       the hash route (#/<id>/<params...>?<query>)
//   title    for the navigation and the window title
//   nav      true to list it in the navigation (detail pages such as a request or a trace are reached by links)
//   group    the navigation group it sits in
//   visible  optional (can) => boolean: hide it from roles that cannot use it (the admin API still decides)
//   render   async (ctx) => Node, where ctx = {params, query, session, can: {write(team), owner()}, go(hash),
//            setQuery(values), onLeave(fn), reload()}; data comes from lib/api.js (the admin API through the session)
import overview from './overview.js';
import requests from './requests.js';
import request from './request.js';
import traces from './traces.js';
import trace from './trace.js';
import session from './session.js';
import keys from './keys.js';
import teams from './teams.js';
import adminKeys from './admin-keys.js';
import users from './users.js';
import guardrails from './guardrails.js';
import cache from './cache.js';
import feedback from './feedback.js';
import audit from './audit.js';
import quality from './quality.js';
import prompts from './prompts.js';
import evals from './evals.js';
import rollouts from './rollouts.js';
import reviews from './reviews.js';
import monitors from './monitors.js';

export default [
  overview,
  requests,
  request,
  traces,
  trace,
  session,
  guardrails,
  feedback,
  reviews,
  monitors,
  quality,
  prompts,
  rollouts,
  evals,
  keys,
  teams,
  adminKeys,
  users,
  cache,
  audit,
];
