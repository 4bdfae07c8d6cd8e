/**
 * The API handler (payload v2 events) against a real DynamoDB wire protocol (dynalite,
 * in process): every route, every filter, pagination edges, every error code, and the
 * promise that bad input never gets a 5xx.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DynaliteServer, startDynalite } from '../../functions/adapters/dynalite-server.ts';
import { createDocumentClient, createFindingsStore } from '../../functions/adapters/findings-store.ts';
import { FindingsQueries } from '../../functions/adapters/store/findings-queries.ts';
import { clusterToItem, findingToItem } from '../../functions/adapters/store/items.ts';
import { type ScanSubmission, ScanTargetError } from '../../functions/core/api/ports.ts';
import type { ApiDeps } from '../../functions/core/api/routes.ts';
import type { StoredFinding } from '../../functions/core/lifecycle.ts';
import type { ClusterRecord } from '../../functions/core/ports.ts';
import { RULES } from '../../functions/core/rules/index.ts';
import { type ApiEvent, handler, setApiDeps } from '../../functions/handlers/api.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ACCOUNT_A = '111111111111';
const ACCOUNT_B = '222222222222';
const CALLER = 'arn:aws:iam::111111111111:user/alice';

let dynamo: DynaliteServer;
let submitted: ScanSubmission[];
let submitBehaviour: 'ok' | 'fail' | 'unknown-cluster';
let logged: unknown[];
let idCounter = 0;
let lastScanId = '';

function finding(n: number, over: Partial<StoredFinding>): StoredFinding {
  const rule = RULES[n % 5] ?? RULES[0];
  const minute = String(n).padStart(2, '0');
  return {
    id: `f${String(n).padStart(31, '0')}`,
    ruleId: rule?.id ?? 'endpoint-public-open',
    severity: 'HIGH',
    title: `finding ${n}`,
    accountId: ACCOUNT_A,
    region: 'us-east-1',
    clusterName: 'alpha',
    resourceType: 'cluster',
    resourceId: `res-${n}`,
    evidence: { n },
    remediation: 'fix it',
    references: [],
    status: 'OPEN',
    firstSeenAt: '2026-02-01T00:00:00.000Z',
    lastSeenAt: `2026-02-01T00:${minute}:00.000Z`,
    reopenedCount: 0,
    updatedAt: `2026-02-01T00:${minute}:00.000Z`,
    version: 1,
    ...over,
  };
}

/** 12 findings: alpha (A, us-east-1) ×8, beta (B, eu-west-1) ×4; mixed statuses and severities. */
const FINDINGS: StoredFinding[] = [
  finding(1, { severity: 'CRITICAL' }),
  finding(2, { severity: 'HIGH' }),
  finding(3, { severity: 'HIGH', status: 'RESOLVED', resolvedAt: '2026-02-01T00:03:00.000Z' }),
  finding(4, { severity: 'MEDIUM' }),
  finding(5, { severity: 'MEDIUM', status: 'SUPPRESSED', suppressionId: 'sup-x' }),
  finding(6, { severity: 'LOW' }),
  finding(7, { severity: 'LOW' }),
  finding(8, { severity: 'HIGH' }),
  finding(9, { clusterName: 'beta', accountId: ACCOUNT_B, region: 'eu-west-1', severity: 'HIGH' }),
  finding(10, { clusterName: 'beta', accountId: ACCOUNT_B, region: 'eu-west-1', severity: 'MEDIUM' }),
  finding(11, {
    clusterName: 'beta',
    accountId: ACCOUNT_B,
    region: 'eu-west-1',
    severity: 'LOW',
    status: 'RESOLVED',
  }),
  finding(12, { clusterName: 'beta', accountId: ACCOUNT_B, region: 'eu-west-1', severity: 'CRITICAL' }),
];

function cluster(
  over: Partial<ClusterRecord> & Pick<ClusterRecord, 'clusterName' | 'accountId' | 'region'>,
): ClusterRecord {
  return {
    openCounts: { LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 },
    suppressedCount: 0,
    pendingAlertScanIds: [],
    updatedAt: NOW.toISOString(),
    version: 1,
    ...over,
  };
}

function event(
  method: string,
  path: string,
  options: { query?: Record<string, string>; body?: string } = {},
): ApiEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: {},
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: ACCOUNT_A,
      apiId: 'api',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: `req-${++idCounter}`,
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      authorizer: { iam: { userArn: CALLER } },
    },
  } as ApiEvent;
}

