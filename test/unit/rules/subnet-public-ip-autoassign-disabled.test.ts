import { describe, expect, it } from 'vitest';
import { subnetPublicIpAutoassignDisabled } from '../../../functions/core/rules/subnet-public-ip-autoassign-disabled.ts';
import type { ClusterInventory, VpcInventory } from '../../../functions/core/snapshot.ts';
import { buildSnapshot, instance, managedNodegroup, runRule } from '../../fixtures/snapshot-builder.ts';

function scenario(
  mapPublicIp: boolean | undefined,
  mutate?: (s: { cluster: ClusterInventory; vpc: VpcInventory }) => void,
) {
  return buildSnapshot(({ cluster, vpc }) => {
    cluster.nodegroups = [managedNodegroup('ng-pub', { subnets: ['subnet-pub'] })];
    for (const s of vpc.subnets) s.MapPublicIpOnLaunch = mapPublicIp;
    mutate?.({ cluster, vpc });
  });
}

describe('subnet-public-ip-autoassign-disabled', () => {
  it('fires for a public node subnet with MapPublicIpOnLaunch false', () => {
    // Arrange
    const snapshot = scenario(false);
    // Act
    const findings = runRule(subnetPublicIpAutoassignDisabled, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'subnet-pub', severity: 'HIGH', resourceType: 'subnet' });
    expect(findings[0]?.evidence).toMatchObject({
      mapPublicIpOnLaunch: false,
      subnetClass: 'public',
      roles: ['node'],
    });
  });

  it('does not fire when the subnet assigns public IPs', () => {
    expect(runRule(subnetPublicIpAutoassignDisabled, scenario(true))).toEqual([]);
  });

  it('does not fire when the attribute is unknown', () => {
    expect(runRule(subnetPublicIpAutoassignDisabled, scenario(undefined))).toEqual([]);
  });

  it.each([
    ['a self-managed node', { 'eks:cluster-name': 'demo' }],
    ['a Karpenter node', { 'eks:eks-cluster-name': 'demo', 'karpenter.sh/nodepool': 'default' }],
    [
      'an Auto Mode node',
      { 'eks:eks-cluster-name': 'demo', 'eks:kubernetes-node-pool-name': 'general-purpose' },
    ],
  ])(
    'does not judge a public subnet holding only %s (v2: managed node group subnets only)',
    (_name, tags) => {
      // Arrange
      const snapshot = scenario(false, ({ cluster, vpc }) => {
        cluster.nodegroups = [];
        vpc.instances = [instance('i-1', { SubnetId: 'subnet-pub', Tags: tags })];
      });
      // Act
      const findings = runRule(subnetPublicIpAutoassignDisabled, snapshot);
      // Assert
      expect(findings).toEqual([]);
    },
  );

  it('names the managed node groups in the subnet and renders the command', () => {
    const [finding] = runRule(subnetPublicIpAutoassignDisabled, scenario(false));
    expect(finding?.evidence.nodegroups).toEqual(['ng-pub']);
    expect(finding?.remediation).toContain(
      'aws ec2 modify-subnet-attribute --region us-east-1 --subnet-id subnet-pub --map-public-ip-on-launch',
    );
  });

  it('ignores public subnets that only the control plane uses', () => {
    const snapshot = scenario(false, ({ cluster }) => {
      cluster.nodegroups = [];
      cluster.cluster.resourcesVpcConfig.subnetIds.push('subnet-pub');
    });
    expect(runRule(subnetPublicIpAutoassignDisabled, snapshot)).toEqual([]);
  });

  it('ignores private node subnets', () => {
    const snapshot = scenario(false, ({ cluster }) => {
      cluster.nodegroups = [managedNodegroup('ng')];
    });
    expect(runRule(subnetPublicIpAutoassignDisabled, snapshot)).toEqual([]);
  });

  it('is skipped when node groups could not be read', () => {
    const snapshot = scenario(false, ({ cluster }) => {
      cluster.incomplete = ['nodegroups'];
    });
    expect(runRule(subnetPublicIpAutoassignDisabled, snapshot)).toEqual([]);
  });
});
