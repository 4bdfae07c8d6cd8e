/**
 * Orders and totals the console shows; pure functions, unit-tested in Node
 * (test/unit/web/order.test.ts).
 */

/** Worst first. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

/** Sum of open counts over clusters (deleted clusters are left out). */
export function totalOpen(clusters) {
  const totals = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0 };
  for (const cluster of clusters) {
    if (cluster.deletedAt) continue;
    for (const severity of SEVERITIES) totals[severity] += cluster.openCounts?.[severity] ?? 0;
  }
  return totals;
}

/**
 * Worst cluster first: more CRITICAL findings, then more HIGH, MEDIUM, LOW (one CRITICAL
 * outranks any number of HIGH), then by name, region and account so the order is stable.
 */
export function compareClusters(a, b) {
  for (const severity of SEVERITIES) {
    const diff = (b.openCounts?.[severity] ?? 0) - (a.openCounts?.[severity] ?? 0);
    if (diff !== 0) return diff;
  }
  return (
    a.clusterName.localeCompare(b.clusterName) ||
    a.region.localeCompare(b.region) ||
    a.accountId.localeCompare(b.accountId)
  );
}

export function worstFirst(clusters) {
  return clusters.filter((c) => !c.deletedAt).sort(compareClusters);
}

/** Scans with counts, oldest first, at most `limit` of them (the trend's points). */
export function trendPoints(scans, limit = 20) {
  return scans
    .filter((scan) => scan.openCounts && scan.status !== 'QUEUED' && scan.status !== 'RUNNING')
    .slice(0, limit)
    .reverse()
    .map((scan) => ({ label: scan.finishedAt ?? scan.startedAt ?? scan.scanId, counts: scan.openCounts }));
}

/** `YYYY-MM-DD` of `now` plus `days` (UTC), the value of a date input. */
export function dateAfter(now, days) {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}
