import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../functions/core/api/openapi.ts';
import type { ApiStore } from '../../../functions/core/api/ports.ts';
import { type ApiRequest, handleApiRequest } from '../../../functions/core/api/router.ts';
import { type ApiDeps, ROUTES } from '../../../functions/core/api/routes.ts';
import { RULES } from '../../../functions/core/rules/index.ts';

function deps(store: Partial<ApiStore>, logged: unknown[] = []): ApiDeps {
  return {
    store: store as ApiStore,
    scans: { submit: async () => 1 },
    rules: RULES,
    now: () => new Date('2026-01-01T00:00:00Z'),
    newId: () => 'scan-1',
    cursorSecret: 'secret',
    maxSuppressionDays: 30,
    logger: { error: (message, details) => logged.push({ message, details }) },
  };
}

function request(method: string, path: string, query: Record<string, string> = {}): ApiRequest {
  return { method, path, query, caller: { id: 'me', accountId: '123456789012' }, requestId: 'rid-7' };
}

describe('API router', () => {
  it('documents every route of the table in the OpenAPI document', () => {
    const document = buildOpenApiDocument(ROUTES) as { paths: Record<string, Record<string, unknown>> };
    for (const route of ROUTES) {
      expect(
        document.paths[route.path]?.[route.method.toLowerCase()],
        `${route.method} ${route.path}`,
      ).toBeDefined();
    }
  });

  it('documents each query filter of GET /findings as a parameter', () => {
    const document = buildOpenApiDocument(ROUTES) as {
      paths: Record<string, Record<string, { parameters: { name: string }[] }>>;
    };
    const names = document.paths['/findings']?.get?.parameters.map((p) => p.name);
    expect(names).toEqual([
      'status',
      'severity',
      'cluster',
      'rule',
      'region',
      'account',
      'q',
      'sort',
      'limit',
      'cursor',
    ]);
  });

  it('answers an unexpected store failure with a 500 that carries only the request id, and logs it', async () => {
    // Arrange
    const logged: unknown[] = [];
    const failing = deps(
      {
        queryFindings: async () => {
          throw new Error('ProvisionedThroughputExceeded on table secret-table');
        },
      },
      logged,
    );
    // Act
    const response = await handleApiRequest(request('GET', '/findings'), failing);
    // Assert
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret-table');
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'internal error; quote request id rid-7' },
    });
    expect(JSON.stringify(logged)).toContain('secret-table');
  });

  it('answers 404 for a route that does not exist and 405 with Allow for a wrong method', async () => {
    const missing = await handleApiRequest(request('GET', '/findingz'), deps({}));
    const wrong = await handleApiRequest(request('PATCH', '/suppressions/abc'), deps({}));
    expect(missing.statusCode).toBe(404);
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('GET, DELETE');
  });

  it('accepts a trailing slash on a route', async () => {
    const response = await handleApiRequest(request('GET', '/rules/'), deps({}));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).items).toHaveLength(RULES.length);
  });
});
