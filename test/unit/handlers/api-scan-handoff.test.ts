/**
 * `POST /scans` of a region or of everything is handed to the sweep function (the API
 * bundle carries no EC2/EKS client). Real API router, queue submitter, sweep's api-scan
 * path, scan-vpc handler and findings store on an in-process dynalite; EKS listing is
 * mocked at the SDK boundary, the queue records what is enqueued.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { withClusterCount } from '../../../functions/adapters/cluster-count-submitter.ts';
import type { FindingsStore } from '../../../functions/adapters/findings-store.ts';
import { createQueueScanSubmitter } from '../../../functions/adapters/queue-scan-submitter.ts';
import { FindingsQueries } from '../../../functions/adapters/store/findings-queries.ts';
import type { ApiDeps } from '../../../functions/core/api/routes.ts';
import type { ApiScanRequest } from '../../../functions/core/api-scan-request.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import type { ScanQueuePort, ScanRequest, VpcScanRequest } from '../../../functions/core/scan-request.ts';
import type { ScanVpcDeps } from '../../../functions/handlers/scan-vpc.ts';
import {
  parseSweepEvent,
  runApiScan,
  type SweepDeps,
  SweepEventError,
  setSweepDeps,
  handler as sweepHandler,
} from '../../../functions/handlers/sweep.ts';
import { callApi } from '../../fixtures/api-call.ts';
import {
  dynaliteForFile,
  freshStore,
  namedClustersSnapshot,
  processVpcScan,
  scanVpcDeps,
  storeService,
} from '../../fixtures/scan-vpc-deps.ts';
import { ACCOUNT, REGION, VPC_ID } from '../../fixtures/snapshot-builder.ts';

const eks = mockClient(EKSClient);
const NOW = new Date('2026-01-01T00:00:00.000Z');
const dynalite = dynaliteForFile();
let seq = 0;
let ids = 0;

afterAll(() => setSweepDeps(undefined));
beforeEach(() => eks.reset());

interface World {
  store: FindingsStore;
  api: ApiDeps;
  sweep: SweepDeps;
  worker: ScanVpcDeps;
  /** Every message enqueued, by the API directly or by the sweep. */
  enqueued: ScanRequest[];
  /** Payloads the API handed to the sweep. */
  invoked: ApiScanRequest[];
}

function recordingQueue(enqueued: ScanRequest[]): ScanQueuePort {
  return {
    async enqueue(requests) {
      enqueued.push(...requests);
      return { sent: requests.length, merged: 0, failed: [] };
    },
  };
}

/** `handOff` decides what the async invoke does: run the sweep now, or only record the payload. */
async function world(handOff: 'run-sweep' | 'record' = 'run-sweep'): Promise<World> {
  const { store, client } = await freshStore(dynalite(), `api-scan-handoff-${++seq}`);
  const enqueued: ScanRequest[] = [];
  const invoked: ApiScanRequest[] = [];
  const sweep: SweepDeps = {
    queue: recordingQueue(enqueued),
    regions: [REGION],
    ec2: new EC2Client({ region: REGION }),
    eks: () => new EKSClient({ region: REGION }),
    logger: new Logger({ logLevel: 'SILENT' }),
    now: () => NOW,
    scans: store,
    clusters: store,
  };
  const api: ApiDeps = {
    store: new FindingsQueries(store, client),
    scans: withClusterCount(
      createQueueScanSubmitter({
        queue: recordingQueue(enqueued),
        sweep: {
          async invoke(request) {
            invoked.push(request);
            // The asynchronous invoke, made synchronous so the test can watch its effect.
            if (handOff === 'run-sweep') await runApiScan(sweep, JSON.parse(JSON.stringify(request)));
          },
        },
        knownClusters: () => store.listAllClusters(),
      }),
      store,
      () => NOW,
    ),
    rules: RULES,
    now: () => NOW,
    newId: () => `scan-${++ids}`,
    cursorSecret: 'test-secret-0123456789',
    maxSuppressionDays: 365,
    logger: { error: () => undefined },
  };
  const worker = scanVpcDeps({
    service: storeService(store, { now: () => new Date('2026-01-01T00:02:00.000Z') }),
    collect: async (_region, clusterNames) => namedClustersSnapshot(clusterNames),
    listClusters: async () => [],
  });
  return { store, api, sweep, worker, enqueued, invoked };
}

