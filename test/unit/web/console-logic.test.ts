/**
 * The console's pure browser modules, run in Node: the worst-first order, the trend's
 * points, the URL ↔ state round trip, and the inline SVG charts (escaped, proportional).
 */
import { describe, expect, it } from 'vitest';
import { escapeXml, stackedBar, trendChart } from '../../../functions/cli/web/charts.js';
import { dateAfter, totalOpen, trendPoints, worstFirst } from '../../../functions/cli/web/order.js';
import { findingsQuery, readState, writeState } from '../../../functions/cli/web/url-state.js';

const counts = (CRITICAL = 0, HIGH = 0, MEDIUM = 0, LOW = 0) => ({ CRITICAL, HIGH, MEDIUM, LOW });
const cluster = (clusterName: string, openCounts: ReturnType<typeof counts>, deletedAt?: string) => ({
  clusterName,
  region: 'us-east-1',
  accountId: '111122223333',
  openCounts,
  ...(deletedAt ? { deletedAt } : {}),
});

describe('worst cluster first', () => {
  it('ranks one CRITICAL above any number of HIGH, then by name, and leaves deleted clusters out', () => {
    const ordered = worstFirst([
      cluster('many-high', counts(0, 40)),
      cluster('one-critical', counts(1)),
      cluster('b-tied', counts(0, 2, 1)),
      cluster('a-tied', counts(0, 2, 1)),
      cluster('gone', counts(9), '2026-01-01T00:00:00Z'),
    ]);
    expect(ordered.map((c) => c.clusterName)).toEqual(['one-critical', 'many-high', 'a-tied', 'b-tied']);
  });

  it('sums open counts over live clusters only', () => {
    expect(
      totalOpen([cluster('a', counts(1, 2)), cluster('b', counts(0, 1, 0, 3)), cluster('x', counts(5), 'y')]),
    ).toEqual(counts(1, 3, 0, 3));
  });
});

describe('trend points', () => {
  it('keeps finished scans with counts, oldest first', () => {
    const points = trendPoints([
      { scanId: 'c', status: 'RUNNING', startedAt: '3' },
      { scanId: 'b', status: 'COMPLETED', finishedAt: '2', openCounts: counts(0, 1) },
      { scanId: 'old', status: 'COMPLETED', finishedAt: '0' },
      { scanId: 'a', status: 'FAILED', finishedAt: '1', openCounts: counts(0, 2) },
    ]);
    expect(points).toEqual([
      { label: '1', counts: counts(0, 2) },
      { label: '2', counts: counts(0, 1) },
    ]);
  });

  it('proposes an expiry as a date input value', () => {
    expect(dateAfter(new Date('2026-03-01T23:30:00Z'), 30)).toBe('2026-03-31');
  });
});

describe('state in the URL', () => {
  it('round-trips view, finding, filters and cursor', () => {
    const search = '?view=scans&finding=abc&severity=HIGH&rule=sg-open-ingress&q=sg-0&cursor=xyz';
    const state = readState(search);
    expect(state).toEqual({
      view: 'scans',
      finding: 'abc',
      cursor: 'xyz',
      filters: { severity: 'HIGH', rule: 'sg-open-ingress', q: 'sg-0' },
    });
    expect(readState(writeState(state))).toEqual(state);
  });

  it('falls back to the overview for an unknown view and ignores empty filters', () => {
    expect(readState('?view=admin&cluster=&region=%20')).toEqual({
      view: 'overview',
      finding: undefined,
      cursor: undefined,
      filters: {},
    });
  });

  it('asks the API for open findings worst first unless a status is chosen', () => {
    expect(String(findingsQuery(readState('?cluster=a'), 25))).toBe(
      'sort=severity&limit=25&status=OPEN&cluster=a',
    );
    expect(String(findingsQuery(readState('?status=all'), 25))).toBe('sort=severity&limit=25');
  });
});

describe('inline SVG charts', () => {
  it('stacks a bar worst first, proportional to the largest cluster', () => {
    const svg = stackedBar(counts(1, 2, 0, 1), 8);
    const widths = [...svg.matchAll(/width="([\d.]+)" height="10" fill="[^"]+" data-severity="(\w+)"/g)].map(
      (m) => [m[2], Number(m[1])],
    );
    expect(widths).toEqual([
      ['CRITICAL', 12.5],
      ['HIGH', 25],
      ['LOW', 12.5],
    ]);
    expect(svg).toContain('aria-hidden="true"');
  });

  it('names the trend for screen readers and escapes every label', () => {
    const svg = trendChart([
      { label: '<script>', counts: counts(0, 3) },
      { label: 'now', counts: counts(0, 1, 1) },
    ]);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-label="Open findings over the last 2 scan(s): 3 then, 2 now (highest 3)"');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;: 3 open');
    expect(escapeXml(`a"b'c&`)).toBe('a&quot;b&#39;c&amp;');
  });

  it('says the trend starts with the next scan when there is none yet', () => {
    expect(trendChart([])).toContain('No finished scan');
  });
});
