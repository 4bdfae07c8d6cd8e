/**
 * Scan headers in the findings table: started and finished by the scan service, created,
 * counted and aborted for the API's tracked scans (one queue message per cluster or VPC),
 * and read back with their clusters' records folded in.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SEVERITIES } from '../../core/model.ts';
import {
  type ClusterScanRecord,
  emptyCounts,
  type ScanClusterDone,
  type ScanError,
  type ScanRecord,
  type ScanSummary,
} from '../../core/ports.ts';
import { listAllClusters } from './cluster-state.ts';
import { fromItem, type Item, SCANS_PK, SK_SCAN, scanListSk, scanPk, scanToItem } from './items.ts';
import { isConditionalFailure, queryAll, type StoreTable } from './table.ts';

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

export async function startScan(table: StoreTable, record: ScanRecord): Promise<void> {
  const item = scanToItem(record, table.retentionDays);
  await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
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

export async function finishScan(
  table: StoreTable,
  scanId: string,
  status: 'COMPLETED' | 'FAILED',
  finishedAt: string,
  errors: ScanError[],
  clusters: readonly ScanClusterDone[] = [],
): Promise<void> {
  try {
    // A scan of one message (schedule, event, CLI, local sweep) is final right away.
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
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
    await recordOpenCounts(table, scanId);
    return;
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
  }
  await recordClustersDone(table, scanId, finishedAt, errors, clusters);
}

/**
 * A tracked scan (one queue message per cluster): adds the clusters to the scan's done
 * (and failed) string sets — set semantics make a redelivered message count once — and
 * finalizes the scan if that made it complete.
 */
async function recordClustersDone(
  table: StoreTable,
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
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
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
  const answer = await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
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
  await finalizeIfComplete(table, scanId, answer.Attributes, at);
}

/**
 * Makes a tracked scan final once its expected count is known and reached. Both writers
 * (the last cluster, and the API setting the count) call this after their own write, so
 * whichever lands second finalizes; the condition makes a concurrent double call harmless.
 */
async function finalizeIfComplete(
  table: StoreTable,
  scanId: string,
  item: Item | undefined,
  at: string,
): Promise<void> {
  const expected = item?.expectedClusters;
  if (typeof expected !== 'number') return;
  const done = setSize(item?.doneClusters);
  if (done < expected) return;
  const failed = setSize(item?.failedClusters);
  // Every cluster failed: the scan failed; otherwise it completed (errors say what failed).
  const status = expected > 0 && failed >= expected ? 'FAILED' : 'COMPLETED';
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
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
  await recordOpenCounts(table, scanId);
}

/**
 * The counts history behind the console's trend: OPEN findings by severity over every
 * live cluster, as they stand now that the scan is final, kept on the scan header. One
 * Query of the cluster list (no finding is read) and one UpdateItem per finished scan.
 */
async function recordOpenCounts(table: StoreTable, scanId: string): Promise<void> {
  const counts = emptyCounts();
  for (const cluster of await listAllClusters(table)) {
    if (cluster.deletedAt) continue;
    for (const severity of SEVERITIES) counts[severity] += cluster.openCounts[severity] ?? 0;
  }
  await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
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
export async function expectClusters(
  table: StoreTable,
  scanId: string,
  count: number,
  at: string,
): Promise<void> {
  const answer = await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: { PK: scanPk(scanId), SK: SK_SCAN },
      UpdateExpression: 'SET #expected = :count',
      ConditionExpression: 'attribute_exists(#tracks)',
      ExpressionAttributeNames: { '#expected': 'expectedClusters', '#tracks': 'tracksClusters' },
      ExpressionAttributeValues: { ':count': count },
      ReturnValues: 'ALL_NEW',
    }),
  );
  await finalizeIfComplete(table, scanId, answer.Attributes, at);
}

/** Ends a scan whatever it tracks (the API could not submit it). */
export async function abortScan(
  table: StoreTable,
  scanId: string,
  finishedAt: string,
  errors: ScanError[],
): Promise<void> {
  await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: { PK: scanPk(scanId), SK: SK_SCAN },
      UpdateExpression:
        'SET #status = :status, #finishedAt = :at, #errors = list_append(if_not_exists(#errors, :none), :errors)',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#status': 'status', '#finishedAt': 'finishedAt', '#errors': 'errors' },
      ExpressionAttributeValues: { ':status': 'FAILED', ':at': finishedAt, ':none': [], ':errors': errors },
    }),
  );
  await recordOpenCounts(table, scanId);
}

/** Records a scan the API queued (`POST /scans`). Returns false when the id already exists. */
export async function createScan(table: StoreTable, record: ScanRecord): Promise<boolean> {
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: scanToItem(record, table.retentionDays),
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
export async function getScan(table: StoreTable, scanId: string): Promise<ScanSummary | undefined> {
  const items = await queryAll(table, {
    TableName: table.tableName,
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
