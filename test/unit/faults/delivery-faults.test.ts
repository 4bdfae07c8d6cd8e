/**
 * Delivery faults around the scan-cluster Lambda, with the real scan service and the
 * findings store on dynalite (real conditional writes): SNS outages, concurrent scans of
 * one cluster, duplicate and late SQS deliveries, poison messages.
 */
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { type FindingsRepository, VersionConflictError } from '../../../functions/core/ports.ts';
import type { Snapshot } from '../../../functions/core/snapshot.ts';
import { handleBatch, type ScanVpcDeps } from '../../../functions/handlers/scan-vpc.ts';
import { dynaliteForFile, eventScanBody, scanVpcDeps, sqsRecord } from '../../fixtures/scan-vpc-deps.ts';
import { ACCOUNT, buildSnapshot, CLUSTER, REGION } from '../../fixtures/snapshot-builder.ts';
import { type StoreWorld, storeWorld } from './world.ts';

const KEY = { accountId: ACCOUNT, region: REGION, clusterName: CLUSTER };
const context = { functionName: 'scan-cluster', awsRequestId: 'req-1' } as Context;

const dynalite = dynaliteForFile();
let world: StoreWorld;
/** What the collector sees, per call: the cluster's endpoint open or fixed, and when. */
let observed: { open: boolean; at: string };
/** Conflicts the store raised (proof that the concurrency tests really raced). */
let conflicts: number;

beforeEach(async () => {
  world = await storeWorld(dynalite(), 'delivery-faults', () => new Date('2026-01-02T00:00:00.000Z'));
  observed = { open: true, at: '2026-01-01T00:00:00.000Z' };
  conflicts = 0;
});

function snapshot(open: boolean, at: string): Snapshot {
  const built = buildSnapshot(({ cluster }) => {
    cluster.cluster.resourcesVpcConfig.publicAccessCidrs = open ? ['0.0.0.0/0'] : ['203.0.113.0/24'];
  });
  return { ...built, scannedAt: at };
}

/**
 * The scan-vpc dependencies on `world`'s store. `barrier` holds each scan's first
 * load until `barrier` scans have loaded, so they all reconcile against the same state
 * and race on the conditional commit.
 */
