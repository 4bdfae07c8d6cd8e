import { describe, expect, it } from 'vitest';
import { subnetIpExhaustion } from '../../../functions/core/rules/subnet-ip-exhaustion.ts';
import { buildSnapshot, runRule } from '../../fixtures/snapshot-builder.ts';

/** subnet-a gets `cidr` and `free` addresses; subnet-b stays healthy (/24, 200 free). */
function withSubnetA(cidr: string | undefined, free: number | undefined) {
  return buildSnapshot(({ vpc }) => {
    const a = vpc.subnets.find((s) => s.SubnetId === 'subnet-a');
    if (a) {
      a.CidrBlock = cidr;
      a.AvailableIpAddressCount = free;
    }
  });
}

function severityOf(cidr: string, free: number, config = {}) {
  const findings = runRule(subnetIpExhaustion, withSubnetA(cidr, free), config);
  return findings.find((f) => f.resourceId === 'subnet-a')?.severity ?? 'none';
}

describe('subnet-ip-exhaustion', () => {
  it('does not fire for healthy subnets', () => {
    expect(runRule(subnetIpExhaustion, buildSnapshot())).toEqual([]);
  });

  it('reports HIGH with free, usable and percent (rounded) as evidence', () => {
    // Arrange: /24 → 251 usable; 12 free = 4.78 %
    const snapshot = withSubnetA('10.0.1.0/24', 12);
    // Act
    const findings = runRule(subnetIpExhaustion, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'subnet-a', severity: 'HIGH', resourceType: 'subnet' });
    expect(findings[0]?.evidence).toMatchObject({
      cidr: '10.0.1.0/24',
      free: 12,
      usable: 251,
      percent: 4.78,
    });
  });

  it('uses a strict bound on the free count for HIGH: 5 free is HIGH, 6 free is MEDIUM (/28, 11 usable)', () => {
    expect(severityOf('10.0.1.0/28', 5)).toBe('HIGH');
    expect(severityOf('10.0.1.0/28', 6)).toBe('MEDIUM');
  });

  it('uses the percent bound for HIGH: 204/4091 (4.99 %) is HIGH, 205/4091 (5.01 %) is MEDIUM', () => {
    expect(severityOf('10.0.0.0/20', 204)).toBe('HIGH');
    expect(severityOf('10.0.0.0/20', 205)).toBe('MEDIUM');
  });

  it('uses a strict bound on the free count for MEDIUM: 15 free is MEDIUM, 16 free is clean (/26, 59 usable)', () => {
    expect(severityOf('10.0.1.0/26', 15)).toBe('MEDIUM');
    expect(severityOf('10.0.1.0/26', 16)).toBe('none');
  });

  it('uses the percent bound for MEDIUM: 613/4091 (14.98 %) is MEDIUM, 614/4091 (15.01 %) is clean', () => {
    expect(severityOf('10.0.0.0/20', 613)).toBe('MEDIUM');
    expect(severityOf('10.0.0.0/20', 614)).toBe('none');
  });

  it('treats a percent exactly at the threshold as not below it', () => {
    // 59 of 59 free is exactly 100 %: "below 100 %" must not hold
    const config = {
      ipExhaustion: { highFreeBelow: 0, highPercentBelow: 100, mediumFreeBelow: 0, mediumPercentBelow: 100 },
    };
    expect(severityOf('10.0.1.0/26', 59, config)).toBe('none');
    expect(severityOf('10.0.1.0/26', 58, config)).toBe('HIGH');
  });

  it('honours configured thresholds', () => {
    const config = {
      ipExhaustion: { highFreeBelow: 0, highPercentBelow: 0, mediumFreeBelow: 0, mediumPercentBelow: 50 },
    };
    expect(severityOf('10.0.1.0/24', 100, config)).toBe('MEDIUM');
    expect(
      severityOf('10.0.1.0/24', 5, {
        ...config,
        ipExhaustion: { ...config.ipExhaustion, mediumPercentBelow: 0 },
      }),
    ).toBe('none');
  });

  it('skips subnets whose free count or IPv4 block is unknown (e.g. IPv6-only)', () => {
    expect(runRule(subnetIpExhaustion, withSubnetA('10.0.1.0/24', undefined))).toEqual([]);
    expect(runRule(subnetIpExhaustion, withSubnetA(undefined, 0))).toEqual([]);
  });

  it('ignores exhausted subnets the cluster does not use', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      const pub = vpc.subnets.find((s) => s.SubnetId === 'subnet-pub');
      if (pub) pub.AvailableIpAddressCount = 0;
    });
    expect(runRule(subnetIpExhaustion, snapshot)).toEqual([]);
  });
});
