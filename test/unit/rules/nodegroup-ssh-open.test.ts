import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { nodegroupSshOpen } from '../../../functions/core/rules/nodegroup-ssh-open.ts';
import type { EksNodegroup } from '../../../functions/core/snapshot.ts';
import { buildSnapshot, managedNodegroup, runRule } from '../../fixtures/snapshot-builder.ts';

const rule = nodegroupSshOpen;

function withNodegroups(...nodegroups: EksNodegroup[]) {
  return buildSnapshot(({ cluster }) => {
    cluster.nodegroups = nodegroups;
  });
}

describe('nodegroup-ssh-open', () => {
  it('fires on the node group when an SSH key is set without source security groups', () => {
    // Arrange
    const snapshot = withNodegroups(
      managedNodegroup('ng-ssh', {
        remoteAccess: { ec2SshKey: 'ops-key' },
        resources: { remoteAccessSecurityGroup: 'sg-remote' },
      }),
    );
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'ng-ssh', severity: 'HIGH', resourceType: 'nodegroup' });
    expect(findings[0]?.evidence).toEqual({
      ec2SshKey: 'ops-key',
      sourceSecurityGroups: [],
      remoteAccessSecurityGroup: 'sg-remote',
    });
  });

  it('fires when sourceSecurityGroups is an empty list', () => {
    const snapshot = withNodegroups(
      managedNodegroup('ng-ssh', { remoteAccess: { ec2SshKey: 'k', sourceSecurityGroups: [] } }),
    );
    expect(runRule(rule, snapshot)).toHaveLength(1);
  });

  it('does not fire when SSH is limited to source security groups', () => {
    const snapshot = withNodegroups(
      managedNodegroup('ng-ssh', { remoteAccess: { ec2SshKey: 'k', sourceSecurityGroups: ['sg-bastion'] } }),
    );
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('does not fire without remote access, or with remote access but no key', () => {
    const snapshot = withNodegroups(
      managedNodegroup('ng-plain'),
      managedNodegroup('ng-nokey', { remoteAccess: { sourceSecurityGroups: [] } }),
      managedNodegroup('ng-emptykey', { remoteAccess: { ec2SshKey: '' } }),
    );
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('reports only the offending node groups among several', () => {
    const snapshot = withNodegroups(
      managedNodegroup('ng-a', { remoteAccess: { ec2SshKey: 'k' } }),
      managedNodegroup('ng-b', { remoteAccess: { ec2SshKey: 'k', sourceSecurityGroups: ['sg-bastion'] } }),
      managedNodegroup('ng-c', { remoteAccess: { ec2SshKey: 'k' } }),
    );
    expect(runRule(rule, snapshot).map((f) => f.resourceId)).toEqual(['ng-a', 'ng-c']);
  });

  it('is skipped when the node groups could not be listed', () => {
    const snapshot = withNodegroups(managedNodegroup('ng-ssh', { remoteAccess: { ec2SshKey: 'k' } }));
    snapshot.clusters[0]!.incomplete = ['nodegroups'];
    const result = evaluateSnapshot(snapshot, [rule], DEFAULT_RULE_CONFIG);
    expect(result.findings).toEqual([]);
    expect(result.coverage[0]?.skipped[0]).toMatchObject({
      ruleId: rule.id,
      reason: 'incomplete-inventory',
      missing: ['nodegroups'],
    });
  });

  it('renders a replacement node group restricted to a bastion SG, and the revoke on the remote-access SG', () => {
    // Arrange
    const snapshot = withNodegroups(
      managedNodegroup('ng-ssh', {
        remoteAccess: { ec2SshKey: 'ops-key' },
        resources: { remoteAccessSecurityGroup: 'sg-remote' },
      }),
    );
    // Act
    const [finding] = runRule(rule, snapshot);
    // Assert
    expect(finding?.remediation).toContain(
      'aws eks create-nodegroup --region us-east-1 --cluster-name demo --nodegroup-name ng-ssh-restricted --subnets subnet-a subnet-b --instance-types m5.large --node-role <nodeRoleArn> --remote-access ec2SshKey=ops-key,sourceSecurityGroups=<bastionSecurityGroupId>',
    );
    expect(finding?.remediation).toContain(
      'aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-remote --protocol tcp --port 22 --cidr 0.0.0.0/0',
    );
  });
});
