import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  parseSnapshot,
  readSnapshotFile,
  SnapshotFileError,
  writeSnapshotFile,
} from '../../../functions/adapters/snapshot-file.ts';
import { demoSnapshot } from '../../../functions/cli/demo-account.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import {
  aclEntry,
  buildSnapshot,
  evaluateRules,
  ingress,
  instance,
  networkAcl,
  securityGroup,
  subnet,
} from '../../fixtures/snapshot-builder.ts';
import { run } from './run-cli.ts';

let dir: string;

/** Removes the key at `path` inside a JSON document. */
function deleteAt(document: unknown, path: readonly (string | number)[]): void {
  let node = document as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  delete node[path.at(-1)!];
}

/** Sets `value` at `path` inside a JSON document. */
function setAt(document: unknown, path: readonly (string | number)[], value: unknown): void {
  let node = document as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
}
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netguard-snapshot-'));
});

describe('snapshot file', () => {
  it('round-trips a snapshot through write and read unchanged', async () => {
    const path = join(dir, 'demo.json');
    const snapshot = demoSnapshot();
    await writeSnapshotFile(path, snapshot);
    expect(await readSnapshotFile(path)).toEqual(snapshot);
    expect(await readFile(path, 'utf8')).toContain('\n  "schemaVersion": 1,');
  });

  it('refuses a file above the size limit before parsing it', async () => {
    const path = join(dir, 'big.json');
    await writeFile(path, 'x'.repeat(2048));
    const error = await readSnapshotFile(path, { maxBytes: 1024 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(SnapshotFileError);
    expect((error as Error).message).toBe(
      `${path}: snapshot file is 2.0 KiB, above the 1.0 KiB limit; scan fewer regions or clusters`,
    );
  });

  it('reports a missing file in one line', async () => {
    await expect(readSnapshotFile(join(dir, 'nope.json'))).rejects.toThrow(
      /^cannot read snapshot file .*nope\.json: no such file$/,
    );
  });

  it('reports malformed JSON', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"schemaVersion": 1,');
    await expect(readSnapshotFile(path)).rejects.toThrow(`${path}: not valid JSON`);
  });

  it('names the first invalid field of a wrong-shaped snapshot', async () => {
    const path = join(dir, 'wrong.json');
    const snapshot = buildSnapshot() as unknown as { clusters: { cluster: { name: unknown } }[] };
    snapshot.clusters[0]!.cluster.name = 42;
    await writeFile(path, JSON.stringify(snapshot));
    await expect(readSnapshotFile(path)).rejects.toThrow(
      `${path}: not a valid snapshot: clusters[0].cluster.name: expected string, received number`,
    );
  });

  it('rejects an unknown schema version', async () => {
    const path = join(dir, 'v2.json');
    await writeFile(path, JSON.stringify({ ...buildSnapshot(), schemaVersion: 2 }));
    await expect(readSnapshotFile(path)).rejects.toThrow(/not a valid snapshot: schemaVersion:/);
  });
});

/** The base snapshot as plain JSON, for edits a typed snapshot would not allow. */
function plain(mutate?: Parameters<typeof buildSnapshot>[0]): unknown {
  return JSON.parse(JSON.stringify(buildSnapshot(mutate)));
}

function refusal(document: unknown): string {
  try {
    parseSnapshot(document, 'snap.json');
  } catch (error) {
    expect(error).toBeInstanceOf(SnapshotFileError);
    return (error as Error).message;
  }
  throw new Error('the snapshot was accepted');
}

describe('snapshot validation of values the rules compute with', () => {
  const withNacl = () =>
    plain(({ vpc }) => {
      vpc.networkAcls.push(
        networkAcl('acl-custom', ['subnet-a'], {
          Entries: [
            aclEntry(100, 'allow', { protocol: '6', ports: [443, 443], cidr: '10.0.0.0/16' }),
            aclEntry(110, 'allow', { protocol: '6', ports: [1024, 65535], cidr: '10.0.0.0/16' }),
            aclEntry(120, 'allow', { egress: true }),
            aclEntry(130, 'deny', { ipv6Cidr: '::/0' }),
          ],
        }),
      );
    });
  const entry = ['vpcs', 0, 'networkAcls', 1, 'Entries', 1] as const;

  it.each<[string, (string | number)[], unknown, string]>([
    [
      'an unknown rule action',
      [...entry, 'RuleAction'],
      'maybe',
      'RuleAction: Invalid option: expected one of "allow"|"deny"',
    ],
    [
      'a rule number above 32768',
      [...entry, 'RuleNumber'],
      40000,
      'RuleNumber: a rule number is an integer from 1 to 32766',
    ],
    [
      'a rule number of 0',
      [...entry, 'RuleNumber'],
      0,
      'RuleNumber: a rule number is an integer from 1 to 32766',
    ],
    [
      'a fractional rule number',
      [...entry, 'RuleNumber'],
      100.5,
      'RuleNumber: a rule number is an integer from 1 to 32766',
    ],
    ['a string Egress', [...entry, 'Egress'], 'false', 'Egress: expected boolean, received string'],
    [
      'a port range with From above To',
      [...entry, 'PortRange'],
      { From: 2000, To: 1000 },
      'PortRange: From is above To',
    ],
    ['a port above 65535', [...entry, 'PortRange', 'To'], 70000, 'PortRange.To: a port is 0–65535'],
    ['a negative port', [...entry, 'PortRange', 'From'], -1, 'PortRange.From: a port is 0–65535'],
    [
      'a protocol name AWS does not print',
      [...entry, 'Protocol'],
      'http',
      'Protocol: expected "-1" (all) or an IP protocol number',
    ],
    [
      'a prefix length of 33',
      [...entry, 'CidrBlock'],
      '10.0.0.0/33',
      'CidrBlock: not a CIDR block ("10.0.0.0/33")',
    ],
    ['a word for a CIDR', [...entry, 'CidrBlock'], 'banana', 'CidrBlock: not a CIDR block ("banana")'],
    [
      'a bare address for a CIDR',
      [...entry, 'CidrBlock'],
      '10.0.0.1',
      'CidrBlock: not a CIDR block ("10.0.0.1")',
    ],
    [
      'an IPv6 block in the IPv4 field',
      [...entry, 'CidrBlock'],
      '2001:db8::/32',
      'CidrBlock: not an IPv4 CIDR block ("2001:db8::/32")',
    ],
    [
      'a malformed IPv6 block',
      ['vpcs', 0, 'networkAcls', 1, 'Entries', 3, 'Ipv6CidrBlock'],
      '2001:db8:::/32',
      'Entries[3].Ipv6CidrBlock: not a CIDR block ("2001:db8:::/32")',
    ],
  ])('refuses a network ACL entry with %s, naming its path', (_case, path, value, expected) => {
    // Arrange
    const document = withNacl();
    setAt(document, path, value);
    // Act
    const message = refusal(document);
    // Assert: one line, the whole path to the field
    expect(message).toContain(`snap.json: not a valid snapshot: vpcs[0].networkAcls[1].`);
    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });

  it('refuses an entry with neither CidrBlock nor Ipv6CidrBlock, and a TCP entry without ports', () => {
    // Arrange
    const noCidr = withNacl();
    deleteAt(noCidr, ['vpcs', 0, 'networkAcls', 1, 'Entries', 2, 'CidrBlock']);
    const noPorts = withNacl();
    deleteAt(noPorts, ['vpcs', 0, 'networkAcls', 1, 'Entries', 0, 'PortRange']);
    // Act / Assert
    expect(refusal(noCidr)).toContain(
      'vpcs[0].networkAcls[1].Entries[2]: an entry needs CidrBlock or Ipv6CidrBlock',
    );
    expect(refusal(noPorts)).toContain(
      'vpcs[0].networkAcls[1].Entries[0]: a TCP or UDP entry needs PortRange {From, To}',
    );
  });

  it.each<[string, (string | number)[], unknown, string]>([
    [
      'subnet IPv4 block',
      ['vpcs', 0, 'subnets', 0, 'CidrBlock'],
      '10.0.1.0/33',
      'vpcs[0].subnets[0].CidrBlock: not a CIDR block',
    ],
    [
      'subnet IPv6 block',
      ['vpcs', 0, 'subnets', 0, 'Ipv6CidrBlockAssociationSet'],
      [{ Ipv6CidrBlock: '2600:1f13::/129' }],
      'vpcs[0].subnets[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock: not a CIDR block',
    ],
    [
      'subnet IPv6 association written as a bare block',
      ['vpcs', 0, 'subnets', 0, 'Ipv6CidrBlockAssociationSet'],
      ['2600:1f13::/64'],
      'vpcs[0].subnets[0].Ipv6CidrBlockAssociationSet[0]: expected object, received string',
    ],
    [
      'VPC IPv4 block',
      ['vpcs', 0, 'vpc', 'CidrBlocks'],
      ['10.0.0.0/16', 'banana'],
      'vpcs[0].vpc.CidrBlocks[1]: not a CIDR block',
    ],
    [
      'VPC IPv6 block',
      ['vpcs', 0, 'vpc', 'Ipv6CidrBlocks'],
      ['10.0.0.0/16'],
      'vpcs[0].vpc.Ipv6CidrBlocks[0]: not an IPv6 CIDR block',
    ],
    [
      'SG ingress CIDR',
      ['vpcs', 0, 'securityGroups', 0, 'IpPermissions', 0, 'IpRanges'],
      [{ CidrIp: '0.0.0.0/-1' }],
      'vpcs[0].securityGroups[0].IpPermissions[0].IpRanges[0].CidrIp: not a CIDR block',
    ],
    [
      'SG ingress IPv6 CIDR',
      ['vpcs', 0, 'securityGroups', 0, 'IpPermissions', 0, 'Ipv6Ranges'],
      [{ CidrIpv6: 'fe80::/xx' }],
      'vpcs[0].securityGroups[0].IpPermissions[0].Ipv6Ranges[0].CidrIpv6: not a CIDR block',
    ],
    [
      'SG egress CIDR',
      ['vpcs', 0, 'securityGroups', 0, 'IpPermissionsEgress'],
      [{ IpProtocol: '-1', IpRanges: [{ CidrIp: 'anywhere' }] }],
      'vpcs[0].securityGroups[0].IpPermissionsEgress[0].IpRanges[0].CidrIp: not a CIDR block',
    ],
    [
      'route destination',
      ['vpcs', 0, 'routeTables', 1, 'Routes', 1, 'DestinationCidrBlock'],
      '0.0.0.0',
      'vpcs[0].routeTables[1].Routes[1].DestinationCidrBlock: not a CIDR block',
    ],
    [
      'endpoint public access CIDR',
      ['clusters', 0, 'cluster', 'resourcesVpcConfig', 'publicAccessCidrs'],
      ['198.51.100.0/24', '198.51.100.0/40'],
      'clusters[0].cluster.resourcesVpcConfig.publicAccessCidrs[1]: not a CIDR block',
    ],
    [
      'remote node CIDR',
      ['clusters', 0, 'cluster', 'remoteNetworkConfig'],
      { remoteNodeNetworks: [{ cidrs: ['10.80.0.0/16', '10.80.0/16'] }] },
      'clusters[0].cluster.remoteNetworkConfig.remoteNodeNetworks[0].cidrs[1]: not a CIDR block',
    ],
    [
      'remote pod CIDR',
      ['clusters', 0, 'cluster', 'remoteNetworkConfig'],
      { remoteNodeNetworks: [{ cidrs: ['10.80.0.0/16'] }], remotePodNetworks: [{ cidrs: ['pods'] }] },
      'clusters[0].cluster.remoteNetworkConfig.remotePodNetworks[0].cidrs[0]: not a CIDR block',
    ],
    [
      'service IPv6 CIDR',
      ['clusters', 0, 'cluster', 'kubernetesNetworkConfig'],
      { ipFamily: 'ipv6', serviceIpv6Cidr: '10.100.0.0/16' },
      'clusters[0].cluster.kubernetesNetworkConfig.serviceIpv6Cidr: not an IPv6 CIDR block',
    ],
    [
      'IP family',
      ['clusters', 0, 'cluster', 'kubernetesNetworkConfig'],
      { ipFamily: 'ipv7' },
      'clusters[0].cluster.kubernetesNetworkConfig.ipFamily: expected "ipv4" or "ipv6"',
    ],
    [
      'NAT gateway public IP',
      ['vpcs', 0, 'natGateways', 0, 'PublicIps'],
      ['198.51.100.300'],
      'vpcs[0].natGateways[0].PublicIps[0]: not an IPv4 address',
    ],
    [
      'instance public IP',
      ['vpcs', 0, 'instances'],
      [{ InstanceId: 'i-1', SecurityGroupIds: [], Tags: {}, PublicIpAddress: '203.0.113.0/24' }],
      'vpcs[0].instances[0].PublicIpAddress: not an IPv4 address',
    ],
    [
      'instance metadata tokens',
      ['vpcs', 0, 'instances'],
      [{ InstanceId: 'i-1', SecurityGroupIds: [], Tags: {}, MetadataOptions: { HttpTokens: 'sometimes' } }],
      'vpcs[0].instances[0].MetadataOptions.HttpTokens: Invalid option',
    ],
    [
      'flow log traffic type',
      ['vpcs', 0, 'flowLogs', 0, 'TrafficType'],
      'EVERYTHING',
      'vpcs[0].flowLogs[0].TrafficType: Invalid option',
    ],
  ])('refuses a malformed %s, naming its path', (_case, path, value, expected) => {
    // Arrange
    const document = plain();
    setAt(document, path, value);
    // Act / Assert
    expect(refusal(document)).toContain(`snap.json: not a valid snapshot: ${expected}`);
  });

  it('exits 2 with one line on stderr when the CLI reads a malformed CIDR', async () => {
    // Arrange
    const path = join(dir, 'bad-cidr.json');
    const document = plain();
    setAt(document, ['vpcs', 0, 'networkAcls', 0, 'Entries', 0, 'CidrBlock'], '10.0.0.0/33');
    await writeFile(path, JSON.stringify(document));
    // Act
    const result = await run(['scan', '--snapshot-in', path, '--format', 'json']);
    // Assert
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `eks-netguard: ${path}: not a valid snapshot: vpcs[0].networkAcls[0].Entries[0].CidrBlock: not a CIDR block ("10.0.0.0/33")\n`,
    );
  });
});

