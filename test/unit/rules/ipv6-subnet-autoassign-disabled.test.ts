import { describe, expect, it } from 'vitest';
import { ipv6SubnetAutoassignDisabled } from '../../../functions/core/rules/ipv6-subnet-autoassign-disabled.ts';
import type { Ec2Subnet, Snapshot } from '../../../functions/core/snapshot.ts';
import {
  buildSnapshot,
  instance,
  managedNodegroup,
  notJudgedReason,
  runRule,
} from '../../fixtures/snapshot-builder.ts';

const rule = ipv6SubnetAutoassignDisabled;

/** An IPv6 cluster whose managed node group uses subnet-a and subnet-b, both with an IPv6 block; `edit` changes subnet-a. */
function ipv6Nodes(edit: (subnet: Ec2Subnet) => void, ipFamily = 'ipv6'): Snapshot {
  return buildSnapshot(({ cluster, vpc }) => {
    cluster.cluster.kubernetesNetworkConfig = { ipFamily };
    cluster.nodegroups = [managedNodegroup('ng')];
    vpc.subnets[0]!.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: '2600:1f18:aa::/64' }];
    vpc.subnets[0]!.AssignIpv6AddressOnCreation = true;
    vpc.subnets[1]!.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: '2600:1f18:aa:1::/64' }];
    vpc.subnets[1]!.AssignIpv6AddressOnCreation = true;
    edit(vpc.subnets[0]!);
  });
}

describe('ipv6-subnet-autoassign-disabled', () => {
  it('fires HIGH on a node subnet of an IPv6 cluster with AssignIpv6AddressOnCreation false', () => {
    // Arrange
    const snapshot = ipv6Nodes((s) => {
      s.AssignIpv6AddressOnCreation = false;
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'subnet-a', severity: 'HIGH', resourceType: 'subnet' });
    expect(findings[0]?.evidence).toMatchObject({
      ipv6CidrBlocks: ['2600:1f18:aa::/64'],
      roles: ['cluster', 'node'],
      assignIpv6AddressOnCreation: false,
    });
    expect(findings[0]?.remediation).toContain(
      'aws ec2 modify-subnet-attribute --region us-east-1 --subnet-id subnet-a --assign-ipv6-address-on-creation',
    );
  });

  it('does not fire when the node subnets auto-assign IPv6 addresses', () => {
    expect(
      runRule(
        rule,
        ipv6Nodes(() => {}),
      ),
    ).toEqual([]);
  });

  it('does not fire when the attribute is unknown (absent), only on an explicit false', () => {
    const snapshot = ipv6Nodes((s) => {
      delete s.AssignIpv6AddressOnCreation;
    });
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('leaves a subnet without an IPv6 block to ipv6-subnet-no-ipv6-cidr', () => {
    const snapshot = ipv6Nodes((s) => {
      s.AssignIpv6AddressOnCreation = false;
      s.Ipv6CidrBlockAssociationSet = undefined;
    });
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('does not fire for an IPv4 cluster', () => {
    const snapshot = ipv6Nodes((s) => {
      s.AssignIpv6AddressOnCreation = false;
    }, 'ipv4');
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('does not judge cluster-only subnets, and does judge subnets of self-managed nodes', () => {
    // Arrange: no node group; one self-managed node in subnet-b.
    const snapshot = ipv6Nodes((s) => {
      s.AssignIpv6AddressOnCreation = false;
    });
    snapshot.clusters[0]!.nodegroups = [];
    snapshot.vpcs[0]!.subnets[1]!.AssignIpv6AddressOnCreation = false;
    snapshot.vpcs[0]!.instances = [instance('i-1', { SubnetId: 'subnet-b' })];
    // Act / Assert
    expect(runRule(rule, snapshot).map((f) => f.resourceId)).toEqual(['subnet-b']);
  });

  it('is not judged when the instances could not be read (node subnets unknown)', () => {
    const snapshot = ipv6Nodes(() => {});
    snapshot.vpcs[0]!.incomplete = ['instances'];
    expect(notJudgedReason(rule, snapshot)).toContain('instances');
  });
});
