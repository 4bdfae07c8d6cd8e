/**
 * The DynamoDB findings store: findings, clusters, scans and suppressions in one table
 * (layout in `docs/data-model.md`). Implements the scan service's ports
 * (`FindingsRepository`, `SuppressionSource`) plus what the query API reads.
 *
 * Concurrency: every finding and cluster write is conditional on the `version` the scan
 * loaded, so two scans of one cluster can never overwrite each other; the loser gets a
 * `VersionConflictError` and the service reloads and reconciles again. DynamoDB cannot put a
 * condition on a BatchWriteItem entry (and dynalite has no TransactWriteItems), so these
 * writes are individual conditional PutItems run a few at a time; reads are batched.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../core/zod-english.ts';
import type { FindingStatus, StoredFinding } from '../core/lifecycle.ts';
import { SEVERITIES, type Severity } from '../core/model.ts';
import {
  type ClusterKey,
  type ClusterRecord,
  type ClusterScanCommit,
  type ClusterScanRecord,
  type ClusterState,
  emptyCounts,
  type FindingsRepository,
  ScanAlreadyRecordedError,
  type ScanClusterDone,
  type ScanError,
  type ScanRecord,
  type ScanSummary,
  type SuppressionSource,
  VersionConflictError,
} from '../core/ports.ts';
import type { Suppression } from '../core/suppression.ts';
import { batchGetAll, DEFAULT_RETRY, type RetryPolicy } from './store/batch.ts';
import {
  CLUSTERS_PK,
  clusterFromItem,
  clusterPk,
  clusterScanToItem,
  clusterToItem,
  DELETED_SUPPRESSIONS_PK,
  FINDING_PREFIX,
  findingClusterPk,
  findingIdPk,
  findingRulePk,
  findingStatusPk,
  findingToItem,
  fromItem,
  type Item,
  LIVE_SUPPRESSIONS_PK,
  SCANS_PK,
  SK_CLUSTER,
  SK_SCAN,
  SK_SUPPRESSION,
  scanClusterSk,
  scanListSk,
  scanPk,
  scanToItem,
  suppressionPk,
  suppressionToItem,
  vpcPk,
} from './store/items.ts';
import { INDEX } from './store/table-definition.ts';

export const DEFAULT_RETENTION_DAYS = 90;
/** Conditional puts in flight at once per cluster commit: fast without tripping throttling. */
const WRITE_CONCURRENCY = 10;
const QUERY_MAX_LIMIT = 100;

/** The store's settings are invalid; the message names the key. */
export class FindingsStoreConfigError extends Error {
  override readonly name = 'FindingsStoreConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A query parameter is invalid (bad cursor, bad limit): the caller's fault, a 400. */
export class FindingsQueryError extends Error {
  override readonly name = 'FindingsQueryError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No suppression with that id (or it is already deleted). */
export class SuppressionNotFoundError extends Error {
  override readonly name = 'SuppressionNotFoundError';
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

/** A suppression as stored: deleted ones stay as tombstones for the audit trail. */
export interface StoredSuppression extends Suppression {
  deletedAt?: string;
  deletedBy?: string;
}

export interface SuppressionAuditEntry {
  suppressionId: string;
  action: 'CREATED' | 'DELETED';
  actor: string;
  at: string;
}

export interface FindingQuery {
  status?: FindingStatus;
  severity?: Severity;
  clusterName?: string;
  ruleId?: string;
  region?: string;
  accountId?: string;
  /** 1..100, default 50. */
  limit?: number;
  /** Opaque, from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const STATUSES: readonly FindingStatus[] = ['OPEN', 'SUPPRESSED', 'RESOLVED'];

/** Size of a DynamoDB string set as lib-dynamodb returns it (a Set), 0 when absent. */
function setSize(value: unknown): number {
  return value instanceof Set ? value.size : Array.isArray(value) ? value.length : 0;
}

/** The scan record without the bookkeeping sets (their sizes are the progress). */
function withoutTracking(scan: ScanRecord): ScanRecord {
  const {
    doneClusters: _done,
    failedClusters: _failed,
    lastProgressAt: _at,
    ...rest
  } = scan as ScanRecord & Record<string, unknown>;
  return rest as ScanRecord;
}

function isConditionalFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
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
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
    readonly retentionDays: number,
    private readonly retry: RetryPolicy,
  ) {}

