/**
 * A snapshot written by hand from the AWS API shapes (EC2 tag lists, `State: {Name}`,
 * `NatGatewayAddresses`, `CidrBlockAssociationSet`, no `incomplete`/`errors` lists) is
 * scanned like a collector snapshot: conformance scenarios are written this way.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './run-cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netguard-handwritten-'));
});

const ARN = 'arn:aws:eks:eu-west-1:123456789012:cluster/shop';

/** One cluster, one VPC: public node subnet without auto-assign, SSH open node group. */
function awsShapedSnapshot() {
  return {
    scannedAt: '2026-03-01T00:00:00Z',
    accountId: '123456789012',
    clusters: [
      {
        cluster: {
          name: 'shop',
          arn: ARN,
          resourcesVpcConfig: {
            subnetIds: ['subnet-1', 'subnet-2'],
            clusterSecurityGroupId: 'sg-cluster',
            vpcId: 'vpc-1',
            endpointPublicAccess: true,
            endpointPrivateAccess: true,
            publicAccessCidrs: ['203.0.113.0/24'],
          },
        },
        nodegroups: [
          {
            nodegroupName: 'ng-1',
            subnets: ['subnet-1'],
            remoteAccess: { ec2SshKey: 'ops' },
          },
        ],
      },
    ],
    vpcs: [
      {
        vpcId: 'vpc-1',
        vpc: {
          VpcId: 'vpc-1',
          CidrBlock: '10.0.0.0/16',
          CidrBlockAssociationSet: [{ CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } }],
          EnableDnsSupport: { Value: true },
          EnableDnsHostnames: { Value: true },
        },
        subnets: [
          {
            SubnetId: 'subnet-1',
            CidrBlock: '10.0.1.0/24',
            AvailabilityZone: 'eu-west-1a',
            AvailableIpAddressCount: 200,
            MapPublicIpOnLaunch: false,
            Tags: [
              { Key: 'kubernetes.io/cluster/shop', Value: 'shared' },
              { Key: 'kubernetes.io/role/elb', Value: '1' },
            ],
          },
          {
            SubnetId: 'subnet-2',
            CidrBlock: '10.0.2.0/24',
            AvailabilityZone: 'eu-west-1b',
            AvailableIpAddressCount: 200,
            MapPublicIpOnLaunch: true,
            Tags: [
              { Key: 'kubernetes.io/cluster/shop', Value: 'shared' },
              { Key: 'kubernetes.io/role/elb', Value: '1' },
            ],
          },
        ],
        routeTables: [
          {
            RouteTableId: 'rtb-main',
            Routes: [
              { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' },
              { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' },
            ],
            Associations: [{ Main: true }],
          },
        ],
        securityGroups: [
          {
            GroupId: 'sg-cluster',
            IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-cluster' }] }],
            Tags: [{ Key: 'kubernetes.io/cluster/shop', Value: 'owned' }],
          },
        ],
        natGateways: [{ NatGatewayId: 'nat-1', NatGatewayAddresses: [{ PublicIp: '198.51.100.7' }] }],
        instances: [
          {
            InstanceId: 'i-1',
            SubnetId: 'subnet-1',
            State: { Name: 'running' },
            NetworkInterfaces: [{ Groups: [{ GroupId: 'sg-cluster' }, { GroupId: 'sg-extra' }] }],
            Tags: [{ Key: 'eks:cluster-name', Value: 'shop' }],
          },
        ],
      },
    ],
  };
}

async function scan(document: unknown, name: string) {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(document));
  const result = await run(['scan', '--snapshot-in', path, '--format', 'json']);
  return {
    ...result,
    report: result.code === 2 && result.stdout === '' ? undefined : JSON.parse(result.stdout),
  };
}

