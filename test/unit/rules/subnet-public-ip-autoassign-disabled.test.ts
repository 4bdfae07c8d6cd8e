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

  it('fires for a public subnet holding a self-managed node', () => {
    const snapshot = scenario(false, ({ cluster, vpc }) => {
      cluster.nodegroups = [];
      vpc.instances = [instance('i-1', { SubnetId: 'subnet-pub' })];
    });
    expect(runRule(subnetPublicIpAutoassignDisabled, snapshot).map((f) => f.resourceId)).toEqual([
      'subnet-pub',
    ]);
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
