import { describe, expect, it } from 'vitest';
import { subnetClusterTagMissing } from '../../../functions/core/rules/subnet-cluster-tag-missing.ts';
import {
  buildSnapshot,
  CLUSTER,
  instance,
  managedNodegroup,
  runRule,
} from '../../fixtures/snapshot-builder.ts';

const TAG = `kubernetes.io/cluster/${CLUSTER}`;

describe('subnet-cluster-tag-missing', () => {
  it('does not fire when every related subnet is tagged shared', () => {
    expect(runRule(subnetClusterTagMissing, buildSnapshot())).toEqual([]);
  });

  it('fires for a cluster subnet without the tag', () => {
    // Arrange
    const snapshot = buildSnapshot(({ vpc }) => {
      const b = vpc.subnets.find((s) => s.SubnetId === 'subnet-b');
      if (b) delete b.Tags[TAG];
    });
    // Act
    const findings = runRule(subnetClusterTagMissing, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'subnet-b', severity: 'LOW', resourceType: 'subnet' });
    expect(findings[0]?.evidence).toMatchObject({ tagKey: TAG, tagValue: null, roles: ['cluster'] });
  });

  it('accepts owned as well as shared', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      for (const s of vpc.subnets) s.Tags[TAG] = 'owned';
    });
    expect(runRule(subnetClusterTagMissing, snapshot)).toEqual([]);
  });

  it('fires for any other value', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      const a = vpc.subnets.find((s) => s.SubnetId === 'subnet-a');
      if (a) a.Tags[TAG] = 'Shared';
    });
    const findings = runRule(subnetClusterTagMissing, snapshot);
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-a']);
    expect(findings[0]?.evidence.tagValue).toBe('Shared');
  });

  it('checks node subnets: a managed node group in an untagged subnet fires', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.nodegroups = [managedNodegroup('ng', { subnets: ['subnet-pub'] })];
    });
    const findings = runRule(subnetClusterTagMissing, snapshot);
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-pub']);
    expect(findings[0]?.evidence.roles).toEqual(['node']);
  });

  it('checks self-managed node subnets and fargate subnets', () => {
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      vpc.instances = [instance('i-1', { SubnetId: 'subnet-pub' })];
      cluster.fargateProfiles = [{ fargateProfileName: 'fp', subnets: ['subnet-pub'] }];
    });
    const findings = runRule(subnetClusterTagMissing, snapshot);
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-pub']);
    expect(findings[0]?.evidence.roles).toEqual(['node', 'fargate']);
  });

  it('ignores subnets of the VPC the cluster does not use', () => {
    // subnet-pub is untagged in the base fixture but unrelated to the cluster
    expect(runRule(subnetClusterTagMissing, buildSnapshot())).toEqual([]);
  });

  it('skips related subnets missing from the inventory', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.subnetIds = ['subnet-a', 'subnet-gone'];
    });
    expect(runRule(subnetClusterTagMissing, snapshot)).toEqual([]);
  });

  it('is skipped when instances could not be read (node subnets unknown)', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      for (const s of vpc.subnets) s.Tags = {};
      vpc.incomplete = ['instances'];
    });
    expect(runRule(subnetClusterTagMissing, snapshot)).toEqual([]);
  });
});