describe('hand-written snapshot in AWS API shapes', () => {
  it('is parsed and evaluated with the documented terms (region from the ARN, main route table, tag lists)', async () => {
    // Arrange
    const document = awsShapedSnapshot();
    // Act
    const { code, stderr, report } = await scan(document, 'aws-shaped.json');
    // Assert
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const hits = report.findings.map(
      (f: { ruleId: string; resourceId: string }) => `${f.ruleId} ${f.resourceId}`,
    );
    expect(hits).toEqual(
      expect.arrayContaining([
        'nodegroup-ssh-open ng-1',
        'subnet-public-ip-autoassign-disabled subnet-1',
        'nodegroup-public-subnet ng-1',
        // i-1 has two SGs and only sg-cluster (known, tagged) carries the tag: not a finding
        'cni-network-policy-disabled arn:aws:eks:eu-west-1:123456789012:cluster/shop',
      ]),
    );
    expect(hits).not.toContain('sg-node-cluster-tag i-1');
    expect(hits).not.toContain('subnet-public-ip-autoassign-disabled subnet-2');
    expect(hits).not.toContain(`endpoint-private-dns-disabled ${ARN}`);
    expect(report.clusters).toEqual([{ name: 'shop', region: 'eu-west-1', arn: ARN }]);
    expect(report.regions).toEqual(['eu-west-1']);
  });

  it('reports a cluster whose VPC the file does not describe as an incomplete scan (exit 2), not a clean one', async () => {
    // Arrange
    const document = { ...awsShapedSnapshot(), vpcs: [] };
    // Act
    const { code, report } = await scan(document, 'no-vpc.json');
    // Assert: cluster-level rules still ran; the gap is an error naming the VPC
    expect(code).toBe(2);
    expect(report.errors).toEqual([
      expect.objectContaining({
        region: 'eu-west-1',
        operation: 'DescribeVpcs',
        clusterName: 'shop',
        vpcId: 'vpc-1',
      }),
    ]);
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('nodegroup-ssh-open');
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain('subnet-single-az');
  });

  it('reads vpc-cni settings from an addons list in describe-addon shape (object configurationValues)', async () => {
    // Arrange
    const document = awsShapedSnapshot();
    (document.clusters[0] as Record<string, unknown>).addons = [
      { addonName: 'kube-proxy' },
      {
        addonName: 'vpc-cni',
        addonVersion: 'v1.18.0-eksbuild.1',
        configurationValues: { enableNetworkPolicy: 'true', env: { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' } },
      },
    ];
    // Act
    const { code, report } = await scan(document, 'addons.json');
    // Assert: network policy on (no finding), external SNAT on a public node subnet (HIGH)
    expect(code).toBe(0);
    const hits = report.findings.map(
      (f: { ruleId: string; resourceId: string; severity: string }) =>
        `${f.ruleId} ${f.resourceId} ${f.severity}`,
    );
    expect(hits).toContain('cni-external-snat-without-nat subnet-1 HIGH');
    expect(hits.filter((h: string) => h.startsWith('cni-network-policy-disabled'))).toEqual([]);
  });

  it('takes the account from the cluster ARN when accountId is omitted', async () => {
    // Arrange
    const { accountId: _omitted, ...document } = awsShapedSnapshot();
    // Act
    const { code, report } = await scan(document, 'no-account.json');
    // Assert
    expect(code).toBe(0);
    expect(report.accountId).toBe('123456789012');
    expect(new Set(report.findings.map((f: { accountId: string }) => f.accountId))).toEqual(
      new Set(['123456789012']),
    );
  });

  it('ignores a route-table association in state disassociated (the main table routes the subnet)', async () => {
    // Arrange: subnet-1 was explicitly on an isolated table, but that association is gone
    const document = awsShapedSnapshot();
    document.vpcs[0]!.routeTables.push({
      RouteTableId: 'rtb-old',
      Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }],
      Associations: [{ SubnetId: 'subnet-1', AssociationState: { State: 'disassociated' } } as never],
    });
    // Act
    const { report } = await scan(document, 'disassociated.json');
    // Assert: still public through the main table
    const hits = report.findings.map(
      (f: { ruleId: string; resourceId: string }) => `${f.ruleId} ${f.resourceId}`,
    );
    expect(hits).toContain('subnet-public-ip-autoassign-disabled subnet-1');
  });

  it('builds the cluster ARN from name, region and account when the ARN is omitted', async () => {
    // Arrange
    const document = awsShapedSnapshot();
    const inventory = document.clusters[0] as Record<string, unknown> & { cluster: Record<string, unknown> };
    delete inventory.cluster.arn;
    inventory.region = 'eu-west-1';
    // Act
    const { code, report } = await scan(document, 'no-arn.json');
    // Assert: cluster-level findings carry the ARN EKS would report
    expect(code).toBe(0);
    expect(report.clusters).toEqual([{ name: 'shop', region: 'eu-west-1', arn: ARN }]);
    expect(
      report.findings.find((f: { ruleId: string }) => f.ruleId === 'cni-network-policy-disabled')?.resourceId,
    ).toBe(ARN);
  });

  it('still names the bad field in one line when a value has the wrong type', async () => {
    // Arrange
    const document = awsShapedSnapshot();
    (document.vpcs[0]!.subnets[0] as Record<string, unknown>).AvailableIpAddressCount = 'many';
    // Act
    const { code, stderr } = await scan(document, 'bad-type.json');
    // Assert
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^eks-netguard: .*bad-type\.json: not a valid snapshot: vpcs\[0\]\.subnets\[0\]\.AvailableIpAddressCount: expected number, received string\n$/,
    );
  });
});

describe('--snapshot (short spelling of --snapshot-in)', () => {
  it('scans the same file with the same result', async () => {
    // Arrange
    const path = join(dir, 'alias.json');
    await writeFile(path, JSON.stringify(awsShapedSnapshot()));
    // Act
    const long = await run(['scan', '--snapshot-in', path, '--format', 'json']);
    const short = await run(['scan', '--snapshot', path, '--format', 'json']);
    // Assert
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(long.stdout);
  });

  it('refuses two different files in one line (exit 2)', async () => {
    const result = await run(['scan', '--snapshot', 'a.json', '--snapshot-in', 'b.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'eks-netguard: --snapshot and --snapshot-in name different files; pass one of them\n',
    );
  });
});
