import { describe, expect, it } from 'vitest';
import { nodeImdsReachableFromPods } from '../../../functions/core/rules/node-imds-reachable-from-pods.ts';
import type { Ec2Instance } from '../../../functions/core/snapshot.ts';
import { buildSnapshot, CLUSTER, instance, REGION, runRule } from '../../fixtures/snapshot-builder.ts';

const rule = nodeImdsReachableFromPods;

type Options = NonNullable<Ec2Instance['MetadataOptions']>;
const IMDSV1: Options = { HttpEndpoint: 'enabled', HttpTokens: 'optional', HttpPutResponseHopLimit: 1 };
const IMDSV2_HOP2: Options = { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 2 };
const HARDENED: Options = { HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 1 };

function managedNode(id: string, nodegroup: string, options: Options | undefined): Ec2Instance {
  return instance(id, {
    Tags: { 'eks:cluster-name': CLUSTER, 'eks:nodegroup-name': nodegroup },
    ...(options ? { MetadataOptions: options } : {}),
  });
}

function karpenterNode(id: string, options: Options): Ec2Instance {
  return instance(id, {
    Tags: { 'eks:eks-cluster-name': CLUSTER, 'karpenter.sh/nodepool': 'default' },
    MetadataOptions: options,
  });
}

function withNodes(nodes: Ec2Instance[]) {
  return buildSnapshot(({ vpc }) => {
    vpc.instances = nodes;
  });
}

describe('node-imds-reachable-from-pods', () => {
  it('does not fire for nodes that require IMDSv2 with a hop limit of 1', () => {
    // Arrange
    const snapshot = withNodes([managedNode('i-1', 'ng-1', HARDENED), karpenterNode('i-2', HARDENED)]);
    // Act + Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('fires HIGH once per managed node group when a node allows IMDSv1, with a ready command', () => {
    // Arrange: one IMDSv1 node and one hop-limit node in the same group
    const snapshot = withNodes([managedNode('i-2', 'ng-1', IMDSV2_HOP2), managedNode('i-1', 'ng-1', IMDSV1)]);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'ng-1', resourceType: 'nodegroup', severity: 'HIGH' });
    expect(findings[0]?.evidence).toMatchObject({
      nodegroupName: 'ng-1',
      count: 2,
      instanceIds: ['i-1', 'i-2'],
      optionsSeen: [
        { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 2, instances: 1 },
        { httpEndpoint: 'enabled', httpTokens: 'optional', httpPutResponseHopLimit: 1, instances: 1 },
      ],
    });
    expect(findings[0]?.remediation).toContain(
      `aws ec2 modify-instance-metadata-options --region ${REGION} --instance-id i-1 --http-tokens required --http-put-response-hop-limit 1`,
    );
    expect(findings[0]?.remediation).toContain(`--cluster-name ${CLUSTER} --nodegroup-name ng-1`);
    expect(findings[0]?.remediation).toContain('metadata_options { http_tokens = "required"');
  });

  it('fires LOW when IMDSv2 is required but the hop limit reaches pods', () => {
    // Arrange
    const snapshot = withNodes([managedNode('i-1', 'ng-1', IMDSV2_HOP2)]);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('LOW');
    expect(findings[0]?.remediation).toContain('--instance-id i-1 --http-put-response-hop-limit 1');
    expect(findings[0]?.remediation).not.toContain('--http-tokens required --http');
  });

  it('reports nodes outside managed node groups one by one, by instance id', () => {
    // Arrange
    const snapshot = withNodes([karpenterNode('i-b', IMDSV1), karpenterNode('i-a', IMDSV2_HOP2)]);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings.map((f) => [f.resourceId, f.resourceType, f.severity])).toEqual([
      ['i-a', 'instance', 'LOW'],
      ['i-b', 'instance', 'HIGH'],
    ]);
    expect(findings[0]?.evidence).toMatchObject({ nodegroupName: null, count: 1, instanceIds: ['i-a'] });
    expect(findings[0]?.remediation).not.toContain('update-nodegroup-version');
  });

  it('does not judge EKS Auto Mode nodes (EKS manages their metadata options)', () => {
    // Arrange
    const snapshot = withNodes([
      instance('i-auto', {
        Tags: { 'eks:eks-cluster-name': CLUSTER, 'eks:kubernetes-node-pool-name': 'general-purpose' },
        MetadataOptions: IMDSV1,
      }),
    ]);
    // Act + Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('does not judge instances whose metadata options are unknown', () => {
    // Arrange
    const snapshot = withNodes([managedNode('i-1', 'ng-1', undefined)]);
    // Act + Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('does not fire when the metadata endpoint is disabled', () => {
    // Arrange
    const snapshot = withNodes([managedNode('i-1', 'ng-1', { ...IMDSV1, HttpEndpoint: 'disabled' })]);
    // Act + Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('lists at most 20 instance ids but counts them all', () => {
    // Arrange
    const nodes = Array.from({ length: 23 }, (_, i) =>
      managedNode(`i-${String(i).padStart(2, '0')}`, 'ng-big', IMDSV1),
    );
    // Act
    const [finding] = runRule(rule, withNodes(nodes));
    // Assert
    expect(finding?.evidence.count).toBe(23);
    expect(finding?.evidence.instanceIds).toHaveLength(20);
    expect(finding?.evidence.optionsSeen).toEqual([
      { httpEndpoint: 'enabled', httpTokens: 'optional', httpPutResponseHopLimit: 1, instances: 23 },
    ]);
  });
});
