import { describe, expect, it } from 'vitest';
import { endpointPrivateDnsDisabled } from '../../../functions/core/rules/endpoint-private-dns-disabled.ts';
import type { Ec2Vpc } from '../../../functions/core/snapshot.ts';
import { buildSnapshot, CLUSTER_ARN, runRule, VPC_ID } from '../../fixtures/snapshot-builder.ts';

function withDns(
  dns: Partial<Pick<Ec2Vpc, 'EnableDnsHostnames' | 'EnableDnsSupport'>>,
  privateAccess = true,
) {
  return buildSnapshot(({ cluster, vpc }) => {
    cluster.cluster.resourcesVpcConfig.endpointPrivateAccess = privateAccess;
    if (vpc.vpc) Object.assign(vpc.vpc, dns);
  });
}

describe('endpoint-private-dns-disabled', () => {
  it('fires when private access is on and DNS hostnames are off', () => {
    // Arrange
    const snapshot = withDns({ EnableDnsHostnames: false });
    // Act
    const findings = runRule(endpointPrivateDnsDisabled, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: CLUSTER_ARN, severity: 'HIGH' });
    expect(findings[0]?.evidence).toMatchObject({
      vpcId: VPC_ID,
      enableDnsHostnames: false,
      enableDnsSupport: true,
    });
  });

  it('fires when private access is on and DNS support is off', () => {
    expect(runRule(endpointPrivateDnsDisabled, withDns({ EnableDnsSupport: false }))).toHaveLength(1);
  });

  it('does not fire when both attributes are on', () => {
    expect(runRule(endpointPrivateDnsDisabled, withDns({}))).toEqual([]);
  });

  it('does not fire when the attributes are unknown (not read)', () => {
    const snapshot = withDns({ EnableDnsHostnames: undefined, EnableDnsSupport: undefined });
    expect(runRule(endpointPrivateDnsDisabled, snapshot)).toEqual([]);
  });

  it('does not fire when private access is off (no private name to resolve)', () => {
    const snapshot = withDns({ EnableDnsHostnames: false, EnableDnsSupport: false }, false);
    expect(runRule(endpointPrivateDnsDisabled, snapshot)).toEqual([]);
  });

  it('is skipped when the VPC could not be read', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      if (vpc.vpc) vpc.vpc.EnableDnsHostnames = false;
      vpc.incomplete = ['vpc'];
    });
    expect(runRule(endpointPrivateDnsDisabled, snapshot)).toEqual([]);
  });
});
