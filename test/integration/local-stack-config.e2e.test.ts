/**
 * The local stack applies the config file's suppressions (`npm start -- --config FILE`):
 * a live entry makes its finding SUPPRESSED in the API, an expired one is ignored with a
 * warning and its finding stays OPEN. The stack runs as `npm start` runs it.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StackProcess, startStackProcess } from './local-stack-process.ts';

let stack: StackProcess;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'netguard-stack-config-'));
  const config = join(dir, 'netguard.yaml');
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  await writeFile(
    config,
    [
      'suppressions:',
      '  - ruleId: endpoint-public-open',
      '    clusterName: checkout-staging',
      '    reason: public by design until the VPN lands',
      `    expiresAt: ${inDays(30)}`,
      '  - ruleId: sg-open-ingress',
      '    clusterName: analytics-eu',
      '    reason: waiver that lapsed',
      `    expiresAt: ${inDays(-2)}`,
      '',
    ].join('\n'),
  );
  stack = await startStackProcess(['--config', config]);
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

async function findings(query: string): Promise<{ ruleId: string; clusterName: string; status: string }[]> {
  const response = await fetch(`${stack.url}/findings?${query}&limit=500`);
  expect(response.status).toBe(200);
  return (await response.json()).items;
}

describe('local stack --config suppressions', () => {
  it('stores the finding a live config suppression covers as SUPPRESSED', async () => {
    const items = await findings('rule=endpoint-public-open&cluster=checkout-staging');
    expect(items.map((f) => f.status)).toEqual(['SUPPRESSED']);
  });

  it('ignores an expired config suppression with a warning: its finding is OPEN', async () => {
    const items = await findings('rule=sg-open-ingress&cluster=analytics-eu');
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((f) => f.status))).toEqual(new Set(['OPEN']));
    expect(stack.output()).toMatch(
      /warning: config suppression cfg-\w+ \(sg-open-ingress analytics-eu\) expired/,
    );
  });
});
