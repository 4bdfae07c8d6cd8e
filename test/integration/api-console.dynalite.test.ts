/**
 * What the findings console needs from the API, against a real DynamoDB wire protocol
 * (dynalite, in process): findings worst first then by cluster (paged with cursors),
 * free-text search, the scans list with its per-scan open counts (the trend), and the
 * settings the suppression form reads.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynaliteServer, startDynalite } from '../../functions/adapters/dynalite-server.ts';
import {
  createDocumentClient,
  createFindingsStore,
  type FindingsStore,
} from '../../functions/adapters/findings-store.ts';
import { FindingsQueries } from '../../functions/adapters/store/findings-queries.ts';
import { clusterToItem, findingToItem } from '../../functions/adapters/store/items.ts';
import { type ApiRequest, handleApiRequest } from '../../functions/core/api/router.ts';
import type { ApiDeps } from '../../functions/core/api/routes.ts';
import type { StoredFinding } from '../../functions/core/lifecycle.ts';
import type { Severity } from '../../functions/core/model.ts';
import type { ClusterRecord } from '../../functions/core/ports.ts';
import { RULES } from '../../functions/core/rules/index.ts';

const ACCOUNT = '111111111111';
const NOW = new Date('2026-03-01T12:00:00.000Z');

let dynamo: DynaliteServer;
let store: FindingsStore;
let deps: ApiDeps;

function finding(n: number, clusterName: string, severity: Severity, over: Partial<StoredFinding> = {}) {
  const minute = String(n).padStart(2, '0');
  return {
    id: `c${String(n).padStart(31, '0')}`,
    ruleId: RULES[n % 7]?.id ?? 'endpoint-public-open',
    severity,
    title: `Finding number ${n}`,
    accountId: ACCOUNT,
    region: 'us-east-1',
    clusterName,
    resourceType: 'subnet',
    resourceId: `subnet-0abc${n}`,
    evidence: {},
    remediation: 'fix it',
    references: [],
    status: 'OPEN',
    firstSeenAt: '2026-02-01T00:00:00.000Z',
    lastSeenAt: `2026-02-01T00:${minute}:00.000Z`,
    reopenedCount: 0,
    // Newest first would interleave severities and clusters: minute grows with n.
    updatedAt: `2026-02-01T00:${minute}:00.000Z`,
    version: 1,
    ...over,
  } satisfies StoredFinding;
}

const FINDINGS: StoredFinding[] = [
  finding(1, 'zulu', 'LOW'),
  finding(2, 'alpha', 'CRITICAL'),
  finding(3, 'zulu', 'CRITICAL'),
  finding(4, 'mike', 'HIGH'),
  finding(5, 'alpha', 'LOW'),
  finding(6, 'alpha', 'HIGH'),
  finding(7, 'mike', 'CRITICAL', { title: 'Public ENDPOINT open to the world' }),
  finding(8, 'zulu', 'MEDIUM'),
  finding(9, 'mike', 'HIGH', { status: 'SUPPRESSED', suppressionId: 'sup-1' }),
  finding(10, 'alpha', 'MEDIUM'),
];

function cluster(clusterName: string, open: Partial<Record<Severity, number>>, deletedAt?: string) {
  return {
    accountId: ACCOUNT,
    region: 'us-east-1',
    clusterName,
    openCounts: { LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0, ...open },
    suppressedCount: 0,
    pendingAlertScanIds: [],
    updatedAt: NOW.toISOString(),
    version: 1,
    ...(deletedAt ? { deletedAt } : {}),
  } satisfies ClusterRecord;
}

async function get(path: string, query: Record<string, string> = {}) {
  const request: ApiRequest = {
    method: 'GET',
    path,
    query,
    caller: { id: 'tester', accountId: ACCOUNT },
    requestId: 'req-1',
  };
  const answer = await handleApiRequest(request, deps);
  return { status: answer.statusCode, body: JSON.parse(answer.body) };
}

beforeAll(async () => {
  dynamo = await startDynalite();
  const client = createDocumentClient(dynamo.client);
  store = createFindingsStore({ tableName: dynamo.tableName, client });
  for (const f of FINDINGS)
    await client.send(new PutCommand({ TableName: dynamo.tableName, Item: findingToItem(f, 90) }));
  deps = {
    store: new FindingsQueries(store, client),
    scans: { submit: async () => 1 },
    rules: RULES,
    now: () => NOW,
    newId: () => 'scan-id',
    cursorSecret: 'console-test-cursor-secret',
    maxSuppressionDays: 90,
    logger: { error: () => {} },
  };
});

afterAll(async () => {
  await dynamo?.close();
});

describe('GET /findings?sort=severity', () => {
  it('pages every open finding worst severity first, then by cluster name', async () => {
    const seen: { severity: string; clusterName: string; id: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await get('/findings', {
        status: 'OPEN',
        sort: 'severity',
        limit: '2',
        ...(cursor ? { cursor } : {}),
      });
      expect(answer.status).toBe(200);
      seen.push(...answer.body.items);
      cursor = answer.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);

    expect(seen.map((f) => `${f.severity} ${f.clusterName}`)).toEqual([
      'CRITICAL alpha',
      'CRITICAL mike',
      'CRITICAL zulu',
      'HIGH alpha',
      'HIGH mike',
      'MEDIUM alpha',
      'MEDIUM zulu',
      'LOW alpha',
      'LOW zulu',
    ]);
    expect(new Set(seen.map((f) => f.id)).size).toBe(seen.length);
    expect(pages).toBe(5);
  });

  it('keeps the order within one cluster (served by the cluster index)', async () => {
    const answer = await get('/findings', { cluster: 'alpha', sort: 'severity' });
    expect(answer.body.items.map((f: StoredFinding) => f.severity)).toEqual([
      'CRITICAL',
      'HIGH',
      'MEDIUM',
      'LOW',
    ]);
  });

  it('refuses a cursor of the newest-first order with a 400 naming the cursor', async () => {
    const first = await get('/findings', { status: 'OPEN', limit: '2' });
    const answer = await get('/findings', {
      status: 'OPEN',
      sort: 'severity',
      cursor: first.body.nextCursor,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^cursor: /);
  });

  it('refuses an unknown order with the allowed ones', async () => {
    const answer = await get('/findings', { sort: 'name' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe('sort: must be one of newest, severity');
  });
});

describe('GET /findings?q=', () => {
  it('matches resource id or title, case-insensitively, with the other filters', async () => {
    const byTitle = await get('/findings', { q: 'public endpoint' });
    expect(byTitle.body.items.map((f: StoredFinding) => f.id)).toEqual([FINDINGS[6]?.id]);

    const byResource = await get('/findings', { q: 'SUBNET-0ABC1', status: 'OPEN', sort: 'severity' });
    // subnet-0abc1 and subnet-0abc10 (both OPEN), worst first.
    expect(byResource.body.items.map((f: StoredFinding) => f.resourceId)).toEqual([
      'subnet-0abc10',
      'subnet-0abc1',
    ]);
  });

  it('pages a search with cursors without losing or repeating a match', async () => {
    const first = await get('/findings', { q: 'finding number', limit: '4' });
    const second = await get('/findings', { q: 'finding number', limit: '4', cursor: first.body.nextCursor });
    const third = await get('/findings', { q: 'finding number', limit: '4', cursor: second.body.nextCursor });
    const ids = [...first.body.items, ...second.body.items, ...third.body.items].map((f) => f.id);
    // Finding 7 has another title.
    expect(ids).toHaveLength(9);
    expect(new Set(ids).size).toBe(9);
    expect(third.body.nextCursor).toBeNull();
  });

  it('refuses an over-long search', async () => {
    const answer = await get('/findings', { q: 'x'.repeat(101) });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe('q: must be 1 to 100 characters');
  });
});

describe('GET /scans', () => {
  it('lists scans newest first, each with the open counts it left behind (the trend)', async () => {
    const client = createDocumentClient(dynamo.client);
    const put = (record: ClusterRecord) =>
      client.send(new PutCommand({ TableName: dynamo.tableName, Item: clusterToItem(record) }));
    await put(cluster('alpha', { HIGH: 2 }));
    await put(cluster('gone', { CRITICAL: 5 }, '2026-02-01T00:00:00.000Z'));
    const scan = (scanId: string, startedAt: string) =>
      store.startScan({ scanId, trigger: 'schedule', status: 'RUNNING', startedAt, errors: [] });

    await scan('scan-1', '2026-02-28T10:00:00.000Z');
    await store.finishScan('scan-1', 'COMPLETED', '2026-02-28T10:01:00.000Z', []);
    await put({ ...cluster('alpha', { HIGH: 1, CRITICAL: 1 }), version: 2 });
    await scan('scan-2', '2026-02-28T11:00:00.000Z');
    await store.finishScan('scan-2', 'COMPLETED', '2026-02-28T11:01:00.000Z', [
      { message: 'ListClusters failed', region: 'eu-west-1' },
    ]);
    await scan('scan-3', '2026-02-28T12:00:00.000Z');

    const first = await get('/scans', { limit: '2' });
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      {
        scanId: 'scan-3',
        status: 'RUNNING',
        trigger: 'schedule',
        startedAt: '2026-02-28T12:00:00.000Z',
        errorCount: 0,
      },
      {
        scanId: 'scan-2',
        status: 'COMPLETED',
        trigger: 'schedule',
        startedAt: '2026-02-28T11:00:00.000Z',
        finishedAt: '2026-02-28T11:01:00.000Z',
        // A deleted cluster's findings are no longer open anywhere.
        openCounts: { LOW: 0, MEDIUM: 0, HIGH: 1, CRITICAL: 1 },
        errorCount: 1,
      },
    ]);
    const second = await get('/scans', { limit: '2', cursor: first.body.nextCursor });
    expect(second.body.items.map((s: { scanId: string }) => s.scanId)).toEqual(['scan-1']);
    expect(second.body.items[0].openCounts).toEqual({ LOW: 0, MEDIUM: 0, HIGH: 2, CRITICAL: 0 });
    expect(second.body.nextCursor).toBeNull();
  });

  it('is documented in the OpenAPI document with its paging parameters', async () => {
    const answer = await get('/openapi.json');
    const operation = answer.body.paths['/scans'].get;
    expect(operation.operationId).toBe('listScans');
    expect(operation.parameters.map((p: { name: string }) => p.name)).toEqual(['limit', 'cursor']);
    const findings = answer.body.paths['/findings'].get.parameters.map((p: { name: string }) => p.name);
    expect(findings).toEqual(expect.arrayContaining(['q', 'sort']));
  });
});

describe('GET /settings', () => {
  it('tells the console the longest and the proposed suppression', async () => {
    const answer = await get('/settings');
    expect(answer).toEqual({ status: 200, body: { maxSuppressionDays: 90, defaultSuppressionDays: 30 } });
  });
});
