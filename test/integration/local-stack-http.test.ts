/**
 * The local stack's HTTP server on its own: it binds 127.0.0.1 unless told otherwise, and
 * answers the API with a 503 (not a hang, not a crash) between binding and the end of the
 * first sweep.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalHttpServer, startLocalHttpServer } from '../../functions/cli/local/http-server.ts';
import type { ApiStore } from '../../functions/core/api/ports.ts';
import type { ApiDeps } from '../../functions/core/api/routes.ts';
import { RULES } from '../../functions/core/rules/index.ts';

const store = {
  queryClusters: async () => ({ items: [] }),
} as unknown as ApiStore;

const deps: ApiDeps = {
  store,
  scans: { submit: async () => 0 },
  rules: RULES,
  now: () => new Date('2026-03-01T00:00:00Z'),
  newId: () => 'scan-1',
  cursorSecret: 'test-secret-0123456789',
  maxSuppressionDays: 90,
  logger: { error: () => undefined },
};

let server: LocalHttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<LocalHttpServer> {
  server = await startLocalHttpServer({
    port: 0,
    console: {
      answer: (path) =>
        path === '/' ? { status: 200, headers: {}, body: '<h1>eks-netguard</h1>' } : undefined,
    },
    caller: () => ({ id: 'local:test', accountId: '111122223333' }),
    logger: { error: () => undefined },
  });
  return server;
}

describe('local HTTP server', () => {
  it('binds 127.0.0.1 when no host is given', async () => {
    const http = await start();
    expect(http.host).toBe('127.0.0.1');
    expect(http.url).toBe(`http://127.0.0.1:${http.port}`);
  });

  it('answers 503 with Retry-After until the stack serves, then the API', async () => {
    const http = await start();
    const early = await fetch(`${http.url}/clusters`);
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('2');
    expect((await early.json()).error.message).toMatch(/first sweep/);
    http.serve(deps);
    const ready = await fetch(`${http.url}/clusters`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a cross-origin write before the stack is even ready (403, not 503)', async () => {
    const http = await start();
    const answer = await fetch(`${http.url}/scans`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(403);
    expect((await answer.json()).error.code).toBe('FORBIDDEN');
  });
});
