/**
 * Ports of the scan-processing service: the interfaces `process-scan.ts` needs from the
 * outside world (store, suppressions, notifier, clock) and the records it exchanges with
 * them. Adapters implement these; the core never imports an adapter.
 */
import type { AlertMessage } from './alert-message.ts';
import type { AwsSecurityFinding } from './asff.ts';
import type { StoredFinding, TransitionKind } from './lifecycle.ts';
import type { Severity } from './model.ts';
import type { FindingWrite } from './reconcile.ts';
import type { Suppression } from './suppression.ts';

/** Identity of a cluster across accounts and regions. */
export interface ClusterKey {
  accountId: string;
  region: string;
  clusterName: string;
}

export type SeverityCounts = Record<Severity, number>;

/** A zero count for every severity. */
export function emptyCounts(): SeverityCounts {
  return { LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 };
}

/** The per-cluster item: state of the cluster as the store last saw it; also the VPC → clusters index. */
export interface ClusterRecord extends ClusterKey {
  clusterArn?: string;
  vpcId?: string;
  /** Snapshot time and id of the newest scan applied to the cluster (complete or not). */
  lastScanAt?: string;
  lastScanId?: string;
  /** Snapshot time and id of the newest scan in which every enabled rule ran. */
  lastCompleteScanAt?: string;
  lastCompleteScanId?: string;
  /** OPEN findings by severity. */
  openCounts: SeverityCounts;
  /**
   * Rules the newest scan could not judge for the cluster, with why (RULES.md "not
   * judged"); absent on items written before catalog v2.
   */
  notJudged?: { ruleId: string; reason: string }[];
  suppressedCount: number;
  /** Set once the cluster was found deleted; cleared if a cluster of that name appears again. */
  deletedAt?: string;
  /** Scans of this cluster whose alert is stored but not yet published. */
  pendingAlertScanIds: string[];
  /**
   * Finding transitions not yet in Security Hub (`<kind>#<findingId>`, see
   * `security-hub-sync.ts`); only kept when the Security Hub export is on.
   */
  pendingSecurityHub?: string[];
  /** Set by scans with the Security Hub export on; its absence makes the next such scan backfill. */
  securityHubExport?: boolean;
  updatedAt: string;
  /** Optimistic-locking version; every write increments it. */
  version: number;
}

export type ScanStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';
export type ScanTrigger = 'schedule' | 'event' | 'api' | 'cli' | 'local';

export interface ScanError {
  message: string;
  region?: string;
  clusterName?: string;
  operation?: string;
  ruleId?: string;
}

/** The scan record (header). Counts and errors of its clusters live in {@link ClusterScanRecord}s. */
export interface ScanRecord {
  scanId: string;
  trigger: ScanTrigger;
  status: ScanStatus;
  /** What the caller asked to scan, when it was targeted. */
  target?: { region?: string; clusterName?: string };
  accountId?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Scan-level errors (e.g. a region whose listing failed). */
  errors: ScanError[];
  /**
   * Set on scans split into one queue message per cluster (`POST /scans`): such a scan
   * completes only when every one of its clusters is done, never on the first.
   */
  tracksClusters?: boolean;
  /** How many clusters a tracked scan was split into; absent until they are all enqueued. */
  expectedClusters?: number;
  /**
   * Counts history (the console's trend): OPEN findings by severity over every cluster the
   * store knows, as they stood when the scan became final. Absent until then, and on scans
   * recorded before this field existed.
   */
  openCounts?: SeverityCounts;
}

/** What one processing of a tracked scan did to one cluster (see {@link ScanRecord.tracksClusters}). */
export interface ScanClusterDone {
  region: string;
  clusterName: string;
  failed: boolean;
}

/** A scan record with its clusters' counts and errors folded in (what `GET /scans/{id}` answers). */
export interface ScanSummary extends ScanRecord {
  /** Findings the scan reported, by severity, over all its clusters. */
  counts: SeverityCounts;
  /** Clusters done so far, and how many the scan covers (null while still being enqueued). */
  progress: { clustersDone: number; clustersTotal: number | null };
  clusters: ClusterScanRecord[];
}

export type AlertState = 'NONE' | 'PENDING' | 'SENT';

/** What one scan did to one cluster, including the alert it owes. */
export interface ClusterScanRecord extends ClusterKey {
  scanId: string;
  /** Snapshot time of the scan. */
  scannedAt: string;
  /**
   * WRITING while the finding writes of this scan are being applied (the alert is a draft);
   * COMMITTED once the cluster item and this record are final.
   */
  phase: 'WRITING' | 'COMMITTED';
  outcome: 'PROCESSED' | 'SKIPPED' | 'FAILED';
  /** Why the cluster was skipped or failed. */
  reason?: string;
  /** Findings this scan reported for the cluster, by severity. */
  counts: SeverityCounts;
  transitions: Partial<Record<TransitionKind, number>>;
  findingWrites: number;
  errors: ScanError[];
  /** The alert owed for this scan of the cluster, kept until published. */
  alert?: AlertMessage;
  alertState: AlertState;
  alertSentAt?: string;
  processedAt: string;
}

