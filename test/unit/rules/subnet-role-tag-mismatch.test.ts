import { describe, expect, it } from 'vitest';
import { subnetRoleTagMismatch } from '../../../functions/core/rules/subnet-role-tag-mismatch.ts';
import { buildSnapshot, runRule, subnet } from '../../fixtures/snapshot-builder.ts';

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
});
