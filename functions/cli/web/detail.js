/**
 * One finding: rendered evidence, the remediation with a copy button, references, its
 * history (first/last seen, resolved, reopened, suppression), a rescan of its cluster, and
 * the suppress form pre-filled from it. The form sends what the user typed and shows the
 * API's 400 message as is: the API is the one place that validates.
 */
import { ApiError, encode, getAll, getJson, postJson } from './api.js';
import { el, severityBadge, when } from './dom.js';
import { renderEvidence } from './evidence.js';
import { dateAfter } from './order.js';
import { writeState } from './url-state.js';

function pair(term, ...value) {
  return [el('dt', {}, term), el('dd', {}, ...value)];
}

function history(finding, suppression) {
  const resolved = finding.resolvedAt
    ? `${when(finding.resolvedAt)}${finding.resolvedReason ? ` (${finding.resolvedReason})` : ''}`
    : 'not resolved';
  let suppressed = 'none';
  if (finding.suppressionId) {
    suppressed = suppression
      ? `${suppression.id}: “${suppression.reason}”, by ${suppression.createdBy}, until ${when(suppression.expiresAt)}`
      : `${finding.suppressionId} (from the config file, or since deleted)`;
  }
  return el(
    'dl',
    { id: 'detail-history', class: 'kv' },
    ...pair('First seen', when(finding.firstSeenAt)),
    ...pair('Last seen', when(finding.lastSeenAt)),
    ...pair('Resolved', resolved),
    ...pair('Reopened', `${finding.reopenedCount} time(s)`),
    ...pair('Suppression', suppressed),
  );
}

function copyButton(text) {
  const status = el('span', { id: 'copy-status', role: 'status', class: 'muted' });
  const button = el('button', { type: 'button', id: 'copy-remediation' }, 'Copy remediation');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = 'Copied.';
    } catch {
      status.textContent = 'Copy failed: select the text and copy it by hand.';
    }
  });
  return [button, status];
}

function field(id, label, value, hint, attributes = {}) {
  const input = el('input', { id, name: id.slice(2), type: 'text', value: value ?? '', ...attributes });
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id }, label),
    input,
    hint ? el('span', { class: 'hint', id: `${id}-hint` }, hint) : null,
  );
}

function suppressForm(finding, rules, ctx) {
  const now = new Date();
  const { defaultSuppressionDays, maxSuppressionDays } = ctx.settings;
  const error = el('p', { id: 'suppress-error', role: 'alert', class: 'error' });
  const result = el('div', { id: 'suppress-result', role: 'status' });
  const reason = el('textarea', {
    id: 's-reason',
    name: 'reason',
    rows: '3',
    'aria-describedby': 's-reason-hint',
  });
  const counter = el('span', { class: 'hint', id: 's-reason-hint' }, 'Required; at most 1000 characters.');
  reason.addEventListener('input', () => {
    counter.textContent = `${reason.value.length} / 1000 characters.`;
  });
  const form = el(
    'form',
    { id: 'suppress-form', class: 'suppress', novalidate: true },
    el(
      'fieldset',
      {},
      el('legend', {}, 'Suppress this finding'),
      el(
        'p',
        { class: 'hint' },
        'Scope pre-filled from the finding: clear a field to widen it, or use * globs. It applies at the next scan.',
      ),
      field('s-rule', 'Rule', finding.ruleId, null, { list: 's-rules', autocomplete: 'off' }),
      el('datalist', { id: 's-rules' }, ...rules.map((r) => el('option', { value: r.id }))),
      field('s-account', 'Account', finding.accountId),
      field('s-region', 'Region', finding.region),
      field('s-cluster', 'Cluster', finding.clusterName),
      field('s-resource', 'Resource', finding.resourceId),
      el('div', { class: 'field' }, el('label', { for: 's-reason' }, 'Reason'), reason, counter),
      field(
        's-expires',
        'Expires (end of day, UTC)',
        dateAfter(now, defaultSuppressionDays),
        `At most ${maxSuppressionDays} days away.`,
        { type: 'date', max: dateAfter(now, maxSuppressionDays), 'aria-describedby': 's-expires-hint' },
      ),
      error,
      el('button', { type: 'submit' }, 'Suppress'),
      result,
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    result.replaceChildren();
    const value = (id) => form.querySelector(`#${id}`).value.trim();
    const body = { ruleId: value('s-rule'), reason: reason.value, expiresAt: value('s-expires') };
    for (const [key, id] of [
      ['accountId', 's-account'],
      ['region', 's-region'],
      ['clusterName', 's-cluster'],
      ['resourceId', 's-resource'],
    ]) {
      if (value(id)) body[key] = value(id);
    }
    try {
      const stored = await postJson('/suppressions', body);
      const rescan = el('button', { type: 'button', class: 'rescan' }, 'Rescan now');
      rescan.addEventListener('click', () =>
        ctx.rescan({ cluster: finding.clusterName, region: finding.region }),
      );
      result.append(`Suppression ${stored.id} saved; it applies at the next scan. `, rescan);
    } catch (failure) {
      error.textContent = failure instanceof ApiError ? failure.message : String(failure);
    }
  });
  return form;
}

