/**
 * The findings store and the scan service against real DynamoDB wire protocols: dynalite
 * in process (always), and moto's DynamoDB when MOTO_ENDPOINT is set (skipped loudly
 * otherwise; a failure under CI=true). The same suite runs against both.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../functions/adapters/aws-clients.ts';
import {
  createFindingsTable,
  type DynaliteServer,
  startDynalite,
} from '../../functions/adapters/dynalite-server.ts';
import {
  createDocumentClient,
  createFindingsStore,
  type FindingsStore,
} from '../../functions/adapters/findings-store.ts';
import type { AlertMessage } from '../../functions/core/alert-message.ts';
import { DEFAULT_RULE_CONFIG } from '../../functions/core/config.ts';
import {
  type ClusterRecord,
  type ClusterScanRecord,
  emptyCounts,
  ScanAlreadyRecordedError,
  type ScanServiceDeps,
  VersionConflictError,
} from '../../functions/core/ports.ts';
import { processSnapshot } from '../../functions/core/process-scan.ts';
import { endpointPublicOpen } from '../../functions/core/rules/endpoint-public-open.ts';
import type { Snapshot } from '../../functions/core/snapshot.ts';
import type { Suppression } from '../../functions/core/suppression.ts';
import { ACCOUNT, buildSnapshot, CLUSTER, REGION, VPC_ID } from '../fixtures/snapshot-builder.ts';
import { describeWithMoto } from './moto.ts';

interface Harness {
  client: DynamoDBClient;
  tableName: string;
}

/** Counts the finding items each PutItem wrote, to check "an unchanged re-sweep writes no finding". */
function countFindingPuts(client: DynamoDBClient): { findings: number } {
  const counter = { findings: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      // Runs after lib-dynamodb marshalled the input: SK is an attribute value ({ S }).
      const input = args.input as { Item?: { SK?: { S?: string } } };
      if (
        /^Put(Item)?Command$/.test(String(context.commandName)) &&
        input.Item?.SK?.S?.startsWith('FINDING#')
      ) {
        counter.findings++;
      }
      return next(args);
    },
    { step: 'build', name: 'countFindingPuts' },
  );
  return counter;
}