async function call(
  method: string,
  path: string,
  options: { query?: Record<string, string>; body?: string } = {},
) {
  const response = await handler(event(method, path, options));
  const text = typeof response.body === 'string' ? response.body : '';
  return {
    status: response.statusCode ?? 0,
    headers: (response.headers ?? {}) as Record<string, string>,
    body: text ? JSON.parse(text) : undefined,
  };
}

async function allPages(query: Record<string, string>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const answer = await call('GET', '/findings', { query: { ...query, ...(cursor ? { cursor } : {}) } });
    expect(answer.status).toBe(200);
    ids.push(...answer.body.items.map((f: StoredFinding) => f.id));
    cursor = answer.body.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { ids, pages };
}

beforeAll(async () => {
  dynamo = await startDynalite({ tableName: 'api-test-findings' });
  const client = createDocumentClient(dynamo.client);
  const store = createFindingsStore({ tableName: dynamo.tableName, client });
  for (const f of FINDINGS) {
    await client.send(new PutCommand({ TableName: dynamo.tableName, Item: findingToItem(f, 90) }));
  }
  const clusters = [
    cluster({
      clusterName: 'alpha',
      accountId: ACCOUNT_A,
      region: 'us-east-1',
      openCounts: { LOW: 2, MEDIUM: 1, HIGH: 2, CRITICAL: 1 },
      suppressedCount: 1,
      notJudged: [
        {
          ruleId: 'cni-network-policy-disabled',
          reason: 'no vpc-cni EKS add-on (a self-managed or another CNI)',
        },
      ],
      lastCompleteScanAt: '2026-02-02T00:00:00.000Z',
      lastCompleteScanId: 'scan-1',
    }),
    cluster({
      clusterName: 'beta',
      accountId: ACCOUNT_B,
      region: 'eu-west-1',
      openCounts: { LOW: 0, MEDIUM: 1, HIGH: 1, CRITICAL: 1 },
    }),
    cluster({
      clusterName: 'gone',
      accountId: ACCOUNT_A,
      region: 'us-east-1',
      deletedAt: '2026-02-03T00:00:00.000Z',
    }),
  ];
  for (const c of clusters)
    await client.send(new PutCommand({ TableName: dynamo.tableName, Item: clusterToItem(c) }));
  const deps: ApiDeps = {
    store: new FindingsQueries(store, client),
    scans: {
      async submit(submission) {
        if (submitBehaviour === 'fail') throw new Error('SQS is down: secret-internal-detail');
        if (submitBehaviour === 'unknown-cluster') throw new ScanTargetError('no cluster "zzz"', 'cluster');
        submitted.push(submission);
        return 1;
      },
    },
    rules: RULES,
    now: () => NOW,
    newId: () => {
      lastScanId = `scan-${++idCounter}`;
      return lastScanId;
    },
    cursorSecret: 'test-secret-0123456789',
    maxSuppressionDays: 90,
    logger: { error: (message, details) => logged.push({ message, details }) },
  };
  setApiDeps(deps);
});

afterAll(async () => {
  setApiDeps(undefined);
  await dynamo?.close();
});

beforeEach(() => {
  submitted = [];
  submitBehaviour = 'ok';
  logged = [];
});

