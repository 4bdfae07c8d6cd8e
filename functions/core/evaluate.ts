/**
 * The evaluation engine: snapshot + rules + config → findings, with per-cluster
 * coverage so that reconcile knows which rules actually looked at which cluster.
 */
import { buildClusterContext, type ClusterContext } from './cluster-context.ts';
import { findingId } from './finding-id.ts';
import type { Finding, RuleConfig, RuleDefinition } from './model.ts';
import type { InventoryPart, Snapshot } from './snapshot.ts';
import { buildVpcIndex, type VpcIndex } from './vpc-index.ts';

export interface RuleSkip {
  ruleId: string;
  /** Why the rule did not run: disabled, or the inventory parts it needs were incomplete. */
  reason: 'disabled' | 'incomplete-inventory' | 'rule-error';
  missing?: InventoryPart[];
  message?: string;
}

export interface ClusterCoverage {
  region: string;
  clusterName: string;
  clusterArn: string;
  vpcId?: string;
  /** Rules that ran to completion for this cluster: only their findings may be resolved. */
  evaluatedRuleIds: string[];
  skipped: RuleSkip[];
}

export interface EvaluationError {
  region: string;
  clusterName: string;
  ruleId: string;
  message: string;
}

export interface EvaluationResult {
  findings: Finding[];
  coverage: ClusterCoverage[];
  errors: EvaluationError[];
}

function vpcKey(region: string, vpcId: string): string {
  return `${region}/${vpcId}`;
}

function evaluateCluster(
  ctx: ClusterContext,
  rules: readonly RuleDefinition[],
  config: RuleConfig,
  findings: Finding[],
  errors: EvaluationError[],
): ClusterCoverage {
  const coverage: ClusterCoverage = {
    region: ctx.region,
    clusterName: ctx.clusterName,
    clusterArn: ctx.clusterArn,
    vpcId: ctx.vpc?.inventory.vpcId ?? ctx.inventory.vpcId,
    evaluatedRuleIds: [],
    skipped: [],
  };
  for (const rule of rules) {
    if (config.disabledRules.includes(rule.id)) {
      coverage.skipped.push({ ruleId: rule.id, reason: 'disabled' });
      continue;
    }
    const missing = rule.requires.filter((part) => ctx.incomplete.has(part));
    if (missing.length > 0) {
      coverage.skipped.push({ ruleId: rule.id, reason: 'incomplete-inventory', missing });
      continue;
    }
    try {
      const hits = rule.evaluate(ctx, config);
      const override = config.severityOverrides[rule.id];
      for (const hit of hits) {
        findings.push({
          id: findingId({
            accountId: ctx.accountId,
            region: ctx.region,
            clusterName: ctx.clusterName,
            ruleId: rule.id,
            resourceId: hit.resourceId,
          }),
          ruleId: rule.id,
          severity: override ?? hit.severity ?? rule.severity,
          title: rule.title,
          accountId: ctx.accountId,
          region: ctx.region,
          clusterName: ctx.clusterName,
          resourceType: rule.resourceType,
          resourceId: hit.resourceId,
          evidence: hit.evidence,
          remediation: rule.remediation,
          references: [...rule.references],
        });
      }
      coverage.evaluatedRuleIds.push(rule.id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.push({ region: ctx.region, clusterName: ctx.clusterName, ruleId: rule.id, message });
      coverage.skipped.push({ ruleId: rule.id, reason: 'rule-error', message });
    }
  }
  return coverage;
}

/**
 * Evaluates every rule against every cluster of the snapshot. A rule that throws
 * becomes an evaluation error for that cluster; it never stops the scan.
 */
export function evaluateSnapshot(
  snapshot: Snapshot,
  rules: readonly RuleDefinition[],
  config: RuleConfig,
): EvaluationResult {
  const vpcIndexes = new Map<string, VpcIndex>();
  for (const vpc of snapshot.vpcs) vpcIndexes.set(vpcKey(vpc.region, vpc.vpcId), buildVpcIndex(vpc));
  const findings: Finding[] = [];
  const errors: EvaluationError[] = [];
  const coverage: ClusterCoverage[] = [];
  for (const inventory of snapshot.clusters) {
    // The collector fills `vpcId`; a hand-written snapshot may only carry the EKS field.
    const vpcId = inventory.vpcId ?? inventory.cluster.resourcesVpcConfig.vpcId;
    const vpc = vpcId ? vpcIndexes.get(vpcKey(inventory.region, vpcId)) : undefined;
    const ctx = buildClusterContext(snapshot.accountId, inventory, vpc);
    coverage.push(evaluateCluster(ctx, rules, config, findings, errors));
  }
  return { findings, coverage, errors };
}
