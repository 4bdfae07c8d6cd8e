/**
 * Types of the findings lifecycle: what the store keeps and what reconcile reports.
 */
import type { Finding, Severity } from './model.ts';

export type FindingStatus = 'OPEN' | 'RESOLVED' | 'SUPPRESSED';

export type TransitionKind =
  | 'OPENED'
  | 'RESOLVED'
  | 'REOPENED'
  | 'SUPPRESSED'
  | 'UNSUPPRESSED'
  | 'SEVERITY_CHANGED';

/** Why a finding was resolved: `fixed` (a complete scan no longer sees it) or `cluster-deleted`. */
export type ResolvedReason = 'fixed' | 'cluster-deleted';

/** A finding as the store keeps it. */
export interface StoredFinding extends Finding {
  status: FindingStatus;
  firstSeenAt: string;
  /**
   * Last scan that saw it. Not rewritten on unchanged re-scans: readers take the
   * later of this and the cluster's last complete scan while the finding is OPEN/SUPPRESSED
   * (see {@link effectiveLastSeenAt}).
   */
  lastSeenAt: string;
  resolvedAt?: string;
  /** Why it was resolved. */
  resolvedReason?: ResolvedReason;
  reopenedCount: number;
  /** Id of the suppression that matches it, while SUPPRESSED. */
  suppressionId?: string;
  /** Last time status or severity changed (sort key for "newest first"). */
  updatedAt: string;
  /** Optimistic-locking version; every write increments it. */
  version: number;
}

/** One change of a finding between two scans; only transitions are ever alerted. */
export interface Transition {
  kind: TransitionKind;
  finding: StoredFinding;
  /** Severity before a SEVERITY_CHANGED transition. */
  previousSeverity?: Severity;
  /** Status before the transition (absent for a finding seen for the first time). */
  previousStatus?: FindingStatus;
}

/**
 * "Last seen" as readers should report it: an OPEN or SUPPRESSED finding is not rewritten
 * by scans that see it unchanged, so it was last seen by the cluster's last complete scan
 * (when that scan is later than the stored value).
 */
export function effectiveLastSeenAt(
  finding: StoredFinding,
  clusterLastCompleteScanAt: string | undefined,
): string {
  if (finding.status === 'RESOLVED' || clusterLastCompleteScanAt === undefined) return finding.lastSeenAt;
  return clusterLastCompleteScanAt > finding.lastSeenAt ? clusterLastCompleteScanAt : finding.lastSeenAt;
}
