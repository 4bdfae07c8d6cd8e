import { describe, expect, it } from 'vitest';
import { naclBlocksNodeControlPlane } from '../../../functions/core/rules/nacl-blocks-node-control-plane.ts';
import type {
  ClusterInventory,
  Ec2NetworkAclEntry,
  Snapshot,
  VpcInventory,
} from '../../../functions/core/snapshot.ts';
import {
  aclEntry,
  buildSnapshot,
  CLUSTER,
  managedNodegroup,
  networkAcl,
  notJudgedReason,
  REGION,
  runRule,
  subnet,
} from '../../fixtures/snapshot-builder.ts';

const rule = naclBlocksNodeControlPlane;
const VPC_CIDR = '10.0.0.0/16';

/** Entries allowing TCP on `ports` both ways within the VPC, then the catch-all deny. */
function vpcOnly(ports: [number, number][]): Ec2NetworkAclEntry[] {
  const entries: Ec2NetworkAclEntry[] = [];
  ports.forEach((range, i) => {
    entries.push(aclEntry(100 + i * 10, 'allow', { protocol: '6', ports: range, cidr: VPC_CIDR }));
    entries.push(
      aclEntry(100 + i * 10, 'allow', { egress: true, protocol: '6', ports: range, cidr: VPC_CIDR }),
    );
  });
  return [...entries, aclEntry(32767, 'deny'), aclEntry(32767, 'deny', { egress: true })];
}

/**
 * Cluster subnets subnet-a and subnet-b keep the default allow-all ACL; a managed node
 * group runs in subnet-n (10.0.10.0/24), whose own ACL `acl-nodes` holds `entries`.
 */
function nodesBehind(
  entries: Ec2NetworkAclEntry[],
  mutate?: (s: { cluster: ClusterInventory; vpc: VpcInventory }) => void,
): Snapshot {
  return buildSnapshot(({ cluster, vpc }) => {
    vpc.subnets.push(subnet('subnet-n', { CidrBlock: '10.0.10.0/24', AvailabilityZone: 'us-east-1c' }));
    vpc.networkAcls.push(networkAcl('acl-nodes', ['subnet-n'], { Entries: entries }));
    cluster.nodegroups = [managedNodegroup('ng-1', { subnets: ['subnet-n'] })];
    mutate?.({ cluster, vpc });
  });
}

