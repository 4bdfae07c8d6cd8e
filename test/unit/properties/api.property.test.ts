/**
 * Property: whatever a caller sends — any method, path, query string, body, encoding —
 * the API Lambda answers (never throws), never with a 5xx while its store works, and
 * every error is `{ error: { code, message } }` with a one-line message. Bodies over
 * 64 KB are refused with 413 before anything reads them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiStore } from '../../../functions/core/api/ports.ts';
import type { ApiDeps } from '../../../functions/core/api/routes.ts';
import { MAX_BODY_BYTES } from '../../../functions/core/api/schemas.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import { type ApiEvent, handler, setApiDeps } from '../../../functions/handlers/api.ts';

/** A store that works and holds nothing: every failure must then be the caller's. */
const store: ApiStore = {
  queryFindings: async () => ({ items: [] }),
  queryFindingsBySeverity: async () => ({ items: [] }),
  getFinding: async () => undefined,
  queryClusters: async () => ({ items: [] }),
  getClusters: async () => [],
  getScan: async () => undefined,
  queryScans: async () => ({ items: [] }),
  createScan: async () => {},
  finishScan: async () => {},
  querySuppressions: async () => ({ items: [] }),
  getSuppression: async () => undefined,
  putSuppression: async () => {},
  deleteSuppression: async () => false,
};

const errors: unknown[] = [];
const deps: ApiDeps = {
  store,
  scans: { submit: async () => 1 },
  rules: RULES,
  now: () => new Date('2026-03-01T12:00:00.000Z'),
  newId: () => '00000000-0000-4000-8000-000000000000',
  cursorSecret: 'property-test-cursor-secret',
  maxSuppressionDays: 90,
  logger: { error: (message, details) => void errors.push({ message, details }) },
};

function event(method: string, path: string, query: Record<string, string>, body?: string, base64 = false) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {},
    queryStringParameters: query,
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: base64,
    requestContext: {
      accountId: '111122223333',
      apiId: 'api',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'fuzz' },
      requestId: 'req-fuzz',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      authorizer: { iam: { userArn: 'arn:aws:iam::111122223333:user/fuzz' } },
    },
  } as ApiEvent;
}

/** Each route with its method: most generated requests reach a real handler. */
const ROUTES: [string, string][] = [
  ['GET', '/findings'],
  ['GET', '/findings/{id}'],
  ['GET', '/clusters'],
  ['GET', '/rules'],
  ['POST', '/scans'],
  ['GET', '/scans/{id}'],
  ['POST', '/suppressions'],
  ['GET', '/suppressions'],
  ['DELETE', '/suppressions/{id}'],
  ['GET', '/openapi.json'],
];
const segment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '..', '', 'f'.repeat(32), '%00', '\u0000', 'a/b'),
);
const routed = fc
  .tuple(fc.constantFrom(...ROUTES), segment)
  .map(([[m, route], id]) => [m, route.replace('{id}', id)] as const);
const chaos = fc.tuple(
  fc.oneof(fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'), fc.string()),
  fc.oneof(
    fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
    fc.string(),
  ),
);
const target = fc.oneof({ arbitrary: routed, weight: 3 }, { arbitrary: chaos, weight: 1 });
const QUERY_KEYS = [
  'limit',
  'cursor',
  'status',
  'severity',
  'ruleId',
  'clusterName',
  'region',
  'accountId',
  'since',
  'includeDeleted',
];
const query = fc.dictionary(
  fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 20 })),
  fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom('-1', '0', '1e9', 'NaN', 'OPEN,RESOLVED', 'CRITICAL', 'true', 'x'.repeat(5000)),
  ),
  { maxKeys: 5 },
);
const jsonBody = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc
    .record(
      {
        region: fc.oneof(fc.string(), fc.constant('us-east-1')),
        cluster: fc.string(),
        ruleId: fc.oneof(fc.string(), fc.constantFrom(...RULES.map((r) => r.id))),
        reason: fc.string(),
        expiresAt: fc.oneof(
          fc.string(),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        resourceId: fc.string(),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
);
const body = fc.option(fc.oneof(fc.string(), jsonBody), { nil: undefined });

async function call(e: ApiEvent) {
  setApiDeps(deps);
  try {
    return await handler(e);
  } finally {
    setApiDeps(undefined);
  }
}

function assertErrorShape(statusCode: number, text: string): void {
  const parsed = JSON.parse(text);
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(typeof parsed.error.code).toBe('string');
  expect(parsed.error.code).toMatch(/^[A-Z_]+$/);
  expect(typeof parsed.error.message).toBe('string');
  expect(parsed.error.message.length).toBeGreaterThan(0);
  expect(parsed.error.message).not.toContain('\n');
  expect(statusCode).toBeGreaterThanOrEqual(400);
}

describe('API handler with arbitrary requests', () => {
  it('always answers, never 5xx with a working store, and every error has the {error:{code,message}} shape', async () => {
    const seen = { ok: 0, clientError: 0 };
    await fc.assert(
      fc.asyncProperty(target, query, body, fc.boolean(), async ([m, p], q, b, base64) => {
        const response = await call(event(m, p, q, b, base64));
        const status = response.statusCode ?? 0;
        expect(status).toBeGreaterThanOrEqual(200);
        expect(status).toBeLessThan(500);
        if (status >= 400) assertErrorShape(status, String(response.body));
        seen[status < 400 ? 'ok' : 'clientError']++;
      }),
      { numRuns: 1500, seed: 11 },
    );
    expect(errors).toEqual([]);
    // The generator reaches real routes too, not only 404s.
    expect(seen.ok).toBeGreaterThan(50);
    expect(seen.clientError).toBeGreaterThan(50);
  });

  it('refuses every body over 64 KB on the body routes with 413 PAYLOAD_TOO_LARGE', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/scans', '/suppressions'),
        fc.integer({ min: MAX_BODY_BYTES + 1, max: 4 * MAX_BODY_BYTES }),
        fc.boolean(),
        fc.constantFrom('{', ' ', 'é', 'x'),
        async (route, size, base64, fill) => {
          const raw = fill.repeat(size);
          const sent = base64 ? Buffer.from(raw).toString('base64') : raw;
          const response = await call(event('POST', route, {}, sent, base64));
          expect(response.statusCode).toBe(413);
          assertErrorShape(413, String(response.body));
          expect(JSON.parse(String(response.body)).error.code).toBe('PAYLOAD_TOO_LARGE');
        },
      ),
      { numRuns: 60, seed: 12 },
    );
  });

  it('accepts a body of exactly 64 KB (the limit is not off by one)', async () => {
    const padded = JSON.stringify({ region: 'us-east-1', pad: '' });
    const exact = padded.replace('"pad":""', `"pad":"${'x'.repeat(MAX_BODY_BYTES - padded.length)}"`);
    expect(Buffer.byteLength(exact)).toBe(MAX_BODY_BYTES);
    const response = await call(event('POST', '/scans', {}, exact));
    expect(response.statusCode).not.toBe(413);
  });
});
