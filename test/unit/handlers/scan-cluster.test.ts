/**
 * scan-cluster with the real scan service and findings store on an in-process dynalite;
 * the collector is replaced by fixture snapshots and SNS by a recording notifier.
 */
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FindingsStore } from '../../../functions/adapters/findings-store.ts';
import type { AlertMessage } from '../../../functions/core/alert-message.ts';
import type { ScanQueuePort, ScanRequest } from '../../../functions/core/scan-request.ts';
import type { Snapshot } from '../../../functions/core/snapshot.ts';
import {
  handleBatch,
  MAX_TRANSITIONAL_ATTEMPTS,
  type ScanClusterDeps,
} from '../../../functions/handlers/scan-cluster.ts';
import {
  dynaliteForFile,
  eventScanBody,
  freshStore,
  scanClusterDeps,
  sqsRecord,
  storeService,
} from '../../fixtures/scan-cluster-deps.ts';
import { ACCOUNT, buildSnapshot, CLUSTER, REGION } from '../../fixtures/snapshot-builder.ts';

const dynalite = dynaliteForFile();
let tableSeq = 0;

interface World {
  deps: ScanClusterDeps;
  store: FindingsStore;
  alerts: AlertMessage[];
  requeued: ScanRequest[];
  snapshot: Snapshot;
  listed: string[];
}

let world: World;

beforeEach(async () => {
  // A table per test: the store's state never leaks between tests.
  const { store } = await freshStore(dynalite(), `scan-cluster-${++tableSeq}`);
  const alerts: AlertMessage[] = [];
  const requeued: ScanRequest[] = [];
  const queue: ScanQueuePort = {
    async enqueue(requests) {
      requeued.push(...requests);
      return { sent: requests.length, merged: 0, failed: [] };
    },
  };
  world = {
    store,
    alerts,
    requeued,
    listed: [CLUSTER],
    // A cluster whose public endpoint is open to 0.0.0.0/0 (endpoint-public-open, HIGH).
    snapshot: buildSnapshot(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/0'];
    }),
    deps: undefined as unknown as ScanClusterDeps,
  };
  world.deps = scanClusterDeps({
    service: storeService(store, {
      now: () => new Date('2026-01-01T00:01:00.000Z'),
      publish: async (m) => void alerts.push(m),
    }),
    queue,
    collect: async () => structuredClone(world.snapshot),
    listClusters: async () => world.listed,
  });
});

const scanBody = (attempt = 0) => eventScanBody({ attempt });

const context = { functionName: 'scan-cluster', awsRequestId: 'req-1' } as Context;
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

describe('scan-cluster handler', () => {
  it('scans the cluster, stores its findings under the message id and alerts once', async () => {
    // Act
    const response = await handleBatch(world.deps, batch(sqsRecord('msg-1', scanBody())), context);
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    const { findings } = await world.store.loadCluster({
      accountId: ACCOUNT,
      region: REGION,
      clusterName: CLUSTER,
    });
    expect(findings.some((f) => f.ruleId === 'endpoint-public-open' && f.status === 'OPEN')).toBe(true);
    expect((await world.store.getScan('msg-1'))?.status).toBe('COMPLETED');
    expect(world.alerts).toHaveLength(1);
  });

  it('treats a redelivered message as the same scan: nothing applied or alerted twice', async () => {
    await handleBatch(world.deps, batch(sqsRecord('msg-1', scanBody())), context);
    const response = await handleBatch(world.deps, batch(sqsRecord('msg-1', scanBody())), context);
    expect(response.batchItemFailures).toEqual([]);
    expect(world.alerts).toHaveLength(1);
  });

  it('re-enqueues a cluster that is still UPDATING instead of scanning it', async () => {
    world.snapshot.clusters[0]!.cluster.status = 'UPDATING';
    const response = await handleBatch(world.deps, batch(sqsRecord('msg-2', scanBody(0))), context);
    expect(response.batchItemFailures).toEqual([]);
    expect(world.requeued).toEqual([
      expect.objectContaining({ clusterName: CLUSTER, attempt: 1, reason: 'cluster-updating' }),
    ]);
    const { findings } = await world.store.loadCluster({
      accountId: ACCOUNT,
      region: REGION,
      clusterName: CLUSTER,
    });
    expect(findings).toEqual([]);
  });

  it('scans a changing cluster anyway once the re-enqueue budget is spent', async () => {
    world.snapshot.clusters[0]!.cluster.status = 'UPDATING';
    await handleBatch(world.deps, batch(sqsRecord('msg-3', scanBody(MAX_TRANSITIONAL_ATTEMPTS))), context);
    expect(world.requeued).toEqual([]);
    expect(world.alerts).toHaveLength(1);
  });

  it('reports a malformed message as a batch item failure and still processes the others', async () => {
    const response = await handleBatch(
      world.deps,
      batch(sqsRecord('bad', '{"nope":true}', 'other-group'), sqsRecord('good', scanBody())),
      context,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect((await world.store.getScan('good'))?.status).toBe('COMPLETED');
  });

  it('resolves a stored cluster that the region sweep no longer lists', async () => {
    await handleBatch(world.deps, batch(sqsRecord('msg-1', scanBody())), context);
    world.listed = [];
    const sweep = {
      kind: 'region-sweep',
      accountId: ACCOUNT,
      region: REGION,
      liveClusterNames: [],
      reason: 'schedule',
      requestedAt: '2026-01-01T00:00:30.000Z',
    };
    const response = await handleBatch(
      world.deps,
      batch(sqsRecord('sweep-1', sweep, `${ACCOUNT}:${REGION}:*sweep`)),
      context,
    );
    expect(response.batchItemFailures).toEqual([]);
    const { findings, cluster } = await world.store.loadCluster({
      accountId: ACCOUNT,
      region: REGION,
      clusterName: CLUSTER,
    });
    expect(cluster?.deletedAt).toBeDefined();
    expect(findings.every((f) => f.status === 'RESOLVED' && f.resolvedReason === 'cluster-deleted')).toBe(
      true,
    );
  });

  it('does not resolve a cluster created after the sweep listed the region', async () => {
    await handleBatch(world.deps, batch(sqsRecord('msg-1', scanBody())), context);
    // The sweep's listing predates the cluster; EKS lists it now.
    const sweep = {
      kind: 'region-sweep',
      accountId: ACCOUNT,
      region: REGION,
      liveClusterNames: [],
      reason: 'schedule',
      requestedAt: '2026-01-01T00:00:30.000Z',
    };
    await handleBatch(world.deps, batch(sqsRecord('sweep-2', sweep, `${ACCOUNT}:${REGION}:*sweep`)), context);
    const { cluster } = await world.store.loadCluster({
      accountId: ACCOUNT,
      region: REGION,
      clusterName: CLUSTER,
    });
    expect(cluster?.deletedAt).toBeUndefined();
  });
});
