import { describe, expect, it } from 'vitest';
import { nodegroupPublicSubnet } from '../../../functions/core/rules/nodegroup-public-subnet.ts';
import { buildSnapshot, managedNodegroup, runRule } from '../../fixtures/snapshot-builder.ts';

describe('nodegroup-public-subnet', () => {
  it('fires once per managed node group with a public subnet', () => {
    // Arrange
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.nodegroups = [
        managedNodegroup('ng-pub', { subnets: ['subnet-pub', 'subnet-a'] }),
        managedNodegroup('ng-private'),
      ];
    });
    // Act
    const findings = runRule(nodegroupPublicSubnet, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'ng-pub', severity: 'LOW', resourceType: 'nodegroup' });
    expect(findings[0]?.evidence).toEqual({
      nodegroupName: 'ng-pub',
      subnets: ['subnet-pub', 'subnet-a'],
      publicSubnetIds: ['subnet-pub'],
    });
  });

  it('does not fire for node groups in private subnets', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.nodegroups = [managedNodegroup('ng')];
    });
    expect(runRule(nodegroupPublicSubnet, snapshot)).toEqual([]);
  });

  it('ignores self-managed nodes in public subnets (not a managed node group)', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.instances = [
        {
          InstanceId: 'i-1',
          SubnetId: 'subnet-pub',
          SecurityGroupIds: [],
          Tags: { 'eks:cluster-name': 'demo' },
        },
      ];
    });
    expect(runRule(nodegroupPublicSubnet, snapshot)).toEqual([]);
  });

  it('is skipped when route tables could not be read', () => {
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.nodegroups = [managedNodegroup('ng-pub', { subnets: ['subnet-pub'] })];
      vpc.incomplete = ['routeTables'];
    });
    expect(runRule(nodegroupPublicSubnet, snapshot)).toEqual([]);
  });
});
