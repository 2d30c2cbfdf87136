/**
 * The dashboard's browser code: a small hash-routed page (calls, call detail, trace timeline, functions,
 * errors) that builds its DOM from the JSON API with textContent only, so no recorded value is ever parsed as
 * HTML. esbuild bundles it, with the chart and note functions it shares with the command line, into the one
 * script the server serves (npm run build).
 */
import { api, type Jump } from './api';
import { callView } from './call-view';
import { callsView } from './calls-view';
import { errorsView } from './errors-view';
import { functionsView } from './functions-view';
import { refresh, route, updateStamp, type Route, type View } from './router';
import { element, state } from './state';
import { traceView } from './trace-view';

const REFRESH_MS = 5000;

/** The jump box's search: goes where the API says the call, span, trace or function is. */
function findView(found: Route): () => Promise<void> {
  return async function load() {
    location.replace((await api<NonNullable<Jump>>('jump', { q: found.arg })).href);
  };
}

const views: Record<string, View> = {
  calls: callsView,
  call: callView,
  trace: traceView,
  functions: functionsView,
  errors: errorsView,
  find: findView,
};
const show = () => route(views, callsView);

const utcSwitch = element<HTMLInputElement>('utc');
utcSwitch.checked = state.utc;
utcSwitch.addEventListener('change', () => {
  state.utc = utcSwitch.checked;
  localStorage.setItem('observatory.utc', state.utc ? '1' : '0');
  show();
});
element('refresh').addEventListener('click', refresh);
const jump = element<HTMLInputElement>('jump');
jump.addEventListener('keydown', event => {
  const text = jump.value.trim();
  if (event.key === 'Enter' && text) location.hash = '#/find/' + encodeURIComponent(text);
});
const autoRefresh = element<HTMLInputElement>('auto-refresh');
autoRefresh.addEventListener('change', () => {
  if (state.timer !== null) clearInterval(state.timer);
  state.timer = autoRefresh.checked ? setInterval(refresh, REFRESH_MS) : null;
});
setInterval(updateStamp, 1000);
window.addEventListener('hashchange', show);
api<{ databasePath: string }>('info').then(info => {
  const path = element('db-path');
  path.textContent = info.databasePath;
  path.title = info.databasePath;
});
if (!location.hash) location.replace('#/calls');
show();

// An ES module, though it exports nothing: in this CommonJS package esbuild would otherwise take the entry for
// CommonJS and wrap every module it imports in a lazy initializer.
export {};