describe('snapshot parts a file does not contain', () => {
  it('marks a VPC without networkAcls or flowLogs lists (a file from before catalog v2) incomplete, not empty', () => {
    // Arrange
    const document = plain();
    deleteAt(document, ['vpcs', 0, 'networkAcls']);
    deleteAt(document, ['vpcs', 0, 'flowLogs']);
    // Act
    const snapshot = parseSnapshot(document, 'old.json');
    // Assert
    expect(snapshot.vpcs[0]!.incomplete).toEqual(['networkAcls', 'flowLogs']);
    expect(snapshot.vpcs[0]!.networkAcls).toEqual([]);
    expect(snapshot.errors).toEqual([]);
  });

  it('reads explicit empty lists as empty (the file says there are none)', () => {
    // Arrange
    const document = plain(({ vpc }) => {
      vpc.networkAcls = [];
      vpc.flowLogs = [];
    });
    // Act
    const snapshot = parseSnapshot(document, 'empty.json');
    // Assert
    expect(snapshot.vpcs[0]!.incomplete).toEqual([]);
  });

  it('marks a VPC entry without its vpc record incomplete (DNS attributes and CIDR blocks unknown)', () => {
    // Arrange
    const document = plain();
    deleteAt(document, ['vpcs', 0, 'vpc']);
    // Act / Assert
    expect(parseSnapshot(document, 'no-vpc-record.json').vpcs[0]!.incomplete).toEqual(['vpc']);
  });

  it('leaves IpPermissionsEgress absent when the file has none (egress unknown), and keeps it when given', () => {
    // Arrange
    const document = plain(({ vpc }) => {
      vpc.securityGroups.push(securityGroup('sg-egress', { IpPermissionsEgress: [] }));
    });
    // Act
    const groups = parseSnapshot(document, 'egress.json').vpcs[0]!.securityGroups;
    // Assert
    expect(groups.find((g) => g.GroupId === 'sg-cluster')).not.toHaveProperty('IpPermissionsEgress');
    expect(groups.find((g) => g.GroupId === 'sg-egress')?.IpPermissionsEgress).toEqual([]);
  });

  it('leaves every rule that reads network ACLs or flow logs not judged, with the reason, when the lists are absent', () => {
    // Arrange
    const document = plain();
    deleteAt(document, ['vpcs', 0, 'networkAcls']);
    deleteAt(document, ['vpcs', 0, 'flowLogs']);
    const rules = RULES.filter((r) => r.requires.includes('networkAcls') || r.requires.includes('flowLogs'));
    // Act
    const result = evaluateRules(rules, parseSnapshot(document, 'old.json'));
    // Assert
    expect(rules.length).toBeGreaterThan(0);
    expect(result.findings).toEqual([]);
    expect(result.coverage[0]!.notJudged.map((n) => n.ruleId).sort()).toEqual(rules.map((r) => r.id).sort());
    for (const entry of result.coverage[0]!.notJudged) expect(entry.reason).toMatch(/network ACLs|flow logs/);
  });
});

