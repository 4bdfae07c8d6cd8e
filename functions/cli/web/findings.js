/**
 * The findings list: filters kept in the URL (every change is a history entry, so Back
 * undoes it), worst severity first then cluster (the API's `sort=severity`), evidence
 * collapsed, one page at a time through the API's cursors.
 */
import { ApiError, getJson } from './api.js';
import { el, severityBadge } from './dom.js';
import { renderEvidence } from './evidence.js';
import { SEVERITIES } from './order.js';
import { DEFAULT_STATUS, findingsQuery, writeState } from './url-state.js';

export const PAGE_SIZE = 25;

function select(id, label, name, options, current) {
  const node = el(
    'select',
    { id, name },
    ...options.map(([value, text]) => el('option', { value, selected: value === current }, text)),
  );
  return el('label', { for: id }, el('span', {}, label), node);
}

const uniq = (values) => [...new Set(values)].sort();

function filtersForm(state, clusters, rules, ctx) {
  const f = state.filters;
  const any = [['', 'any']];
  const form = el(
    'form',
    { id: 'filters', class: 'filters', role: 'search', 'aria-label': 'Filter findings' },
    select(
      'f-severity',
      'Severity',
      'severity',
      [...any, ...SEVERITIES.map((s) => [s, s])],
      f.severity ?? '',
    ),
    select(
      'f-status',
      'Status',
      'status',
      [
        ['OPEN', 'OPEN'],
        ['SUPPRESSED', 'SUPPRESSED'],
        ['RESOLVED', 'RESOLVED'],
        ['all', 'any'],
      ],
      f.status ?? DEFAULT_STATUS,
    ),
    select(
      'f-cluster',
      'Cluster',
      'cluster',
      [...any, ...uniq(clusters.map((c) => c.clusterName)).map((n) => [n, n])],
      f.cluster ?? '',
    ),
    select('f-rule', 'Rule', 'rule', [...any, ...rules.map((r) => [r.id, r.id])], f.rule ?? ''),
    select(
      'f-region',
      'Region',
      'region',
      [...any, ...uniq(clusters.map((c) => c.region)).map((r) => [r, r])],
      f.region ?? '',
    ),
    select(
      'f-account',
      'Account',
      'account',
      [...any, ...uniq(clusters.map((c) => c.accountId)).map((a) => [a, a])],
      f.account ?? '',
    ),
    el(
      'label',
      { for: 'f-q' },
      el('span', {}, 'Resource or title'),
      el('input', { id: 'f-q', name: 'q', type: 'search', value: f.q ?? '', maxlength: '100' }),
    ),
    el('button', { type: 'submit' }, 'Search'),
    el('a', { href: writeState({}), 'data-nav': '', class: 'clear' }, 'Clear filters'),
  );
  const apply = () => {
    const filters = {};
    for (const [key, value] of new FormData(form)) {
      const text = String(value).trim();
      if (text && !(key === 'status' && text === DEFAULT_STATUS)) filters[key] = text;
    }
    ctx.navigate({ view: 'overview', filters });
  };
  form.addEventListener('change', (event) => {
    if (event.target.id !== 'f-q') apply();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  return form;
}

function row(finding, state) {
  const details = el('details', { class: 'evidence' }, el('summary', {}, 'Evidence'));
  // Rendered on first opening: a page of closed rows stays light.
  details.addEventListener('toggle', () => {
    if (details.open && details.childElementCount === 1) details.append(renderEvidence(finding.evidence));
  });
  return el(
    'tr',
    {
      class: 'finding',
      'data-id': finding.id,
      'data-severity': finding.severity,
      'data-rule': finding.ruleId,
      'data-status': finding.status,
    },
    el('td', { 'data-label': 'Severity' }, severityBadge(finding.severity)),
    el(
      'td',
      { 'data-label': 'Finding' },
      el(
        'a',
        { class: 'finding-link', href: writeState({ ...state, finding: finding.id }), 'data-nav': '' },
        finding.title,
      ),
      el('div', { class: 'muted rule-id' }, finding.ruleId),
    ),
    el('td', { 'data-label': 'Cluster' }, finding.clusterName, el('div', { class: 'muted' }, finding.region)),
    el('td', { 'data-label': 'Resource', class: 'resource' }, finding.resourceId),
    el('td', { 'data-label': 'Status' }, finding.status),
    el('td', { 'data-label': 'Evidence' }, details),
  );
}

/** Renders the filters and one page of findings into `container`. */
export async function renderFindings(container, state, clusters, rules, ctx) {
  const status = el('p', { id: 'findings-status', role: 'status' }, 'Loading findings…');
  const body = el('tbody');
  const pager = el('nav', { class: 'pager', 'aria-label': 'Findings pages' });
  container.append(
    el(
      'section',
      { 'aria-labelledby': 'findings-title' },
      el('h2', { id: 'findings-title' }, 'Findings'),
      filtersForm(state, clusters, rules, ctx),
      status,
      el(
        'table',
        { id: 'findings', class: 'cards' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['Severity', 'Finding', 'Cluster', 'Resource', 'Status', 'Evidence'].map((h) =>
              el('th', { scope: 'col' }, h),
            ),
          ),
        ),
        body,
      ),
      pager,
    ),
  );
  try {
    const page = await getJson(`/findings?${findingsQuery(state, PAGE_SIZE)}`);
    body.replaceChildren(...page.items.map((f) => row(f, state)));
    status.textContent =
      page.items.length === 0
        ? 'No finding matches these filters.'
        : `${page.items.length} finding(s) on this page, worst first${state.cursor ? ' (a later page)' : ''}.`;
    if (state.cursor)
      pager.append(
        el('a', { href: writeState({ ...state, cursor: undefined }), 'data-nav': '' }, 'First page'),
      );
    if (page.nextCursor) {
      const next = el('button', { type: 'button', id: 'next-page' }, 'Next page');
      next.addEventListener('click', () => ctx.navigate({ ...state, cursor: page.nextCursor }));
      pager.append(next);
    }
  } catch (error) {
    // Rows of another request would sit under these filters as if they matched them.
    body.replaceChildren();
    status.textContent = `Could not load findings: ${error instanceof ApiError ? `${error.code}: ${error.message}` : error.message}`;
    status.classList.add('error');
  }
}
