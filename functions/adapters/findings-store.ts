/**
 * The DynamoDB findings store: findings, clusters, scans and suppressions in one table
 * (layout in `docs/data-model.md`). Implements the scan service's ports
 * (`FindingsRepository`, `SuppressionSource`) plus what the query API reads.
 *
 * This module validates the options and holds the client; the work is done by the modules
 * under `store/`, one per kind of item: `cluster-state.ts` (cluster state and the scan
 * service's version-conditional commits), `scan-records.ts` (scan headers and their
 * progress), `suppressions-store.ts` (suppressions and their audit trail) and
 * `finding-reads.ts` (finding lookups and pages).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../core/zod-english.ts';
import type { StoredFinding } from '../core/lifecycle.ts';
import type {
  ClusterKey,
  ClusterRecord,
  ClusterScanCommit,
  ClusterScanRecord,
  ClusterState,
  FindingsRepository,
  ScanClusterDone,
  ScanError,
  ScanRecord,
  ScanSummary,
  SuppressionSource,
} from '../core/ports.ts';
import type { Suppression } from '../core/suppression.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './store/batch.ts';
import * as clusterState from './store/cluster-state.ts';
import { type FindingQuery, getFinding, type Page, queryFindings } from './store/finding-reads.ts';
import * as scanRecords from './store/scan-records.ts';
import type { StoredSuppression, SuppressionAuditEntry } from './store/suppressions-store.ts';
import * as suppressions from './store/suppressions-store.ts';
import type { StoreTable } from './store/table.ts';

// Importers read these from here, where they have always been.
export { type FindingQuery, FindingsQueryError, type Page } from './store/finding-reads.ts';
export {
  type StoredSuppression,
  type SuppressionAuditEntry,
  SuppressionNotFoundError,
} from './store/suppressions-store.ts';

export const DEFAULT_RETENTION_DAYS = 90;

/** The store's settings are invalid; the message names the key. */
export class FindingsStoreConfigError extends Error {
  override readonly name = 'FindingsStoreConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

// zod/mini (see core/zod-english.ts): the store is in four Lambda bundles.
const optionsSchema = z.object({
  tableName: z
    .string()
    .check(z.regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -)')),
  retentionDays: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(3650)), DEFAULT_RETENTION_DAYS),
});

export interface FindingsStoreOptions {
  tableName: string;
  /** Days a RESOLVED finding (and a scan record) is kept before TTL deletes it (default 90). */
  retentionDays?: number;
  /** Defaults to the module's shared client. */
  client?: DynamoDBDocumentClient;
  retry?: RetryPolicy;
}

let sharedClient: DynamoDBDocumentClient | undefined;

/**
 * The module's one document client (created on first use so that importing this module
 * never needs a region). `removeUndefinedValues` lets optional fields stay absent.
 */
export function defaultDocumentClient(): DynamoDBDocumentClient {
  sharedClient ??= createDocumentClient(new DynamoDBClient({ retryMode: 'adaptive', maxAttempts: 8 }));
  return sharedClient;
}

