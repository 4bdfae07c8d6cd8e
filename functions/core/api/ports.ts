/**
 * What the query API needs from the outside world. The DynamoDB adapter
 * (`adapters/store/findings-queries.ts`) implements {@link ApiStore}; the Lambda handler
 * and the local stack each provide a {@link ScanSubmitter}.
 */
import type { FindingStatus, StoredFinding } from '../lifecycle.ts';
import type { Severity } from '../model.ts';
import type { ClusterKey, ClusterRecord, ScanRecord, ScanSummary } from '../ports.ts';
import type { Suppression } from '../suppression.ts';

/** Filters of `GET /findings`; every field optional, all given fields must match. */
export interface FindingsFilter {
  status?: FindingStatus;
  severity?: Severity;
  clusterName?: string;
  ruleId?: string;
  region?: string;
  accountId?: string;
  /** Case-insensitive text that the resource id or the title must contain. */
  text?: string;
}

/** One page of a query. `nextAfter` is the sort key of the last item, set only when more items exist. */
export interface Page<T> {
  items: T[];
  nextAfter?: string;
}

/** Read and write access to the findings table as the API uses it. */
export interface ApiStore {
  /** Findings matching `filter`, newest (`updatedAt`) first, strictly after `after`. Uses indexes only. */
  queryFindings(filter: FindingsFilter, limit: number, after?: string): Promise<Page<StoredFinding>>;
  /**
   * Findings matching `filter`, worst severity first, then by cluster, region and rule,
   * strictly after the position `after`. Uses indexes only.
   */
  queryFindingsBySeverity(
    filter: FindingsFilter,
    limit: number,
    after?: string,
  ): Promise<Page<StoredFinding>>;
  getFinding(id: string): Promise<StoredFinding | undefined>;
  /** Clusters ordered by account, region, name. */
  queryClusters(options: {
    limit: number;
    after?: string;
    includeDeleted: boolean;
  }): Promise<Page<ClusterRecord>>;
  /** The cluster items of these keys (missing ones are left out). */
  getClusters(keys: readonly ClusterKey[]): Promise<ClusterRecord[]>;
  getScan(scanId: string): Promise<ScanSummary | undefined>;
  /** Scan headers (without their clusters' records), newest start first. */
  queryScans(limit: number, after?: string): Promise<Page<ScanRecord>>;
  /** Creates the scan record (QUEUED) before the scan is submitted. */
  createScan(record: ScanRecord): Promise<void>;
  /** Finishes a scan the API created: FAILED (it could not be submitted) or COMPLETED (nothing to scan). */
  finishScan(
    scanId: string,
    status: 'COMPLETED' | 'FAILED',
    finishedAt: string,
    message?: string,
  ): Promise<void>;
  /** Stored (API-created) suppressions, newest first. */
  querySuppressions(limit: number, after?: string): Promise<Page<Suppression>>;
  /** One stored suppression; undefined when unknown or deleted. */
  getSuppression(id: string): Promise<Suppression | undefined>;
  putSuppression(suppression: Suppression): Promise<void>;
  /** Deletes a stored suppression; false when no live one has this id. */
  deleteSuppression(id: string, deletedAt: string, deletedBy: string): Promise<boolean>;
}

/** A scan asked for through `POST /scans`. */
export interface ScanSubmission {
  scanId: string;
  /** Account the API serves (the caller's account in AWS; the scanned account locally). */
  accountId: string;
  region?: string;
  clusterName?: string;
  requestedAt: Date;
  requestedBy: string;
}

/** Starts a scan: enqueues it (AWS) or runs it right away (local stack). */
export interface ScanSubmitter {
  /**
   * @throws {ScanTargetError} when the target does not exist or is not scannable (answered 400/404).
   * Other errors mark the scan FAILED and answer 503.
   * @returns how many cluster scans were started or queued (0 finishes the scan at once), or
   * null when the scan was handed on to a function that lists its clusters and records the
   * count itself (the deployed API hands region and account scans to the sweep).
   */
  submit(submission: ScanSubmission): Promise<number | null>;
}

/** The requested scan target is not valid (unknown region, cluster not found). */
export class ScanTargetError extends Error {
  override readonly name = 'ScanTargetError';
  constructor(
    message: string,
    readonly field: 'region' | 'cluster',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Where the API logs what it does not show callers (5xx details). */
export interface ApiLogger {
  error(message: string, details: Record<string, unknown>): void;
}
