/**
 * A snapshot written by hand from the AWS API shapes (EC2 tag lists, `State: {Name}`,
 * `NatGatewayAddresses`, `CidrBlockAssociationSet`, no `incomplete`/`errors` lists) is
 * scanned like a collector snapshot: conformance scenarios are written this way.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../../functions/adapters/snapshot-file.ts';
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
      ]),
    );
    // i-1 has two SGs and only sg-cluster (known, tagged) carries the tag: not a finding
    expect(hits).not.toContain('sg-node-cluster-tag i-1');
    expect(hits).not.toContain('subnet-public-ip-autoassign-disabled subnet-2');
    expect(hits).not.toContain(`endpoint-private-dns-disabled ${ARN}`);
    expect(report.clusters).toEqual([
      expect.objectContaining({ name: 'shop', region: 'eu-west-1', arn: ARN }),
    ]);
    expect(report.regions).toEqual(['eu-west-1']);
    // No vpc-cni add-on, no network ACL or flow-log list in the file: not judged, never a finding.
    const notJudged = Object.fromEntries(
      report.clusters[0].notJudged.map((n: { ruleId: string; reason: string }) => [n.ruleId, n.reason]),
    );
    expect(notJudged['cni-network-policy-disabled']).toMatch(/no vpc-cni EKS add-on/);
    expect(notJudged['vpc-flow-logs-disabled']).toMatch(/flow logs/);
    expect(hits.filter((h: string) => h.startsWith('cni-network-policy-disabled'))).toEqual([]);
    expect(hits.filter((h: string) => h.startsWith('vpc-flow-logs-disabled'))).toEqual([]);
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
    // Private endpoint off: a cluster-level finding whose resource id is the ARN.
    (inventory.cluster.resourcesVpcConfig as Record<string, unknown>).endpointPrivateAccess = false;
    // Act
    const { code, report } = await scan(document, 'no-arn.json');
    // Assert: cluster-level findings carry the ARN EKS would report
    expect(code).toBe(0);
    expect(report.clusters).toEqual([
      expect.objectContaining({ name: 'shop', region: 'eu-west-1', arn: ARN }),
    ]);
    expect(
      report.findings.find((f: { ruleId: string }) => f.ruleId === 'endpoint-private-disabled')?.resourceId,
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

describe('hand-written catalog v2 inputs, pasted as the aws CLI prints them', () => {
  const VPC = 'vpc-1';
  /** One VPC entry whose lists are whole `aws ec2 describe-*` outputs. */
  function pastedOutputs() {
    return {
      scannedAt: '2026-03-01T00:00:00Z',
      clusters: [
        {
          cluster: {
            name: 'shop',
            arn: ARN,
            version: '1.31',
            resourcesVpcConfig: { subnetIds: ['subnet-1'], vpcId: VPC },
            kubernetesNetworkConfig: {
              serviceIpv6Cidr: 'fd30:1c53:5f8a::/108',
              ipFamily: 'ipv6',
              elasticLoadBalancing: { enabled: false },
            },
            computeConfig: {
              enabled: true,
              nodePools: ['general-purpose'],
              nodeRoleArn: 'arn:aws:iam::123456789012:role/node',
            },
            remoteNetworkConfig: {
              remoteNodeNetworks: [{ cidrs: ['10.80.0.0/16'] }],
              remotePodNetworks: [{ cidrs: ['10.85.0.0/16'] }],
            },
          },
          nodegroups: [
            {
              nodegroup: { nodegroupName: 'ng-1', subnets: ['subnet-1'], amiType: 'AL2023_x86_64_STANDARD' },
            },
          ],
          addons: [{ addon: { addonName: 'vpc-cni', addonVersion: 'v1.19.2-eksbuild.1', status: 'ACTIVE' } }],
        },
      ],
      vpcs: [
        {
          vpcId: VPC,
          vpc: {
            Vpcs: [
              {
                VpcId: VPC,
                CidrBlock: '10.0.0.0/16',
                Ipv6CidrBlockAssociationSet: [
                  { Ipv6CidrBlock: '2600:1f13:abc::/56', Ipv6CidrBlockState: { State: 'associated' } },
                  { Ipv6CidrBlock: '2600:1f13:def::/56', Ipv6CidrBlockState: { State: 'disassociated' } },
                ],
              },
            ],
            EnableDnsSupport: { Value: true },
            EnableDnsHostnames: { Value: false },
          },
          subnets: {
            Subnets: [
              {
                SubnetId: 'subnet-1',
                VpcId: VPC,
                CidrBlock: '10.0.1.0/24',
                AssignIpv6AddressOnCreation: true,
                Ipv6CidrBlockAssociationSet: [
                  {
                    AssociationId: 'subnet-cidr-assoc-1',
                    Ipv6CidrBlock: '2600:1f13:abc:1::/64',
                    Ipv6CidrBlockState: { State: 'associated' },
                  },
                  {
                    AssociationId: 'subnet-cidr-assoc-2',
                    Ipv6CidrBlock: '2600:1f13:abc:9::/64',
                    Ipv6CidrBlockState: { State: 'disassociating' },
                  },
                ],
                Tags: [{ Key: 'Name', Value: 'one' }],
              },
            ],
          },
          securityGroups: {
            SecurityGroups: [
              {
                GroupId: 'sg-1',
                VpcId: VPC,
                IpPermissions: [],
                IpPermissionsEgress: [
                  {
                    IpProtocol: 'tcp',
                    FromPort: 10250,
                    ToPort: 10250,
                    IpRanges: [{ CidrIp: '10.80.0.0/16' }],
                  },
                ],
              },
            ],
          },
          instances: {
            Reservations: [
              {
                ReservationId: 'r-1',
                Instances: [
                  {
                    InstanceId: 'i-1',
                    SubnetId: 'subnet-1',
                    State: { Code: 16, Name: 'running' },
                    PublicIpAddress: '203.0.113.5',
                    MetadataOptions: {
                      State: 'applied',
                      HttpTokens: 'optional',
                      HttpPutResponseHopLimit: 2,
                      HttpEndpoint: 'enabled',
                      HttpProtocolIpv6: 'disabled',
                    },
                    SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'nodes' }],
                    Tags: [{ Key: 'eks:eks-cluster-name', Value: 'shop' }],
                  },
                ],
              },
              {
                ReservationId: 'r-2',
                Instances: [{ InstanceId: 'i-2', SubnetId: 'subnet-1', SecurityGroups: [] }],
              },
            ],
          },
          networkAcls: {
            NetworkAcls: [
              {
                NetworkAclId: 'acl-1',
                VpcId: VPC,
                IsDefault: false,
                OwnerId: '123456789012',
                Entries: [
                  {
                    CidrBlock: '10.0.0.0/16',
                    Egress: false,
                    PortRange: { From: 443, To: 443 },
                    Protocol: '6',
                    RuleAction: 'allow',
                    RuleNumber: 100,
                  },
                  {
                    CidrBlock: '0.0.0.0/0',
                    Egress: false,
                    Protocol: '-1',
                    RuleAction: 'deny',
                    RuleNumber: 32767,
                  },
                  {
                    Ipv6CidrBlock: '::/0',
                    Egress: false,
                    Protocol: '-1',
                    RuleAction: 'deny',
                    RuleNumber: 32768,
                  },
                ],
                Associations: [
                  { NetworkAclAssociationId: 'aclassoc-1', NetworkAclId: 'acl-1', SubnetId: 'subnet-1' },
                ],
                Tags: [{ Key: 'Name', Value: 'nodes' }],
              },
            ],
          },
          flowLogs: {
            FlowLogs: [
              {
                FlowLogId: 'fl-1',
                ResourceId: VPC,
                FlowLogStatus: 'ACTIVE',
                TrafficType: 'REJECT',
                DeliverLogsStatus: 'SUCCESS',
                LogDestinationType: 's3',
              },
            ],
          },
        },
      ],
    };
  }

  it('reads describe-cluster network, compute and remote-network config (other keys dropped)', () => {
    // Act
    const snapshot = parseSnapshot(pastedOutputs(), 'v2.json');
    // Assert
    const { cluster } = snapshot.clusters[0]!;
    expect(cluster.version).toBe('1.31');
    expect(cluster.kubernetesNetworkConfig).toEqual({
      serviceIpv6Cidr: 'fd30:1c53:5f8a::/108',
      ipFamily: 'ipv6',
    });
    expect(cluster.computeConfig).toEqual({
      enabled: true,
      nodePools: ['general-purpose'],
      nodeRoleArn: 'arn:aws:iam::123456789012:role/node',
    });
    expect(cluster.remoteNetworkConfig).toEqual({
      remoteNodeNetworks: [{ cidrs: ['10.80.0.0/16'] }],
      remotePodNetworks: [{ cidrs: ['10.85.0.0/16'] }],
    });
  });

  it('unwraps describe-nodegroup and describe-addon outputs', () => {
    // Act
    const inventory = parseSnapshot(pastedOutputs(), 'v2.json').clusters[0]!;
    // Assert
    expect(inventory.nodegroups).toEqual([{ nodegroupName: 'ng-1', subnets: ['subnet-1'] }]);
    expect(inventory.vpcCni).toEqual({ state: 'installed', addonVersion: 'v1.19.2-eksbuild.1' });
  });

  it('reads describe-network-acls output as the collector records it', () => {
    // Act
    const [vpc] = parseSnapshot(pastedOutputs(), 'v2.json').vpcs;
    // Assert
    expect(vpc!.networkAcls).toEqual([
      {
        NetworkAclId: 'acl-1',
        VpcId: VPC,
        IsDefault: false,
        Entries: [
          {
            CidrBlock: '10.0.0.0/16',
            Egress: false,
            PortRange: { From: 443, To: 443 },
            Protocol: '6',
            RuleAction: 'allow',
            RuleNumber: 100,
          },
          { CidrBlock: '0.0.0.0/0', Egress: false, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32767 },
          { Ipv6CidrBlock: '::/0', Egress: false, Protocol: '-1', RuleAction: 'deny', RuleNumber: 32768 },
        ],
        Associations: [{ SubnetId: 'subnet-1' }],
      },
    ]);
    expect(vpc!.incomplete).toEqual([]);
  });

  it('takes a network ACL protocol typed as a number or a name as the number AWS prints', () => {
    // Arrange
    const document = pastedOutputs();
    const entries = document.vpcs[0]!.networkAcls.NetworkAcls[0]!.Entries as Record<string, unknown>[];
    entries[0]!.Protocol = 'tcp';
    entries[1]!.Protocol = 'all';
    entries[2]!.Protocol = -1;
    // Act
    const [acl] = parseSnapshot(document, 'v2.json').vpcs[0]!.networkAcls;
    // Assert
    expect(acl!.Entries.map((e) => e.Protocol)).toEqual(['6', '-1', '-1']);
  });

  it('reads describe-flow-logs, describe-instances (reservations) and describe-security-groups egress', () => {
    // Act
    const [vpc] = parseSnapshot(pastedOutputs(), 'v2.json').vpcs;
    // Assert
    expect(vpc!.flowLogs).toEqual([
      {
        FlowLogId: 'fl-1',
        ResourceId: VPC,
        FlowLogStatus: 'ACTIVE',
        TrafficType: 'REJECT',
        DeliverLogsStatus: 'SUCCESS',
      },
    ]);
    expect(vpc!.instances).toEqual([
      {
        InstanceId: 'i-1',
        VpcId: VPC,
        SubnetId: 'subnet-1',
        State: 'running',
        SecurityGroupIds: ['sg-1'],
        PublicIpAddress: '203.0.113.5',
        MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
        Tags: { 'eks:eks-cluster-name': 'shop' },
      },
      { InstanceId: 'i-2', VpcId: VPC, SubnetId: 'subnet-1', SecurityGroupIds: [], Tags: {} },
    ]);
    expect(vpc!.securityGroups[0]!.IpPermissionsEgress).toEqual([
      { IpProtocol: 'tcp', FromPort: 10250, ToPort: 10250, IpRanges: [{ CidrIp: '10.80.0.0/16' }] },
    ]);
  });

  it('keeps only associated IPv6 blocks of subnets and of the VPC (describe-vpcs output, DNS attributes beside)', () => {
    // Act
    const [vpc] = parseSnapshot(pastedOutputs(), 'v2.json').vpcs;
    // Assert
    expect(vpc!.subnets[0]!.AssignIpv6AddressOnCreation).toBe(true);
    expect(vpc!.subnets[0]!.Ipv6CidrBlockAssociationSet).toEqual([{ Ipv6CidrBlock: '2600:1f13:abc:1::/64' }]);
    expect(vpc!.vpc).toEqual({
      VpcId: VPC,
      CidrBlock: '10.0.0.0/16',
      CidrBlocks: ['10.0.0.0/16'],
      Ipv6CidrBlocks: ['2600:1f13:abc::/56'],
      EnableDnsSupport: true,
      EnableDnsHostnames: false,
    });
  });

  it('reports a malformed block in pasted output with the path of the normalized snapshot', () => {
    // Arrange
    const document = pastedOutputs();
    document.vpcs[0]!.subnets.Subnets[0]!.Ipv6CidrBlockAssociationSet[0]!.Ipv6CidrBlock =
      '2600:1f13:abc:1::/64x';
    // Act / Assert
    expect(() => parseSnapshot(document, 'v2.json')).toThrow(
      'v2.json: not a valid snapshot: vpcs[0].subnets[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock: not a CIDR block ("2600:1f13:abc:1::/64x")',
    );
  });
});
