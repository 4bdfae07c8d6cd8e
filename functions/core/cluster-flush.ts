/**
 * What a cluster still owes once its scan is committed: the SNS alerts left PENDING (this
 * scan's and any earlier attempt's) and the Security Hub entries on its record. Both run
 * after the commit (see `process-scan.ts`) and neither throws for a notifier or Security
 * Hub failure: it is reported in the tally and stays pending for the next attempt.
 */
import type { StoredFinding } from './lifecycle.ts';
import type { ClusterKey, ClusterRecord, ClusterScanRecord, ScanError, ScanServiceDeps } from './ports.ts';
import { flushSecurityHub } from './security-hub-sync.ts';
import type { Suppression } from './suppression.ts';

/** The parts of a cluster's scan result the flushes add to (a `ClusterScanResult`). */
export interface FlushTally {
  alertsPublished: number;
  securityHubSynced: number;
  errors: ScanError[];
}

/** A cluster's pending Security Hub entries and its findings as stored. */
export interface SecurityHubPending {
  entries: string[];
  findings: StoredFinding[];
}

export function pendingOf(state: { cluster?: ClusterRecord; findings: StoredFinding[] }): SecurityHubPending {
  return { entries: state.cluster?.pendingSecurityHub ?? [], findings: state.findings };
}

/** Sends what the cluster owes Security Hub; a failure is reported, never thrown. */
export async function syncSecurityHub(
  deps: ScanServiceDeps,
  input: { key: ClusterKey; suppressions: readonly Suppression[] },
  pending: SecurityHubPending | undefined,
  result: FlushTally,
): Promise<void> {
  if (!deps.securityHub || !pending || pending.entries.length === 0) return;
  try {
    const outcome = await flushSecurityHub(
      { securityHub: deps.securityHub, repository: deps.repository },
      { key: input.key, ...pending, suppressions: input.suppressions },
    );
    result.securityHubSynced += outcome.synced;
    result.errors.push(...outcome.errors);
  } catch (error) {
    result.errors.push(clusterError(input.key, 'SecurityHubExport', error, 'entries stay pending'));
  }
}

/** The scan ids whose alerts a cluster owes: its pending list, plus this scan's if still PENDING. */
export function pendingIds(
  cluster: ClusterRecord | undefined,
  scanId: string,
  record: ClusterScanRecord,
): string[] {
  const ids = new Set(cluster?.pendingAlertScanIds ?? []);
  if (record.alertState === 'PENDING') ids.add(scanId);
  return [...ids];
}

/** Publishes each pending alert once; a failure leaves it pending for the next attempt. */
export async function flushAlerts(
  deps: ScanServiceDeps,
  key: ClusterKey,
  scanIds: readonly string[],
  result: FlushTally,
): Promise<void> {
  for (const scanId of scanIds) {
    const record = await deps.repository.getClusterScan(scanId, key);
    // A record still WRITING belongs to a commit in flight: its alert is not final yet.
    if (record?.phase === 'WRITING') continue;
    if (record?.alertState === 'PENDING' && record.alert) {
      try {
        await deps.notifier.publish(record.alert);
      } catch (error) {
        result.errors.push(clusterError(key, 'PublishAlert', error, `alert of scan ${scanId} stays pending`));
        continue;
      }
      result.alertsPublished++;
    }
    // Also clears ids whose record is gone or already SENT, so the pending list cannot grow stale.
    await deps.repository.markAlertSent(scanId, key, deps.clock.now().toISOString());
  }
}

/** A per-cluster scan error naming the operation that failed (and, with `suffix`, what follows). */
export function clusterError(key: ClusterKey, operation: string, error: unknown, suffix?: string): ScanError {
  const message = error instanceof Error ? error.message : String(error);
  return {
    region: key.region,
    clusterName: key.clusterName,
    operation,
    message: suffix ? `${message} (${suffix})` : message,
  };
}