describe('GET /findings', () => {
  it('lists every finding newest first when no filter is given', async () => {
    const answer = await call('GET', '/findings');
    expect(answer.status).toBe(200);
    const times = answer.body.items.map((f: StoredFinding) => f.updatedAt);
    expect(answer.body.items).toHaveLength(FINDINGS.length);
    expect(times).toEqual([...times].sort().reverse());
    expect(answer.body.nextCursor).toBeNull();
    expect(answer.body.items[0]).not.toHaveProperty('version');
  });

  const cases: [string, Record<string, string>, (f: StoredFinding) => boolean][] = [
    ['status', { status: 'OPEN' }, (f) => f.status === 'OPEN'],
    ['severity', { severity: 'HIGH' }, (f) => f.severity === 'HIGH'],
    [
      'status+severity',
      { status: 'OPEN', severity: 'HIGH' },
      (f) => f.status === 'OPEN' && f.severity === 'HIGH',
    ],
    ['cluster', { cluster: 'beta' }, (f) => f.clusterName === 'beta'],
    [
      'cluster+status',
      { cluster: 'alpha', status: 'OPEN' },
      (f) => f.clusterName === 'alpha' && f.status === 'OPEN',
    ],
    ['rule', { rule: FINDINGS[0]?.ruleId ?? '' }, (f) => f.ruleId === FINDINGS[0]?.ruleId],
    ['region', { region: 'eu-west-1' }, (f) => f.region === 'eu-west-1'],
    ['account', { account: ACCOUNT_A }, (f) => f.accountId === ACCOUNT_A],
    [
      'account+severity',
      { account: ACCOUNT_B, severity: 'CRITICAL' },
      (f) => f.accountId === ACCOUNT_B && f.severity === 'CRITICAL',
    ],
  ];
  it.each(cases)('filters by %s and keeps newest first', async (_name, query, predicate) => {
    const expected = FINDINGS.filter(predicate)
      .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))
      .map((f) => f.id);
    const answer = await call('GET', '/findings', { query });
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((f: StoredFinding) => f.id)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('returns an empty page with no cursor when nothing matches', async () => {
    const answer = await call('GET', '/findings', { query: { cluster: 'no-such-cluster' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ items: [], nextCursor: null });
  });

  it('returns exactly `limit` items and no cursor when exactly `limit` match', async () => {
    const openAlpha = FINDINGS.filter((f) => f.clusterName === 'alpha' && f.status === 'OPEN').length;
    const answer = await call('GET', '/findings', {
      query: { cluster: 'alpha', status: 'OPEN', limit: String(openAlpha) },
    });
    expect(answer.body.items).toHaveLength(openAlpha);
    expect(answer.body.nextCursor).toBeNull();
  });

  it('pages through every match once, across merged index partitions, ending with a short last page', async () => {
    const { ids, pages } = await allPages({ limit: '5' });
    expect(pages).toBe(3); // 5 + 5 + 2
    expect(new Set(ids).size).toBe(FINDINGS.length);
    expect(ids).toEqual([...FINDINGS].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1)).map((f) => f.id));
  });

  it('pages a filtered single-partition query with limit 1', async () => {
    const { ids, pages } = await allPages({ cluster: 'beta', limit: '1' });
    expect(ids).toHaveLength(4);
    expect(pages).toBe(4);
  });

  it('rejects a cursor replayed with different filters', async () => {
    const first = await call('GET', '/findings', { query: { limit: '2' } });
    const answer = await call('GET', '/findings', {
      query: { limit: '2', severity: 'LOW', cursor: first.body.nextCursor },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^cursor: .*different query/);
  });

  it('rejects a forged cursor (valid payload, wrong signature)', async () => {
    const first = await call('GET', '/findings', { query: { limit: '2' } });
    const [payload] = String(first.body.nextCursor).split('.');
    const forged = `${payload}.${'A'.repeat(43)}`;
    const answer = await call('GET', '/findings', { query: { limit: '2', cursor: forged } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('BAD_REQUEST');
  });

  it.each([
    ['limit', '0'],
    ['limit', '501'],
    ['limit', 'ten'],
    ['status', 'open'],
    ['severity', 'URGENT'],
    ['rule', 'no-such-rule'],
    ['region', 'mars-1'],
    ['account', '123'],
    ['cluster', 'bad name!'],
  ])('answers 400 naming %s for %s', async (field, value) => {
    const answer = await call('GET', '/findings', { query: { [field]: value } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('answers 400 naming an unknown query parameter', async () => {
    const answer = await call('GET', '/findings', { query: { sevrity: 'HIGH' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('"sevrity"');
  });

  it('accepts limit 500', async () => {
    expect((await call('GET', '/findings', { query: { limit: '500' } })).status).toBe(200);
  });
});

describe('GET /findings/{id}', () => {
  it('answers the finding with last-seen taken from the cluster’s last complete scan', async () => {
    const target = FINDINGS[0] as StoredFinding;
    const answer = await call('GET', `/findings/${target.id}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id: target.id,
      status: 'OPEN',
      lastSeenAt: '2026-02-02T00:00:00.000Z',
    });
  });

  it('answers 404 for an unknown id', async () => {
    const answer = await call('GET', '/findings/0123456789abcdef0123456789abcdef');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('NOT_FOUND');
  });
});

describe('GET /clusters', () => {
  it('lists live clusters with open counts by severity and the last complete scan', async () => {
    const answer = await call('GET', '/clusters');
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((c: ClusterRecord) => c.clusterName)).toEqual(['alpha', 'beta']);
    expect(answer.body.items[0]).toMatchObject({
      openCounts: { CRITICAL: 1, HIGH: 2, MEDIUM: 1, LOW: 2 },
      openTotal: 6,
      lastCompleteScanAt: '2026-02-02T00:00:00.000Z',
      notJudged: [
        {
          ruleId: 'cni-network-policy-disabled',
          reason: 'no vpc-cni EKS add-on (a self-managed or another CNI)',
        },
      ],
    });
    // A cluster item written before catalog v2 has no list: it reads as none.
    expect(answer.body.items[1].notJudged).toEqual([]);
  });

  it('includes deleted clusters on request and pages them', async () => {
    const first = await call('GET', '/clusters', { query: { includeDeleted: 'true', limit: '2' } });
    // Ordered by account, region, name.
    expect(first.body.items.map((c: ClusterRecord) => c.clusterName)).toEqual(['alpha', 'gone']);
    const second = await call('GET', '/clusters', {
      query: { includeDeleted: 'true', limit: '2', cursor: first.body.nextCursor },
    });
    expect(second.body.items.map((c: ClusterRecord) => c.clusterName)).toEqual(['beta']);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('GET /rules', () => {
  it('answers the whole catalog with descriptions and remediation', async () => {
    const answer = await call('GET', '/rules');
    expect(answer.body.items).toHaveLength(RULES.length);
    expect(answer.body.items[0]).toMatchObject({
      id: RULES[0]?.id,
      description: expect.any(String),
      remediation: expect.any(String),
    });
  });
});

describe('POST /scans and GET /scans/{id}', () => {
  it('accepts a cluster scan with 202, submits it, and shows it QUEUED', async () => {
    const answer = await call('POST', '/scans', {
      body: JSON.stringify({ region: 'us-east-1', cluster: 'alpha' }),
    });
    expect(answer.status).toBe(202);
    expect(submitted).toEqual([
      expect.objectContaining({
        scanId: answer.body.scanId,
        region: 'us-east-1',
        clusterName: 'alpha',
        requestedBy: CALLER,
        accountId: ACCOUNT_A,
      }),
    ]);
    const scan = await call('GET', `/scans/${answer.body.scanId}`);
    expect(scan.status).toBe(200);
    expect(scan.body).toMatchObject({
      scanId: answer.body.scanId,
      status: 'QUEUED',
      counts: { HIGH: 0 },
      errors: [],
    });
  });

  it('treats an empty body as "scan everything"', async () => {
    const answer = await call('POST', '/scans');
    expect(answer.status).toBe(202);
    expect(submitted[0]).not.toHaveProperty('region');
  });

  it('answers 503 without internals and marks the scan FAILED when it cannot be queued', async () => {
    submitBehaviour = 'fail';
    const answer = await call('POST', '/scans', { body: '{}' });
    expect(answer.status).toBe(503);
    expect(JSON.stringify(answer.body)).not.toContain('secret-internal-detail');
    expect(logged).toHaveLength(1);
    const scan = await call('GET', `/scans/${lastScanId}`);
    expect(scan.body).toMatchObject({
      status: 'FAILED',
      errors: [expect.objectContaining({ operation: 'SubmitScan' })],
    });
  });

  it('answers 404 for an unknown cluster', async () => {
    submitBehaviour = 'unknown-cluster';
    const answer = await call('POST', '/scans', { body: '{"cluster":"zzz"}' });
    expect(answer.status).toBe(404);
  });

  it('answers 400 naming the bad body field', async () => {
    const answer = await call('POST', '/scans', { body: '{"region":"nowhere"}' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^region: /);
  });

  it('answers 404 for an unknown scan id', async () => {
    expect((await call('GET', '/scans/does-not-exist')).status).toBe(404);
  });
});

describe('suppressions', () => {
  const body = {
    ruleId: 'subnet-single-az',
    clusterName: 'alpha',
    reason: 'lab cluster',
    expiresAt: '2026-03-20',
  };

  it('creates (201, creator from the IAM principal), lists, deletes (204), then 404s', async () => {
    const created = await call('POST', '/suppressions', { body: JSON.stringify(body) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ruleId: 'subnet-single-az',
      createdBy: CALLER,
      expiresAt: '2026-03-20T23:59:59.999Z',
    });
    const list = await call('GET', '/suppressions');
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain(created.body.id);
    const deleted = await call('DELETE', `/suppressions/${created.body.id}`);
    expect(deleted.status).toBe(204);
    expect((await call('DELETE', `/suppressions/${created.body.id}`)).status).toBe(404);
    const after = await call('GET', '/suppressions');
    expect(after.body.items.map((s: { id: string }) => s.id)).not.toContain(created.body.id);
  });

  it('answers GET /suppressions/{id} with the stored suppression, and 404 once it is deleted', async () => {
    const created = await call('POST', '/suppressions', {
      body: JSON.stringify({ ...body, clusterName: 'beta' }),
    });
    expect(created.status).toBe(201);
    const one = await call('GET', `/suppressions/${created.body.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(created.body);
    expect((await call('DELETE', `/suppressions/${created.body.id}`)).status).toBe(204);
    const gone = await call('GET', `/suppressions/${created.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toBe(`id: no suppression "${created.body.id}"`);
    expect((await call('GET', '/suppressions/sup-unknown')).status).toBe(404);
  });

  it('refuses ruleId "*" without a scope with a 400 explaining why, and stores it with "scope": "all"', async () => {
    const everything = { ruleId: '*', reason: 'maintenance window', expiresAt: '2026-03-20' };
    const refused = await call('POST', '/suppressions', { body: JSON.stringify(everything) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/^scope: .*silence every finding.*"scope": "all"/);
    const accepted = await call('POST', '/suppressions', {
      body: JSON.stringify({ ...everything, scope: 'all' }),
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ ruleId: '*', scope: 'all' });
    expect((await call('DELETE', `/suppressions/${accepted.body.id}`)).status).toBe(204);
  });

  it.each([
    ['reason', { ...body, reason: 'x'.repeat(1001) }, /^reason: must be at most 1000 characters/],
    ['accountId', { ...body, accountId: '11111111111' }, /^accountId: must be a 12-digit/],
    ['region', { ...body, region: 'eu-wset-1' }, /^region: must be an AWS region/],
    ['clusterName', { ...body, clusterName: 'alpha beta' }, /^clusterName: /],
    ['resourceId', { ...body, resourceId: 'sg-1,sg-2' }, /^resourceId: must be a subnet, security group/],
  ])('answers 400 saying what is wrong with %s', async (_field, bad, message) => {
    const answer = await call('POST', '/suppressions', { body: JSON.stringify(bad) });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(message);
  });

  it.each([
    ['reason', { ...body, reason: undefined }],
    ['expiresAt', { ...body, expiresAt: undefined }],
    ['expiresAt', { ...body, expiresAt: '2027-12-31' }],
    ['ruleId', { ...body, ruleId: 'not-a-rule' }],
  ])('answers 400 naming %s', async (field, bad) => {
    const answer = await call('POST', '/suppressions', { body: JSON.stringify(bad) });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('answers 413 for a body over 64 KB', async () => {
    const answer = await call('POST', '/suppressions', {
      body: JSON.stringify({ ...body, reason: 'x'.repeat(70_000) }),
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 400 for a body that is not JSON', async () => {
    const answer = await call('POST', '/suppressions', { body: '{not json' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^body: /);
  });
});

describe('routing', () => {
  it('answers 405 with Allow for a wrong method', async () => {
    const answer = await call('DELETE', '/findings');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET');
  });

  it('answers 404 for an unknown route', async () => {
    const answer = await call('GET', '/nope');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('NOT_FOUND');
  });

  it('documents every route in /openapi.json', async () => {
    const answer = await call('GET', '/openapi.json');
    expect(answer.body.openapi).toBe('3.1.0');
    const documented = Object.entries(answer.body.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      [
        'GET /findings',
        'GET /findings/{id}',
        'GET /clusters',
        'GET /rules',
        'POST /scans',
        'GET /scans',
        'GET /scans/{id}',
        'POST /suppressions',
        'GET /suppressions',
        'GET /suppressions/{id}',
        'DELETE /suppressions/{id}',
        'GET /settings',
        'GET /openapi.json',
      ].sort(),
    );
  });

  it('never answers a 5xx to malformed input', async () => {
    const attempts: [string, string, { query?: Record<string, string>; body?: string }][] = [
      ['GET', '/findings', { query: { cursor: '%%%' } }],
      ['GET', '/findings', { query: { cursor: 'a.b.c' } }],
      ['GET', '/findings', { query: { cursor: 'x'.repeat(5000) } }],
      ['GET', '/findings', { query: { limit: '1e9' } }],
      ['GET', '/findings/%E0%A4%A', {}],
      ['GET', `/findings/${'a'.repeat(300)}`, {}],
      ['POST', '/scans', { body: '[]' }],
      ['POST', '/scans', { body: 'null' }],
      ['POST', '/scans', { body: '{"cluster":{"a":1}}' }],
      ['POST', '/suppressions', { body: '"str"' }],
      ['POST', '/suppressions', { body: '{"ruleId":"*","reason":"r","expiresAt":"2026-02-30"}' }],
      ['POST', '/suppressions', { body: '{"ruleId":"*","reason":"r","expiresAt":"2026-03-05","extra":1}' }],
      ['DELETE', '/suppressions/..', {}],
      ['GET', '/rules', { query: { x: '1' } }],
    ];
    for (const [method, path, options] of attempts) {
      const answer = await call(method, path, options);
      expect(answer.status, `${method} ${path} ${JSON.stringify(options)}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${method} ${path} ${JSON.stringify(options)}`).toBeLessThan(500);
    }
    expect(logged).toEqual([]);
  });
});
