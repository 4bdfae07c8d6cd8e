/**
 * `POST /scans` of a region splits the scan into one queue message per cluster; the scan
 * record must complete only when the LAST cluster is done (not the first), count each
 * cluster once even when its message is redelivered, and show progress on GET /scans/{id}.
 * Real API router, scan-vpc handler and findings store on an in-process dynalite.
 */
import { describe, expect, it } from 'vitest';
import { withClusterCount } from '../../../functions/adapters/cluster-count-submitter.ts';
import type { FindingsStore } from '../../../functions/adapters/findings-store.ts';
import { FindingsQueries } from '../../../functions/adapters/store/findings-queries.ts';
import type { ApiDeps } from '../../../functions/core/api/routes.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import type { VpcScanRequest } from '../../../functions/core/scan-request.ts';
import type { ScanVpcDeps } from '../../../functions/handlers/scan-vpc.ts';
import { callApi } from '../../fixtures/api-call.ts';
import {
  dynaliteForFile,
  freshStore,
  namedClustersSnapshot,
  processVpcScan,
  scanVpcDeps,
  storeService,
} from '../../fixtures/scan-vpc-deps.ts';
import { REGION } from '../../fixtures/snapshot-builder.ts';

const NOW = new Date('2026-01-01T00:00:00.000Z');
const CLUSTERS = ['alpha', 'beta', 'gamma'];
const dynalite = dynaliteForFile();
let tableSeq = 0;

interface World {
  store: FindingsStore;
  api: ApiDeps;
  worker: ScanVpcDeps;
  enqueued: VpcScanRequest[];
}

async function world(listed: string[]): Promise<World> {
  const { store, client } = await freshStore(dynalite(), `multi-cluster-${++tableSeq}`);
  const enqueued: VpcScanRequest[] = [];
  // One message per listed cluster (as if each had a VPC of its own), all with the API's scan id.
  const submitter = {
    async submit(s: { scanId: string; accountId: string; requestedAt: Date }) {
      for (const clusterName of listed) {
        enqueued.push({
          kind: 'vpc',
          accountId: s.accountId,
          region: REGION,
          clusterNames: [clusterName],
          reason: 'api',
          requestedAt: s.requestedAt.toISOString(),
          scanId: s.scanId,
          attempt: 0,
        });
      }
      return listed.length;
    },
  };
  const api: ApiDeps = {
    store: new FindingsQueries(store, client),
    scans: withClusterCount(submitter, store, () => NOW),
    rules: RULES,
    now: () => NOW,
    newId: () => `scan-${tableSeq}`,
    cursorSecret: 'test-secret-0123456789',
    maxSuppressionDays: 365,
    logger: { error: () => undefined },
  };
  const worker = scanVpcDeps({
    service: storeService(store, { now: () => new Date('2026-01-01T00:02:00.000Z') }),
    // Each cluster: the fixture renamed, public endpoint open to the world (one HIGH finding at least).
    collect: async (_region, clusterNames) =>
      namedClustersSnapshot(clusterNames, ({ cluster }) => {
        cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/0'];
      }),
    listClusters: async () => listed,
  });
  return { store, api, worker, enqueued };
}

const call = (w: World, method: string, path: string, body?: string) => callApi(w.api, method, path, body);

async function work(w: World, request: VpcScanRequest, messageId: string) {
  const response = await processVpcScan(w.worker, request, messageId);
  expect(response.batchItemFailures).toEqual([]);
}

