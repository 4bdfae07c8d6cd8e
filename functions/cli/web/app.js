/**
 * The console's entry point: reads its configuration (and signs in when the deployed API
 * uses JWT auth), then renders the view the URL describes — overview (summary and
 * findings), one finding, suppressions, or scans — again on every navigation and on Back.
 */
import { renderScans, renderSuppressions } from './admin.js';
import { ApiError, encode, getAll, getJson, postJson, useToken } from './api.js';
import { currentToken, signIn, signOut } from './auth.js';
import { renderDetail } from './detail.js';
import { el } from './dom.js';
import { renderFindings } from './findings.js';
import { renderSummary } from './summary.js';
import { readState, writeState } from './url-state.js';

const main = document.getElementById('main');
const progress = document.getElementById('scan-progress');
const POLL_MS = 1500;
let generation = 0;
let rules;
let authConfig;

const ctx = {
  settings: { maxSuppressionDays: 365, defaultSuppressionDays: 30 },
  rules: () => {
    rules ??= getAll('/rules').catch((error) => {
      rules = undefined;
      throw error;
    });
    return rules;
  },
  navigate(next) {
    history.pushState(null, '', writeState(next));
    render({ focus: true });
  },
  rescan,
};

function describeTarget(target) {
  if (target.cluster) return `cluster ${target.cluster}`;
  if (target.region) return `region ${target.region}`;
  return 'every cluster';
}

/** Starts a scan (`POST /scans`) and follows it (`GET /scans/{id}`) until it ends. */
async function rescan(target) {
  const what = describeTarget(target);
  progress.dataset.status = 'QUEUED';
  progress.textContent = `Starting a scan of ${what}…`;
  try {
    const { scanId } = await postJson('/scans', {
      ...(target.region ? { region: target.region } : {}),
      ...(target.cluster ? { cluster: target.cluster } : {}),
    });
    let scan;
    for (;;) {
      scan = await getJson(`/scans/${encode(scanId)}`);
      const { clustersDone, clustersTotal } = scan.progress;
      progress.dataset.status = scan.status === 'QUEUED' ? 'QUEUED' : 'RUNNING';
      progress.textContent = `Scan of ${what}: ${scan.status}, ${clustersDone} of ${clustersTotal ?? '?'} cluster(s) done…`;
      if (scan.status === 'COMPLETED' || scan.status === 'FAILED') break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    await render();
    const errors =
      scan.errors.length > 0 ? `, ${scan.errors.length} error(s): ${scan.errors[0].message}` : '';
    progress.textContent = `Scan of ${what} ${scan.status.toLowerCase()}${errors}.`;
    progress.dataset.status = scan.status;
  } catch (error) {
    progress.dataset.status = 'FAILED';
    progress.textContent = `The scan of ${what} could not run: ${error.message}`;
  }
}

function markNavigation(state) {
  const current = state.finding ? '' : state.view;
  for (const link of document.querySelectorAll('nav.views a')) {
    if (link.dataset.view === current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/** Renders the URL's view; a newer render started meanwhile wins. */
async function render({ focus = false } = {}) {
  const mine = ++generation;
  const state = readState(location.search);
  markNavigation(state);
  const focusedId = document.activeElement?.id;
  const view = el('div', { class: 'view' });
  try {
    let heading;
    if (state.finding) heading = await renderDetail(view, state, ctx);
    else if (state.view === 'suppressions') await renderSuppressions(view, state, ctx);
    else if (state.view === 'scans') await renderScans(view, state, ctx);
    else {
      const [clusters, ruleList] = await Promise.all([renderSummary(view, state, ctx), ctx.rules()]);
      await renderFindings(view, state, clusters, ruleList, ctx);
    }
    if (mine !== generation) return;
    main.replaceChildren(view);
    document.title = `${state.finding ? 'Finding' : state.view[0].toUpperCase() + state.view.slice(1)} — eks-netguard`;
    // Keyboard users keep their place: the control they used, or the new view's heading.
    const again = focusedId ? document.getElementById(focusedId) : null;
    if (again && !focus) again.focus();
    else if (focus) (heading ?? view.querySelector('h2'))?.focus?.();
  } catch (error) {
    if (mine !== generation) return;
    if (error instanceof ApiError && error.status === 401 && authConfig) {
      signOut();
      return showSignIn('Your session has ended.');
    }
    main.replaceChildren(
      el('p', { class: 'error', role: 'alert' }, `Could not load this view: ${error.message}`),
    );
  }
}

function showSignIn(message) {
  const button = el('button', { type: 'button', id: 'sign-in' }, 'Sign in');
  button.addEventListener('click', () => signIn(authConfig));
  main.replaceChildren(el('p', {}, message, ' '), button);
}

document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[data-nav]');
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  history.pushState(null, '', link.getAttribute('href'));
  render({ focus: true });
});
window.addEventListener('popstate', () => render());

async function start() {
  const config = await fetch('console/config.json').then((r) => r.json());
  if (config.auth) {
    authConfig = config.auth;
    const token = await currentToken(authConfig);
    if (!token) return showSignIn('This console needs you to sign in.');
    useToken(async () => currentToken(authConfig));
  }
  ctx.settings = await getJson('/settings').catch(() => ctx.settings);
  await render();
}

start().catch((error) => {
  main.replaceChildren(
    el('p', { class: 'error', role: 'alert' }, `The console could not start: ${error.message}`),
  );
});
