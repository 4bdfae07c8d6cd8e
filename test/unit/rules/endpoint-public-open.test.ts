import { describe, expect, it } from 'vitest';
import { endpointPublicOpen } from '../../../functions/core/rules/endpoint-public-open.ts';
import { buildSnapshot, CLUSTER_ARN, runRule } from '../../fixtures/snapshot-builder.ts';

function withCidrs(cidrs: string[] | undefined, publicAccess = true) {
  return buildSnapshot(({ cluster }) => {
    cluster.cluster.resourcesVpcConfig.endpointPublicAccess = publicAccess;
    cluster.cluster.resourcesVpcConfig.publicAccessCidrs = cidrs;
  });
}

describe('endpoint-public-open', () => {
  it('fires when the public endpoint allows 0.0.0.0/0, naming only the world CIDR', () => {
    // Arrange
    const snapshot = withCidrs(['10.1.0.0/16', '0.0.0.0/0']);
    // Act
    const findings = runRule(endpointPublicOpen, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: CLUSTER_ARN, severity: 'HIGH', resourceType: 'cluster' });
    expect(findings[0]?.evidence.worldCidrs).toEqual(['0.0.0.0/0']);
  });

  it('fires for the IPv6 world CIDR ::/0', () => {
    expect(runRule(endpointPublicOpen, withCidrs(['::/0']))).toHaveLength(1);
  });

  it('fires when public access is on and no CIDR list is given (AWS defaults to 0.0.0.0/0)', () => {
    const findings = runRule(endpointPublicOpen, withCidrs(undefined));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.publicAccessCidrsDefaulted).toBe(true);
  });

  it('fires for 0.0.0.0/1 + 128.0.0.0/1, whose union is the whole IPv4 space, naming both', () => {
    // Arrange
    const snapshot = withCidrs(['198.51.100.0/24', '0.0.0.0/1', '128.0.0.0/1']);
    // Act
    const findings = runRule(endpointPublicOpen, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.worldCidrs).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
  });

  it('fires for ::/1 + 8000::/1, whose union is the whole IPv6 space', () => {
    const findings = runRule(endpointPublicOpen, withCidrs(['::/1', '8000::/1']));
    expect(findings[0]?.evidence.worldCidrs).toEqual(['::/1', '8000::/1']);
  });

  it.each([
    ['half the IPv4 space', ['0.0.0.0/1']],
    ['two halves that leave a gap', ['0.0.0.0/1', '128.0.0.0/2', '224.0.0.0/3']],
    ['one IPv4 and one IPv6 half (different spaces)', ['0.0.0.0/1', '8000::/1']],
    ['a restricted list', ['198.51.100.0/24', '203.0.113.0/24']],
  ])('does not fire for %s', (_name, cidrs) => {
    expect(runRule(endpointPublicOpen, withCidrs(cidrs))).toEqual([]);
  });

  it('does not fire when public access is off, whatever the CIDR list says', () => {
    expect(runRule(endpointPublicOpen, withCidrs(['0.0.0.0/0'], false))).toEqual([]);
  });

  it('renders the fix for the cluster, keeping the non-world CIDRs and leaving a placeholder for the ranges to allow', () => {
    // Arrange
    const snapshot = withCidrs(['198.51.100.0/24', '0.0.0.0/0']);
    // Act
    const [finding] = runRule(endpointPublicOpen, snapshot);
    // Assert
    expect(finding?.remediation).toContain(
      'aws eks update-cluster-config --region us-east-1 --name demo --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs="198.51.100.0/24,<allowedCidrs>"',
    );
    expect(finding?.remediation).toContain('public_access_cidrs');
  });

  it('uses the configured allow-list instead of the placeholder', () => {
    const [finding] = runRule(endpointPublicOpen, withCidrs(undefined), {
      allowedPublicCidrs: ['203.0.113.0/24'],
    });
    expect(finding?.remediation).toContain('publicAccessCidrs="203.0.113.0/24"');
  });
});