describe('snapshot items of other VPCs', () => {
  it('drops items naming another VPC and flow logs of other resources (unfiltered describe-* output)', () => {
    // Arrange
    const document = plain(({ vpc }) => {
      vpc.subnets.push(subnet('subnet-other', { VpcId: 'vpc-other' }));
      vpc.networkAcls.push(networkAcl('acl-other-default', [], { VpcId: 'vpc-other', IsDefault: true }));
      vpc.flowLogs.push(
        { FlowLogId: 'fl-subnet', ResourceId: 'subnet-a', FlowLogStatus: 'ACTIVE', TrafficType: 'ALL' },
        { FlowLogId: 'fl-other', ResourceId: 'vpc-other', FlowLogStatus: 'ACTIVE', TrafficType: 'ALL' },
      );
    });
    // Act
    const [vpc] = parseSnapshot(document, 'unfiltered.json').vpcs;
    // Assert
    expect(vpc!.subnets.map((s) => s.SubnetId)).toEqual(['subnet-a', 'subnet-b', 'subnet-pub']);
    expect(vpc!.networkAcls.map((a) => a.NetworkAclId)).toEqual(['acl-default']);
    expect(vpc!.flowLogs.map((f) => f.FlowLogId)).toEqual(['fl-1']);
  });
});

