/**
 * scan-vpc with the real scan service and findings store on an in-process dynalite;
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
  type ScanVpcDeps,
} from '../../../functions/handlers/scan-vpc.ts';
import {
  dynaliteForFile,
  eventScanBody,
  freshStore,
  scanVpcDeps,
  sqsRecord,
  storeService,
} from '../../fixtures/scan-vpc-deps.ts';
import {
  ACCOUNT,
  baseCluster,
  buildSnapshot,
  CLUSTER,
  REGION,
  VPC_ID,
} from '../../fixtures/snapshot-builder.ts';

const dynalite = dynaliteForFile();
let tableSeq = 0;

interface World {
  deps: ScanVpcDeps;
  store: FindingsStore;
  alerts: AlertMessage[];
  requeued: ScanRequest[];
  snapshot: Snapshot;
  listed: string[];
  /** The cluster names of each collect call. */
  collected: string[][];
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
    collected: [],
    // A cluster whose public endpoint is open to 0.0.0.0/0 (endpoint-public-open, HIGH).
    snapshot: buildSnapshot(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/0'];
    }),
    deps: undefined as unknown as ScanVpcDeps,
  };
  world.deps = scanVpcDeps({
    service: storeService(store, {
      now: () => new Date('2026-01-01T00:01:00.000Z'),
      publish: async (m) => void alerts.push(m),
    }),
    queue,
    collect: async (_region, clusterNames) => {
      world.collected.push(clusterNames);
      return structuredClone(world.snapshot);
    },
    listClusters: async () => world.listed,
  });
});

const scanBody = (attempt = 0) => eventScanBody({ attempt });

const context = { functionName: 'scan-vpc', awsRequestId: 'req-1' } as Context;
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

describe('scan-vpc handler', () => {
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
      expect.objectContaining({
        kind: 'vpc',
        vpcId: VPC_ID,
        clusterNames: [CLUSTER],
        attempt: 1,
        reason: 'cluster-updating',
      }),
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
  /** The fixture VPC with a second cluster "other" (public endpoint open too) beside the fixture's. */
  function twoClusterVpc(otherStatus = 'ACTIVE'): Snapshot {
    const snapshot = structuredClone(world.snapshot);
    const other = baseCluster();
    other.cluster.name = 'other';
    other.cluster.arn = other.cluster.arn.replace(`/${CLUSTER}`, '/other');
    other.cluster.status = otherStatus;
    other.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/0'];
    snapshot.clusters.push(other);
    return snapshot;
  }

  const clusterKey = (clusterName: string) => ({ accountId: ACCOUNT, region: REGION, clusterName });

  it('collects the VPC once for every named cluster and stores and alerts each cluster on its own', async () => {
    // Arrange
    world.snapshot = twoClusterVpc();
    const body = eventScanBody({ clusterNames: [CLUSTER, 'other'] });
    // Act
    const response = await handleBatch(world.deps, batch(sqsRecord('vpc-1', body)), context);
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(world.collected).toEqual([[CLUSTER, 'other']]);
    for (const name of [CLUSTER, 'other']) {
      const { findings, cluster } = await world.store.loadCluster(clusterKey(name));
      expect(cluster?.lastScanId).toBe('vpc-1');
      expect(findings.some((f) => f.ruleId === 'endpoint-public-open' && f.status === 'OPEN')).toBe(true);
    }
    expect(world.alerts.map((a) => a.MessageAttributes.clusterName?.StringValue).sort()).toEqual([
      CLUSTER,
      'other',
    ]);
  });

  it('collects the VPCs of a whole batch in one pass and stores each message under its own scan', async () => {
    // Arrange: two messages of two VPCs in one batch, as the FIFO event source delivers them.
    const farVpc = 'vpc-0e0e0e0e';
    const snapshot = twoClusterVpc();
    const far = snapshot.clusters[1]!;
    far.vpcId = farVpc;
    far.cluster.resourcesVpcConfig.vpcId = farVpc;
    snapshot.vpcs.push({ ...structuredClone(snapshot.vpcs[0]!), vpcId: farVpc });
    world.snapshot = snapshot;
    const first = eventScanBody({ clusterNames: [CLUSTER] });
    const second = { ...eventScanBody({ clusterNames: ['other'] }), vpcId: farVpc };
    // Act
    const response = await handleBatch(
      world.deps,
      batch(sqsRecord('b-1', first), sqsRecord('b-2', second, `${ACCOUNT}:${REGION}:${farVpc}`)),
      context,
    );
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(world.collected).toEqual([[CLUSTER, 'other']]);
    expect((await world.store.loadCluster(clusterKey(CLUSTER))).cluster?.lastScanId).toBe('b-1');
    expect((await world.store.loadCluster(clusterKey('other'))).cluster).toMatchObject({
      lastScanId: 'b-2',
      vpcId: farVpc,
    });
    expect((await world.store.getScan('b-1'))?.status).toBe('COMPLETED');
  });

  it('re-enqueues a changing cluster alone and scans the rest of its VPC', async () => {
    // Arrange
    world.snapshot = twoClusterVpc('UPDATING');
    const body = eventScanBody({ clusterNames: [CLUSTER, 'other'] });
    // Act
    const response = await handleBatch(world.deps, batch(sqsRecord('vpc-2', body)), context);
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(world.requeued).toEqual([
      expect.objectContaining({
        vpcId: VPC_ID,
        clusterNames: ['other'],
        attempt: 1,
        reason: 'cluster-updating',
      }),
    ]);
    expect((await world.store.loadCluster(clusterKey('other'))).cluster).toBeUndefined();
    expect((await world.store.loadCluster(clusterKey(CLUSTER))).cluster?.lastScanId).toBe('vpc-2');
    expect(world.alerts.map((a) => a.MessageAttributes.clusterName?.StringValue)).toEqual([CLUSTER]);
  });

  it('scans the clusters it knows when a named one is unknown to EKS and the store', async () => {
    // Arrange: the sweep listed "ghost", deleted before any scan stored it.
    const body = eventScanBody({ clusterNames: [CLUSTER, 'ghost'] });
    // Act
    const response = await handleBatch(world.deps, batch(sqsRecord('vpc-3', body)), context);
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect((await world.store.loadCluster(clusterKey(CLUSTER))).cluster?.lastScanId).toBe('vpc-3');
    expect((await world.store.loadCluster(clusterKey('ghost'))).cluster).toBeUndefined();
  });

  it('scans a message queued before the upgrade (one cluster, no VPC) as the scan of that cluster', async () => {
    // Arrange
    const legacy = {
      accountId: ACCOUNT,
      region: REGION,
      clusterName: CLUSTER,
      reason: 'event',
      requestedAt: '2026-01-01T00:00:00.000Z',
      attempt: 0,
    };
    // Act
    const response = await handleBatch(
      world.deps,
      batch(sqsRecord('legacy-1', legacy, `${ACCOUNT}:${REGION}:${CLUSTER}`)),
      context,
    );
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(world.collected).toEqual([[CLUSTER]]);
    expect((await world.store.loadCluster(clusterKey(CLUSTER))).cluster?.lastScanId).toBe('legacy-1');
  });
});
