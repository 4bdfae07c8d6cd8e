import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { sgNodeClusterTag } from '../../../functions/core/rules/sg-node-cluster-tag.ts';
import type { Snapshot, TagMap } from '../../../functions/core/snapshot.ts';
import {
  buildSnapshot,
  CLUSTER,
  CLUSTER_SG,
  instance,
  runRule,
  securityGroup,
} from '../../fixtures/snapshot-builder.ts';

const rule = sgNodeClusterTag;
const TAG = `kubernetes.io/cluster/${CLUSTER}`;

/** One node with the cluster SG (tagged owned in the base VPC) plus `sg-extra` carrying `extraTags`. */
function nodeWithExtraSg(extraTags: TagMap, securityGroupIds = [CLUSTER_SG, 'sg-extra']): Snapshot {
  return buildSnapshot(({ vpc }) => {
    vpc.instances = [instance('i-1', { SecurityGroupIds: securityGroupIds })];
    vpc.securityGroups.push(securityGroup('sg-extra', { Tags: extraTags }));
  });
}

describe('sg-node-cluster-tag', () => {
  it('does not judge Auto Mode nodes (v2: EKS runs their load balancing)', () => {
    // Arrange: an Auto Mode node with two tagged SGs
    const snapshot = nodeWithExtraSg({ [TAG]: 'owned' });
    snapshot.vpcs[0]!.instances = [
      instance('i-auto', {
        SecurityGroupIds: [CLUSTER_SG, 'sg-extra'],
        Tags: { 'eks:eks-cluster-name': CLUSTER, 'eks:kubernetes-node-pool-name': 'general-purpose' },
      }),
    ];
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toEqual([]);
  });

  it('judges Karpenter nodes (tag eks:eks-cluster-name, no node-pool tag of Auto Mode)', () => {
    const snapshot = nodeWithExtraSg({ [TAG]: 'owned' });
    snapshot.vpcs[0]!.instances = [
      instance('i-karp', {
        SecurityGroupIds: [CLUSTER_SG, 'sg-extra'],
        Tags: { 'eks:eks-cluster-name': CLUSTER, 'karpenter.sh/nodepool': 'default' },
      }),
    ];
    const findings = runRule(rule, snapshot);
    expect(findings.map((f) => f.resourceId)).toEqual(['i-karp']);
    expect(findings[0]?.remediation).toContain(
      `aws ec2 create-tags --region us-east-1 --resources ${CLUSTER_SG}`,
    );
  });

  it('does not fire when exactly one of two SGs is tagged', () => {
    expect(runRule(rule, nodeWithExtraSg({}))).toEqual([]);
  });

  it('fires on the instance when both SGs carry the cluster tag', () => {
    // Arrange
    const snapshot = nodeWithExtraSg({ [TAG]: 'shared' });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'i-1', severity: 'MEDIUM', resourceType: 'instance' });
    expect(findings[0]?.evidence).toMatchObject({
      securityGroups: [CLUSTER_SG, 'sg-extra'],
      tagged: [CLUSTER_SG, 'sg-extra'],
      missing: [],
    });
  });

  it('counts the tag whatever its value, even empty', () => {
    expect(runRule(rule, nodeWithExtraSg({ [TAG]: '' }))).toHaveLength(1);
  });

  it("fires when none of the SGs is tagged for this cluster (another cluster's tag does not count)", () => {
    const snapshot = nodeWithExtraSg({ 'kubernetes.io/cluster/other': 'owned' });
    snapshot.vpcs[0]!.securityGroups[0]!.Tags = {};
    const findings = runRule(rule, snapshot);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.tagged).toEqual([]);
  });

  it('does not fire for a node with a single SG, tagged or not', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.securityGroups[0]!.Tags = {};
      vpc.instances = [instance('i-1', { SecurityGroupIds: [CLUSTER_SG] })];
    });
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('counts a repeated SG id (several ENIs) once', () => {
    const snapshot = nodeWithExtraSg({}, [CLUSTER_SG, CLUSTER_SG]);
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('counts an SG missing from the inventory as untagged and lists it', () => {
    // Arrange: the only other SG is unknown, so nothing is tagged.
    const snapshot = nodeWithExtraSg({}, ['sg-extra', 'sg-gone']);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence).toMatchObject({ tagged: [], missing: ['sg-gone'] });
  });

  it('does not fire when one SG is tagged and the other is missing from the inventory', () => {
    expect(runRule(rule, nodeWithExtraSg({}, [CLUSTER_SG, 'sg-gone']))).toEqual([]);
  });

  it('ignores instances that are not nodes of the cluster or are stopped', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.securityGroups.push(securityGroup('sg-extra', { Tags: { [TAG]: 'owned' } }));
      vpc.instances = [
        instance('i-other', {
          SecurityGroupIds: [CLUSTER_SG, 'sg-extra'],
          Tags: { 'eks:cluster-name': 'other' },
        }),
        instance('i-stopped', { SecurityGroupIds: [CLUSTER_SG, 'sg-extra'], State: 'stopped' }),
      ];
    });
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('is skipped when security groups could not be read', () => {
    const snapshot = nodeWithExtraSg({ [TAG]: 'owned' });
    snapshot.vpcs[0]!.incomplete = ['securityGroups'];
    const result = evaluateSnapshot(snapshot, [rule], DEFAULT_RULE_CONFIG);
    expect(result.findings).toEqual([]);
    expect(result.coverage[0]?.skipped[0]).toMatchObject({ ruleId: rule.id, reason: 'incomplete-inventory' });
  });
});