/** Everything one cluster scan writes; the repository applies it atomically where DynamoDB allows. */
export interface ClusterScanCommit {
  /** The cluster item to store; `version` already incremented. */
  cluster: ClusterRecord;
  /** Version the stored cluster item must still have; undefined when it must not exist. */
  expectedClusterVersion?: number;
  writes: FindingWrite[];
  record: ClusterScanRecord;
}

export interface ClusterState {
  cluster?: ClusterRecord;
  findings: StoredFinding[];
}

/** The findings store as the scan service needs it. */
export interface FindingsRepository {
  /** The cluster item and every stored finding of the cluster (strongly consistent). */
  loadCluster(key: ClusterKey): Promise<ClusterState>;
  /** Clusters the store knows in an account+region (deleted ones included, flagged by `deletedAt`). */
  listClusters(accountId: string, region: string): Promise<ClusterRecord[]>;
  /** What scan `scanId` recorded for a cluster, if anything. */
  getClusterScan(scanId: string, key: ClusterKey): Promise<ClusterScanRecord | undefined>;
  /**
   * Applies a cluster scan: the finding writes (each conditional on its version), then the
   * cluster item (conditional on its version), then the record as COMMITTED.
   * @throws VersionConflictError when the cluster or a finding changed since it was loaded.
   * @throws ScanAlreadyRecordedError when this scan already recorded this cluster.
   */
  commitClusterScan(commit: ClusterScanCommit): Promise<void>;
  /**
   * Records a cluster scan that wrote nothing else (skipped or failed).
   * @throws ScanAlreadyRecordedError when this scan already recorded this cluster.
   */
  recordClusterScan(record: ClusterScanRecord): Promise<void>;
  /** Marks a pending alert as published and drops it from the cluster's pending list. No-op if already SENT. */
  markAlertSent(scanId: string, key: ClusterKey, sentAt: string): Promise<void>;
  /** Drops Security Hub entries that reached Security Hub from the cluster's pending list. */
  markSecurityHubSynced(key: ClusterKey, entries: readonly string[]): Promise<void>;
  /** Creates the scan record, or moves a QUEUED one to RUNNING (keeps its trigger and target). */
  startScan(record: ScanRecord): Promise<void>;
  /**
   * Sets the final status, finish time, and appends scan-level errors. For a tracked scan
   * (several queue messages) it records `clusters` as done instead, and the scan becomes
   * final only once all its expected clusters are (idempotent per cluster).
   */
  finishScan(
    scanId: string,
    status: 'COMPLETED' | 'FAILED',
    finishedAt: string,
    errors: ScanError[],
    clusters?: readonly ScanClusterDone[],
  ): Promise<void>;
}

/** Live suppressions (stored ones and those kept in the config file). */
export interface SuppressionSource {
  listSuppressions(now: Date): Promise<Suppression[]>;
}

/** Where alerts go (SNS in AWS; console + file locally). */
export interface Notifier {
  publish(message: AlertMessage): Promise<void>;
}

export interface Clock {
  now(): Date;
}

/** One finding Security Hub did not take, and why. */
export interface SecurityHubFailure {
  findingId: string;
  /** Security Hub's error code (`AccessDeniedException`, `InvalidInput`, …). */
  code: string;
  message: string;
  /** True when trying again later may work (throttling, an outage). */
  retryable: boolean;
}

/** A workflow change for some findings, with the note Security Hub shows beside it. */
export interface SecurityHubWorkflowUpdate {
  status: 'NEW' | 'SUPPRESSED';
  note: string;
  findings: { id: string; productArn: string }[];
}

/**
 * Where finding transitions go when the Security Hub export is on (`securityHub=true`).
 * Implementations split into API-sized batches and never throw: what did not land is
 * returned, and stays pending for the next scan.
 */
export interface SecurityHubPort {
  importFindings(region: string, findings: readonly AwsSecurityFinding[]): Promise<SecurityHubFailure[]>;
  updateWorkflow(region: string, update: SecurityHubWorkflowUpdate): Promise<SecurityHubFailure[]>;
}

/** The ports the scan service runs on. */
export interface ScanServiceDeps {
  repository: FindingsRepository;
  suppressions: SuppressionSource;
  notifier: Notifier;
  clock: Clock;
  /** Set when findings are exported to Security Hub. */
  securityHub?: SecurityHubPort;
}

/** The cluster item or a finding changed since it was read: reload and reconcile again. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  /** Ids of the finding writes that were applied before the conflict (their transitions happened). */
  readonly appliedFindingIds: readonly string[];
  constructor(message: string, options?: { cause?: unknown; appliedFindingIds?: readonly string[] }) {
    super(message, options);
    this.appliedFindingIds = options?.appliedFindingIds ?? [];
  }
}

/** The scan already recorded this cluster (at-least-once redelivery): nothing to write again. */
export class ScanAlreadyRecordedError extends Error {
  override readonly name = 'ScanAlreadyRecordedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
