import { describe, expect, it } from 'vitest';
import { subnetSingleAz } from '../../../functions/core/rules/subnet-single-az.ts';
import { buildSnapshot, CLUSTER_ARN, runRule } from '../../fixtures/snapshot-builder.ts';

describe('subnet-single-az', () => {
  it('does not fire when the cluster subnets span two zones', () => {
    expect(runRule(subnetSingleAz, buildSnapshot())).toEqual([]);
  });

  it('fires when every cluster subnet is in one zone', () => {
    // Arrange
    const snapshot = buildSnapshot(({ vpc }) => {
      for (const s of vpc.subnets) s.AvailabilityZone = 'us-east-1a';
    });
    // Act
    const findings = runRule(subnetSingleAz, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: CLUSTER_ARN, severity: 'HIGH', resourceType: 'cluster' });
    expect(findings[0]?.evidence).toEqual({
      availabilityZones: ['us-east-1a'],
      subnets: [
        { subnetId: 'subnet-a', availabilityZone: 'us-east-1a' },
        { subnetId: 'subnet-b', availabilityZone: 'us-east-1a' },
      ],
      missingSubnetIds: [],
    });
  });

  it('fires when the second-zone subnet no longer exists, and names it as missing', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.subnets = vpc.subnets.filter((s) => s.SubnetId !== 'subnet-b');
    });
    const findings = runRule(subnetSingleAz, snapshot);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.missingSubnetIds).toEqual(['subnet-b']);
  });

  it('counts zones, not subnets: three subnets in two zones do not fire', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.subnetIds = ['subnet-a', 'subnet-b', 'subnet-pub'];
    });
    expect(runRule(subnetSingleAz, snapshot)).toEqual([]);
  });

  it('is skipped when the subnets could not be read', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.subnets = [];
      vpc.incomplete = ['subnets'];
    });
    expect(runRule(subnetSingleAz, snapshot)).toEqual([]);
  });
});