/** A scheduled scan of the fixture VPC (the clusters are set per use). */
const scheduled: VpcScanRequest = {
  kind: 'vpc',
  accountId: ACCOUNT,
  region: REGION,
  vpcId: VPC_ID,
  clusterNames: [],
  reason: 'schedule',
  requestedAt: '2026-01-01T00:00:00.000Z',
  attempt: 0,
};

const call = (w: World, method: string, path: string, body?: string) => callApi(w.api, method, path, body);

async function work(w: World, request: ScanRequest, messageId: string) {
  if (request.kind !== 'vpc') throw new Error('an API scan enqueues VPC scans only');
  const response = await processVpcScan(w.worker, request, messageId);
  expect(response.batchItemFailures).toEqual([]);
}

describe('POST /scans handed to the sweep', () => {
  it('answers 202 with the scan id and invokes the sweep with the validated api-scan payload', async () => {
    // Arrange
    const w = await world('record');
    // Act
    const accepted = await call(w, 'POST', '/scans', JSON.stringify({ region: REGION }));
    const everything = await call(w, 'POST', '/scans', '');
    // Assert
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ scanId: expect.any(String) });
    expect(w.invoked[0]).toEqual({
      kind: 'api-scan',
      scanId: accepted.body.scanId,
      accountId: ACCOUNT,
      region: REGION,
      requestedAt: NOW.toISOString(),
    });
    expect(everything.status).toBe(202);
    expect(w.invoked[1]).not.toHaveProperty('region');
    for (const payload of w.invoked)
      expect(parseSweepEvent(payload)).toEqual({ type: 'api-scan', request: payload });
    expect(w.enqueued).toEqual([]); // the API itself enqueued nothing
    // Until the sweep records the count, the scan is queued with an unknown total (not complete).
    const queued = await call(w, 'GET', `/scans/${accepted.body.scanId}`);
    expect(queued.body).toMatchObject({
      status: 'QUEUED',
      progress: { clustersDone: 0, clustersTotal: null },
    });
  });

  it('enqueues a cluster named with its region directly, without the sweep, counting one cluster', async () => {
    // Arrange
    const w = await world('record');
    // Act
    const accepted = await call(w, 'POST', '/scans', JSON.stringify({ region: REGION, cluster: 'alpha' }));
    // Assert
    expect(accepted.status).toBe(202);
    expect(w.invoked).toEqual([]);
    expect(w.enqueued).toEqual([
      expect.objectContaining({
        kind: 'vpc',
        clusterNames: ['alpha'],
        scanId: accepted.body.scanId,
        reason: 'api',
      }),
    ]);
    const scan = await call(w, 'GET', `/scans/${accepted.body.scanId}`);
    expect(scan.body.progress).toEqual({ clustersDone: 0, clustersTotal: 1 });
  });

  it("enqueues a cluster the store knows with its stored VPC, so that it joins that VPC's queue group", async () => {
    // Arrange
    const w = await world('record');
    await work(w, { ...scheduled, clusterNames: ['alpha'] }, 'm-0');
    // Act
    const accepted = await call(w, 'POST', '/scans', JSON.stringify({ cluster: 'alpha' }));
    // Assert
    expect(w.enqueued).toEqual([
      expect.objectContaining({
        kind: 'vpc',
        vpcId: VPC_ID,
        clusterNames: ['alpha'],
        scanId: accepted.body.scanId,
      }),
    ]);
  });

  it('answers 503 and marks the scan FAILED when the sweep cannot be invoked', async () => {
    // Arrange
    const w = await world('record');
    w.api.scans = withClusterCount(
      createQueueScanSubmitter({
        queue: recordingQueue(w.enqueued),
        sweep: {
          invoke: async () => {
            throw new Error('throttled');
          },
        },
        knownClusters: async () => [],
      }),
      w.store,
      () => NOW,
    );
    // Act
    const answer = await call(w, 'POST', '/scans', JSON.stringify({ region: REGION }));
    // Assert
    expect(answer.status).toBe(503);
    const scan = await w.store.getScan(`scan-${ids}`);
    expect(scan?.status).toBe('FAILED');
  });

  it('goes through sweep, queue and scan-vpc to COMPLETED with progress n/n in clusters; a retried invocation counts once', async () => {
    // Arrange: alpha and beta share the fixture VPC (a scheduled scan stored them), gamma is new.
    eks.on(ListClustersCommand).resolves({ clusters: ['alpha', 'beta', 'gamma'] });
    const w = await world('run-sweep');
    await work(w, { ...scheduled, clusterNames: ['alpha', 'beta'] }, 'm-0');
    // Act
    const accepted = await call(w, 'POST', '/scans', JSON.stringify({ region: REGION }));
    const scanId = accepted.body.scanId as string;
    const queued = await call(w, 'GET', `/scans/${scanId}`);
    // Lambda retries an async invocation (up to 2 times) when it fails after enqueueing.
    await runApiScan(w.sweep, w.invoked[0]!);
    const [sharedVpc, newCluster] = w.enqueued.slice(0, 2);
    await work(w, sharedVpc!, 'm-1');
    const running = await call(w, 'GET', `/scans/${scanId}`);
    await work(w, newCluster!, 'm-2');
    const done = await call(w, 'GET', `/scans/${scanId}`);
    // Assert
    expect(accepted.status).toBe(202);
    expect(w.enqueued.slice(0, 2)).toEqual([
      expect.objectContaining({ kind: 'vpc', vpcId: VPC_ID, clusterNames: ['alpha', 'beta'], scanId }),
      expect.objectContaining({
        kind: 'vpc',
        clusterNames: ['gamma'],
        scanId,
        reason: 'api',
        region: REGION,
      }),
    ]);
    expect(w.enqueued[1]).not.toHaveProperty('vpcId');
    // The retry sends the same messages (same scan id and request time: SQS deduplicates them).
    expect(w.enqueued.slice(2)).toEqual(w.enqueued.slice(0, 2));
    expect(queued.body).toMatchObject({ status: 'QUEUED', progress: { clustersDone: 0, clustersTotal: 3 } });
    expect(running.body).toMatchObject({
      status: 'RUNNING',
      progress: { clustersDone: 2, clustersTotal: 3 },
    });
    expect(done.body).toMatchObject({ status: 'COMPLETED', progress: { clustersDone: 3, clustersTotal: 3 } });
  });

  it('completes a region without clusters at once (expected count 0)', async () => {
    // Arrange
    eks.on(ListClustersCommand).resolves({ clusters: [] });
    const w = await world('run-sweep');
    // Act
    const accepted = await call(w, 'POST', '/scans', JSON.stringify({ region: REGION }));
    // Assert
    const scan = await call(w, 'GET', `/scans/${accepted.body.scanId}`);
    expect(scan.body).toMatchObject({ status: 'COMPLETED', progress: { clustersDone: 0, clustersTotal: 0 } });
  });
});

