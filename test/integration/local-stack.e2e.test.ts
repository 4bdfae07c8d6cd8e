/**
 * End to end: `npm start`'s entry point as a child process on a free port, talked to over
 * HTTP like a newcomer would — demo findings, the page, a scan run at once, a clean stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StackProcess, startStackProcess } from './local-stack-process.ts';

let stack: StackProcess;

beforeAll(async () => {
  stack = await startStackProcess();
}, 90_000);

afterAll(async () => {
  await stack?.stop('SIGKILL');
});

const JSON_HEADERS = { 'content-type': 'application/json' };
const WILDCARD = {
  ruleId: '*',
  clusterName: 'checkout-staging',
  reason: 'e2e test',
  expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
};

async function getJson(path: string, init?: RequestInit) {
  const response = await fetch(`${stack.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('local stack (demo account)', () => {
  it('prints what it does and the URLs on start', () => {
    expect(stack.output()).toContain('scanning the bundled demo account 111122223333');
    expect(stack.output()).toContain(`page:     ${stack.url}/`);
  });

  it('lists the seven demo clusters with open counts', async () => {
    const answer = await getJson('/clusters');
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((c: { clusterName: string }) => c.clusterName).sort()).toEqual([
      'analytics-eu',
      'checkout-staging',
      'data-pipeline',
      'edge-ipv6',
      'factory-hybrid',
      'payments-prod',
      'storefront-auto',
    ]);
    const checkout = answer.body.items.find(
      (c: { clusterName: string }) => c.clusterName === 'checkout-staging',
    );
    expect(checkout.openTotal).toBeGreaterThan(0);
  });

  it('answers the demo findings, including the world-open endpoint of checkout-staging', async () => {
    const answer = await getJson('/findings?status=OPEN&cluster=checkout-staging&rule=endpoint-public-open');
    expect(answer.status).toBe(200);
    expect(answer.body.items).toHaveLength(1);
    expect(answer.body.items[0]).toMatchObject({
      severity: 'HIGH',
      status: 'OPEN',
      clusterName: 'checkout-staging',
    });
  });

  it('serves the HTML page at /', async () => {
    const response = await fetch(`${stack.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('<h1>eks-netguard');
  });

  it('runs POST /scans at once: the scan is COMPLETED when the 202 arrives', async () => {
    const accepted = await getJson('/scans', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ cluster: 'payments-prod' }),
    });
    expect(accepted.status).toBe(202);
    const scan = await getJson(`/scans/${accepted.body.scanId}`);
    expect(scan.body).toMatchObject({
      status: 'COMPLETED',
      trigger: 'api',
      target: { clusterName: 'payments-prod' },
    });
    expect(scan.body.clusters.map((c: { clusterName: string }) => c.clusterName)).toEqual(['payments-prod']);
  });

  it('counts a cluster scan named without a region once, not once per region scanned', async () => {
    const accepted = await getJson('/scans', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ cluster: 'payments-prod' }),
    });
    const scan = await getJson(`/scans/${accepted.body.scanId}`);
    expect(scan.body.progress).toEqual({ clustersDone: 1, clustersTotal: 1 });
  });

  it('refuses a write that is not Content-Type: application/json with 415, storing nothing', async () => {
    const before = (await getJson('/suppressions')).body.items.length;
    const answer = await getJson('/suppressions', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(WILDCARD),
    });
    expect(answer.status).toBe(415);
    expect(answer.body.error.message).toMatch(/Content-Type: application\/json/);
    expect((await getJson('/suppressions')).body.items).toHaveLength(before);
  });

  it('refuses a write from another Origin with a 403 JSON error, storing nothing', async () => {
    const before = (await getJson('/suppressions')).body.items.length;
    const answer = await getJson('/suppressions', {
      method: 'POST',
      headers: { ...JSON_HEADERS, origin: 'http://evil.example' },
      body: JSON.stringify(WILDCARD),
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(answer.body.error.message).toContain('http://evil.example');
    expect((await getJson('/suppressions')).body.items).toHaveLength(before);
  });

  it('accepts a JSON write from its own origin (the page) or from a tool that sends no Origin (curl)', async () => {
    const own = await getJson('/suppressions', {
      method: 'POST',
      headers: { ...JSON_HEADERS, origin: stack.url },
      body: JSON.stringify(WILDCARD),
    });
    expect(own.status).toBe(201);
    const deleted = await fetch(`${stack.url}/suppressions/${own.body.id}`, {
      method: 'DELETE',
      headers: JSON_HEADERS,
    });
    expect(deleted.status).toBe(204);
    const tool = await getJson('/suppressions', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ ...WILDCARD, reason: 'from curl' }),
    });
    expect(tool.status).toBe(201);
  });

  it('answers JSON errors over HTTP (405 with Allow, 404)', async () => {
    const wrong = await fetch(`${stack.url}/clusters`, { method: 'POST', headers: JSON_HEADERS, body: '{}' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect((await getJson('/nowhere')).status).toBe(404);
  });

  it('stops cleanly on SIGINT', async () => {
    const code = await stack.stop('SIGINT');
    expect(code).toBe(0);
    expect(stack.output()).toContain('stopped.');
  });
});
