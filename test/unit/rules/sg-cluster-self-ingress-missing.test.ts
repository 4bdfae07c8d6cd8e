import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { sgClusterSelfIngressMissing } from '../../../functions/core/rules/sg-cluster-self-ingress-missing.ts';
import {
  buildSnapshot,
  CLUSTER_SG,
  ingress,
  runRule,
  securityGroup,
} from '../../fixtures/snapshot-builder.ts';

const rule = sgClusterSelfIngressMissing;

describe('sg-cluster-self-ingress-missing', () => {
  it('does not fire when the cluster SG allows all protocols from itself (EKS default)', () => {
    const findings = runRule(rule, buildSnapshot());
    expect(findings).toEqual([]);
  });

  it('fires on the cluster SG when its self-ingress rule was removed', () => {
    // Arrange
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.securityGroups = [
        securityGroup(CLUSTER_SG, { IpPermissions: [ingress('tcp', 443, 443, { cidrs: ['10.0.0.0/16'] })] }),
      ];
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resourceId: CLUSTER_SG,
      severity: 'HIGH',
      resourceType: 'security-group',
    });
    expect(findings[0]?.evidence.securityGroupFound).toBe(true);
  });

  it('fires when the self rule covers only TCP, not all protocols', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.securityGroups = [
        securityGroup(CLUSTER_SG, { IpPermissions: [ingress('tcp', 0, 65535, { groups: [CLUSTER_SG] })] }),
      ];
    });
    expect(runRule(rule, snapshot)).toHaveLength(1);
  });

  it('fires when the all-protocols rule references another group, not itself', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.securityGroups = [
        securityGroup(CLUSTER_SG, {
          IpPermissions: [ingress('-1', undefined, undefined, { groups: ['sg-other'] })],
        }),
      ];
    });
    expect(runRule(rule, snapshot)).toHaveLength(1);
  });

  it('does not fire when the self reference is one of several sources of an all-protocols rule', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.securityGroups = [
        securityGroup(CLUSTER_SG, {
          IpPermissions: [ingress('-1', undefined, undefined, { groups: ['sg-other', CLUSTER_SG] })],
        }),
      ];
    });
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('fires with securityGroupFound=false when the cluster SG no longer exists', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.securityGroups = [];
    });
    const findings = runRule(rule, snapshot);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.resourceId).toBe(CLUSTER_SG);
    expect(findings[0]?.evidence).toEqual({ securityGroupFound: false });
  });

  it('does not fire when EKS reports no cluster security group', () => {
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.cluster.resourcesVpcConfig.clusterSecurityGroupId = undefined;
      vpc.securityGroups = [];
    });
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('is skipped, not passed, when security groups could not be read', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.securityGroups = [];
      vpc.incomplete = ['securityGroups'];
    });
    const result = evaluateSnapshot(snapshot, [rule], DEFAULT_RULE_CONFIG);
    expect(result.findings).toEqual([]);
    expect(result.coverage[0]?.evaluatedRuleIds).toEqual([]);
    expect(result.coverage[0]?.skipped[0]).toMatchObject({
      reason: 'incomplete-inventory',
      missing: ['securityGroups'],
    });
  });

  it('renders the restore command for the cluster SG, referencing itself', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.securityGroups = [securityGroup(CLUSTER_SG)];
    });
    const [finding] = runRule(rule, snapshot);
    expect(finding?.remediation).toContain(
      `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id ${CLUSTER_SG} --ip-permissions 'IpProtocol=-1,UserIdGroupPairs=[{GroupId=${CLUSTER_SG}}]'`,
    );
  });

  it('tells to replace the cluster when the cluster SG itself is gone, instead of restoring a rule', () => {
    const snapshot = buildSnapshot(({ vpc }) => {
      vpc.securityGroups = [];
    });
    const [finding] = runRule(rule, snapshot);
    expect(finding?.remediation).toContain('EKS cannot re-create it');
    expect(finding?.remediation).toContain('aws eks delete-cluster --region us-east-1 --name demo');
    expect(finding?.remediation).not.toContain('authorize-security-group-ingress');
  });
});
