import { describe, expect, it } from 'vitest';
import { subnetClusterTagConflict } from '../../../functions/core/rules/subnet-cluster-tag-conflict.ts';
import { subnetClusterTagMissing } from '../../../functions/core/rules/subnet-cluster-tag-missing.ts';
import { buildSnapshot, CLUSTER, runRule } from '../../fixtures/snapshot-builder.ts';

const OWN = `kubernetes.io/cluster/${CLUSTER}`;

/** Sets tags on one subnet; `undefined` deletes the key. */
function tagSubnet(subnetId: string, tags: Record<string, string | undefined>, version = '1.31') {
  return buildSnapshot(({ cluster, vpc }) => {
    cluster.cluster.version = version;
    const found = vpc.subnets.find((s) => s.SubnetId === subnetId);
    if (!found) return;
    for (const [key, value] of Object.entries(tags)) {
      if (value === undefined) delete found.Tags[key];
      else found.Tags[key] = value;
    }
  });
}

describe('subnet-cluster-tag-conflict (catalog v2)', () => {
  it('fires when a related subnet without this cluster tag is owned by another cluster', () => {
    // Arrange
    const snapshot = tagSubnet('subnet-a', { [OWN]: undefined, 'kubernetes.io/cluster/other': 'owned' });
    // Act
    const findings = runRule(subnetClusterTagConflict, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'subnet-a', severity: 'MEDIUM', resourceType: 'subnet' });
    expect(findings[0]?.evidence.conflicts).toEqual([
      { tagKey: 'kubernetes.io/cluster/other', clusterName: 'other', value: 'owned' },
    ]);
    expect(findings[0]?.remediation).toContain(
      `--resources subnet-a --tags Key=kubernetes.io/cluster/other,Value=shared Key=${OWN},Value=shared`,
    );
  });

  it('does not fire when this cluster is tagged too (v2: only when this cluster tag is absent)', () => {
    const snapshot = tagSubnet('subnet-a', { [OWN]: 'shared', 'kubernetes.io/cluster/other': 'owned' });
    expect(runRule(subnetClusterTagConflict, snapshot)).toEqual([]);
  });

  it('does not fire when the other cluster only shares the subnet', () => {
    const snapshot = tagSubnet('subnet-a', { [OWN]: undefined, 'kubernetes.io/cluster/other': 'shared' });
    expect(runRule(subnetClusterTagConflict, snapshot)).toEqual([]);
  });

  it('fires for another cluster whose name merely starts with this cluster name', () => {
    const snapshot = tagSubnet('subnet-a', { [OWN]: undefined, [`${OWN}-2`]: 'owned' });
    expect(runRule(subnetClusterTagConflict, snapshot).map((f) => f.resourceId)).toEqual(['subnet-a']);
  });

  it('gives at most one of conflict and missing per subnet, even below Kubernetes 1.19', () => {
    // Arrange: old cluster, subnet owned by another cluster and shared by a third
    const snapshot = tagSubnet(
      'subnet-a',
      { [OWN]: undefined, 'kubernetes.io/cluster/other': 'owned', 'kubernetes.io/cluster/third': 'shared' },
      '1.18',
    );
    // Act
    const conflict = runRule(subnetClusterTagConflict, snapshot).map((f) => f.resourceId);
    const missing = runRule(subnetClusterTagMissing, snapshot).map((f) => f.resourceId);
    // Assert
    expect(conflict).toEqual(['subnet-a']);
    expect(missing).not.toContain('subnet-a');
  });

  it('ignores subnets the cluster does not use', () => {
    const snapshot = tagSubnet('subnet-pub', { 'kubernetes.io/cluster/other': 'owned' });
    expect(runRule(subnetClusterTagConflict, snapshot)).toEqual([]);
  });
});
