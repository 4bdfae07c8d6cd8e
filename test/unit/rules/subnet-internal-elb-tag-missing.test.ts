import { describe, expect, it } from 'vitest';
import { subnetInternalElbTagMissing } from '../../../functions/core/rules/subnet-internal-elb-tag-missing.ts';
import { buildSnapshot, runRule, subnet } from '../../fixtures/snapshot-builder.ts';

const TAG = 'kubernetes.io/role/internal-elb';

function setTag(subnetId: string, value: string | undefined) {
  return buildSnapshot(({ vpc }) => {
    const found = vpc.subnets.find((s) => s.SubnetId === subnetId);
    if (!found) return;
    if (value === undefined) delete found.Tags[TAG];
    else found.Tags[TAG] = value;
  });
}

describe('subnet-internal-elb-tag-missing', () => {
  it('does not fire when the private cluster subnets carry the tag with value 1', () => {
    expect(runRule(subnetInternalElbTagMissing, buildSnapshot())).toEqual([]);
  });

  it('fires for a private-egress cluster subnet without the tag', () => {
    // Arrange
    const snapshot = setTag('subnet-a', undefined);
    // Act
    const findings = runRule(subnetInternalElbTagMissing, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'subnet-a', severity: 'LOW', resourceType: 'subnet' });
    expect(findings[0]?.evidence).toMatchObject({
      tagKey: TAG,
      tagValue: null,
      subnetClass: 'private-egress',
    });
  });

  it('does not fire when the tag value is empty', () => {
    expect(runRule(subnetInternalElbTagMissing, setTag('subnet-a', ''))).toEqual([]);
  });

  it('fires when the tag has another value', () => {
    expect(runRule(subnetInternalElbTagMissing, setTag('subnet-a', 'true')).map((f) => f.resourceId)).toEqual(
      ['subnet-a'],
    );
  });

  it('fires for an isolated fargate subnet without the tag', () => {
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      vpc.subnets.push(subnet('subnet-iso', { CidrBlock: '10.0.50.0/24' }));
      cluster.fargateProfiles = [{ fargateProfileName: 'fp', subnets: ['subnet-iso'] }];
    });
    const findings = runRule(subnetInternalElbTagMissing, snapshot);
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-iso']);
    expect(findings[0]?.evidence.subnetClass).toBe('isolated');
  });

  it('does not fire for a related public subnet without the tag', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.subnetIds.push('subnet-pub');
    });
    expect(runRule(subnetInternalElbTagMissing, snapshot)).toEqual([]);
  });
});