describe('a region scan through POST /scans', () => {
  it('stays RUNNING until its last cluster is done, then COMPLETED with every cluster counted', async () => {
    const w = await world(CLUSTERS);
    const accepted = await call(w, 'POST', '/scans', JSON.stringify({ region: REGION }));
    expect(accepted.status).toBe(202);
    const scanId = accepted.body.scanId as string;
    expect(w.enqueued).toHaveLength(3);

    const queued = await call(w, 'GET', `/scans/${scanId}`);
    await work(w, w.enqueued[0]!, 'm-1');
    const afterOne = await call(w, 'GET', `/scans/${scanId}`);
    await work(w, w.enqueued[0]!, 'm-1'); // redelivered: must not count twice
    await work(w, w.enqueued[1]!, 'm-2');
    const afterTwo = await call(w, 'GET', `/scans/${scanId}`);
    await work(w, w.enqueued[2]!, 'm-3');
    const done = await call(w, 'GET', `/scans/${scanId}`);

    expect(queued.body).toMatchObject({ status: 'QUEUED', progress: { clustersDone: 0, clustersTotal: 3 } });
    expect(afterOne.body).toMatchObject({
      status: 'RUNNING',
      progress: { clustersDone: 1, clustersTotal: 3 },
    });
    expect(afterOne.body).not.toHaveProperty('finishedAt');
    expect(afterTwo.body).toMatchObject({
      status: 'RUNNING',
      progress: { clustersDone: 2, clustersTotal: 3 },
    });
    expect(done.body).toMatchObject({
      status: 'COMPLETED',
      progress: { clustersDone: 3, clustersTotal: 3 },
      finishedAt: expect.any(String),
    });
    expect(done.body.clusters.map((c: { clusterName: string }) => c.clusterName).sort()).toEqual(CLUSTERS);
    // Counts add up over the clusters: each has the open public endpoint (HIGH).
    const perCluster = afterOne.body.counts.HIGH as number;
    expect(perCluster).toBeGreaterThan(0);
    expect(done.body.counts.HIGH).toBe(3 * perCluster);
  });

  it('completes when the clusters finish before the API has recorded how many there are', async () => {
    const w = await world(['alpha']);
    // The worker is faster than the API: the cluster is done before expectClusters lands.
    w.api.scans = {
      submit: async (s) => {
        w.enqueued.push({
          kind: 'vpc',
          accountId: s.accountId,
          region: REGION,
          clusterNames: ['alpha'],
          reason: 'api',
          requestedAt: s.requestedAt.toISOString(),
          scanId: s.scanId,
          attempt: 0,
        });
        await work(w, w.enqueued[0]!, 'm-early');
        await w.store.expectClusters(s.scanId, 1, NOW.toISOString());
        return 1;
      },
    };
    const accepted = await call(w, 'POST', '/scans', '{}');
    const scan = await call(w, 'GET', `/scans/${accepted.body.scanId}`);

    expect(scan.body).toMatchObject({ status: 'COMPLETED', progress: { clustersDone: 1, clustersTotal: 1 } });
  });

  it('completes at once a region scan that found no cluster', async () => {
    const w = await world([]);
    const accepted = await call(w, 'POST', '/scans', JSON.stringify({ region: REGION }));
    const scan = await call(w, 'GET', `/scans/${accepted.body.scanId}`);

    expect(scan.body).toMatchObject({ status: 'COMPLETED', progress: { clustersDone: 0, clustersTotal: 0 } });
  });

  it('is FAILED while its only cluster failed, and COMPLETED once the retried cluster succeeds', async () => {
    const w = await world(['alpha']);
    const scanId = 'scan-retried';
    await w.store.createScan({ scanId, trigger: 'api', status: 'QUEUED', errors: [], tracksClusters: true });
    await w.store.expectClusters(scanId, 1, NOW.toISOString());
    const cluster = { region: REGION, clusterName: 'alpha' };

    await w.store.startScan({ scanId, trigger: 'api', status: 'RUNNING', errors: [] });
    await w.store.finishScan(
      scanId,
      'FAILED',
      NOW.toISOString(),
      [{ message: 'throttled' }],
      [{ ...cluster, failed: true }],
    );
    const failed = await w.store.getScan(scanId);
    // The redelivered message: scanned again, this time successfully.
    await w.store.startScan({ scanId, trigger: 'api', status: 'RUNNING', errors: [] });
    await w.store.finishScan(scanId, 'COMPLETED', NOW.toISOString(), [], [{ ...cluster, failed: false }]);
    const retried = await w.store.getScan(scanId);

    expect(failed).toMatchObject({ status: 'FAILED', progress: { clustersDone: 1, clustersTotal: 1 } });
    expect(retried).toMatchObject({ status: 'COMPLETED', progress: { clustersDone: 1, clustersTotal: 1 } });
  });
});
