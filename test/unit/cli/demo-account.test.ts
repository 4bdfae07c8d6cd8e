import { describe, expect, it } from 'vitest';
import { demoSnapshot } from '../../../functions/cli/demo-account.ts';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { RULES } from '../../../functions/core/rules/index.ts';

describe('demo account', () => {
  it('trips at least 20 distinct rules of the catalog', () => {
    // Arrange
    const snapshot = demoSnapshot();
    // Act
    const result = evaluateSnapshot(snapshot, RULES, DEFAULT_RULE_CONFIG);
    // Assert
    const ruleIds = new Set(result.findings.map((f) => f.ruleId));
    expect(result.errors).toEqual([]);
    expect(ruleIds.size).toBeGreaterThanOrEqual(20);
  });

  it('has four clusters in two regions and three VPCs, one of them nearly compliant', () => {
    const snapshot = demoSnapshot();
    const result = evaluateSnapshot(snapshot, RULES, DEFAULT_RULE_CONFIG);
    expect(snapshot.accountId).toBe('111122223333');
    expect(snapshot.clusters).toHaveLength(4);
    expect(new Set(snapshot.clusters.map((c) => c.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));
    expect(snapshot.vpcs).toHaveLength(3);
    const payments = result.findings.filter((f) => f.clusterName === 'payments-prod');
    expect(payments.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['subnet-ip-exhaustion:MEDIUM']);
  });

  it('yields the same finding ids when evaluated twice (ids are deterministic)', () => {
    const first = evaluateSnapshot(demoSnapshot(), RULES, DEFAULT_RULE_CONFIG).findings.map((f) => f.id);
    const second = evaluateSnapshot(demoSnapshot(), RULES, DEFAULT_RULE_CONFIG).findings.map((f) => f.id);
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('hands out independent copies so callers cannot corrupt the bundled data', () => {
    const copy = demoSnapshot();
    copy.clusters.length = 0;
    expect(demoSnapshot().clusters).toHaveLength(4);
  });
});
