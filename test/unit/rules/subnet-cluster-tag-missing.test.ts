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

/** The base account with the cluster's own tag removed from every subnet. */
function untagged(mutate?: Parameters<typeof buildSnapshot>[0]) {
  return buildSnapshot((parts) => {
    for (const s of parts.vpc.subnets) delete s.Tags[TAG];
    mutate?.(parts);
  });
}

describe('subnet-cluster-tag-missing (catalog v2)', () => {
  it('does not fire on an untagged subnet of a Kubernetes 1.19+ cluster (the tag is optional since 1.19)', () => {
    // Arrange: the EKS guide's layout, no cluster tag anywhere, version 1.31
    const snapshot = untagged();
    // Act
    const findings = runRule(subnetClusterTagMissing, snapshot);
    // Assert
    expect(findings).toEqual([]);
  });

  it('does not fire on exactly 1.19 (numeric comparison)', () => {
    const snapshot = untagged(({ cluster }) => {
      cluster.cluster.version = '1.19';
    });
    expect(runRule(subnetClusterTagMissing, snapshot)).toEqual([]);
  });

  it('fires for every untagged related subnet of a cluster below 1.19 (1.9 < 1.19 numerically)', () => {
    // Arrange
    const snapshot = untagged(({ cluster }) => {
      cluster.cluster.version = '1.18';
    });
    // Act
    const findings = runRule(subnetClusterTagMissing, snapshot);
    // Assert
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-a', 'subnet-b']);
    expect(findings[0]).toMatchObject({ severity: 'LOW', resourceType: 'subnet' });
    expect(findings[0]?.evidence).toMatchObject({
      tagKey: TAG,
      kubernetesVersion: '1.18',
      roles: ['cluster'],
    });
  });

  it('reads 1.9 as older than 1.19', () => {
    const snapshot = untagged(({ cluster }) => {
      cluster.cluster.version = '1.9';
    });
    expect(runRule(subnetClusterTagMissing, snapshot)).toHaveLength(2);
  });

  it('fires on a 1.31 cluster when the subnet is tagged only for another cluster (shared)', () => {
    // Arrange
    const snapshot = untagged(({ vpc }) => {
      vpc.subnets[0]!.Tags['kubernetes.io/cluster/other'] = 'shared';
    });
    // Act
    const findings = runRule(subnetClusterTagMissing, snapshot);
    // Assert
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-a']);
    expect(findings[0]?.evidence.otherClusterTags).toEqual(['kubernetes.io/cluster/other=shared']);
  });

  it('accepts this cluster tag with any value', () => {
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.cluster.version = '1.18';
      vpc.subnets[0]!.Tags[TAG] = 'Shared';
      vpc.subnets[1]!.Tags[TAG] = '';
    });
    expect(runRule(subnetClusterTagMissing, snapshot)).toEqual([]);
  });

  it('leaves a subnet owned by another cluster to subnet-cluster-tag-conflict (one finding per fix)', () => {
    const snapshot = untagged(({ cluster, vpc }) => {
      cluster.cluster.version = '1.18';
      vpc.subnets[0]!.Tags['kubernetes.io/cluster/other'] = 'owned';
    });
    expect(runRule(subnetClusterTagMissing, snapshot).map((f) => f.resourceId)).toEqual(['subnet-b']);
  });

  it('checks node subnets (managed, self-managed, Karpenter) and Fargate subnets', () => {
    // Arrange: the public subnet holds a node group, a self-managed node and a Fargate profile
    const snapshot = untagged(({ cluster, vpc }) => {
      cluster.cluster.version = '1.18';
      cluster.nodegroups = [managedNodegroup('ng', { subnets: ['subnet-pub'] })];
      vpc.instances = [instance('i-1', { SubnetId: 'subnet-pub' })];
      cluster.fargateProfiles = [{ fargateProfileName: 'fp', subnets: ['subnet-pub'] }];
    });
    // Act
    const pub = runRule(subnetClusterTagMissing, snapshot).find((f) => f.resourceId === 'subnet-pub');
    // Assert
    expect(pub?.evidence.roles).toEqual(['node', 'fargate']);
  });

  it('renders the tag command with the subnet, region and cluster', () => {
    const snapshot = untagged(({ cluster }) => {
      cluster.cluster.version = '1.18';
    });
    const [finding] = runRule(subnetClusterTagMissing, snapshot);
    expect(finding?.remediation).toContain(
      `aws ec2 create-tags --region us-east-1 --resources subnet-a --tags Key=kubernetes.io/cluster/${CLUSTER},Value=shared`,
    );
  });

  it('ignores subnets of the VPC the cluster does not use', () => {
    const snapshot = untagged(({ cluster, vpc }) => {
      cluster.cluster.version = '1.18';
      vpc.subnets[2]!.Tags['kubernetes.io/cluster/other'] = 'shared';
    });
    expect(runRule(subnetClusterTagMissing, snapshot).map((f) => f.resourceId)).not.toContain('subnet-pub');
  });

  it('is not judged when instances could not be read (node subnets unknown)', () => {
    const snapshot = untagged(({ cluster, vpc }) => {
      cluster.cluster.version = '1.18';
      vpc.incomplete = ['instances'];
    });
    expect(runRule(subnetClusterTagMissing, snapshot)).toEqual([]);
  });
});
