/**
 * The overview's summary: cards of open findings by severity, open findings per cluster
 * worst first (stacked bars), the trend over the last scans, and the clusters with their
 * rescan buttons (per cluster and per region).
 */
import { getAll } from './api.js';
import { stackedBar, trendChart } from './charts.js';
import { el, severityBadge, svgBox, when } from './dom.js';
import { SEVERITIES, totalOpen, trendPoints, worstFirst } from './order.js';
import { writeState } from './url-state.js';

function cards(clusters) {
  const totals = totalOpen(clusters);
  const suppressed = clusters.reduce((n, c) => n + (c.deletedAt ? 0 : (c.suppressedCount ?? 0)), 0);
  return el(
    'ul',
    { id: 'summary-cards', class: 'cards-row' },
    ...SEVERITIES.map((s) =>
      el(
        'li',
        { class: `card card-${s}`, 'data-severity': s },
        el('span', { class: 'count' }, totals[s]),
        el('span', { class: 'label' }, `${s.toLowerCase()} open`),
      ),
    ),
    el(
      'li',
      { class: 'card card-suppressed' },
      el('span', { class: 'count' }, suppressed),
      el('span', { class: 'label' }, 'suppressed'),
    ),
  );
}

function countsText(counts) {
  const parts = SEVERITIES.filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? parts.join(' · ') : 'no open finding';
}

function clusterChart(ordered, state) {
  const max = Math.max(1, ...ordered.map((c) => SEVERITIES.reduce((n, s) => n + c.openCounts[s], 0)));
  return el(
    'ol',
    { id: 'cluster-chart', class: 'bar-chart', 'aria-label': 'Open findings per cluster, worst first' },
    ...ordered.map((c) =>
      el(
        'li',
        { 'data-cluster': c.clusterName },
        el(
          'a',
          {
            href: writeState({ filters: { ...state.filters, cluster: c.clusterName } }),
            'data-nav': '',
            class: 'bar-label',
          },
          c.clusterName,
        ),
        el('span', { class: 'bar-counts' }, countsText(c.openCounts)),
        svgBox('bar-box', stackedBar(c.openCounts, max)),
      ),
    ),
  );
}

function clustersTable(ordered, ctx) {
  const regions = [...new Set(ordered.map((c) => c.region))].sort();
  const rows = ordered.map((c) =>
    el(
      'tr',
      { class: 'cluster', 'data-cluster': c.clusterName },
      el('th', { scope: 'row', 'data-label': 'Cluster' }, c.clusterName),
      el('td', { 'data-label': 'Region' }, c.region),
      el('td', { 'data-label': 'Account' }, c.accountId),
      ...SEVERITIES.map((s) => el('td', { 'data-label': s, class: 'num' }, c.openCounts[s])),
      el('td', { 'data-label': 'Not judged' }, c.notJudged?.length ?? 0),
      el('td', { 'data-label': 'Last complete scan' }, when(c.lastCompleteScanAt)),
      el(
        'td',
        { 'data-label': 'Action' },
        button(
          `Rescan`,
          `Rescan cluster ${c.clusterName}`,
          { cluster: c.clusterName, region: c.region },
          ctx,
        ),
      ),
    ),
  );
  return [
    el(
      'div',
      { class: 'toolbar' },
      ...regions.map((r) => button(`Rescan ${r}`, `Rescan every cluster of region ${r}`, { region: r }, ctx)),
    ),
    el(
      'table',
      { id: 'clusters', class: 'cards' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...[
            'Cluster',
            'Region',
            'Account',
            ...SEVERITIES,
            'Not judged',
            'Last complete scan',
            'Action',
          ].map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      el('tbody', {}, ...rows),
    ),
  ];
}

function button(text, label, target, ctx) {
  const node = el('button', { type: 'button', class: 'rescan', 'aria-label': label }, text);
  if (target.cluster) node.dataset.cluster = target.cluster;
  else node.dataset.region = target.region;
  node.addEventListener('click', () => ctx.rescan(target));
  return node;
}

/** Renders the summary into `container`. */
export async function renderSummary(container, state, ctx) {
  const [clusters, scans] = await Promise.all([getAll('/clusters?limit=500'), getAll('/scans?limit=50', 1)]);
  const ordered = worstFirst(clusters);
  const points = trendPoints(scans);
  container.append(
    el(
      'section',
      { 'aria-labelledby': 'summary-title' },
      el('h2', { id: 'summary-title' }, 'Open findings'),
      cards(clusters),
      el(
        'div',
        { class: 'charts' },
        el(
          'div',
          { class: 'chart' },
          el('h3', {}, 'Per cluster, worst first'),
          el(
            'p',
            { class: 'legend' },
            ...SEVERITIES.map((s) => el('span', { class: `swatch swatch-${s}` }, severityBadge(s))),
          ),
          clusterChart(ordered, state),
        ),
        el(
          'div',
          { class: 'chart', id: 'trend' },
          el('h3', {}, `Trend over the last ${points.length || ''} scans`.replace('  ', ' ')),
          svgBox('trend-box', trendChart(points)),
        ),
      ),
    ),
    el(
      'section',
      { 'aria-labelledby': 'clusters-title' },
      el('h2', { id: 'clusters-title' }, 'Clusters'),
      ...clustersTable(ordered, ctx),
    ),
  );
  return clusters;
}