function storeSuite(label: string, connect: () => Promise<Harness>, cleanup: () => Promise<void>): void {
  describe(`findings store on ${label}`, () => {
    let store: FindingsStore;
    let harness: Harness;
    let counter: { findings: number };
    const published: AlertMessage[] = [];
    let now = new Date('2026-01-01T00:05:00.000Z');
    // Unique account per run, so suites sharing one moto never see each other's items.
    const account = `${Math.floor(1e11 + Math.random() * 8e11)}`;
    const key = { accountId: account, region: REGION, clusterName: CLUSTER };

    beforeAll(async () => {
      harness = await connect();
      counter = countFindingPuts(harness.client);
      store = createFindingsStore({
        tableName: harness.tableName,
        client: createDocumentClient(harness.client),
      });
    });
    afterAll(cleanup);

    function deps(): ScanServiceDeps {
      return {
        repository: store,
        suppressions: store,
        notifier: { publish: async (m) => void published.push(m) },
        clock: { now: () => now },
      };
    }

    function snapshot(scannedAt: string, open: boolean): Snapshot {
      return buildSnapshot(({ cluster, snapshot }) => {
        snapshot.accountId = account;
        snapshot.scannedAt = scannedAt;
        if (open) cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/0'];
      });
    }

    const scan = (scanId: string, s: Snapshot) =>
      processSnapshot(deps(), {
        scanId,
        trigger: 'schedule',
        snapshot: s,
        rules: [endpointPublicOpen],
        ruleConfig: DEFAULT_RULE_CONFIG,
      });

    it('stores OPEN findings and alerts once on a first sweep', async () => {
      const result = await scan('scan-1', snapshot('2026-01-01T00:00:00.000Z', true));
      expect(result.status).toBe('COMPLETED');
      const state = await store.loadCluster(key);
      expect(state.findings.map((f) => [f.ruleId, f.status, f.version])).toEqual([
        ['endpoint-public-open', 'OPEN', 1],
      ]);
      expect(state.cluster).toMatchObject({ vpcId: VPC_ID, lastCompleteScanId: 'scan-1', version: 1 });
      expect(state.cluster?.openCounts.HIGH).toBe(1);
      expect(published).toHaveLength(1);
      expect(counter.findings).toBe(1);
    });

    it('writes no finding and publishes nothing on an unchanged re-sweep', async () => {
      now = new Date('2026-01-02T00:05:00.000Z');
      const before = counter.findings;
      await scan('scan-2', snapshot('2026-01-02T00:00:00.000Z', true));
      expect(counter.findings).toBe(before);
      expect(published).toHaveLength(1);
      const state = await store.loadCluster(key);
      expect(state.cluster?.lastCompleteScanAt).toBe('2026-01-02T00:00:00.000Z');
      expect(state.findings[0]?.version).toBe(1);
    });

    it('sends nothing more when a scan is redelivered', async () => {
      const again = await scan('scan-2', snapshot('2026-01-02T00:00:00.000Z', true));
      expect(again.clusters[0]?.outcome).toBe('ALREADY_PROCESSED');
      expect(published).toHaveLength(1);
    });

    it('serves the query API from the indexes, newest first', async () => {
      const byStatus = await store.queryFindings({ status: 'OPEN', severity: 'HIGH', accountId: account });
      const byCluster = await store.queryFindings({ clusterName: CLUSTER, accountId: account });
      const byRule = await store.queryFindings({
        ruleId: 'endpoint-public-open',
        accountId: account,
        region: REGION,
      });
      expect(byStatus.items).toHaveLength(1);
      expect(byCluster.items.map((f) => f.id)).toEqual(byStatus.items.map((f) => f.id));
      expect(byRule.items.map((f) => f.id)).toEqual(byStatus.items.map((f) => f.id));
      const id = byStatus.items[0]?.id ?? '';
      expect((await store.getFinding(id))?.status).toBe('OPEN');
      expect((await store.findClustersByVpc(account, REGION, VPC_ID)).map((c) => c.clusterName)).toEqual([
        CLUSTER,
      ]);
    });

    it('resolves a fixed finding with a TTL and alerts RESOLVED', async () => {
      now = new Date('2026-01-03T00:05:00.000Z');
      await scan('scan-3', snapshot('2026-01-03T00:00:00.000Z', false));
      const [finding] = (await store.loadCluster(key)).findings;
      expect(finding).toMatchObject({ status: 'RESOLVED', resolvedReason: 'fixed', version: 2 });
      expect(published.map((m) => m.MessageAttributes.transition?.StringValue)).toEqual([
        'OPENED',
        'RESOLVED',
      ]);
      const raw = await createDocumentClient(harness.client).send(
        new GetCommand({
          TableName: harness.tableName,
          Key: { PK: `CLUSTER#${account}#${REGION}#${CLUSTER}`, SK: `FINDING#${finding?.id}` },
        }),
      );
      expect(raw.Item?.expiresAt).toBe(Date.parse('2026-01-03T00:05:00.000Z') / 1000 + 90 * 86_400);
    });

    it('summarises a scan with its clusters counts', async () => {
      const summary = await store.getScan('scan-1');
      expect(summary).toMatchObject({ scanId: 'scan-1', status: 'COMPLETED', trigger: 'schedule' });
      expect(summary?.counts.HIGH).toBe(1);
      expect(summary?.clusters[0]).toMatchObject({ alertState: 'SENT', phase: 'COMMITTED' });
    });

    it('rejects a cluster write from a stale version and a second commit of one scan', async () => {
      const state = await store.loadCluster(key);
      const cluster = state.cluster as ClusterRecord;
      const record: ClusterScanRecord = {
        ...key,
        scanId: 'scan-3',
        scannedAt: '2026-01-03T00:00:00.000Z',
        phase: 'COMMITTED',
        outcome: 'PROCESSED',
        counts: emptyCounts(),
        transitions: {},
        findingWrites: 0,
        errors: [],
        alertState: 'NONE',
        processedAt: now.toISOString(),
      };
      const stale = {
        cluster: { ...cluster, version: cluster.version },
        expectedClusterVersion: cluster.version - 1,
        writes: [],
        record: { ...record, scanId: 'scan-x' },
      };
      await expect(store.commitClusterScan(stale)).rejects.toBeInstanceOf(VersionConflictError);
      const finding = state.findings[0];
      if (!finding) throw new Error('no finding');
      const staleFinding = {
        ...stale,
        expectedClusterVersion: cluster.version,
        writes: [{ finding: { ...finding, version: 9 }, expectedVersion: 7 }],
      };
      await expect(
        store.commitClusterScan({ ...staleFinding, record: { ...record, scanId: 'scan-y' } }),
      ).rejects.toBeInstanceOf(VersionConflictError);
      const replay = {
        cluster: { ...cluster, version: cluster.version + 1 },
        expectedClusterVersion: cluster.version,
        writes: [],
        record,
      };
      await expect(store.commitClusterScan(replay)).rejects.toBeInstanceOf(ScanAlreadyRecordedError);
    });

    it('keeps suppressions with an audit trail and a tombstone on delete', async () => {
      const suppression: Suppression = {
        id: `sup-${randomUUID()}`,
        ruleId: 'endpoint-public-open',
        accountId: account,
        reason: 'accepted risk',
        expiresAt: '2026-03-01T00:00:00.000Z',
        createdBy: 'alice',
        createdAt: '2026-01-03T00:00:00.000Z',
        source: 'api',
      };
      expect(await store.putSuppression(suppression)).toBe(true);
      expect(await store.putSuppression(suppression)).toBe(false);
      expect(await store.getSuppression(suppression.id)).toEqual(suppression);
      expect((await store.listSuppressions()).map((s) => s.id)).toContain(suppression.id);
      const deleted = await store.deleteSuppression(
        suppression.id,
        'bob',
        new Date('2026-01-04T00:00:00.000Z'),
      );
      expect(deleted).toMatchObject({ deletedBy: 'bob', deletedAt: '2026-01-04T00:00:00.000Z' });
      expect((await store.listSuppressions()).map((s) => s.id)).not.toContain(suppression.id);
      const withDeleted = await store.listSuppressionRecords({ includeDeleted: true });
      expect(withDeleted.find((s) => s.id === suppression.id)?.deletedBy).toBe('bob');
      expect((await store.getSuppressionAudit(suppression.id)).map((a) => [a.action, a.actor])).toEqual([
        ['CREATED', 'alice'],
        ['DELETED', 'bob'],
      ]);
      await expect(store.deleteSuppression(suppression.id, 'bob', now)).rejects.toThrow(/already deleted/);
      expect((await store.getSuppressions([suppression.id, 'missing'])).map((s) => s.id)).toEqual([
        suppression.id,
      ]);
    });

    it('resolves a deleted cluster and drops it from the VPC index', async () => {
      now = new Date('2026-01-05T00:05:00.000Z');
      await scan('scan-4', snapshot('2026-01-05T00:00:00.000Z', true));
      const gone = buildSnapshot(({ snapshot }) => {
        snapshot.accountId = account;
        snapshot.scannedAt = '2026-01-06T00:00:00.000Z';
        snapshot.clusters = [];
      });
      now = new Date('2026-01-06T00:05:00.000Z');
      const result = await scan('scan-5', gone);
      expect(result.deleted).toEqual([key]);
      const state = await store.loadCluster(key);
      expect(state.findings[0]).toMatchObject({ status: 'RESOLVED', resolvedReason: 'cluster-deleted' });
      expect(state.cluster?.deletedAt).toBeDefined();
      expect(await store.findClustersByVpc(account, REGION, VPC_ID)).toEqual([]);
    });
  });
}

let dynalite: DynaliteServer | undefined;
storeSuite(
  'dynalite',
  async () => {
    dynalite = await startDynalite();
    return { client: dynalite.client, tableName: dynalite.tableName };
  },
  async () => {
    await dynalite?.close();
  },
);

describeWithMoto('findings store on moto', (endpoint) => {
  const tableName = `netguard-findings-${randomUUID().slice(0, 8)}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-north-1',
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts: 2,
  });
  storeSuite(
    'moto',
    async () => {
      await createFindingsTable(client, tableName);
      return { client, tableName };
    },
    async () => {
      client.destroy();
    },
  );
});

void ACCOUNT;
