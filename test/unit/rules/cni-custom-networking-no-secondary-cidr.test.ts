import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { cniCustomNetworkingNoSecondaryCidr } from '../../../functions/core/rules/cni-custom-networking-no-secondary-cidr.ts';
import { buildSnapshot, CLUSTER_ARN, runRule, VPC_ID } from '../../fixtures/snapshot-builder.ts';

const rule = cniCustomNetworkingNoSecondaryCidr;

function withCustomNetworking(value: string | undefined, cidrBlocks = ['10.0.0.0/16']) {
  return buildSnapshot(({ cluster, vpc }) => {
    const env = value === undefined ? {} : { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: value };
    cluster.vpcCni = { state: 'installed', configurationValues: JSON.stringify({ env }) };
    vpc.vpc!.CidrBlocks = cidrBlocks;
  });
}

describe('cni-custom-networking-no-secondary-cidr', () => {
  it('fires on the cluster when custom networking is on and the VPC has one CIDR', () => {
    // Arrange
    const snapshot = withCustomNetworking('true');
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resourceId: CLUSTER_ARN,
      severity: 'LOW',
      resourceType: 'cluster',
    });
    expect(findings[0]?.evidence).toMatchObject({ vpcId: VPC_ID, vpcCidrBlocks: ['10.0.0.0/16'] });
  });

  it('does not fire when a secondary CIDR is associated', () => {
    expect(runRule(rule, withCustomNetworking('true', ['10.0.0.0/16', '100.64.0.0/16']))).toEqual([]);
  });

  it.each([
    ['off', 'false'],
    ['unset', undefined],
  ])('does not fire when custom networking is %s', (_name, value) => {
    expect(runRule(rule, withCustomNetworking(value))).toEqual([]);
  });

  it('does not fire when the add-on is absent (custom networking defaults to off)', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.vpcCni = { state: 'absent' };
    });
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('is skipped when the VPC could not be read', () => {
    const snapshot = withCustomNetworking('true');
    snapshot.vpcs[0]!.incomplete = ['vpc'];
    const result = evaluateSnapshot(snapshot, [rule], DEFAULT_RULE_CONFIG);
    expect(result.findings).toEqual([]);
    expect(result.coverage[0]?.skipped[0]).toMatchObject({
      reason: 'incomplete-inventory',
      missing: ['vpc'],
    });
  });

  it('reports an error instead of passing when the VPC description is absent without being marked incomplete', () => {
    const snapshot = withCustomNetworking('true');
    snapshot.vpcs[0]!.vpc = undefined;
    const result = evaluateSnapshot(snapshot, [rule], DEFAULT_RULE_CONFIG);
    expect(result.coverage[0]?.evaluatedRuleIds).toEqual([]);
    expect(result.errors).toHaveLength(1);
  });
});
