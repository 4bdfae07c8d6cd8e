import { describe, expect, it } from 'vitest';
import { fargatePublicSubnet } from '../../../functions/core/rules/fargate-public-subnet.ts';
import type { EksFargateProfile } from '../../../functions/core/snapshot.ts';
import { buildSnapshot, runRule } from '../../fixtures/snapshot-builder.ts';

function withProfiles(profiles: EksFargateProfile[]) {
  return buildSnapshot(({ cluster }) => {
    cluster.fargateProfiles = profiles;
  });
}

describe('fargate-public-subnet', () => {
  it('fires once per profile with a public subnet, naming the public subnets', () => {
    // Arrange
    const snapshot = withProfiles([
      { fargateProfileName: 'fp-mixed', subnets: ['subnet-a', 'subnet-pub'] },
      { fargateProfileName: 'fp-private', subnets: ['subnet-a', 'subnet-b'] },
    ]);
    // Act
    const findings = runRule(fargatePublicSubnet, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resourceId: 'fp-mixed',
      severity: 'HIGH',
      resourceType: 'fargate-profile',
    });
    expect(findings[0]?.evidence).toEqual({
      fargateProfileName: 'fp-mixed',
      subnets: ['subnet-a', 'subnet-pub'],
      publicSubnetIds: ['subnet-pub'],
    });
  });

  it('does not fire for private or isolated subnets, or subnets missing from the inventory', () => {
    const snapshot = withProfiles([{ fargateProfileName: 'fp', subnets: ['subnet-a', 'subnet-gone'] }]);
    expect(runRule(fargatePublicSubnet, snapshot)).toEqual([]);
  });

  it('is skipped when Fargate profiles could not be read', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.fargateProfiles = [{ fargateProfileName: 'fp', subnets: ['subnet-pub'] }];
      cluster.incomplete = ['fargateProfiles'];
    });
    expect(runRule(fargatePublicSubnet, snapshot)).toEqual([]);
  });
});
