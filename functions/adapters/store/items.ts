/**
 * Item layouts of the findings table: key builders and the mapping between domain records
 * and DynamoDB items. Key attributes (PK, SK, GSIn*) and the item `type` are added on the
 * way in and stripped on the way out. See `docs/data-model.md`.
 */
import type { StoredFinding } from '../../core/lifecycle.ts';
import type { ClusterKey, ClusterRecord, ClusterScanRecord, ScanRecord } from '../../core/ports.ts';
import type { Suppression } from '../../core/suppression.ts';
import { TTL_ATTRIBUTE } from './table-definition.ts';

const DAY_SECONDS = 86_400;
const KEY_ATTRIBUTES = new Set([
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
  'GSI4PK',
  'GSI4SK',
  'type',
]);

export type Item = Record<string, unknown>;

export const SK_CLUSTER = '#CLUSTER';
export const SK_SCAN = '#SCAN';
export const SK_SUPPRESSION = '#SUPPRESSION';
export const FINDING_PREFIX = 'FINDING#';
export const CLUSTERS_PK = 'CLUSTERS';
export const LIVE_SUPPRESSIONS_PK = 'SUPPRESSIONS';
export const DELETED_SUPPRESSIONS_PK = 'SUPPRESSIONS#DELETED';
/** GSI1 partition of scan headers: `GET /scans` lists them newest first. */
export const SCANS_PK = 'SCANS';

/** GSI1 sort key of a scan header: start time, then id so that keys are unique. */
export function scanListSk(startedAt: string, scanId: string): string {
  return `${startedAt}#${scanId}`;
}

export function clusterPk(key: ClusterKey): string {
  return `CLUSTER#${key.accountId}#${key.region}#${key.clusterName}`;
}

export function scanPk(scanId: string): string {
  return `SCAN#${scanId}`;
}

/** SK of a scan's per-cluster record. */
export function scanClusterSk(key: ClusterKey): string {
  return `CLUSTER#${key.accountId}#${key.region}#${key.clusterName}`;
}

export function suppressionPk(id: string): string {
  return `SUPPRESSION#${id}`;
}

/** Sort key of every "newest first" finding index: time, then id so that keys are unique. */
export function newestFirstSk(updatedAt: string, id: string): string {
  return `${updatedAt}#${id}`;
}

export function findingStatusPk(status: string, severity: string): string {
  return `FINDING#${status}#${severity}`;
}

export function findingClusterPk(clusterName: string): string {
  return `FCLUSTER#${clusterName}`;
}

export function findingRulePk(ruleId: string): string {
  return `FRULE#${ruleId}`;
}

export function findingIdPk(id: string): string {
  return `FID#${id}`;
}

export function vpcPk(accountId: string, region: string, vpcId: string): string {
  return `VPC#${accountId}#${region}#${vpcId}`;
}

/** Epoch seconds `days` after an ISO time (DynamoDB TTL format). */
export function expiryEpoch(iso: string, days: number): number {
  return Math.floor(Date.parse(iso) / 1000) + days * DAY_SECONDS;
}

export function findingToItem(finding: StoredFinding, retentionDays: number): Item {
  const sk = newestFirstSk(finding.updatedAt, finding.id);
  return {
    ...finding,
    PK: clusterPk(finding),
    SK: `${FINDING_PREFIX}${finding.id}`,
    type: 'FINDING',
    GSI1PK: findingStatusPk(finding.status, finding.severity),
    GSI1SK: sk,
    GSI2PK: findingClusterPk(finding.clusterName),
    GSI2SK: sk,
    GSI3PK: findingRulePk(finding.ruleId),
    GSI3SK: sk,
    GSI4PK: findingIdPk(finding.id),
    GSI4SK: 'FINDING',
    // Only resolved findings expire: an open finding must never vanish by TTL.
    ...(finding.status === 'RESOLVED' && finding.resolvedAt
      ? { [TTL_ATTRIBUTE]: expiryEpoch(finding.resolvedAt, retentionDays) }
      : {}),
  };
}

export function clusterToItem(cluster: ClusterRecord): Item {
  const { pendingAlertScanIds, pendingSecurityHub, ...rest } = cluster;
  return {
    ...rest,
    PK: clusterPk(cluster),
    SK: SK_CLUSTER,
    type: 'CLUSTER',
    GSI1PK: CLUSTERS_PK,
    GSI1SK: `${cluster.accountId}#${cluster.region}#${cluster.clusterName}`,
    // A deleted cluster leaves the VPC index: events in that VPC must not map to it.
    ...(cluster.vpcId && !cluster.deletedAt
      ? { GSI4PK: vpcPk(cluster.accountId, cluster.region, cluster.vpcId), GSI4SK: cluster.clusterName }
      : {}),
    // A string set (DynamoDB rejects empty sets), so that flushing can DELETE one element.
    ...(pendingAlertScanIds.length > 0 ? { pendingAlertScanIds: new Set(pendingAlertScanIds) } : {}),
    // Same for Security Hub entries: a sync DELETEs the ones that landed.
    ...(pendingSecurityHub && pendingSecurityHub.length > 0
      ? { pendingSecurityHub: new Set(pendingSecurityHub) }
      : {}),
  };
}

export function scanToItem(scan: ScanRecord, retentionDays: number): Item {
  const at = scan.startedAt;
  return {
    ...scan,
    PK: scanPk(scan.scanId),
    SK: SK_SCAN,
    type: 'SCAN',
    ...(at ? { GSI1PK: SCANS_PK, GSI1SK: scanListSk(at, scan.scanId) } : {}),
    ...(at ? { [TTL_ATTRIBUTE]: expiryEpoch(at, retentionDays) } : {}),
  };
}

export function clusterScanToItem(record: ClusterScanRecord, retentionDays: number): Item {
  return {
    ...record,
    PK: scanPk(record.scanId),
    SK: scanClusterSk(record),
    type: 'SCAN_CLUSTER',
    [TTL_ATTRIBUTE]: expiryEpoch(record.processedAt, retentionDays),
  };
}

export function suppressionToItem(suppression: Suppression): Item {
  return {
    ...suppression,
    PK: suppressionPk(suppression.id),
    SK: SK_SUPPRESSION,
    type: 'SUPPRESSION',
    GSI1PK: LIVE_SUPPRESSIONS_PK,
    GSI1SK: `${suppression.createdAt}#${suppression.id}`,
  };
}

/** Strips key attributes and turns DynamoDB sets back into arrays. */
export function fromItem<T>(item: Item): T {
  const record: Item = {};
  for (const [key, value] of Object.entries(item)) {
    if (KEY_ATTRIBUTES.has(key)) continue;
    // The TTL attribute is a number; a suppression's own `expiresAt` is an ISO string (which
    // DynamoDB TTL ignores, so suppressions and their audit trail never expire by TTL).
    if (key === TTL_ATTRIBUTE && typeof value === 'number') continue;
    record[key] = value instanceof Set ? [...value].sort() : value;
  }
  return record as T;
}

export function clusterFromItem(item: Item): ClusterRecord {
  const record = fromItem<ClusterRecord>(item);
  return { ...record, pendingAlertScanIds: record.pendingAlertScanIds ?? [] };
}