/** Renders the finding of `state.finding` into `container`. */
export async function renderDetail(container, state, ctx) {
  const [finding, rules, suppressions] = await Promise.all([
    getJson(`/findings/${encode(state.finding)}`),
    ctx.rules(),
    // The list, not GET /suppressions/{id}: a suppression deleted since still names the finding.
    getAll('/suppressions?limit=500', 1),
  ]);
  const rule = rules.find((r) => r.id === finding.ruleId);
  const suppression = suppressions.find((s) => s.id === finding.suppressionId);
  const heading = el('h2', { id: 'detail-title', tabindex: '-1' }, finding.title);
  const rescan = el(
    'button',
    { type: 'button', id: 'detail-rescan', class: 'rescan' },
    `Rescan ${finding.clusterName}`,
  );
  rescan.addEventListener('click', () =>
    ctx.rescan({ cluster: finding.clusterName, region: finding.region }),
  );
  container.append(
    el(
      'article',
      { id: 'detail', 'aria-labelledby': 'detail-title' },
      el('a', { href: writeState({ ...state, finding: undefined }), 'data-nav': '' }, '← Back to findings'),
      heading,
      el(
        'dl',
        { class: 'kv meta' },
        ...pair('Severity', severityBadge(finding.severity)),
        ...pair('Status', el('span', { id: 'detail-status' }, finding.status)),
        ...pair('Rule', `${finding.ruleId}${rule ? ` — ${rule.title}` : ''}`),
        ...pair('Cluster', `${finding.clusterName} (${finding.region}, account ${finding.accountId})`),
        ...pair('Resource', `${finding.resourceType} ${finding.resourceId}`),
      ),
      el('div', { class: 'actions' }, rescan),
      rule ? el('p', {}, rule.description) : null,
      rule?.risk ? el('p', {}, el('strong', {}, 'Risk: '), rule.risk) : null,
      el('h3', {}, 'Remediation'),
      el('pre', { id: 'detail-remediation', class: 'remediation' }, finding.remediation),
      el('div', { class: 'actions' }, ...copyButton(finding.remediation)),
      el('h3', {}, 'References'),
      finding.references.length > 0
        ? el(
            'ul',
            { id: 'detail-references' },
            ...finding.references.map((href) =>
              el('li', {}, el('a', { href, rel: 'noopener noreferrer', target: '_blank' }, href)),
            ),
          )
        : el('p', { class: 'muted' }, 'None.'),
      el('h3', {}, 'Evidence'),
      el('div', { class: 'evidence' }, renderEvidence(finding.evidence)),
      el('h3', {}, 'History'),
      history(finding, suppression),
      suppressForm(finding, rules, ctx),
    ),
  );
  return heading;
}
