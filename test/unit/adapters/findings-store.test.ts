import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createDocumentClient,
  createFindingsStore,
  FindingsQueryError,
  FindingsStoreConfigError,
} from '../../../functions/adapters/findings-store.ts';
import { UnprocessedItemsError } from '../../../functions/adapters/store/batch.ts';
import { findingToItem } from '../../../functions/adapters/store/items.ts';
import type { StoredFinding } from '../../../functions/core/lifecycle.ts';
import {
  type ClusterRecord,
  type ClusterScanCommit,
  type ClusterScanRecord,
  emptyCounts,
  ScanAlreadyRecordedError,
  VersionConflictError,
} from '../../../functions/core/ports.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const noSleep = { maxAttempts: 4, baseDelayMs: 1, sleep: async () => {} };

function store() {
  const client = createDocumentClient(new DynamoDBClient({ region: 'us-east-1' }));
  return createFindingsStore({ tableName: 'findings', client, retry: noSleep });
}

const KEY = { accountId: '123456789012', region: 'us-east-1', clusterName: 'demo' };
const NOW = '2026-01-02T00:00:00.000Z';

function finding(id: string, overrides: Partial<StoredFinding> = {}): StoredFinding {
  return {
    ...KEY,
    id,
    ruleId: 'sg-open-ingress',
    severity: 'HIGH',
    title: 't',
    resourceType: 'security-group',
    resourceId: id,
    evidence: {},
    remediation: 'r',
    references: [],
    status: 'OPEN',
    firstSeenAt: NOW,
    lastSeenAt: NOW,
    reopenedCount: 0,
    updatedAt: NOW,
    version: 1,
    ...overrides,
  };
}

function commit(writes: ClusterScanCommit['writes']): ClusterScanCommit {
  const cluster: ClusterRecord = {
    ...KEY,
    openCounts: emptyCounts(),
    suppressedCount: 0,
    pendingAlertScanIds: [],
    updatedAt: NOW,
    version: 2,
  };
  const record: ClusterScanRecord = {
    ...KEY,
    scanId: 'scan-1',
    scannedAt: NOW,
    phase: 'COMMITTED',
    outcome: 'PROCESSED',
    counts: emptyCounts(),
    transitions: {},
    findingWrites: writes.length,
    errors: [],
    alertState: 'NONE',
    processedAt: NOW,
  };
  return { cluster, expectedClusterVersion: 1, writes, record };
}

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

function putsOf(type: string) {
  return ddb.commandCalls(PutCommand).filter((call) => call.args[0].input.Item?.type === type);
}

beforeEach(() => {
  ddb.reset();
});

describe('findings store: commits', () => {
  it('writes only the cluster item and the scan record when no finding changed', async () => {
    // Arrange
    ddb.on(PutCommand).resolves({});
    // Act
    await store().commitClusterScan(commit([]));
    // Assert
    expect(putsOf('FINDING')).toHaveLength(0);
    expect(putsOf('CLUSTER')).toHaveLength(1);
    expect(putsOf('SCAN_CLUSTER').map((c) => c.args[0].input.Item?.phase)).toEqual(['COMMITTED']);
    expect(putsOf('CLUSTER')[0]?.args[0].input).toMatchObject({
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: { ':expected': 1 },
    });
  });

  it('writes each finding conditionally on the version it was loaded with, and new ones only if absent', async () => {
    ddb.on(PutCommand).resolves({});
    await store().commitClusterScan(
      commit([{ finding: finding('f1', { version: 4 }), expectedVersion: 3 }, { finding: finding('f2') }]),
    );
    const inputs = putsOf('FINDING').map((c) => c.args[0].input);
    expect(
      inputs.map((i) => [i.Item?.id, i.ConditionExpression, i.ExpressionAttributeValues?.[':expected']]),
    ).toEqual([
      ['f1', '#version = :expected', 3],
      ['f2', 'attribute_not_exists(PK)', undefined],
    ]);
    // The record is marked WRITING before the findings and COMMITTED after the cluster item.
    expect(putsOf('SCAN_CLUSTER').map((c) => c.args[0].input.Item?.phase)).toEqual(['WRITING', 'COMMITTED']);
  });

  it('turns a finding conditional-check failure into a version conflict naming the writes applied', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(PutCommand, { Item: { type: 'FINDING', id: 'f2' } }, false).rejects(conditionFailed());
    // Act
    const error = await store()
      .commitClusterScan(commit([{ finding: finding('f1') }, { finding: finding('f2') }]))
      .catch((e: unknown) => e);
    // Assert
    expect(error).toBeInstanceOf(VersionConflictError);
    expect((error as VersionConflictError).appliedFindingIds).toEqual(['f1']);
    expect(putsOf('CLUSTER')).toHaveLength(0);
  });

  it('turns a cluster item conditional-check failure into a version conflict', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(PutCommand, { Item: { type: 'CLUSTER' } }, false).rejects(conditionFailed());
    const error = await store()
      .commitClusterScan(commit([{ finding: finding('f1') }]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect((error as VersionConflictError).appliedFindingIds).toEqual(['f1']);
  });

  it('reports a scan record another delivery already committed', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(PutCommand, { Item: { type: 'SCAN_CLUSTER' } }, false).rejects(conditionFailed());
    const error = await store()
      .commitClusterScan(commit([]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanAlreadyRecordedError);
  });

  it('passes other DynamoDB errors through unchanged', async () => {
    ddb.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    await expect(store().commitClusterScan(commit([]))).rejects.toThrow(
      'ProvisionedThroughputExceededException',
    );
  });

  it('ignores marking an alert sent twice (the record is no longer PENDING)', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(store().markAlertSent('scan-1', KEY, NOW)).resolves.toBeUndefined();
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(2);
  });
});

