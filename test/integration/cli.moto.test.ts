/**
 * The CLI end to end against moto: a small account is built through the JS SDK, then
 * `node bin/eks-netguard.mjs scan --endpoint-url $MOTO_ENDPOINT` runs as a real process
 * with dummy credentials, and its JSON report must contain what RULES.md predicts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { ScanReport } from '../../functions/cli/report.ts';
import {
  createCluster,
  createNodegroup,
  createSecurityGroup,
  createSubnet,
  createVpc,
  describeWithMoto,
  MOTO_ACCOUNT_ID,
  motoClients,
  uniqueName,
} from './moto.ts';

// A region no other integration file uses, so a shared moto keeps our resources apart.
const REGION = 'sa-east-1';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], endpoint: string): Promise<CliResult> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/eks-netguard.mjs', 'scan', '--endpoint-url', endpoint, ...args],
      { env, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describeWithMoto('eks-netguard scan against moto', (endpoint) => {
  // "open": created the console-default way — public endpoint for the world, no private
  // endpoint, both subnets in one AZ, untagged subnets, SSH key without source SGs.
  const open = uniqueName('cli-open');
  // "tidy": private endpoint on, public restricted, subnets in two AZs and tagged.
  const tidy = uniqueName('cli-tidy');
  let vpcId: string;
  let openSubnets: [string, string];
  let result: CliResult;
  let report: ScanReport;

  beforeAll(async () => {
    const clients = motoClients(endpoint);
    const ec2 = clients.ec2(REGION);
    const eks = clients.eks(REGION);
    vpcId = await createVpc(ec2, { cidr: '10.60.0.0/16', enableDnsSupport: true, enableDnsHostnames: true });
    openSubnets = [
      // Tagged only for another cluster: load balancer discovery skips it for this one.
      await createSubnet(ec2, {
        vpcId,
        cidr: '10.60.1.0/24',
        availabilityZone: `${REGION}a`,
        tags: { 'kubernetes.io/cluster/someone-else': 'shared' },
      }),
      await createSubnet(ec2, { vpcId, cidr: '10.60.2.0/24', availabilityZone: `${REGION}a` }),
    ];
    const tidyTags = { [`kubernetes.io/cluster/${tidy}`]: 'shared', 'kubernetes.io/role/internal-elb': '1' };
    const tidySubnets = [
      await createSubnet(ec2, {
        vpcId,
        cidr: '10.60.11.0/24',
        availabilityZone: `${REGION}a`,
        tags: tidyTags,
      }),
      await createSubnet(ec2, {
        vpcId,
        cidr: '10.60.12.0/24',
        availabilityZone: `${REGION}b`,
        tags: tidyTags,
      }),
    ];
    const openSg = await createSecurityGroup(ec2, { vpcId, name: `${open}-cluster` });
    const tidySg = await createSecurityGroup(ec2, { vpcId, name: `${tidy}-cluster` });
    await createCluster(eks, {
      name: open,
      subnetIds: openSubnets,
      securityGroupIds: [openSg],
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
    });
    await createNodegroup(eks, {
      clusterName: open,
      name: `${open}-ng`,
      subnetIds: openSubnets,
      instanceTypes: ['m5.large'],
      remoteAccess: { ec2SshKey: 'ops-key' },
    });
    await createCluster(eks, {
      name: tidy,
      subnetIds: tidySubnets,
      securityGroupIds: [tidySg],
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ['203.0.113.0/24'],
    });
    result = await runCli(['--region', REGION, '--format', 'json'], endpoint);
    report = JSON.parse(result.stdout) as ScanReport;
  });

  const rulesOf = (cluster: string) =>
    new Set(report.findings.filter((f) => f.clusterName === cluster).map((f) => f.ruleId));

  it('prints one JSON report for the account and region, listing both clusters', () => {
    expect(report.accountId).toBe(MOTO_ACCOUNT_ID);
    expect(report.regions).toEqual([REGION]);
    const names = report.clusters.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining([open, tidy]));
    expect(report.clusters.find((c) => c.name === open)?.arn).toMatch(
      /^arn:aws:eks:sa-east-1:\d{12}:cluster\//,
    );
  });

  it('flags the console-default cluster with the rules RULES.md predicts', () => {
    const rules = rulesOf(open);
    for (const id of [
      'endpoint-public-open',
      'endpoint-private-disabled',
      'subnet-single-az',
      'subnet-cluster-tag-missing',
      'subnet-internal-elb-tag-missing',
      'nodegroup-ssh-open',
    ]) {
      expect(rules, id).toContain(id);
    }
    // Catalog v2: on Kubernetes 1.19+ only the subnet tagged for another cluster needs the tag.
    const tagMissing = report.findings.filter(
      (f) => f.clusterName === open && f.ruleId === 'subnet-cluster-tag-missing',
    );
    expect(tagMissing.map((f) => f.resourceId)).toEqual([openSubnets[0]]);
    // moto has no EKS add-on API: no vpc-cni add-on, so the cni rules are not judged.
    expect(rules).not.toContain('cni-network-policy-disabled');
    const notJudged = report.clusters.find((c) => c.name === open)?.notJudged ?? [];
    expect(notJudged.map((n) => n.ruleId)).toContain('cni-network-policy-disabled');
    const ssh = report.findings.find((f) => f.clusterName === open && f.ruleId === 'nodegroup-ssh-open');
    expect(ssh).toMatchObject({ severity: 'HIGH', resourceType: 'nodegroup', resourceId: `${open}-ng` });
  });

  it('does not flag what the tidy cluster got right', () => {
    const rules = rulesOf(tidy);
    for (const id of [
      'endpoint-public-open',
      'endpoint-private-disabled',
      'endpoint-public-cidr-broad',
      'subnet-single-az',
      'subnet-cluster-tag-missing',
      'subnet-internal-elb-tag-missing',
      'nodegroup-ssh-open',
    ]) {
      expect(rules, id).not.toContain(id);
    }
  });

  it('exits 0 without --fail-on when every describe call succeeded', () => {
    expect(report.errors).toEqual([]);
    expect(result.code).toBe(0);
  });

  it('exits 1 with --fail-on HIGH, filters by --cluster and writes --snapshot-out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netguard-cli-moto-'));
    const out = join(dir, 'snapshot.json');
    const run = await runCli(
      ['--region', REGION, '--cluster', open, '--fail-on', 'HIGH', '--format', 'csv', '--snapshot-out', out],
      endpoint,
    );
    expect(run.code).toBe(1);
    expect(run.stdout.split('\r\n')[0]).toMatch(/^id,severity,ruleId,/);
    const saved = JSON.parse(await readFile(out, 'utf8'));
    expect(saved.clusters.map((c: { cluster: { name: string } }) => c.cluster.name)).toEqual([open]);
  });
});
