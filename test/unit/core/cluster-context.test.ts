import { describe, expect, it } from 'vitest';
import { buildClusterContext, compareKubernetesVersions } from '../../../functions/core/cluster-context.ts';
import type { Snapshot } from '../../../functions/core/snapshot.ts';
import { buildVpcIndex } from '../../../functions/core/vpc-index.ts';
import {
  ACCOUNT,
  buildSnapshot,
  CLUSTER,
  instance,
  managedNodegroup,
  subnet,
} from '../../fixtures/snapshot-builder.ts';

function contextOf(snapshot: Snapshot) {
  const vpc = snapshot.vpcs[0];
  return buildClusterContext(ACCOUNT, snapshot.clusters[0]!, vpc ? buildVpcIndex(vpc) : undefined);
}

describe('cluster context: the RULES.md v2 terms', () => {
  it.each([
    ['a managed node group node', { 'eks:cluster-name': CLUSTER, 'eks:nodegroup-name': 'ng' }],
    ['an Auto Mode or Karpenter node', { 'eks:eks-cluster-name': CLUSTER }],
    ['a self-managed or Karpenter node', { [`kubernetes.io/cluster/${CLUSTER}`]: 'owned' }],
  ])('counts %s as a node instance and its subnet as a node subnet', (_name, tags) => {
    // Arrange
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.instances = [instance('i-1', { SubnetId: 'subnet-pub', Tags: tags })];
    });
    // Act
    const ctx = contextOf(snapshot);
    // Assert
    expect(ctx.nodeInstances.map((i) => i.InstanceId)).toEqual(['i-1']);
    expect(ctx.nodeSubnetIds).toEqual(['subnet-pub']);
  });

  it.each([
    ['shared', { [`kubernetes.io/cluster/${CLUSTER}`]: 'shared' }, 'running'],
    ['another cluster', { 'eks:eks-cluster-name': 'other' }, 'running'],
    ['stopped', { 'eks:cluster-name': CLUSTER }, 'stopped'],
  ])('does not count an instance tagged %s (or not running) as a node', (_name, tags, state) => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.instances = [instance('i-1', { Tags: tags, State: state })];
    });
    expect(contextOf(snapshot).nodeInstances).toEqual([]);
  });

  it('adds subnets tagged karpenter.sh/discovery=<cluster> to the node subnets, and only those', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.subnets.push(subnet('subnet-k1', { Tags: { 'karpenter.sh/discovery': CLUSTER } }));
      vpc.subnets.push(subnet('subnet-k2', { Tags: { 'karpenter.sh/discovery': 'other' } }));
    });
    const ctx = contextOf(snapshot);
    expect(ctx.karpenterSubnetIds).toEqual(['subnet-k1']);
    expect(ctx.nodeSubnetIds).toEqual(['subnet-k1']);
    expect(ctx.relatedSubnetIds).toContain('subnet-k1');
  });

  it('keeps managed node group subnets apart from other node subnets', () => {
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.nodegroups = [managedNodegroup('ng', { subnets: ['subnet-a'] })];
      vpc.instances = [
        instance('i-1', { SubnetId: 'subnet-pub', Tags: { 'eks:eks-cluster-name': CLUSTER } }),
      ];
    });
    const ctx = contextOf(snapshot);
    expect(ctx.managedNodegroupSubnetIds).toEqual(['subnet-a']);
    expect(ctx.nodeSubnetIds).toEqual(['subnet-a', 'subnet-pub']);
  });

  it('recognises Auto Mode, IPv6 and hybrid clusters and collects the remote CIDRs', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.computeConfig = { enabled: true };
      cluster.cluster.kubernetesNetworkConfig = { ipFamily: 'ipv6', serviceIpv6Cidr: 'fd00::/108' };
      cluster.cluster.remoteNetworkConfig = {
        remoteNodeNetworks: [{ cidrs: ['10.80.0.0/16', '10.81.0.0/16'] }],
        remotePodNetworks: [{ cidrs: ['10.90.0.0/16'] }],
      };
    });
    const ctx = contextOf(snapshot);
    expect([ctx.isAutoMode, ctx.isIpv6, ctx.isHybrid]).toEqual([true, true, true]);
    expect(ctx.remoteNodeCidrs).toEqual(['10.80.0.0/16', '10.81.0.0/16']);
    expect(ctx.remotePodCidrs).toEqual(['10.90.0.0/16']);
  });

  it('is not hybrid with pod networks only, nor Auto Mode when computeConfig is disabled', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.computeConfig = { enabled: false };
      cluster.cluster.remoteNetworkConfig = {
        remoteNodeNetworks: [],
        remotePodNetworks: [{ cidrs: ['10.90.0.0/16'] }],
      };
    });
    const ctx = contextOf(snapshot);
    expect([ctx.isAutoMode, ctx.isIpv6, ctx.isHybrid]).toEqual([false, false, false]);
  });

  it.each([
    [{ state: 'absent' } as const, /no vpc-cni EKS add-on/],
    [{ state: 'unknown', error: 'AccessDenied' } as const, /could not be read: AccessDenied/],
    [{ state: 'installed', configurationValues: '[1]' } as const, /cannot be parsed/],
  ])('marks the vpc-cni settings unknown, with a reason, for %j', (addon, reason) => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.vpcCni = addon;
    });
    const ctx = contextOf(snapshot);
    expect(ctx.vpcCni).toBeUndefined();
    expect(ctx.vpcCniUnknownReason).toMatch(reason);
    expect(ctx.incomplete.has('vpcCni')).toBe(true);
  });

  it('reads the NACL of a subnet: its explicit association, else the VPC default ACL', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.networkAcls = [
        { ...vpc.networkAcls[0]!, Associations: [{ SubnetId: 'subnet-b' }] },
        {
          NetworkAclId: 'acl-custom',
          VpcId: vpc.vpcId,
          IsDefault: false,
          Entries: [],
          Associations: [{ SubnetId: 'subnet-a' }],
        },
      ];
    });
    const index = buildVpcIndex(snapshot.vpcs[0]!);
    expect(index.networkAclOf('subnet-a')?.NetworkAclId).toBe('acl-custom');
    expect(index.networkAclOf('subnet-b')?.NetworkAclId).toBe('acl-default');
    expect(index.networkAclOf('subnet-pub')?.NetworkAclId).toBe('acl-default');
  });
});

describe('compareKubernetesVersions', () => {
  it('compares numerically: 1.9 < 1.19 < 1.30', () => {
    expect(compareKubernetesVersions('1.9', '1.19')).toBeLessThan(0);
    expect(compareKubernetesVersions('1.19', '1.30')).toBeLessThan(0);
    expect(compareKubernetesVersions('1.30', '1.30')).toBe(0);
    expect(compareKubernetesVersions('1.31', '1.19')).toBeGreaterThan(0);
  });
});
