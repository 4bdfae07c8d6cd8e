/**
 * The console's state lives in the URL query, so Back, reload and a shared link all show
 * the same view: `view`, `finding`, the findings filters and the page `cursor`.
 */

/** Filters of the findings list, in the order the form shows them. */
export const FILTERS = ['severity', 'status', 'cluster', 'rule', 'region', 'account', 'q'];
export const VIEWS = ['overview', 'suppressions', 'scans'];
/** `status` when the URL has none: open findings. `all` lists every status. */
export const DEFAULT_STATUS = 'OPEN';

/** The state a URL describes. */
export function readState(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const key of FILTERS) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = value;
  }
  const view = params.get('view');
  return {
    view: VIEWS.includes(view) ? view : 'overview',
    finding: params.get('finding') || undefined,
    cursor: params.get('cursor') || undefined,
    filters,
  };
}

/** The query string of a state (empty parts left out; filters kept on every view). */
export function writeState(state) {
  const params = new URLSearchParams();
  if (state.view && state.view !== 'overview') params.set('view', state.view);
  if (state.finding) params.set('finding', state.finding);
  for (const key of FILTERS) if (state.filters?.[key]) params.set(key, state.filters[key]);
  if (state.cursor) params.set('cursor', state.cursor);
  const query = params.toString();
  return query ? `?${query}` : '?';
}

/** The `GET /findings` query of a state: worst first, open by default. */
export function findingsQuery(state, limit) {
  const params = new URLSearchParams({ sort: 'severity', limit: String(limit) });
  const { status = DEFAULT_STATUS, ...rest } = state.filters;
  if (status !== 'all') params.set('status', status);
  for (const [key, value] of Object.entries(rest)) params.set(key, value);
  if (state.cursor) params.set('cursor', state.cursor);
  return params;
}
