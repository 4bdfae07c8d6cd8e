/**
 * A cluster's state in the findings table (its cluster item and findings) and the scan
 * service's commits of it, plus the cluster reads the API and the event handler use.
 *
 * Concurrency: every finding and cluster write is conditional on the `version` the scan
 * loaded, so two scans of one cluster can never overwrite each other; the loser gets a
 * `VersionConflictError` and the service reloads and reconciles again. DynamoDB cannot put a
 * condition on a BatchWriteItem entry (and dynalite has no TransactWriteItems), so these
 * writes are individual conditional PutItems run a few at a time; reads are batched.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredFinding } from '../../core/lifecycle.ts';
import {
  type ClusterKey,
  type ClusterRecord,
  type ClusterScanCommit,
  type ClusterScanRecord,
  type ClusterState,
  ScanAlreadyRecordedError,
  VersionConflictError,
} from '../../core/ports.ts';
import {
  CLUSTERS_PK,
  clusterFromItem,
  clusterPk,
  clusterScanToItem,
  clusterToItem,
  FINDING_PREFIX,
  findingToItem,
  fromItem,
  SK_CLUSTER,
  scanClusterSk,
  scanPk,
  vpcPk,
} from './items.ts';
import { isConditionalFailure, queryAll, type StoreTable } from './table.ts';
import { INDEX } from './table-definition.ts';

/** Conditional puts in flight at once per cluster commit: fast without tripping throttling. */
const WRITE_CONCURRENCY = 10;

export async function loadCluster(table: StoreTable, key: ClusterKey): Promise<ClusterState> {
  const items = await queryAll(table, {
    TableName: table.tableName,
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

export async function listClusters(
  table: StoreTable,
  accountId: string,
  region: string,
): Promise<ClusterRecord[]> {
  const items = await queryAll(table, {
    TableName: table.tableName,
    IndexName: INDEX.byStatus,
    KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
    ExpressionAttributeValues: { ':pk': CLUSTERS_PK, ':prefix': `${accountId}#${region}#` },
  });
  return items.map(clusterFromItem);
}

export async function getCluster(table: StoreTable, key: ClusterKey): Promise<ClusterRecord | undefined> {
  const answer = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: { PK: clusterPk(key), SK: SK_CLUSTER } }),
  );
  return answer.Item ? clusterFromItem(answer.Item) : undefined;
}

/** Every cluster the store knows (GET /clusters). */
export async function listAllClusters(table: StoreTable): Promise<ClusterRecord[]> {
  const items = await queryAll(table, {
    TableName: table.tableName,
    IndexName: INDEX.byStatus,
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': CLUSTERS_PK },
  });
  return items.map(clusterFromItem);
}

/** Clusters living in a VPC (deleted clusters excluded): maps an EC2 change to the clusters to rescan. */
export async function findClustersByVpc(
  table: StoreTable,
  accountId: string,
  region: string,
  vpcId: string,
): Promise<ClusterRecord[]> {
  const items = await queryAll(table, {
    TableName: table.tableName,
    IndexName: INDEX.byLookup,
    KeyConditionExpression: 'GSI4PK = :pk',
    ExpressionAttributeValues: { ':pk': vpcPk(accountId, region, vpcId) },
  });
  return items.map(clusterFromItem);
}

export async function getClusterScan(
  table: StoreTable,
  scanId: string,
  key: ClusterKey,
): Promise<ClusterScanRecord | undefined> {
  const answer = await table.client.send(
    new GetCommand({
      TableName: table.tableName,
      Key: { PK: scanPk(scanId), SK: scanClusterSk(key) },
      ConsistentRead: true,
    }),
  );
  return answer.Item ? fromItem<ClusterScanRecord>(answer.Item) : undefined;
}

export async function commitClusterScan(table: StoreTable, commit: ClusterScanCommit): Promise<void> {
  const { record } = commit;
  if (commit.writes.length > 0) {
    // Mark the commit as in flight first: a crash between the finding writes and the
    // cluster item leaves this record (and its draft alert) for the retry to finish.
    await putScanRecord(table, { ...record, phase: 'WRITING' });
  }
  const applied = await putFindings(table, commit);
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
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
  await putScanRecord(table, { ...record, phase: 'COMMITTED' });
}

export async function markAlertSent(
  table: StoreTable,
  scanId: string,
  key: ClusterKey,
  sentAt: string,
): Promise<void> {
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
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
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
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

export async function markSecurityHubSynced(
  table: StoreTable,
  key: ClusterKey,
  entries: readonly string[],
): Promise<void> {
  if (entries.length === 0) return;
  try {
    // DELETE from a set commutes with concurrent scans' writes, as for pending alerts.
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
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

/** Writes a scan's cluster record unless a COMMITTED one exists (another delivery won). */
export async function putScanRecord(table: StoreTable, record: ClusterScanRecord): Promise<void> {
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: clusterScanToItem(record, table.retentionDays),
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
async function putFindings(table: StoreTable, commit: ClusterScanCommit): Promise<string[]> {
  const applied: string[] = [];
  let conflict: unknown;
  for (let i = 0; i < commit.writes.length; i += WRITE_CONCURRENCY) {
    const slice = commit.writes.slice(i, i + WRITE_CONCURRENCY);
    const outcomes = await Promise.allSettled(
      slice.map((write) =>
        table.client.send(
          new PutCommand({
            TableName: table.tableName,
            Item: findingToItem(write.finding, table.retentionDays),
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
    throw new VersionConflictError(`a finding of ${clusterPk(commit.cluster)} changed since it was loaded`, {
      cause: conflict,
      appliedFindingIds: applied,
    });
  }
  return applied;
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
