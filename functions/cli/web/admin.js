/**
 * The suppressions list (view each, delete) and the scans list (paged with the API's
 * cursors, each with the open findings it left behind).
 */
import { ApiError, deleteJson, encode, getJson } from './api.js';
import { el, when } from './dom.js';
import { SEVERITIES } from './order.js';

function scope(s) {
  const parts = [
    ['account', s.accountId],
    ['region', s.region],
    ['cluster', s.clusterName],
    ['resource', s.resourceId],
  ].filter(([, v]) => v);
  return parts.length > 0 ? parts.map(([k, v]) => `${k} ${v}`).join(', ') : 'everything';
}

function view(s) {
  const dl = el('dl', { class: 'kv' });
  for (const [key, value] of Object.entries(s)) dl.append(el('dt', {}, key), el('dd', {}, String(value)));
  return el('details', {}, el('summary', {}, 'View'), dl);
}

async function suppressionRows(body, status, ctx) {
  const page = await getJson('/suppressions?limit=500');
  body.replaceChildren(
    ...page.items.map((s) => {
      const remove = el(
        'button',
        { type: 'button', class: 'delete-suppression', 'aria-label': `Delete suppression ${s.id}` },
        'Delete',
      );
      remove.addEventListener('click', async () => {
        if (!window.confirm(`Delete suppression ${s.id}? Its findings reopen at the next scan.`)) return;
        try {
          await deleteJson(`/suppressions/${encode(s.id)}`);
          status.textContent = `Suppression ${s.id} deleted; its findings reopen at the next scan.`;
          await suppressionRows(body, status, ctx);
        } catch (error) {
          status.textContent = `Could not delete ${s.id}: ${error instanceof ApiError ? error.message : error}`;
        }
      });
      return el(
        'tr',
        { class: 'suppression', 'data-id': s.id },
        el('th', { scope: 'row', 'data-label': 'Rule' }, s.ruleId),
        el('td', { 'data-label': 'Scope', class: 'wrap' }, scope(s)),
        el('td', { 'data-label': 'Reason' }, s.reason),
        el('td', { 'data-label': 'Expires' }, when(s.expiresAt)),
        el('td', { 'data-label': 'Created' }, `${when(s.createdAt)} by ${s.createdBy}`),
        el('td', { 'data-label': 'Actions' }, view(s), remove),
      );
    }),
  );
  if (page.items.length === 0) status.textContent ||= 'No suppression stored through the API.';
}

export async function renderSuppressions(container, _state, ctx) {
  const body = el('tbody');
  const status = el('p', { id: 'suppressions-status', role: 'status' });
  container.append(
    el(
      'section',
      { 'aria-labelledby': 'suppressions-title' },
      el('h2', { id: 'suppressions-title', tabindex: '-1' }, 'Suppressions'),
      el(
        'p',
        { class: 'hint' },
        'Created from a finding’s page or POST /suppressions. Suppressions kept in the config file are not listed.',
      ),
      status,
      el(
        'table',
        { id: 'suppressions', class: 'cards' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['Rule', 'Scope', 'Reason', 'Expires', 'Created', 'Actions'].map((h) =>
              el('th', { scope: 'col' }, h),
            ),
          ),
        ),
        body,
      ),
    ),
  );
  await suppressionRows(body, status, ctx);
}

function scanRow(s) {
  const target = s.target
    ? [s.target.clusterName, s.target.region].filter(Boolean).join(' in ')
    : 'everything';
  const counts = s.openCounts ? SEVERITIES.map((v) => `${s.openCounts[v]} ${v}`).join(' · ') : '—';
  return el(
    'tr',
    { class: 'scan', 'data-id': s.scanId, 'data-status': s.status },
    el('td', { 'data-label': 'Started' }, when(s.startedAt)),
    el('td', { 'data-label': 'Trigger' }, s.trigger),
    el('td', { 'data-label': 'Target' }, target),
    el('td', { 'data-label': 'Status' }, s.status),
    el('td', { 'data-label': 'Open after' }, counts),
    el('td', { 'data-label': 'Errors' }, s.errorCount),
  );
}

export async function renderScans(container, _state, ctx) {
  const body = el('tbody');
  const more = el('button', { type: 'button', id: 'more-scans', hidden: true }, 'Older scans');
  const everything = el('button', { type: 'button', class: 'rescan' }, 'Rescan everything');
  everything.addEventListener('click', () => ctx.rescan({}));
  container.append(
    el(
      'section',
      { 'aria-labelledby': 'scans-title' },
      el('h2', { id: 'scans-title', tabindex: '-1' }, 'Scans'),
      el('div', { class: 'toolbar' }, everything),
      el(
        'table',
        { id: 'scans', class: 'cards' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['Started', 'Trigger', 'Target', 'Status', 'Open after', 'Errors'].map((h) =>
              el('th', { scope: 'col' }, h),
            ),
          ),
        ),
        body,
      ),
      more,
    ),
  );
  let cursor = null;
  const load = async () => {
    const page = await getJson(`/scans?limit=25${cursor ? `&cursor=${encode(cursor)}` : ''}`);
    body.append(...page.items.map(scanRow));
    cursor = page.nextCursor;
    more.hidden = !cursor;
  };
  more.addEventListener('click', load);
  await load();
}
