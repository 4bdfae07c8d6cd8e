import { describe, expect, it } from 'vitest';
import { subnetElbTagMissing } from '../../../functions/core/rules/subnet-elb-tag-missing.ts';
import { buildSnapshot, managedNodegroup, runRule } from '../../fixtures/snapshot-builder.ts';

const TAG = 'kubernetes.io/role/elb';

/** The public subnet becomes a cluster subnet, with its elb tag set to `value` (undefined removes it). */
function publicClusterSubnet(value: string | undefined) {
  return buildSnapshot(({ cluster, vpc }) => {
    cluster.cluster.resourcesVpcConfig.subnetIds.push('subnet-pub');
    const pub = vpc.subnets.find((s) => s.SubnetId === 'subnet-pub');
    if (pub) {
      if (value === undefined) delete pub.Tags[TAG];
      else pub.Tags[TAG] = value;
    }
  });
}

describe('subnet-elb-tag-missing', () => {
  it('fires for a related public subnet without the tag', () => {
    // Arrange
    const snapshot = publicClusterSubnet(undefined);
    // Act
    const findings = runRule(subnetElbTagMissing, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resourceId: 'subnet-pub',
      severity: 'MEDIUM',
      resourceType: 'subnet',
    });
    expect(findings[0]?.evidence).toMatchObject({ tagKey: TAG, tagValue: null, subnetClass: 'public' });
  });

  it('does not fire when the tag value is 1', () => {
    expect(runRule(subnetElbTagMissing, publicClusterSubnet('1'))).toEqual([]);
  });

  it('does not fire when the tag value is empty', () => {
    expect(runRule(subnetElbTagMissing, publicClusterSubnet(''))).toEqual([]);
  });

  it('fires when the tag has another value', () => {
    const findings = runRule(subnetElbTagMissing, publicClusterSubnet('0'));
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-pub']);
    expect(findings[0]?.evidence.tagValue).toBe('0');
  });

  it('checks node subnets as related subnets', () => {
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.nodegroups = [managedNodegroup('ng', { subnets: ['subnet-pub'] })];
      const pub = vpc.subnets.find((s) => s.SubnetId === 'subnet-pub');
      if (pub) pub.Tags = {};
    });
    expect(runRule(subnetElbTagMissing, snapshot).map((f) => f.resourceId)).toEqual(['subnet-pub']);
  });

  it('does not fire for private subnets without the tag', () => {
    // subnet-a and subnet-b are related, NAT-routed and carry no elb tag
    expect(runRule(subnetElbTagMissing, buildSnapshot())).toEqual([]);
  });

  it('does not fire for an untagged public subnet the cluster does not use', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      const pub = vpc.subnets.find((s) => s.SubnetId === 'subnet-pub');
      if (pub) pub.Tags = {};
    });
    expect(runRule(subnetElbTagMissing, snapshot)).toEqual([]);
  });

  it('is skipped when route tables could not be read (class unknown)', () => {
    const snapshot = publicClusterSubnet(undefined);
    const vpc = snapshot.vpcs[0];
    if (vpc) vpc.incomplete = ['routeTables'];
    expect(runRule(subnetElbTagMissing, snapshot)).toEqual([]);
  });
});
