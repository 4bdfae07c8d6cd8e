import { describe, expect, it } from 'vitest';
import type { StoredFinding } from '../../../functions/core/lifecycle.ts';
import { notJudged, type RuleDefinition } from '../../../functions/core/model.ts';
import { reconcile } from '../../../functions/core/reconcile.ts';
import {
  remainingPlaceholders,
  renderTemplate,
  templateAsPlaceholders,
} from '../../../functions/core/remediation.ts';
import { buildSnapshot, CLUSTER_ARN, evaluateRules } from '../../fixtures/snapshot-builder.ts';

/** A rule whose outcome the test decides. */
function ruleReturning(
  evaluate: RuleDefinition['evaluate'],
  remediation = 'fix {{resourceId}}',
): RuleDefinition {
  return {
    id: 'test-rule',
    severity: 'HIGH',
    title: 'Test rule',
    description: 'A rule for engine tests.',
    remediation,
    references: ['https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html'],
    resourceType: 'subnet',
    requires: ['cluster'],
    evaluate,
  };
}

describe('engine outcome: not judged', () => {
  it('is neither a finding nor an evaluated rule, and carries the reason per cluster', () => {
    // Arrange
    const rule = ruleReturning(() => notJudged('egress through tgw-1 cannot be followed'));
    // Act
    const result = evaluateRules([rule], buildSnapshot());
    // Assert
    expect(result.findings).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.coverage[0]?.evaluatedRuleIds).toEqual([]);
    expect(result.coverage[0]?.notJudged).toEqual([
      { ruleId: 'test-rule', reason: 'egress through tgw-1 cannot be followed' },
    ]);
  });

  it('never resolves a finding stored from an earlier scan', () => {
    // Arrange: an OPEN finding of the rule is stored; this scan cannot judge the rule
    const rule = ruleReturning(() => notJudged('unknown'));
    const result = evaluateRules([rule], buildSnapshot());
    const stored: StoredFinding = {
      id: 'f-1',
      ruleId: 'test-rule',
      severity: 'HIGH',
      title: 'Test rule',
      accountId: '123456789012',
      region: 'us-east-1',
      clusterName: 'demo',
      resourceType: 'subnet',
      resourceId: 'subnet-a',
      evidence: {},
      remediation: 'fix subnet-a',
      references: [],
      status: 'OPEN',
      firstSeenAt: '2026-01-01T00:00:00.000Z',
      lastSeenAt: '2026-01-01T00:00:00.000Z',
      reopenedCount: 0,
      updatedAt: '2026-01-01T00:00:00.000Z',
      version: 1,
    };
    // Act
    const reconciled = reconcile({
      stored: [stored],
      current: result.findings,
      evaluatedRuleIds: result.coverage[0]?.evaluatedRuleIds ?? [],
      suppressions: [],
      now: new Date('2026-01-02T00:00:00.000Z'),
      clusterDeleted: false,
    });
    // Assert
    expect(reconciled.transitions).toEqual([]);
    expect(reconciled.after.map((f) => f.status)).toEqual(['OPEN']);
  });

  it('turns a rule that throws on odd data into a per-rule error and a not-judged entry, never a crash', () => {
    const rule = ruleReturning(() => {
      throw new TypeError("Cannot read properties of undefined (reading 'From')");
    });
    const result = evaluateRules([rule], buildSnapshot());
    expect(result.findings).toEqual([]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        ruleId: 'test-rule',
        clusterName: 'demo',
        message: expect.stringContaining('From'),
      }),
    ]);
    expect(result.coverage[0]?.notJudged[0]?.reason).toMatch(/the rule failed/);
  });

  it('names the inventory part that could not be read', () => {
    const rule = ruleReturning(() => []);
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.incomplete = ['cluster'];
    });
    const result = evaluateRules([rule], snapshot);
    expect(result.coverage[0]?.notJudged).toEqual([
      {
        ruleId: 'test-rule',
        reason:
          'inventory incomplete (a describe call failed, or the snapshot file leaves it out): the cluster (DescribeCluster)',
      },
    ]);
  });
});

describe('remediation rendering', () => {
  it('fills slots from the cluster, the resource, the evidence and the hit values; leaves <name> for the unknown', () => {
    // Arrange
    const rule = ruleReturning(
      () => [
        { resourceId: 'subnet-a', evidence: { vpcId: 'vpc-1', port: 443 }, remediationValues: { tag: 'x' } },
      ],
      'aws --region {{region}} --cluster {{clusterName}} ({{clusterArn}}) --resource {{resourceId}} --vpc {{vpcId}} --port {{port}} --tag {{tag}} --cidr {{officeCidr}}',
    );
    // Act
    const [finding] = evaluateRules([rule], buildSnapshot()).findings;
    // Assert
    expect(finding?.remediation).toBe(
      `aws --region us-east-1 --cluster demo (${CLUSTER_ARN}) --resource subnet-a --vpc vpc-1 --port 443 --tag x --cidr <officeCidr>`,
    );
    expect(remainingPlaceholders(finding?.remediation ?? '')).toEqual(['officeCidr']);
  });

  it('uses a per-hit template when the fix differs by case', () => {
    const rule = ruleReturning(() => [
      { resourceId: 'subnet-a', evidence: {}, remediation: 'delete on {{resourceId}}' },
    ]);
    expect(evaluateRules([rule], buildSnapshot()).findings[0]?.remediation).toBe('delete on subnet-a');
  });

  it('shows the catalog template with placeholders, and ignores non-scalar values', () => {
    expect(templateAsPlaceholders('aws ec2 x --group-id {{groupId}}')).toBe('aws ec2 x --group-id <groupId>');
    expect(renderTemplate('{{list}} {{empty}} {{n}}', { list: ['a'], empty: '', n: 0 })).toBe(
      '<list> <empty> 0',
    );
  });
});