describe('sweep api-scan path', () => {
  async function createdScan(w: World, scanId: string) {
    await w.store.createScan({ scanId, trigger: 'api', status: 'QUEUED', errors: [], tracksClusters: true });
  }
  const request = (scanId: string, region?: string): ApiScanRequest => ({
    kind: 'api-scan',
    scanId,
    accountId: ACCOUNT,
    ...(region ? { region } : {}),
    requestedAt: NOW.toISOString(),
  });

  it('marks the scan FAILED with the reason when a region cannot be listed, and enqueues nothing', async () => {
    // Arrange
    eks
      .on(ListClustersCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const w = await world();
    await createdScan(w, 'failing-list');
    // Act
    const result = await runApiScan(w.sweep, request('failing-list', REGION));
    // Assert
    expect(result.status).toBe('FAILED');
    expect(w.enqueued).toEqual([]);
    const scan = await w.store.getScan('failing-list');
    expect(scan?.status).toBe('FAILED');
    expect(scan?.errors).toEqual([
      expect.objectContaining({
        message: `cannot list the clusters of ${REGION}: AccessDeniedException: denied`,
        operation: 'SweepApiScan',
      }),
    ]);
  });

  it('marks the scan FAILED when scan messages could not be enqueued', async () => {
    // Arrange
    eks.on(ListClustersCommand).resolves({ clusters: ['alpha'] });
    const w = await world();
    w.sweep.queue = {
      enqueue: async (requests) => ({
        sent: 0,
        merged: 0,
        failed: requests.map((r) => ({ request: r, message: 'KMS.DisabledException' })),
      }),
    };
    await createdScan(w, 'failing-queue');
    // Act
    await runApiScan(w.sweep, request('failing-queue', REGION));
    // Assert
    const scan = await w.store.getScan('failing-queue');
    expect(scan?.status).toBe('FAILED');
    expect(scan?.errors[0]?.message).toBe('1 of 1 scan requests not enqueued: KMS.DisabledException');
  });

  it('lists the sweep regions when the API scan names no region', async () => {
    // Arrange
    eks.on(ListClustersCommand).resolves({ clusters: ['c'] });
    const w = await world();
    w.sweep.regions = ['eu-west-1', 'us-east-1'];
    w.sweep.eks = (region) => new EKSClient({ region });
    await createdScan(w, 'all-regions');
    // Act
    const result = await runApiScan(w.sweep, request('all-regions'));
    // Assert
    expect(result).toMatchObject({ status: 'QUEUED', regions: ['eu-west-1', 'us-east-1'], clusters: 2 });
    expect(w.enqueued.map((r) => r.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    const scan = await w.store.getScan('all-regions');
    expect(scan?.progress).toEqual({ clustersDone: 0, clustersTotal: 2 });
  });

  it('handler routes an api-scan payload to the API path and a scheduled event to the sweep', async () => {
    // Arrange
    eks.on(ListClustersCommand).resolves({ clusters: ['alpha'] });
    const w = await world();
    await createdScan(w, 'via-handler');
    setSweepDeps(w.sweep);
    // Act
    const apiScan = await sweepHandler(request('via-handler', REGION));
    const scheduled = await sweepHandler({
      version: '0',
      id: 'evt-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: ACCOUNT,
      time: NOW.toISOString(),
      region: REGION,
      resources: [],
      detail: {},
    });
    // Assert
    expect(apiScan).toMatchObject({ scanId: 'via-handler', status: 'QUEUED', clusters: 1 });
    expect(scheduled).toMatchObject({ regions: [REGION], clusters: 1 });
    expect(w.enqueued.map((r) => [r.kind, r.reason])).toEqual([
      ['vpc', 'api'],
      ['vpc', 'schedule'],
      ['region-sweep', 'schedule'],
    ]);
  });

  it.each([
    [{ kind: 'api-scan', scanId: 's', accountId: '12', requestedAt: NOW.toISOString() }, /accountId/],
    [
      { kind: 'api-scan', scanId: 's', accountId: ACCOUNT, region: 'Mars', requestedAt: NOW.toISOString() },
      /region/,
    ],
    [{ kind: 'api-scan', accountId: ACCOUNT, requestedAt: NOW.toISOString() }, /scanId/],
    [{ kind: 'api-scan', scanId: 's', accountId: ACCOUNT, requestedAt: 'yesterday' }, /requestedAt/],
    [
      { kind: 'api-scan', scanId: 's', accountId: ACCOUNT, requestedAt: NOW.toISOString(), extra: 1 },
      /extra/,
    ],
    [{ kind: 'region', scanId: 's', accountId: ACCOUNT, requestedAt: NOW.toISOString() }, /kind/],
    [{ 'detail-type': 'Scheduled Event', id: 'e' }, /scheduled event: account/],
  ])('rejects a bad sweep input naming the field (%j)', (input, field) => {
    // Act
    const parse = () => parseSweepEvent(input);
    // Assert
    expect(parse).toThrow(SweepEventError);
    expect(parse).toThrow(field);
  });
});