describe('nacl-blocks-node-control-plane', () => {
  it('does not fire when the ACLs allow everything (the VPC default ACL)', () => {
    // Arrange: nodes in subnet-a and subnet-b, both under the default allow-all ACL
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.nodegroups = [managedNodegroup('ng-1')];
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toEqual([]);
  });

  it('does not fire when the node ACL allows exactly 443, 10250 and the ephemeral range within the VPC', () => {
    // Arrange
    const snapshot = nodesBehind(
      vpcOnly([
        [443, 443],
        [10250, 10250],
        [32768, 60999],
      ]),
    );
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toEqual([]);
  });

  it('fires on the node subnet when its ACL lacks kubelet port 10250, listing each blocked leg', () => {
    // Arrange
    const snapshot = nodesBehind(
      vpcOnly([
        [443, 443],
        [32768, 60999],
      ]),
    );
    // Act
    const findings = runRule(rule, snapshot);
    // Assert: 10250 in from each cluster subnet is refused by the implicit deny
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'subnet-n', resourceType: 'subnet', severity: 'HIGH' });
    expect(findings[0]?.evidence).toMatchObject({ subnetId: 'subnet-n', networkAclId: 'acl-nodes' });
    expect(findings[0]?.evidence.blockedLegs).toEqual([
      {
        path: 'control-plane-to-kubelet',
        clusterSubnetId: 'subnet-a',
        subnetId: 'subnet-n',
        networkAclId: 'acl-nodes',
        direction: 'ingress',
        ports: '10250',
        peerCidr: '10.0.1.0/24',
        ruleNumber: '*',
      },
      {
        path: 'control-plane-to-kubelet',
        clusterSubnetId: 'subnet-b',
        subnetId: 'subnet-n',
        networkAclId: 'acl-nodes',
        direction: 'ingress',
        ports: '10250',
        peerCidr: '10.0.2.0/24',
        ruleNumber: '*',
      },
    ]);
  });

  it('renders the fix for the first blocked leg, with a free rule number', () => {
    // Arrange
    const snapshot = nodesBehind(
      vpcOnly([
        [443, 443],
        [32768, 60999],
      ]),
    );
    // Act
    const [finding] = runRule(rule, snapshot);
    // Assert: entries 100 and 110 exist, so the new one is 120
    expect(finding?.remediation).toContain(
      `aws ec2 create-network-acl-entry --region ${REGION} --network-acl-id acl-nodes --ingress --rule-number 120 --protocol tcp --port-range From=10250,To=10250 --cidr-block 10.0.1.0/24 --rule-action allow`,
    );
    expect(finding?.remediation).toContain('AWS::EC2::NetworkAclEntry');
    expect(finding?.remediation).toContain('aws_network_acl_rule');
    expect(finding?.remediation).toContain('egress = false');
    expect(finding?.remediation).not.toMatch(/<[A-Za-z]+>/);
  });

  it('fires when the node ACL passes only part of the ephemeral range (the replies)', () => {
    // Arrange: replies allowed only up to 50000
    const snapshot = nodesBehind(
      vpcOnly([
        [443, 443],
        [10250, 10250],
        [1024, 50000],
      ]),
    );
    // Act
    const legs = runRule(rule, snapshot)[0]?.evidence.blockedLegs as {
      direction: string;
      ports: string;
      path: string;
    }[];
    // Assert: ephemeral replies in (API server) and out (kubelet) for both cluster subnets
    expect(legs).toHaveLength(4);
    expect(legs.every((leg) => leg.ports === '32768-60999')).toBe(true);
    expect(legs.map((leg) => `${leg.path}/${leg.direction}`)).toEqual([
      'nodes-to-api-server/ingress',
      'control-plane-to-kubelet/egress',
      'nodes-to-api-server/ingress',
      'control-plane-to-kubelet/egress',
    ]);
  });

  it('checks the ephemeral range from the configuration', () => {
    // Arrange: the ACL passes 32768-60999, the configuration asks for 1024-65535
    const snapshot = nodesBehind(
      vpcOnly([
        [443, 443],
        [10250, 10250],
        [32768, 60999],
      ]),
    );
    // Act
    const findings = runRule(rule, snapshot, { ephemeralPorts: { from: 1024, to: 65535 } });
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.blockedLegs).toContainEqual(
      expect.objectContaining({ ports: '1024-65535' }),
    );
  });

  it("reports a cluster subnet's ACL that refuses the nodes, with the deciding deny's rule number", () => {
    // Arrange: subnet-a's ACL denies 443 from the node subnet at rule 90
    const snapshot = nodesBehind(
      vpcOnly([
        [443, 443],
        [10250, 10250],
        [32768, 60999],
      ]),
      ({ vpc }) => {
        vpc.networkAcls.push(
          networkAcl('acl-cp', ['subnet-a'], {
            Entries: [
              aclEntry(90, 'deny', { protocol: '6', ports: [443, 443], cidr: '10.0.10.0/24' }),
              aclEntry(100, 'allow'),
              aclEntry(100, 'allow', { egress: true }),
            ],
          }),
        );
      },
    );
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]?.resourceId).toBe('subnet-n');
    expect(findings[0]?.evidence.blockedLegs).toEqual([
      {
        path: 'nodes-to-api-server',
        clusterSubnetId: 'subnet-a',
        subnetId: 'subnet-a',
        networkAclId: 'acl-cp',
        direction: 'ingress',
        ports: '443',
        peerCidr: '10.0.10.0/24',
        ruleNumber: 90,
      },
    ]);
    expect(findings[0]?.remediation).toContain('--network-acl-id acl-cp --ingress --rule-number 89 ');
  });

  it('skips the pair of a subnet with itself (same-subnet traffic never crosses its ACL)', () => {
    // Arrange: one cluster subnet, which is also the only node subnet, under an ACL that passes nothing
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.cluster.resourcesVpcConfig.subnetIds = ['subnet-a'];
      cluster.nodegroups = [managedNodegroup('ng-1', { subnets: ['subnet-a'] })];
      vpc.networkAcls.push(networkAcl('acl-closed', ['subnet-a'], { Entries: [] }));
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toEqual([]);
  });

  it('checks the pair of two cluster subnets that both host nodes', () => {
    // Arrange: nodes in subnet-a and subnet-b; subnet-a's ACL passes only its own block
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.nodegroups = [managedNodegroup('ng-1')];
      vpc.networkAcls.push(
        networkAcl('acl-self', ['subnet-a'], {
          Entries: [
            aclEntry(100, 'allow', { cidr: '10.0.1.0/24' }),
            aclEntry(100, 'allow', { egress: true, cidr: '10.0.1.0/24' }),
          ],
        }),
      );
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert: both are node subnets whose pair crosses acl-self; the four legs through
    // subnet-a's ACL are blocked either way round
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-a', 'subnet-b']);
    for (const finding of findings) {
      const legs = finding.evidence.blockedLegs as { subnetId: string }[];
      expect(legs).toHaveLength(4);
      expect(legs.every((leg) => leg.subnetId === 'subnet-a')).toBe(true);
    }
  });

  it('with private endpoint access off, also needs 443 out to and replies in from 0.0.0.0/0', () => {
    // Arrange: a node ACL that is complete within the VPC only
    const closed = vpcOnly([
      [443, 443],
      [10250, 10250],
      [32768, 60999],
    ]);
    const privateOn = nodesBehind(closed);
    const privateOff = nodesBehind(closed, ({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.endpointPrivateAccess = false;
    });
    // Act
    const withPrivate = runRule(rule, privateOn);
    const withoutPrivate = runRule(rule, privateOff);
    // Assert
    expect(withPrivate).toEqual([]);
    expect(withoutPrivate).toHaveLength(1);
    expect(withoutPrivate[0]?.evidence.blockedLegs).toEqual([
      expect.objectContaining({
        path: 'nodes-to-public-endpoint',
        direction: 'egress',
        ports: '443',
        peerCidr: '0.0.0.0/0',
        clusterSubnetId: null,
      }),
      expect.objectContaining({
        path: 'nodes-to-public-endpoint',
        direction: 'ingress',
        ports: '32768-60999',
        peerCidr: '0.0.0.0/0',
      }),
    ]);
  });

  it('includes Karpenter discovery subnets among the node subnets', () => {
    // Arrange: no node group; subnet-k is where Karpenter will launch nodes
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.subnets.push(
        subnet('subnet-k', { CidrBlock: '10.0.20.0/24', Tags: { 'karpenter.sh/discovery': CLUSTER } }),
      );
      vpc.networkAcls.push(networkAcl('acl-k', ['subnet-k'], { Entries: vpcOnly([[443, 443]]) }));
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-k']);
  });

  it('skips legs through a subnet whose network ACL is not in the inventory', () => {
    // Arrange: no ACL at all is known for any subnet
    const snapshot = nodesBehind([], ({ vpc }) => {
      vpc.networkAcls = [];
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toEqual([]);
  });

  it('is not judged when an ACL entry that could decide cannot be read', () => {
    // Arrange
    const snapshot = nodesBehind([
      aclEntry(90, 'deny', { protocol: '6', ports: [443, 443], cidr: '10.0.10/24' }),
      aclEntry(100, 'allow'),
    ]);
    // Act
    const findings = runRule(rule, snapshot);
    const reason = notJudgedReason(rule, snapshot);
    // Assert
    expect(findings).toEqual([]);
    expect(reason).toContain('network ACL acl-nodes ingress entry 90');
  });

  it('is not judged when the network ACLs were not collected completely', () => {
    // Arrange
    const snapshot = nodesBehind([], ({ vpc }) => {
      vpc.incomplete = ['networkAcls'];
    });
    // Act
    const reason = notJudgedReason(rule, snapshot);
    // Assert
    expect(reason).toContain('network ACLs');
  });
});
