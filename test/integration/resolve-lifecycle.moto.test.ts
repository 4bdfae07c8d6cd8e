/**
 * End to end against moto: a misconfiguration found by a scan is OPEN; once it is fixed in
 * the (emulated) account, the next scan resolves it, and the API says so.
 *
 * The local stack runs as `npm start -- --endpoint-url $MOTO_ENDPOINT --region us-west-2`
 * does (a child process: the same scan path as the Lambdas, embedded DynamoDB, the HTTP
 * API). The account is moto's sample layout, whose node SG lets SSH in from the world
 * (`sg-open-ingress`, HIGH). Region us-west-2 is this file's own.
 */
import { RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type StackProcess, startStackProcess } from './local-stack-process.ts';
import { buildSampleAccount, describeWithMoto, motoClients, type SampleAccount } from './moto.ts';

const REGION = 'us-west-2';

interface StoredFinding {
  id: string;
  ruleId: string;
  resourceId: string;
  status: string;
  resolvedAt?: string;
  evidence: Record<string, unknown>;
}

describeWithMoto('a fixed misconfiguration resolves (moto + local stack)', (endpoint) => {
  let account: SampleAccount;
  let stack: StackProcess;

  async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(`${stack.url}${path}`, {
      method,
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
    });
    return { status: response.status, body: await response.json() };
  }

  async function sshFinding(): Promise<StoredFinding | undefined> {
    const answer = await api(
      'GET',
      `/findings?rule=sg-open-ingress&cluster=${account.clusterName}&limit=500`,
    );
    expect(answer.status).toBe(200);
    return (answer.body.items as StoredFinding[]).find(
      (f) => f.resourceId === account.nodeSecurityGroupId && JSON.stringify(f.evidence).includes('22'),
    );
  }

  beforeAll(async () => {
    account = await buildSampleAccount(motoClients(endpoint), REGION);
    stack = await startStackProcess(['--endpoint-url', endpoint, '--region', REGION]);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('shows the SSH-from-the-world rule OPEN, then RESOLVED after the rule is revoked and a rescan', async () => {
    const before = await sshFinding();
    expect(before?.status).toBe('OPEN');

    // Fix the resource in the emulated account: revoke the world-open SSH rule.
    await motoClients(endpoint)
      .ec2(REGION)
      .send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: account.nodeSecurityGroupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        }),
      );
    const accepted = await api('POST', '/scans', { region: REGION });
    expect(accepted.status).toBe(202);
    const scan = await api('GET', `/scans/${accepted.body.scanId}`);
    const after = await api('GET', `/findings/${before!.id}`);
    const resolved = await api('GET', `/findings?status=RESOLVED&cluster=${account.clusterName}&limit=500`);

    expect(scan.body).toMatchObject({ status: 'COMPLETED', errors: [] });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ id: before!.id, status: 'RESOLVED', resolvedAt: expect.any(String) });
    expect((resolved.body.items as StoredFinding[]).map((f) => f.id)).toContain(before!.id);
    expect(await sshFinding()).toMatchObject({ status: 'RESOLVED' });
  });
});