function deps(options: { barrier?: number; collect?: () => Snapshot } = {}): ScanVpcDeps {
  const waiting: (() => void)[] = [];
  let armed = (options.barrier ?? 0) > 1;
  const repository = new Proxy(world.store as FindingsRepository, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'loadCluster' && armed) {
        return async (...args: unknown[]) => {
          const state = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (armed) {
            await new Promise<void>((release) => {
              waiting.push(release);
              if (waiting.length === options.barrier) {
                armed = false;
                for (const r of waiting) r();
              }
            });
          }
          return state;
        };
      }
      if (prop === 'commitClusterScan') {
        return async (...args: unknown[]) => {
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } catch (error) {
            if (error instanceof VersionConflictError) conflicts++;
            throw error;
          }
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return scanVpcDeps({
    service: { ...world.service, repository },
    collect: async () => options.collect?.() ?? snapshot(observed.open, observed.at),
    listClusters: async () => [CLUSTER],
  });
}

const scanBody = (clusterName = CLUSTER) => eventScanBody({ clusterName });

const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

async function deliver(id: string, d = deps()) {
  return handleBatch(d, batch(sqsRecord(id, scanBody())), context);
}

async function endpointFinding() {
  const { findings } = await world.store.loadCluster(KEY);
  return findings.filter((f) => f.ruleId === 'endpoint-public-open');
}

const alertsOf = (scanId: string) => world.alerts.filter((a) => a.Message.includes(scanId));

describe('SNS outage during reconcile', () => {
  it('stores the findings, keeps the alert pending, and sends it exactly once after SNS recovers', async () => {
    // Arrange
    world.publish = async () => {
      throw Object.assign(new Error('Service Unavailable'), { name: 'InternalError' });
    };
    // Act: the outage scan, then two later scans with SNS back.
    const during = await deliver('msg-1');
    const storedDuringOutage = await endpointFinding();
    world.publish = async (m) => void world.alerts.push(m);
    observed.at = '2026-01-01T01:00:00.000Z';
    await deliver('msg-2');
    observed.at = '2026-01-01T02:00:00.000Z';
    await deliver('msg-3');
    await deliver('msg-1'); // and a late redelivery of the outage scan
    // Assert
    expect(during.batchItemFailures).toEqual([]);
    expect(storedDuringOutage.map((f) => f.status)).toEqual(['OPEN']);
    expect(world.alerts).toHaveLength(1);
    expect(alertsOf('msg-1')).toHaveLength(1);
    expect((await world.store.loadCluster(KEY)).cluster?.pendingAlertScanIds).toEqual([]);
  });

  it('sends the pending alert once when only the outage message is redelivered', async () => {
    // Arrange
    let calls = 0;
    world.publish = async (m) => {
      calls++;
      if (calls === 1) throw new Error('SNS throttled');
      world.alerts.push(m);
    };
    await deliver('msg-1');
    // Act
    await deliver('msg-1');
    await deliver('msg-1');
    // Assert
    expect(calls).toBe(2);
    expect(world.alerts).toHaveLength(1);
  });
});

describe('concurrent scans of one cluster (DynamoDB conditional-check conflicts)', () => {
  it('two scans racing on the same state: one commit wins, the other reloads; no lost update, one alert', async () => {
    // Arrange
    const d = deps({ barrier: 2 });
    // Act
    const [a, b] = await Promise.all([deliver('msg-a', d), deliver('msg-b', d)]);
    // Assert
    expect(conflicts).toBeGreaterThanOrEqual(1);
    expect(a.batchItemFailures).toEqual([]);
    expect(b.batchItemFailures).toEqual([]);
    expect((await endpointFinding()).map((f) => f.status)).toEqual(['OPEN']);
    expect(world.alerts).toHaveLength(1);
    const { cluster } = await world.store.loadCluster(KEY);
    expect(['msg-a', 'msg-b']).toContain(cluster?.lastScanId);
    expect(await world.store.getClusterScan('msg-a', KEY)).toBeDefined();
    expect(await world.store.getClusterScan('msg-b', KEY)).toBeDefined();
  });

  it('an older and a newer scan racing: whatever the commit order, the newer state wins', async () => {
    // Arrange: the finding is open; the older scan still sees it, the newer one sees it fixed.
    await deliver('msg-0');
    let n = 0;
    const d = deps({
      barrier: 2,
      collect: () =>
        n++ === 0 ? snapshot(true, '2026-01-01T01:00:00.000Z') : snapshot(false, '2026-01-01T02:00:00.000Z'),
    });
    // Act
    const results = await Promise.all([deliver('msg-old', d), deliver('msg-new', d)]);
    // Assert
    for (const r of results) expect(r.batchItemFailures).toEqual([]);
    expect((await endpointFinding()).map((f) => f.status)).toEqual(['RESOLVED']);
    expect((await world.store.loadCluster(KEY)).cluster?.lastScanAt).toBe('2026-01-01T02:00:00.000Z');
    // One OPENED alert (msg-0), one RESOLVED alert (msg-new); the stale scan alerts nothing.
    expect(world.alerts).toHaveLength(2);
    expect(alertsOf('msg-old')).toHaveLength(0);
  });

  it('the same message delivered twice at once is applied and alerted once', async () => {
    // Arrange
    const d = deps({ barrier: 2 });
    // Act
    const results = await Promise.all([deliver('msg-dup', d), deliver('msg-dup', d)]);
    // Assert
    for (const r of results) expect(r.batchItemFailures).toEqual([]);
    expect(world.alerts).toHaveLength(1);
    expect((await endpointFinding()).map((f) => f.status)).toEqual(['OPEN']);
  });
});

describe('late and duplicate SQS deliveries', () => {
  it('a snapshot processed after a newer scan never regresses the state', async () => {
    // Arrange: open at t0, fixed at t2.
    await deliver('msg-0');
    observed = { open: false, at: '2026-01-01T02:00:00.000Z' };
    await deliver('msg-new');
    // Act: a delayed scan whose snapshot (t1) predates the newer one.
    observed = { open: true, at: '2026-01-01T01:00:00.000Z' };
    const late = await deliver('msg-late');
    // Assert
    expect(late.batchItemFailures).toEqual([]);
    expect((await endpointFinding()).map((f) => f.status)).toEqual(['RESOLVED']);
    expect((await world.store.getClusterScan('msg-late', KEY))?.outcome).toBe('SKIPPED');
    expect(alertsOf('msg-late')).toHaveLength(0);
    expect(world.alerts).toHaveLength(2);
  });
});

describe('poison messages', () => {
  it('fails unparseable bodies and an unknown cluster as batch items; other clusters in the batch proceed', async () => {
    // Arrange
    const event = batch(
      sqsRecord('poison-json', '{not json', 'g-1'),
      sqsRecord('poison-null', 'null', 'g-2'),
      sqsRecord('poison-shape', { hello: 'world' }, 'g-3'),
      sqsRecord('poison-ghost', scanBody('ghost'), `${ACCOUNT}:${REGION}:ghost`),
      sqsRecord('good', scanBody()),
    );
    // Act
    const response = await handleBatch(deps(), event, context);
    // Assert
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([
      'poison-ghost',
      'poison-json',
      'poison-null',
      'poison-shape',
    ]);
    expect((await world.store.getScan('good'))?.status).toBe('COMPLETED');
    expect((await endpointFinding()).map((f) => f.status)).toEqual(['OPEN']);
    // The unknown cluster left nothing behind that could later look like a real cluster.
    expect((await world.store.loadCluster({ ...KEY, clusterName: 'ghost' })).cluster).toBeUndefined();
  });

  it('keeps failing a poison message on every delivery (so maxReceiveCount dead-letters it)', async () => {
    // Act: alone in its batch, every receive fails the whole invocation (Powertools'
    // FullBatchFailureError), which returns the message to the queue like an item failure.
    const outcomes: unknown[] = [];
    for (let receive = 1; receive <= 3; receive++) {
      outcomes.push(
        await handleBatch(deps(), batch(sqsRecord('ghost-1', scanBody('ghost'), 'g-ghost')), context).then(
          (r) => r,
          (error: Error) => error.name,
        ),
      );
    }
    // Assert
    expect(outcomes).toEqual(['FullBatchFailureError', 'FullBatchFailureError', 'FullBatchFailureError']);
    expect(await world.store.getScan('ghost-1')).toBeUndefined();
  });

  it('still resolves a known cluster that EKS no longer describes (deleted, not poison)', async () => {
    // Arrange
    await deliver('msg-0');
    const withoutCluster = () => ({ ...snapshot(false, '2026-01-01T03:00:00.000Z'), clusters: [], vpcs: [] });
    // Act
    const response = await handleBatch(
      deps({ collect: withoutCluster }),
      batch(sqsRecord('msg-gone', scanBody())),
      context,
    );
    // Assert
    expect(response.batchItemFailures).toEqual([]);
    const [finding] = await endpointFinding();
    expect(finding?.resolvedReason).toBe('cluster-deleted');
  });
});
