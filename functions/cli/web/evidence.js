/**
 * Evidence rendered for people instead of raw JSON: a list of objects (subnets, security
 * group rules, route tables) becomes a table, a list of values a comma list, an object a
 * nested definition list. Tables sit in a keyboard-scrollable region so a wide one never
 * widens the page.
 */
import { el } from './dom.js';

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function scalar(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

function table(rows, caption) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const head = el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, c)));
  const body = rows.map((row) =>
    el('tr', {}, ...columns.map((c) => el('td', { 'data-label': c }, value(row[c], c)))),
  );
  return el(
    'div',
    { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
    el('table', { class: 'evidence-table' }, el('thead', {}, head), el('tbody', {}, ...body)),
  );
}

function value(v, key) {
  if (Array.isArray(v)) {
    if (v.length === 0) return el('span', { class: 'muted' }, 'none');
    if (v.every(isObject)) return table(v, key);
    return v.map((item) => (isObject(item) ? JSON.stringify(item) : scalar(item))).join(', ');
  }
  if (isObject(v)) return list(v);
  return scalar(v);
}

function list(object) {
  const dl = el('dl', { class: 'kv' });
  for (const [key, v] of Object.entries(object)) dl.append(el('dt', {}, key), el('dd', {}, value(v, key)));
  return dl;
}

/** The evidence of a finding as tables and lists. */
export function renderEvidence(evidence) {
  if (!isObject(evidence) || Object.keys(evidence).length === 0) {
    return el('p', { class: 'muted' }, 'No evidence recorded.');
  }
  return list(evidence);
}