describe('snapshot round trip with the catalog v2 fields', () => {
  it('reads back every new field unchanged', async () => {
    // Arrange
    const path = join(dir, 'v2.json');
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.cluster.kubernetesNetworkConfig = { ipFamily: 'ipv6', serviceIpv6Cidr: 'fd12:3456:789a::/108' };
      cluster.cluster.computeConfig = { enabled: true, nodePools: ['general-purpose', 'system'] };
      cluster.cluster.remoteNetworkConfig = {
        remoteNodeNetworks: [{ cidrs: ['10.80.0.0/16'] }],
        remotePodNetworks: [{ cidrs: ['10.85.0.0/16'] }],
      };
      vpc.subnets[0]!.AssignIpv6AddressOnCreation = true;
      vpc.subnets[0]!.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: '2600:1f13:abc:1::/64' }];
      vpc.securityGroups[0]!.IpPermissionsEgress = [
        ingress('-1', undefined, undefined, { cidrs: ['0.0.0.0/0'] }),
      ];
      vpc.instances.push(
        instance('i-1', {
          PublicIpAddress: '203.0.113.5',
          MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
        }),
      );
      vpc.networkAcls[0]!.Entries.unshift(
        aclEntry(90, 'deny', { protocol: '6', ports: [22, 22], cidr: '0.0.0.0/0' }),
      );
      vpc.flowLogs[0]!.DeliverLogsStatus = 'SUCCESS';
    });
    // Act
    await writeSnapshotFile(path, snapshot);
    // Assert
    expect(await readSnapshotFile(path)).toEqual(snapshot);
  });
});
