import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { cniNetworkPolicyDisabled } from '../../../functions/core/rules/cni-network-policy-disabled.ts';
import type { VpcCniAddon } from '../../../functions/core/snapshot.ts';
import { buildSnapshot, CLUSTER_ARN, notJudgedReason, runRule } from '../../fixtures/snapshot-builder.ts';

const rule = cniNetworkPolicyDisabled;

function withAddon(vpcCni: VpcCniAddon, tags: Record<string, string> = {}) {
  return buildSnapshot(({ cluster }) => {
    cluster.vpcCni = vpcCni;
    cluster.cluster.tags = tags;
  });
}

describe('cni-network-policy-disabled', () => {
  it('does not fire when the vpc-cni enforces network policies', () => {
    expect(runRule(rule, buildSnapshot())).toEqual([]);
  });

  it('does not fire when enableNetworkPolicy is a YAML boolean true', () => {
    const snapshot = withAddon({ state: 'installed', configurationValues: 'enableNetworkPolicy: true\n' });
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('fires on the cluster when enableNetworkPolicy is "false"', () => {
    // Arrange
    const snapshot = withAddon({
      state: 'installed',
      configurationValues: '{"enableNetworkPolicy":"false"}',
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resourceId: CLUSTER_ARN,
      severity: 'MEDIUM',
      resourceType: 'cluster',
    });
    expect(findings[0]?.evidence).toMatchObject({ addonState: 'installed', enableNetworkPolicy: 'false' });
  });

  it.each([
    ['the add-on has no configuration', { state: 'installed' } as VpcCniAddon],
    [
      'the configuration sets only env',
      { state: 'installed', configurationValues: '{"env":{"WARM_IP_TARGET":"5"}}' } as VpcCniAddon,
    ],
  ])('fires when %s', (_name, addon) => {
    expect(runRule(rule, withAddon(addon))).toHaveLength(1);
  });

  it('does not fire when a cluster tag declares another policy engine', () => {
    const snapshot = withAddon({ state: 'installed' }, { 'network-policy-engine': 'calico' });
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it.each(['network-policy', 'networkPolicyEngine', 'policy-engine'])(
    'does not fire when the default engine tag key %s names an engine',
    (key) => {
      expect(runRule(rule, withAddon({ state: 'installed' }, { [key]: 'cilium' }))).toEqual([]);
    },
  );

  it.each(['none', 'False', 'disabled', 'off'])('fires when the engine tag says %s', (value) => {
    const snapshot = withAddon({ state: 'installed' }, { 'network-policy-engine': value });
    expect(runRule(rule, snapshot)).toHaveLength(1);
  });

  it('fires when the engine tag is present but empty', () => {
    const snapshot = withAddon({ state: 'installed' }, { 'network-policy-engine': ' ' });
    expect(runRule(rule, snapshot)).toHaveLength(1);
  });

  it('honours the configured engine tag keys', () => {
    const snapshot = withAddon({ state: 'installed' }, { 'policy/engine': 'cilium' });
    expect(runRule(rule, snapshot)).toHaveLength(1);
    expect(runRule(rule, snapshot, { networkPolicyEngineTagKeys: ['policy/engine'] })).toEqual([]);
  });

  it.each([
    [
      'the add-on state is unknown',
      { state: 'unknown', error: 'AccessDenied' } as VpcCniAddon,
      'incomplete-inventory',
    ],
    [
      'the configuration cannot be parsed',
      { state: 'installed', configurationValues: '{not json' } as VpcCniAddon,
      'not-judged',
    ],
    [
      'there is no vpc-cni EKS add-on (v2: settings unknown)',
      { state: 'absent' } as VpcCniAddon,
      'not-judged',
    ],
  ])('is not judged, never passed, when %s', (_name, addon, reason) => {
    // Act
    const result = evaluateSnapshot(withAddon(addon), [rule], DEFAULT_RULE_CONFIG);
    // Assert: no finding, not counted as evaluated (so nothing stored is resolved), a reason shown
    expect(result.findings).toEqual([]);
    expect(result.coverage[0]?.evaluatedRuleIds).toEqual([]);
    expect(result.coverage[0]?.skipped[0]).toMatchObject({ ruleId: rule.id, reason, missing: ['vpcCni'] });
    expect(result.coverage[0]?.notJudged).toEqual([{ ruleId: rule.id, reason: expect.any(String) }]);
  });

  it('says why when the cluster has no vpc-cni add-on', () => {
    expect(notJudgedReason(rule, withAddon({ state: 'absent' }))).toMatch(/no vpc-cni EKS add-on/);
  });

  it('is not judged on an Auto Mode cluster, even with a vpc-cni add-on configured off', () => {
    // Arrange
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.computeConfig = { enabled: true, nodePools: ['general-purpose', 'system'] };
      cluster.vpcCni = { state: 'installed', configurationValues: '{"enableNetworkPolicy":"false"}' };
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toEqual([]);
    expect(notJudgedReason(rule, snapshot)).toMatch(/Auto Mode/);
  });
});
