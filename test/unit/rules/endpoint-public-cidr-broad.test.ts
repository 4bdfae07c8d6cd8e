import { describe, expect, it } from 'vitest';
import { endpointPublicCidrBroad } from '../../../functions/core/rules/endpoint-public-cidr-broad.ts';
import { buildSnapshot, CLUSTER_ARN, runRule } from '../../fixtures/snapshot-builder.ts';

function withCidrs(cidrs: string[] | undefined, publicAccess = true) {
  return buildSnapshot(({ cluster }) => {
    cluster.cluster.resourcesVpcConfig.endpointPublicAccess = publicAccess;
    cluster.cluster.resourcesVpcConfig.publicAccessCidrs = cidrs;
  });
}

describe('endpoint-public-cidr-broad', () => {
  it('fires for an IPv4 block one bit shorter than the /16 minimum', () => {
    // Arrange
    const snapshot = withCidrs(['198.51.100.0/24', '10.0.0.0/15']);
    // Act
    const findings = runRule(endpointPublicCidrBroad, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resourceId: CLUSTER_ARN,
      severity: 'MEDIUM',
      resourceType: 'cluster',
    });
    expect(findings[0]?.evidence.offendingCidrs).toEqual([
      { cidr: '10.0.0.0/15', reasons: ['prefix /15 is shorter than the minimum /16'] },
    ]);
  });

  it('does not fire for a /16, the minimum itself', () => {
    expect(runRule(endpointPublicCidrBroad, withCidrs(['10.0.0.0/16']))).toEqual([]);
  });

  it('leaves world CIDRs to endpoint-public-open (explicit or defaulted)', () => {
    expect(runRule(endpointPublicCidrBroad, withCidrs(['0.0.0.0/0', '::/0']))).toEqual([]);
    expect(runRule(endpointPublicCidrBroad, withCidrs(undefined))).toEqual([]);
  });

  it('leaves a list whose CIDRs add up to the whole internet to endpoint-public-open', () => {
    expect(runRule(endpointPublicCidrBroad, withCidrs(['0.0.0.0/1', '128.0.0.0/1']))).toEqual([]);
    expect(runRule(endpointPublicCidrBroad, withCidrs(['::/1', '8000::/1', '10.0.0.0/8']))).toEqual([]);
  });

  it('fires for the two halves of a list that leaves a gap (not world), each too broad', () => {
    const findings = runRule(endpointPublicCidrBroad, withCidrs(['0.0.0.0/1', '128.0.0.0/2']));
    expect(findings[0]?.evidence.offendingCidrs).toEqual([
      { cidr: '0.0.0.0/1', reasons: ['prefix /1 is shorter than the minimum /16'] },
      { cidr: '128.0.0.0/2', reasons: ['prefix /2 is shorter than the minimum /16'] },
    ]);
  });

  it('renders the fix with the cluster, keeping the good CIDRs and a placeholder for the narrower ones', () => {
    const [finding] = runRule(endpointPublicCidrBroad, withCidrs(['198.51.100.0/24', '10.0.0.0/15']));
    expect(finding?.remediation).toContain(
      'aws eks update-cluster-config --region us-east-1 --name demo --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs="198.51.100.0/24,<narrowerCidrs>"',
    );
  });

  it('renders the fix with the configured allow-list in place of the offending CIDRs', () => {
    const [finding] = runRule(endpointPublicCidrBroad, withCidrs(['198.51.100.0/24', '203.0.113.0/24']), {
      allowedPublicCidrs: ['198.51.100.0/22'],
    });
    expect(finding?.remediation).toContain('publicAccessCidrs="198.51.100.0/24,198.51.100.0/22"');
  });

  it('does not fire when public access is off, whatever the list says', () => {
    expect(runRule(endpointPublicCidrBroad, withCidrs(['10.0.0.0/8'], false))).toEqual([]);
  });

  it('honours a configured minimum prefix', () => {
    const snapshot = withCidrs(['203.0.113.0/23']);
    expect(runRule(endpointPublicCidrBroad, snapshot, { minPublicCidrPrefix: 24 })).toHaveLength(1);
    expect(runRule(endpointPublicCidrBroad, snapshot, { minPublicCidrPrefix: 23 })).toEqual([]);
  });

  it('does not apply the IPv4 prefix floor to IPv6 blocks', () => {
    expect(runRule(endpointPublicCidrBroad, withCidrs(['2600::/12']))).toEqual([]);
  });

  it('fires for a CIDR outside a configured allow-list and names the reason', () => {
    // Arrange
    const snapshot = withCidrs(['198.51.100.0/24', '203.0.113.0/24']);
    // Act
    const findings = runRule(endpointPublicCidrBroad, snapshot, { allowedPublicCidrs: ['198.51.100.0/22'] });
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.offendingCidrs).toEqual([
      { cidr: '203.0.113.0/24', reasons: ['not inside any allowedPublicCidrs block'] },
    ]);
  });

  it('does not fire when every CIDR sits inside the allow-list', () => {
    const snapshot = withCidrs(['198.51.100.0/24', '198.51.101.7/32']);
    expect(runRule(endpointPublicCidrBroad, snapshot, { allowedPublicCidrs: ['198.51.100.0/22'] })).toEqual(
      [],
    );
  });

  it('applies the allow-list to IPv6 blocks too', () => {
    const snapshot = withCidrs(['2001:db8:1::/48', '2001:db9::/48']);
    const findings = runRule(endpointPublicCidrBroad, snapshot, { allowedPublicCidrs: ['2001:db8::/32'] });
    expect(findings[0]?.evidence.offendingCidrs).toEqual([
      { cidr: '2001:db9::/48', reasons: ['not inside any allowedPublicCidrs block'] },
    ]);
  });

  it('lists both reasons when a block is too broad and outside the allow-list', () => {
    const findings = runRule(endpointPublicCidrBroad, withCidrs(['172.0.0.0/12']), {
      allowedPublicCidrs: ['198.51.100.0/24'],
    });
    expect(findings[0]?.evidence.offendingCidrs).toEqual([
      {
        cidr: '172.0.0.0/12',
        reasons: ['prefix /12 is shorter than the minimum /16', 'not inside any allowedPublicCidrs block'],
      },
    ]);
  });
});