  // ----- scan service (FindingsRepository) -------------------------------------------

  async loadCluster(key: ClusterKey): Promise<ClusterState> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': clusterPk(key) },
      ConsistentRead: true,
    });
    const state: ClusterState = { findings: [] };
    for (const item of items) {
      if (item.SK === SK_CLUSTER) state.cluster = clusterFromItem(item);
      else if (String(item.SK).startsWith(FINDING_PREFIX)) state.findings.push(fromItem<StoredFinding>(item));
    }
    return state;
  }

  async listClusters(accountId: string, region: string): Promise<ClusterRecord[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: INDEX.byStatus,
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
      ExpressionAttributeValues: { ':pk': CLUSTERS_PK, ':prefix': `${accountId}#${region}#` },
    });
    return items.map(clusterFromItem);
  }

  async getClusterScan(scanId: string, key: ClusterKey): Promise<ClusterScanRecord | undefined> {
    const answer = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: scanPk(scanId), SK: scanClusterSk(key) },
        ConsistentRead: true,
      }),
    );
    return answer.Item ? fromItem<ClusterScanRecord>(answer.Item) : undefined;
  }

  async commitClusterScan(commit: ClusterScanCommit): Promise<void> {
    const { record } = commit;
    if (commit.writes.length > 0) {
      // Mark the commit as in flight first: a crash between the finding writes and the
      // cluster item leaves this record (and its draft alert) for the retry to finish.
      await this.putScanRecord({ ...record, phase: 'WRITING' });
    }
    const applied = await this.putFindings(commit);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: clusterToItem(commit.cluster),
          ...versionCondition(commit.expectedClusterVersion),
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      throw new VersionConflictError(`cluster ${clusterPk(commit.cluster)} changed since it was loaded`, {
        cause: error,
        appliedFindingIds: applied,
      });
    }
    await this.putScanRecord({ ...record, phase: 'COMMITTED' });
  }

  async recordClusterScan(record: ClusterScanRecord): Promise<void> {
    await this.putScanRecord(record);
  }

  async markAlertSent(scanId: string, key: ClusterKey, sentAt: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: scanPk(scanId), SK: scanClusterSk(key) },
          UpdateExpression: 'SET #state = :sent, #sentAt = :at',
          ConditionExpression: '#state = :pending',
          ExpressionAttributeNames: { '#state': 'alertState', '#sentAt': 'alertSentAt' },
          ExpressionAttributeValues: { ':sent': 'SENT', ':pending': 'PENDING', ':at': sentAt },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error; // already SENT (or gone): nothing to mark
    }
    try {
      // DELETE from a set commutes with concurrent scans' writes, so no version is needed.
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: clusterPk(key), SK: SK_CLUSTER },
          UpdateExpression: 'DELETE #pending :ids',
          ExpressionAttributeNames: { '#pending': 'pendingAlertScanIds' },
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':ids': new Set([scanId]) },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  async markSecurityHubSynced(key: ClusterKey, entries: readonly string[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      // DELETE from a set commutes with concurrent scans' writes, as for pending alerts.
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: clusterPk(key), SK: SK_CLUSTER },
          UpdateExpression: 'DELETE #pending :entries',
          ExpressionAttributeNames: { '#pending': 'pendingSecurityHub' },
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':entries': new Set(entries) },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  async startScan(record: ScanRecord): Promise<void> {
    const item = scanToItem(record, this.retentionDays);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: scanPk(record.scanId), SK: SK_SCAN },
        UpdateExpression:
          'SET #status = :status, #type = :type, #scanId = :id, #trigger = if_not_exists(#trigger, :trigger), ' +
          '#startedAt = if_not_exists(#startedAt, :startedAt), #errors = if_not_exists(#errors, :errors), ' +
          '#expiresAt = if_not_exists(#expiresAt, :expiresAt), ' +
          // The scans list (GET /scans) orders headers by their first start time.
          '#g1pk = :scansPk, #g1sk = if_not_exists(#g1sk, :g1sk)' +
          (record.accountId ? ', #accountId = :accountId' : ''),
        ExpressionAttributeNames: {
          '#status': 'status',
          '#type': 'type',
          '#scanId': 'scanId',
          '#trigger': 'trigger',
          '#startedAt': 'startedAt',
          '#errors': 'errors',
          '#expiresAt': 'expiresAt',
          '#g1pk': 'GSI1PK',
          '#g1sk': 'GSI1SK',
          ...(record.accountId ? { '#accountId': 'accountId' } : {}),
        },
        ExpressionAttributeValues: {
          ':status': record.status,
          ':type': 'SCAN',
          ':id': record.scanId,
          ':trigger': record.trigger,
          ':startedAt': record.startedAt ?? new Date(0).toISOString(),
          ':errors': record.errors,
          ':expiresAt': item.expiresAt ?? 0,
          ':scansPk': SCANS_PK,
          ':g1sk': scanListSk(record.startedAt ?? new Date(0).toISOString(), record.scanId),
          ...(record.accountId ? { ':accountId': record.accountId } : {}),
        },
      }),
    );
  }

  async finishScan(
    scanId: string,
    status: 'COMPLETED' | 'FAILED',
    finishedAt: string,
    errors: ScanError[],
    clusters: readonly ScanClusterDone[] = [],
  ): Promise<void> {
    try {
      // A scan of one message (schedule, event, CLI, local sweep) is final right away.
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: scanPk(scanId), SK: SK_SCAN },
          UpdateExpression:
            'SET #status = :status, #finishedAt = :at, #errors = list_append(if_not_exists(#errors, :none), :errors)',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#tracks)',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#finishedAt': 'finishedAt',
            '#errors': 'errors',
            '#tracks': 'tracksClusters',
          },
          ExpressionAttributeValues: { ':status': status, ':at': finishedAt, ':none': [], ':errors': errors },
        }),
      );
      await this.recordOpenCounts(scanId);
      return;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    await this.recordClustersDone(scanId, finishedAt, errors, clusters);
  }

  /**
   * A tracked scan (one queue message per cluster): adds the clusters to the scan's done
   * (and failed) string sets — set semantics make a redelivered message count once — and
   * finalizes the scan if that made it complete.
   */
  private async recordClustersDone(
    scanId: string,
    at: string,
    errors: ScanError[],
    clusters: readonly ScanClusterDone[],
  ): Promise<void> {
    const key = (c: ScanClusterDone) => `${c.region}/${c.clusterName}`;
    const done = clusters.map(key);
    const failed = clusters.filter((c) => c.failed).map(key);
    const succeeded = clusters.filter((c) => !c.failed).map(key);
    if (succeeded.length > 0) {
      // A retried cluster that now succeeded no longer counts as failed. (A separate write:
      // one expression cannot both ADD to and DELETE from the same set.)
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: scanPk(scanId), SK: SK_SCAN },
          UpdateExpression: 'DELETE #failed :ok',
          ConditionExpression: 'attribute_exists(#tracks)',
          ExpressionAttributeNames: { '#failed': 'failedClusters', '#tracks': 'tracksClusters' },
          ExpressionAttributeValues: { ':ok': new Set(succeeded) },
        }),
      );
    }
    // DynamoDB rejects empty sets: ADD only what there is.
    const adds = [
      ...(done.length > 0 ? ['#done :done'] : []),
      ...(failed.length > 0 ? ['#failed :failed'] : []),
    ];
    const answer = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: scanPk(scanId), SK: SK_SCAN },
        UpdateExpression:
          'SET #errors = list_append(if_not_exists(#errors, :none), :errors), #progressAt = :at' +
          (adds.length > 0 ? ` ADD ${adds.join(', ')}` : ''),
        ConditionExpression: 'attribute_exists(#tracks)',
        ExpressionAttributeNames: {
          '#errors': 'errors',
          '#progressAt': 'lastProgressAt',
          '#tracks': 'tracksClusters',
          ...(done.length > 0 ? { '#done': 'doneClusters' } : {}),
          ...(failed.length > 0 ? { '#failed': 'failedClusters' } : {}),
        },
        ExpressionAttributeValues: {
          ':none': [],
          ':errors': errors,
          ':at': at,
          ...(done.length > 0 ? { ':done': new Set(done) } : {}),
          ...(failed.length > 0 ? { ':failed': new Set(failed) } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    await this.finalizeIfComplete(scanId, answer.Attributes, at);
  }

  /**
   * Makes a tracked scan final once its expected count is known and reached. Both writers
   * (the last cluster, and the API setting the count) call this after their own write, so
   * whichever lands second finalizes; the condition makes a concurrent double call harmless.
   */
  private async finalizeIfComplete(scanId: string, item: Item | undefined, at: string): Promise<void> {
    const expected = item?.expectedClusters;
    if (typeof expected !== 'number') return;
    const done = setSize(item?.doneClusters);
    if (done < expected) return;
    const failed = setSize(item?.failedClusters);
    // Every cluster failed: the scan failed; otherwise it completed (errors say what failed).
    const status = expected > 0 && failed >= expected ? 'FAILED' : 'COMPLETED';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: scanPk(scanId), SK: SK_SCAN },
          UpdateExpression: 'SET #status = :status, #finishedAt = :at',
          ConditionExpression: '#status <> :completed AND #status <> :failedStatus',
          ExpressionAttributeNames: { '#status': 'status', '#finishedAt': 'finishedAt' },
          ExpressionAttributeValues: {
            ':status': status,
            ':at': at,
            ':completed': 'COMPLETED',
            ':failedStatus': 'FAILED',
          },
        }),
      );
    } catch (error) {
      // Another writer finalized it (and records the counts itself).
      if (!isConditionalFailure(error)) throw error;
      return;
    }
    await this.recordOpenCounts(scanId);
  }

  /**
   * The counts history behind the console's trend: OPEN findings by severity over every
   * live cluster, as they stand now that the scan is final, kept on the scan header. One
   * Query of the cluster list (no finding is read) and one UpdateItem per finished scan.
   */
  private async recordOpenCounts(scanId: string): Promise<void> {
    const counts = emptyCounts();
    for (const cluster of await this.listAllClusters()) {
      if (cluster.deletedAt) continue;
      for (const severity of SEVERITIES) counts[severity] += cluster.openCounts[severity] ?? 0;
    }
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: scanPk(scanId), SK: SK_SCAN },
        UpdateExpression: 'SET #counts = :counts',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#counts': 'openCounts' },
        ExpressionAttributeValues: { ':counts': counts },
      }),
    );
  }

  /**
   * Records how many clusters a tracked scan was split into (`POST /scans`, once they are
   * enqueued) and finalizes it if they are already all done (or there were none).
   */
  async expectClusters(scanId: string, count: number, at: string): Promise<void> {
    const answer = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: scanPk(scanId), SK: SK_SCAN },
        UpdateExpression: 'SET #expected = :count',
        ConditionExpression: 'attribute_exists(#tracks)',
        ExpressionAttributeNames: { '#expected': 'expectedClusters', '#tracks': 'tracksClusters' },
        ExpressionAttributeValues: { ':count': count },
        ReturnValues: 'ALL_NEW',
      }),
    );
    await this.finalizeIfComplete(scanId, answer.Attributes, at);
  }

  /** Ends a scan whatever it tracks (the API could not submit it). */
  async abortScan(scanId: string, finishedAt: string, errors: ScanError[]): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: scanPk(scanId), SK: SK_SCAN },
        UpdateExpression:
          'SET #status = :status, #finishedAt = :at, #errors = list_append(if_not_exists(#errors, :none), :errors)',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#status': 'status', '#finishedAt': 'finishedAt', '#errors': 'errors' },
        ExpressionAttributeValues: { ':status': 'FAILED', ':at': finishedAt, ':none': [], ':errors': errors },
      }),
    );
    await this.recordOpenCounts(scanId);
  }

  // ----- scans (API) -------------------------------------------------------------------

  /** Records a scan the API queued (`POST /scans`). Returns false when the id already exists. */
  async createScan(record: ScanRecord): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: scanToItem(record, this.retentionDays),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }

  /** The scan with its clusters' counts and errors folded in; undefined when unknown. */
  async getScan(scanId: string): Promise<ScanSummary | undefined> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': scanPk(scanId) },
      ConsistentRead: true,
    });
    const header = items.find((item) => item.SK === SK_SCAN);
    const clusters = items
      .filter((item) => item.SK !== SK_SCAN)
      .map((item) => fromItem<ClusterScanRecord>(item));
    if (!header && clusters.length === 0) return undefined;
    const scan: ScanRecord = header
      ? fromItem<ScanRecord>(header)
      : { scanId, trigger: 'event', status: 'RUNNING', errors: [] };
    const counts = emptyCounts();
    for (const cluster of clusters) {
      if (cluster.phase !== 'COMMITTED' || cluster.outcome !== 'PROCESSED') continue;
      for (const severity of SEVERITIES) counts[severity] += cluster.counts[severity] ?? 0;
    }
    const errors = [...(scan.errors ?? []), ...clusters.flatMap((c) => c.errors ?? [])];
    // A tracked scan counts its done set against the expected count; a single-message scan
    // covers the clusters it has recorded, all done once the scan is final.
    const progress = scan.tracksClusters
      ? {
          clustersDone: setSize(header?.doneClusters),
          clustersTotal: typeof scan.expectedClusters === 'number' ? scan.expectedClusters : null,
        }
      : {
          clustersDone: clusters.filter((c) => c.phase === 'COMMITTED').length,
          clustersTotal: scan.status === 'COMPLETED' || scan.status === 'FAILED' ? clusters.length : null,
        };
    return { ...withoutTracking(scan), errors, counts, clusters, progress };
  }

  // ----- clusters and findings (API, event handler) -------------------------------------

  async getCluster(key: ClusterKey): Promise<ClusterRecord | undefined> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: clusterPk(key), SK: SK_CLUSTER } }),
    );
    return answer.Item ? clusterFromItem(answer.Item) : undefined;
  }

  /** Every cluster the store knows (GET /clusters). */
  async listAllClusters(): Promise<ClusterRecord[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: INDEX.byStatus,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': CLUSTERS_PK },
    });
    return items.map(clusterFromItem);
  }

  /** Clusters living in a VPC (deleted clusters excluded): maps an EC2 change to the clusters to rescan. */
  async findClustersByVpc(accountId: string, region: string, vpcId: string): Promise<ClusterRecord[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: INDEX.byLookup,
      KeyConditionExpression: 'GSI4PK = :pk',
      ExpressionAttributeValues: { ':pk': vpcPk(accountId, region, vpcId) },
    });
    return items.map(clusterFromItem);
  }

  async getFinding(id: string): Promise<StoredFinding | undefined> {
    const items = await this.queryAll({
      TableName: this.tableName,
      IndexName: INDEX.byLookup,
      KeyConditionExpression: 'GSI4PK = :pk',
      ExpressionAttributeValues: { ':pk': findingIdPk(id) },
    });
    return items[0] ? fromItem<StoredFinding>(items[0]) : undefined;
  }

  /**
   * Findings newest first (by `updatedAt`), filtered without table scans: the most selective
   * index is queried (cluster, else rule, else status+severity partitions merged) and the other
   * filters apply to it. The cursor is the sort key of the last item returned.
   */
  async queryFindings(query: FindingQuery): Promise<Page<StoredFinding>> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > QUERY_MAX_LIMIT) {
      throw new FindingsQueryError(`limit must be an integer from 1 to ${QUERY_MAX_LIMIT}`);
    }
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const filters: Record<string, string | undefined> = {
      status: query.status,
      severity: query.severity,
      clusterName: query.clusterName,
      ruleId: query.ruleId,
      region: query.region,
      accountId: query.accountId,
    };
    let index: string;
    let skName: string;
    let partitions: string[];
    if (query.clusterName !== undefined) {
      [index, skName, partitions] = [INDEX.byCluster, 'GSI2SK', [findingClusterPk(query.clusterName)]];
      filters.clusterName = undefined;
    } else if (query.ruleId !== undefined) {
      [index, skName, partitions] = [INDEX.byRule, 'GSI3SK', [findingRulePk(query.ruleId)]];
      filters.ruleId = undefined;
    } else {
      const statuses = query.status ? [query.status] : STATUSES;
      const severities = query.severity ? [query.severity] : SEVERITIES;
      partitions = statuses.flatMap((s) => severities.map((v) => findingStatusPk(s, v)));
      [index, skName] = [INDEX.byStatus, 'GSI1SK'];
      filters.status = undefined;
      filters.severity = undefined;
    }
    const pkName = skName.replace('SK', 'PK');
    const pages = await Promise.all(
      partitions.map((pk) => this.queryNewest(index, pkName, skName, pk, before, limit + 1, filters)),
    );
    const merged = pages.flat().sort((a, b) => (String(a[skName]) < String(b[skName]) ? 1 : -1));
    const items = merged.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((item) => fromItem<StoredFinding>(item)),
      nextCursor: merged.length > limit && last ? encodeCursor(String(last[skName])) : null,
    };
  }

  // ----- suppressions ------------------------------------------------------------------

  /** Stored suppressions that are not deleted (expired ones included: the matcher ignores them). */
  async listSuppressions(_now?: Date): Promise<Suppression[]> {
    return (await this.listSuppressionRecords()).map(stripTombstone);
  }

  async listSuppressionRecords(options: { includeDeleted?: boolean } = {}): Promise<StoredSuppression[]> {
    const partitions = options.includeDeleted
      ? [LIVE_SUPPRESSIONS_PK, DELETED_SUPPRESSIONS_PK]
      : [LIVE_SUPPRESSIONS_PK];
    const pages = await Promise.all(
      partitions.map((pk) =>
        this.queryAll({
          TableName: this.tableName,
          IndexName: INDEX.byStatus,
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ScanIndexForward: false,
        }),
      ),
    );
    return pages.flat().map((item) => fromItem<StoredSuppression>(item));
  }

  async getSuppression(id: string): Promise<StoredSuppression | undefined> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: suppressionPk(id), SK: SK_SUPPRESSION } }),
    );
    return answer.Item ? fromItem<StoredSuppression>(answer.Item) : undefined;
  }

  /** Suppressions by id, in one batched read (missing ids are left out). */
  async getSuppressions(ids: readonly string[]): Promise<StoredSuppression[]> {
    const keys = [...new Set(ids)].map((id) => ({ PK: suppressionPk(id), SK: SK_SUPPRESSION }));
    const items = await batchGetAll(this.client, this.tableName, keys, this.retry);
    return items.map((item) => fromItem<StoredSuppression>(item));
  }

  /**
   * Stores a new suppression and its CREATED audit entry. Idempotent for a retried request
   * (same deterministic id): returns false when it already existed.
   */
  async putSuppression(suppression: Suppression): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: suppressionToItem(suppression),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
    await this.putAudit({
      suppressionId: suppression.id,
      action: 'CREATED',
      actor: suppression.createdBy,
      at: suppression.createdAt,
    });
    return true;
  }

  /**
   * Deletes a suppression by turning it into a tombstone (kept for the audit trail, out of the
   * live list) and records who deleted it and when.
   * @throws SuppressionNotFoundError when it does not exist or is already deleted.
   */
  async deleteSuppression(id: string, deletedBy: string, now: Date): Promise<StoredSuppression> {
    const at = now.toISOString();
    let answer: { Attributes?: Record<string, unknown> };
    try {
      answer = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: suppressionPk(id), SK: SK_SUPPRESSION },
          UpdateExpression: 'SET #deletedAt = :at, #deletedBy = :by, GSI1PK = :deleted',
          ExpressionAttributeNames: { '#deletedAt': 'deletedAt', '#deletedBy': 'deletedBy' },
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#deletedAt)',
          ExpressionAttributeValues: { ':at': at, ':by': deletedBy, ':deleted': DELETED_SUPPRESSIONS_PK },
          ReturnValues: 'ALL_NEW',
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) {
        throw new SuppressionNotFoundError(`suppression ${id} does not exist or is already deleted`, {
          cause: error,
        });
      }
      throw error;
    }
    await this.putAudit({ suppressionId: id, action: 'DELETED', actor: deletedBy, at });
    return fromItem<StoredSuppression>(answer.Attributes ?? {});
  }

  /** Who created and deleted a suppression, oldest first. */
  async getSuppressionAudit(id: string): Promise<SuppressionAuditEntry[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :audit)',
      ExpressionAttributeValues: { ':pk': suppressionPk(id), ':audit': 'AUDIT#' },
      ConsistentRead: true,
    });
    return items.map((item) => fromItem<SuppressionAuditEntry>(item));
  }

  /** Removes an item outright (tests and the local stack's reset only; suppressions use tombstones). */
  async deleteRaw(pk: string, sk: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: pk, SK: sk } }));
  }

  // ----- internals ---------------------------------------------------------------------

  private async putAudit(entry: SuppressionAuditEntry): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...entry,
          PK: suppressionPk(entry.suppressionId),
          SK: `AUDIT#${entry.at}#${entry.action}`,
          type: 'AUDIT',
        },
      }),
    );
  }

  /** Writes a scan's cluster record unless a COMMITTED one exists (another delivery won). */
  private async putScanRecord(record: ClusterScanRecord): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: clusterScanToItem(record, this.retentionDays),
          ConditionExpression: 'attribute_not_exists(PK) OR #phase = :writing',
          ExpressionAttributeNames: { '#phase': 'phase' },
          ExpressionAttributeValues: { ':writing': 'WRITING' },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      throw new ScanAlreadyRecordedError(`scan ${record.scanId} already recorded ${scanClusterSk(record)}`, {
        cause: error,
      });
    }
  }

  /** Conditional puts of the finding writes; returns the ids applied, or throws a conflict naming them. */
  private async putFindings(commit: ClusterScanCommit): Promise<string[]> {
    const applied: string[] = [];
    let conflict: unknown;
    for (let i = 0; i < commit.writes.length; i += WRITE_CONCURRENCY) {
      const slice = commit.writes.slice(i, i + WRITE_CONCURRENCY);
      const outcomes = await Promise.allSettled(
        slice.map((write) =>
          this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: findingToItem(write.finding, this.retentionDays),
              ...versionCondition(write.expectedVersion),
            }),
          ),
        ),
      );
      outcomes.forEach((outcome, n) => {
        const id = slice[n]?.finding.id;
        if (outcome.status === 'fulfilled' && id) applied.push(id);
        else if (outcome.status === 'rejected') {
          if (!isConditionalFailure(outcome.reason)) throw outcome.reason;
          conflict ??= outcome.reason;
        }
      });
      if (conflict) break;
    }
    if (conflict) {
      throw new VersionConflictError(
        `a finding of ${clusterPk(commit.cluster)} changed since it was loaded`,
        {
          cause: conflict,
          appliedFindingIds: applied,
        },
      );
    }
    return applied;
  }

  private async queryNewest(
    index: string,
    pkName: string,
    skName: string,
    pk: string,
    before: string | undefined,
    want: number,
    filters: Record<string, string | undefined>,
  ): Promise<Item[]> {
    const names: Record<string, string> = { '#pk': pkName };
    const values: Record<string, unknown> = { ':pk': pk };
    const conditions: string[] = [];
    for (const [field, value] of Object.entries(filters)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      conditions.push(`#${field} = :${field}`);
    }
    if (before !== undefined) {
      names['#sk'] = skName;
      values[':before'] = before;
    }
    const found: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index,
          KeyConditionExpression: before === undefined ? '#pk = :pk' : '#pk = :pk AND #sk < :before',
          ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: want,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      found.push(...((answer.Items as Item[] | undefined) ?? []));
      startKey = answer.LastEvaluatedKey;
    } while (startKey && found.length < want);
    return found.slice(0, want);
  }

  private async queryAll(input: QueryCommandInput): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await this.client.send(
        new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
      );
      items.push(...((answer.Items as Item[] | undefined) ?? []));
      startKey = answer.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

function versionCondition(expected: number | undefined): {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  return expected === undefined
    ? { ConditionExpression: 'attribute_not_exists(PK)' }
    : {
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': expected },
      };
}

function stripTombstone(record: StoredSuppression): Suppression {
  const { deletedAt: _at, deletedBy: _by, ...suppression } = record;
  return suppression;
}

function encodeCursor(sortKey: string): string {
  return Buffer.from(JSON.stringify({ before: sortKey }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const before = (parsed as { before?: unknown }).before;
    if (typeof before === 'string' && before.length > 0) return before;
  } catch (error) {
    throw new FindingsQueryError('cursor is not one this API returned; start again without it', {
      cause: error,
    });
  }
  throw new FindingsQueryError('cursor is not one this API returned; start again without it');
}
