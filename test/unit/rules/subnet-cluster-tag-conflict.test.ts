import { describe, expect, it } from 'vitest';
import { subnetClusterTagConflict } from '../../../functions/core/rules/subnet-cluster-tag-conflict.ts';
import { buildSnapshot, CLUSTER, runRule } from '../../fixtures/snapshot-builder.ts';

function tagSubnet(subnetId: string, tags: Record<string, string>) {
  return buildSnapshot(({ vpc }) => {
    const found = vpc.subnets.find((s) => s.SubnetId === subnetId);
    if (found) Object.assign(found.Tags, tags);
  });
}

describe('subnet-cluster-tag-conflict', () => {
  it('fires when a related subnet is owned by another cluster', () => {
    // Arrange
    const snapshot = tagSubnet('subnet-a', { 'kubernetes.io/cluster/other': 'owned' });
    // Act
    const findings = runRule(subnetClusterTagConflict, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'subnet-a', severity: 'MEDIUM', resourceType: 'subnet' });
    expect(findings[0]?.evidence.conflicts).toEqual([
      { tagKey: 'kubernetes.io/cluster/other', clusterName: 'other', value: 'owned' },
    ]);
  });

  it('does not fire when the other cluster only shares the subnet', () => {
    expect(
      runRule(subnetClusterTagConflict, tagSubnet('subnet-a', { 'kubernetes.io/cluster/other': 'shared' })),
    ).toEqual([]);
  });

  it('does not fire when this cluster owns the subnet', () => {
    expect(
      runRule(
        subnetClusterTagConflict,
        tagSubnet('subnet-a', { [`kubernetes.io/cluster/${CLUSTER}`]: 'owned' }),
      ),
    ).toEqual([]);
  });

  it('fires for another cluster whose name merely starts with this cluster name', () => {
    const findings = runRule(
      subnetClusterTagConflict,
      tagSubnet('subnet-a', { [`kubernetes.io/cluster/${CLUSTER}-2`]: 'owned' }),
    );
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-a']);
  });

  it('ignores subnets the cluster does not use', () => {
    expect(
      runRule(subnetClusterTagConflict, tagSubnet('subnet-pub', { 'kubernetes.io/cluster/other': 'owned' })),
    ).toEqual([]);
  });
});
