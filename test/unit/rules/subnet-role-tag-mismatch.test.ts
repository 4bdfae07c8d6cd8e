import { describe, expect, it } from 'vitest';
import { subnetElbTagMissing } from '../../../functions/core/rules/subnet-elb-tag-missing.ts';
import { subnetInternalElbTagMissing } from '../../../functions/core/rules/subnet-internal-elb-tag-missing.ts';
import { subnetRoleTagMismatch } from '../../../functions/core/rules/subnet-role-tag-mismatch.ts';
import { buildSnapshot, evaluateRules, runRule, subnet } from '../../fixtures/snapshot-builder.ts';

function tagSubnet(subnetId: string, tags: Record<string, string>) {
  return buildSnapshot(({ vpc }) => {
    const found = vpc.subnets.find((s) => s.SubnetId === subnetId);
    if (found) Object.assign(found.Tags, tags);
  });
}

describe('subnet-role-tag-mismatch', () => {
  it('does not fire when role tags match routing', () => {
    expect(runRule(subnetRoleTagMismatch, buildSnapshot())).toEqual([]);
  });

  it('fires for an elb-tagged private subnet, whatever the tag value', () => {
    // Arrange
    const snapshot = tagSubnet('subnet-a', { 'kubernetes.io/role/elb': '0' });
    // Act
    const findings = runRule(subnetRoleTagMismatch, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'subnet-a', severity: 'MEDIUM', resourceType: 'subnet' });
    expect(findings[0]?.evidence.mismatches).toEqual([
      {
        tagKey: 'kubernetes.io/role/elb',
        tagValue: '0',
        reason: 'internet-facing role tag on a private-egress subnet',
      },
    ]);
  });

  it('fires for an internal-elb-tagged public subnet, even one the cluster does not use', () => {
    const findings = runRule(
      subnetRoleTagMismatch,
      tagSubnet('subnet-pub', { 'kubernetes.io/role/internal-elb': '' }),
    );
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-pub']);
    expect(findings[0]?.evidence.mismatches).toEqual([
      {
        tagKey: 'kubernetes.io/role/internal-elb',
        tagValue: '',
        reason: 'internal role tag on a public subnet',
      },
    ]);
  });

  it('fires for an elb-tagged isolated subnet anywhere in the VPC', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.subnets.push(subnet('subnet-iso', { Tags: { 'kubernetes.io/role/elb': '1' } }));
    });
    const findings = runRule(subnetRoleTagMismatch, snapshot);
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-iso']);
  });

  it('does not fire for an internal-elb tag on an isolated subnet', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.subnets.push(subnet('subnet-iso', { Tags: { 'kubernetes.io/role/internal-elb': '1' } }));
    });
    expect(runRule(subnetRoleTagMismatch, snapshot)).toEqual([]);
  });

  it('is skipped when route tables could not be read', () => {
    const snapshot = tagSubnet('subnet-a', { 'kubernetes.io/role/elb': '1' });
    const vpc = snapshot.vpcs[0];
    if (vpc) vpc.incomplete = ['routeTables'];
    expect(runRule(subnetRoleTagMismatch, snapshot)).toEqual([]);
  });

  it('tells a related public subnet with an internal-elb tag to delete it and add the elb tag (not the reverse)', () => {
    // Arrange: the public subnet becomes a cluster subnet, wrongly tagged internal-elb
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.cluster.resourcesVpcConfig.subnetIds.push('subnet-pub');
      vpc.subnets[2]!.Tags = { 'kubernetes.io/role/internal-elb': '1' };
    });
    // Act
    const [finding] = runRule(subnetRoleTagMismatch, snapshot);
    // Assert
    expect(finding?.remediation).toContain(
      'aws ec2 delete-tags --region us-east-1 --resources subnet-pub --tags Key=kubernetes.io/role/internal-elb',
    );
    expect(finding?.remediation).toContain(
      'aws ec2 create-tags --region us-east-1 --resources subnet-pub --tags Key=kubernetes.io/role/elb,Value=1',
    );
  });

  it('tells a related private subnet with an elb tag to delete it and add the internal-elb tag', () => {
    const [finding] = runRule(
      subnetRoleTagMismatch,
      tagSubnet('subnet-a', { 'kubernetes.io/role/elb': '1' }),
    );
    expect(finding?.remediation).toContain(
      'delete-tags --region us-east-1 --resources subnet-a --tags Key=kubernetes.io/role/elb',
    );
    expect(finding?.remediation).toContain(
      '--resources subnet-a --tags Key=kubernetes.io/role/internal-elb,Value=1',
    );
  });

  it('only tells an unrelated subnet to delete the wrong tag', () => {
    const [finding] = runRule(
      subnetRoleTagMismatch,
      tagSubnet('subnet-pub', { 'kubernetes.io/role/internal-elb': '1' }),
    );
    expect(finding?.remediation).toContain('delete-tags --region us-east-1 --resources subnet-pub');
    expect(finding?.remediation).not.toContain('create-tags');
  });

  it('is the only finding for one wrong tag: the two "tag missing" rules stay silent on that subnet', () => {
    // Arrange: a related public subnet tagged only internal-elb, a related private one tagged only elb
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.cluster.resourcesVpcConfig.subnetIds.push('subnet-pub');
      vpc.subnets[2]!.Tags = { 'kubernetes.io/role/internal-elb': '1' };
      vpc.subnets[0]!.Tags = { 'kubernetes.io/role/elb': '1' };
    });
    // Act
    const { findings } = evaluateRules(
      [subnetRoleTagMismatch, subnetElbTagMissing, subnetInternalElbTagMissing],
      snapshot,
    );
    // Assert
    expect(findings.map((f) => [f.ruleId, f.resourceId]).sort()).toEqual([
      ['subnet-role-tag-mismatch', 'subnet-a'],
      ['subnet-role-tag-mismatch', 'subnet-pub'],
    ]);
  });

  it('leaves the "tag missing" rules to fire on a subnet without any role tag', () => {
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.cluster.resourcesVpcConfig.subnetIds.push('subnet-pub');
      vpc.subnets[2]!.Tags = {};
      vpc.subnets[0]!.Tags = {};
    });
    const { findings } = evaluateRules(
      [subnetRoleTagMismatch, subnetElbTagMissing, subnetInternalElbTagMissing],
      snapshot,
    );
    expect(findings.map((f) => [f.ruleId, f.resourceId]).sort()).toEqual([
      ['subnet-elb-tag-missing', 'subnet-pub'],
      ['subnet-internal-elb-tag-missing', 'subnet-a'],
    ]);
  });
});
