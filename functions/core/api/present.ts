/**
 * How stored records are shown to API callers: the shapes of the route answers
 * (`schemas.ts` documents them), built from what the store holds.
 */
import type * as z from 'zod/mini';
import { effectiveLastSeenAt, type StoredFinding } from '../lifecycle.ts';
import type { RuleMetadata } from '../model.ts';
import { type ClusterRecord, emptyCounts, type ScanRecord, type ScanSummary } from '../ports.ts';
import { catalogEntry } from '../rule-catalog-entry.ts';
import type { ApiStore } from './ports.ts';
import type { clusterSummarySchema, ruleSchema, scanListItemSchema, scanSchema } from './schemas.ts';

/** A stored finding as callers see it: no version, and "last seen" as the lifecycle defines it. */
export async function presentFindings(
  store: ApiStore,
  findings: readonly StoredFinding[],
): Promise<unknown[]> {
  const keys = new Map<string, { accountId: string; region: string; clusterName: string }>();
  for (const f of findings) {
    keys.set(`${f.accountId}/${f.region}/${f.clusterName}`, {
      accountId: f.accountId,
      region: f.region,
      clusterName: f.clusterName,
    });
  }
  const clusters = keys.size > 0 ? await store.getClusters([...keys.values()]) : [];
  const lastComplete = new Map(
    clusters.map((c) => [`${c.accountId}/${c.region}/${c.clusterName}`, c.lastCompleteScanAt]),
  );
  return findings.map((finding) => {
    const { version: _version, ...rest } = finding;
    const key = `${finding.accountId}/${finding.region}/${finding.clusterName}`;
    return { ...rest, lastSeenAt: effectiveLastSeenAt(finding, lastComplete.get(key)) };
  });
}

export function presentCluster(cluster: ClusterRecord): z.infer<typeof clusterSummarySchema> {
  const openCounts = { ...emptyCounts(), ...cluster.openCounts };
  return {
    accountId: cluster.accountId,
    region: cluster.region,
    clusterName: cluster.clusterName,
    ...(cluster.clusterArn ? { clusterArn: cluster.clusterArn } : {}),
    ...(cluster.vpcId ? { vpcId: cluster.vpcId } : {}),
    openCounts,
    openTotal: Object.values(openCounts).reduce((a, b) => a + b, 0),
    suppressedCount: cluster.suppressedCount ?? 0,
    notJudged: cluster.notJudged ?? [],
    ...(cluster.lastScanAt ? { lastScanAt: cluster.lastScanAt, lastScanId: cluster.lastScanId } : {}),
    ...(cluster.lastCompleteScanAt
      ? { lastCompleteScanAt: cluster.lastCompleteScanAt, lastCompleteScanId: cluster.lastCompleteScanId }
      : {}),
    ...(cluster.deletedAt ? { deletedAt: cluster.deletedAt } : {}),
  };
}

export function presentScan(scan: ScanSummary): z.infer<typeof scanSchema> {
  return {
    scanId: scan.scanId,
    status: scan.status,
    trigger: scan.trigger,
    ...(scan.target ? { target: scan.target } : {}),
    ...(scan.startedAt ? { startedAt: scan.startedAt } : {}),
    ...(scan.finishedAt ? { finishedAt: scan.finishedAt } : {}),
    counts: { ...emptyCounts(), ...scan.counts },
    progress: scan.progress,
    clusters: scan.clusters.map((c) => ({
      accountId: c.accountId,
      region: c.region,
      clusterName: c.clusterName,
      outcome: c.outcome,
      ...(c.reason ? { reason: c.reason } : {}),
      counts: { ...emptyCounts(), ...c.counts },
    })),
    // The store folds each cluster's errors into the summary's list already.
    errors: scan.errors,
  };
}

/** A scan header as `GET /scans` lists it (no per-cluster records: one read per page). */
export function presentScanListItem(scan: ScanRecord): z.infer<typeof scanListItemSchema> {
  return {
    scanId: scan.scanId,
    status: scan.status,
    trigger: scan.trigger,
    ...(scan.target ? { target: scan.target } : {}),
    ...(scan.accountId ? { accountId: scan.accountId } : {}),
    ...(scan.startedAt ? { startedAt: scan.startedAt } : {}),
    ...(scan.finishedAt ? { finishedAt: scan.finishedAt } : {}),
    ...(scan.openCounts ? { openCounts: { ...emptyCounts(), ...scan.openCounts } } : {}),
    errorCount: scan.errors?.length ?? 0,
  };
}

export function presentRule(rule: RuleMetadata): z.infer<typeof ruleSchema> {
  return catalogEntry(rule);
}