/** Wraps a low-level client with the marshalling options the store relies on. */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** Creates the store; validates its options once and fails naming the bad key. */
export function createFindingsStore(options: FindingsStoreOptions): FindingsStore {
  const parsed = optionsSchema.safeParse({
    tableName: options.tableName,
    retentionDays: options.retentionDays,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FindingsStoreConfigError(
      `invalid findings store option ${issue?.path.join('.') || '(options)'}: ${issue?.message ?? 'invalid value'}`,
      { cause: parsed.error },
    );
  }
  return new FindingsStore(
    options.client ?? defaultDocumentClient(),
    parsed.data.tableName,
    parsed.data.retentionDays,
    options.retry ?? DEFAULT_RETRY,
  );
}

export class FindingsStore implements FindingsRepository, SuppressionSource {
  /** What the `store/` modules need, handed to each call. */
  private readonly table: StoreTable;

  constructor(
    client: DynamoDBDocumentClient,
    readonly tableName: string,
    readonly retentionDays: number,
    retry: RetryPolicy,
  ) {
    this.table = { client, tableName, retentionDays, retry };
  }

  // ----- scan service (FindingsRepository) -------------------------------------------

  async loadCluster(key: ClusterKey): Promise<ClusterState> {
    return clusterState.loadCluster(this.table, key);
  }

  async listClusters(accountId: string, region: string): Promise<ClusterRecord[]> {
    return clusterState.listClusters(this.table, accountId, region);
  }

  async getClusterScan(scanId: string, key: ClusterKey): Promise<ClusterScanRecord | undefined> {
    return clusterState.getClusterScan(this.table, scanId, key);
  }

  async commitClusterScan(commit: ClusterScanCommit): Promise<void> {
    return clusterState.commitClusterScan(this.table, commit);
  }

  async recordClusterScan(record: ClusterScanRecord): Promise<void> {
    return clusterState.putScanRecord(this.table, record);
  }

  async markAlertSent(scanId: string, key: ClusterKey, sentAt: string): Promise<void> {
    return clusterState.markAlertSent(this.table, scanId, key, sentAt);
  }

  async markSecurityHubSynced(key: ClusterKey, entries: readonly string[]): Promise<void> {
    return clusterState.markSecurityHubSynced(this.table, key, entries);
  }

  async startScan(record: ScanRecord): Promise<void> {
    return scanRecords.startScan(this.table, record);
  }

  /**
   * Ends a scan. A scan of one message is final right away; a tracked scan (one queue
   * message per cluster) counts the clusters done and is final once all are.
   */
  async finishScan(
    scanId: string,
    status: 'COMPLETED' | 'FAILED',
    finishedAt: string,
    errors: ScanError[],
    clusters: readonly ScanClusterDone[] = [],
  ): Promise<void> {
    return scanRecords.finishScan(this.table, scanId, status, finishedAt, errors, clusters);
  }

  /**
   * Records how many clusters a tracked scan was split into (`POST /scans`, once they are
   * enqueued) and finalizes it if they are already all done (or there were none).
   */
  async expectClusters(scanId: string, count: number, at: string): Promise<void> {
    return scanRecords.expectClusters(this.table, scanId, count, at);
  }

  /** Ends a scan whatever it tracks (the API could not submit it). */
  async abortScan(scanId: string, finishedAt: string, errors: ScanError[]): Promise<void> {
    return scanRecords.abortScan(this.table, scanId, finishedAt, errors);
  }

  // ----- scans (API) -------------------------------------------------------------------

  /** Records a scan the API queued (`POST /scans`). Returns false when the id already exists. */
  async createScan(record: ScanRecord): Promise<boolean> {
    return scanRecords.createScan(this.table, record);
  }

  /** The scan with its clusters' counts and errors folded in; undefined when unknown. */
  async getScan(scanId: string): Promise<ScanSummary | undefined> {
    return scanRecords.getScan(this.table, scanId);
  }

  // ----- clusters and findings (API, event handler) -------------------------------------

  async getCluster(key: ClusterKey): Promise<ClusterRecord | undefined> {
    return clusterState.getCluster(this.table, key);
  }

  /** Every cluster the store knows (GET /clusters). */
  async listAllClusters(): Promise<ClusterRecord[]> {
    return clusterState.listAllClusters(this.table);
  }

  /** Clusters living in a VPC (deleted clusters excluded): maps an EC2 change to the clusters to rescan. */
  async findClustersByVpc(accountId: string, region: string, vpcId: string): Promise<ClusterRecord[]> {
    return clusterState.findClustersByVpc(this.table, accountId, region, vpcId);
  }

  async getFinding(id: string): Promise<StoredFinding | undefined> {
    return getFinding(this.table, id);
  }

  /** Findings newest first (by `updatedAt`), filtered without table scans; see `store/finding-reads.ts`. */
  async queryFindings(query: FindingQuery): Promise<Page<StoredFinding>> {
    return queryFindings(this.table, query);
  }

  // ----- suppressions ------------------------------------------------------------------

  /** Stored suppressions that are not deleted (expired ones included: the matcher ignores them). */
  async listSuppressions(_now?: Date): Promise<Suppression[]> {
    return suppressions.listSuppressions(this.table);
  }

  async listSuppressionRecords(options: { includeDeleted?: boolean } = {}): Promise<StoredSuppression[]> {
    return suppressions.listSuppressionRecords(this.table, options);
  }

  async getSuppression(id: string): Promise<StoredSuppression | undefined> {
    return suppressions.getSuppression(this.table, id);
  }

  /** Suppressions by id, in one batched read (missing ids are left out). */
  async getSuppressions(ids: readonly string[]): Promise<StoredSuppression[]> {
    return suppressions.getSuppressions(this.table, ids);
  }

  /**
   * Stores a new suppression and its CREATED audit entry. Idempotent for a retried request
   * (same deterministic id): returns false when it already existed.
   */
  async putSuppression(suppression: Suppression): Promise<boolean> {
    return suppressions.putSuppression(this.table, suppression);
  }

  /**
   * Deletes a suppression by turning it into a tombstone (kept for the audit trail, out of the
   * live list) and records who deleted it and when.
   * @throws SuppressionNotFoundError when it does not exist or is already deleted.
   */
  async deleteSuppression(id: string, deletedBy: string, now: Date): Promise<StoredSuppression> {
    return suppressions.deleteSuppression(this.table, id, deletedBy, now);
  }

  /** Who created and deleted a suppression, oldest first. */
  async getSuppressionAudit(id: string): Promise<SuppressionAuditEntry[]> {
    return suppressions.getSuppressionAudit(this.table, id);
  }

  /** Removes an item outright (tests and the local stack's reset only; suppressions use tombstones). */
  async deleteRaw(pk: string, sk: string): Promise<void> {
    await this.table.client.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: pk, SK: sk } }));
  }
}