describe('findings store: batched reads', () => {
  it('retries UnprocessedKeys until every suppression is read', async () => {
    // Arrange: the first answer leaves one key unprocessed.
    const first = { PK: 'SUPPRESSION#a', SK: '#SUPPRESSION', id: 'a', type: 'SUPPRESSION' };
    const second = { PK: 'SUPPRESSION#b', SK: '#SUPPRESSION', id: 'b', type: 'SUPPRESSION' };
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { findings: [first] },
        UnprocessedKeys: { findings: { Keys: [{ PK: 'SUPPRESSION#b', SK: '#SUPPRESSION' }] } },
      })
      .resolvesOnce({ Responses: { findings: [second] }, UnprocessedKeys: {} });
    // Act
    const found = await store().getSuppressions(['a', 'b']);
    // Assert
    expect(found.map((s) => s.id).sort()).toEqual(['a', 'b']);
    const calls = ddb.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.RequestItems?.findings?.Keys).toEqual([
      { PK: 'SUPPRESSION#b', SK: '#SUPPRESSION' },
    ]);
  });

  it('fails loudly instead of dropping keys that never get processed', async () => {
    ddb.on(BatchGetCommand).resolves({
      Responses: { findings: [] },
      UnprocessedKeys: { findings: { Keys: [{ PK: 'SUPPRESSION#a', SK: '#SUPPRESSION' }] } },
    });
    await expect(store().getSuppressions(['a'])).rejects.toBeInstanceOf(UnprocessedItemsError);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(noSleep.maxAttempts);
  });
});

describe('findings store: items and queries', () => {
  it('gives a resolved finding a TTL of resolvedAt + retention days, and an open one none', () => {
    const resolved = findingToItem(
      finding('f1', { status: 'RESOLVED', resolvedAt: NOW, resolvedReason: 'fixed' }),
      90,
    );
    const open = findingToItem(finding('f2'), 90);
    expect(resolved.expiresAt).toBe(Date.parse(NOW) / 1000 + 90 * 86_400);
    expect(open.expiresAt).toBeUndefined();
  });

  it('queries the cluster index newest first when a cluster is given, filtering the rest', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store().queryFindings({ clusterName: 'demo', status: 'OPEN' });
    const input = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      IndexName: 'GSI2',
      ScanIndexForward: false,
      FilterExpression: '#status = :status',
    });
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':pk': 'FCLUSTER#demo', ':status': 'OPEN' });
  });

  it('merges the status partitions by recency and pages with a cursor', async () => {
    // Arrange: OPEN/HIGH holds the newest item, OPEN/LOW the two others.
    const item = (id: string, severity: string, at: string) =>
      findingToItem(finding(id, { severity: severity as StoredFinding['severity'], updatedAt: at }), 90);
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'FINDING#OPEN#HIGH' } }, false).resolves({
      Items: [item('c', 'HIGH', '2026-01-03T00:00:00.000Z')],
    });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'FINDING#OPEN#LOW' } }, false).resolves({
      Items: [item('b', 'LOW', '2026-01-02T00:00:00.000Z'), item('a', 'LOW', '2026-01-01T00:00:00.000Z')],
    });
    // Act
    const page = await store().queryFindings({ status: 'OPEN', limit: 2 });
    // Assert
    expect(page.items.map((f) => f.id)).toEqual(['c', 'b']);
    expect(page.nextCursor).not.toBeNull();
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(4);
    ddb.resetHistory();
    await store().queryFindings({ status: 'OPEN', limit: 2, cursor: page.nextCursor ?? '' });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      KeyConditionExpression: '#pk = :pk AND #sk < :before',
      ExpressionAttributeValues: { ':before': '2026-01-02T00:00:00.000Z#b' },
    });
  });

  it('rejects a cursor it did not issue and a limit out of range', async () => {
    await expect(store().queryFindings({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
      FindingsQueryError,
    );
    await expect(store().queryFindings({ limit: 0 })).rejects.toThrow(
      /limit must be an integer from 1 to 100/,
    );
  });

  it('reads a cluster and its findings with one strongly consistent query', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          PK: 'CLUSTER#x',
          SK: '#CLUSTER',
          type: 'CLUSTER',
          ...KEY,
          version: 3,
          pendingAlertScanIds: new Set(['s1']),
        },
        findingToItem(finding('f1'), 90),
      ],
    });
    const state = await store().loadCluster(KEY);
    expect(state.cluster).toMatchObject({ version: 3, pendingAlertScanIds: ['s1'] });
    expect(state.findings.map((f) => f.id)).toEqual(['f1']);
    expect(state.findings[0]).not.toHaveProperty('PK');
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });

  it('fails fast naming a bad option', () => {
    expect(() => createFindingsStore({ tableName: 'x' })).toThrow(FindingsStoreConfigError);
    expect(() => createFindingsStore({ tableName: 'findings', retentionDays: 0 })).toThrow(/retentionDays/);
  });

  it('reads a scan record consistently (a redelivery must see what the last attempt wrote)', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(store().getClusterScan('scan-1', KEY)).resolves.toBeUndefined();
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });
});
