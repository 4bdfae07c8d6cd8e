/**
 * The evaluation engine: snapshot + rules + config → findings, with per-cluster
 * coverage so that reconcile knows which rules actually looked at which cluster.
 */
import { buildClusterContext, type ClusterContext } from './cluster-context.ts';
import { findingId } from './finding-id.ts';
import { type Finding, isNotJudged, type RuleConfig, type RuleDefinition, type RuleHit } from './model.ts';
import { renderTemplate } from './remediation.ts';
import type { InventoryPart, Snapshot } from './snapshot.ts';
import { buildVpcIndex, type VpcIndex } from './vpc-index.ts';

export interface RuleSkip {
  ruleId: string;
  /**
   * Why the rule gave no verdict: disabled by configuration, the inventory parts it needs
   * were incomplete, it threw, or it said it cannot judge the cluster (`message` says why).
   */
  reason: 'disabled' | 'incomplete-inventory' | 'rule-error' | 'not-judged';
  missing?: InventoryPart[];
  message?: string;
}

/** A rule that gave no verdict for a cluster, with the reason a reader needs (RULES.md "not judged"). */
export interface NotJudgedEntry {
  ruleId: string;
  reason: string;
}

export interface ClusterCoverage {
  region: string;
  clusterName: string;
  clusterArn: string;
  vpcId?: string;
  /** Rules that ran to completion for this cluster: only their findings may be resolved. */
  evaluatedRuleIds: string[];
  skipped: RuleSkip[];
  /** Rules not judged for the cluster (every skip but `disabled`), in catalog order. */
  notJudged: NotJudgedEntry[];
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
    notJudged: [],
  };
  for (const rule of rules) {
    if (config.disabledRules.includes(rule.id)) {
      coverage.skipped.push({ ruleId: rule.id, reason: 'disabled' });
      continue;
    }
    const missing = rule.requires.filter((part) => ctx.incomplete.has(part));
    if (missing.length > 0) {
      // Settings the scanner cannot see by design (no add-on, Auto Mode) are not a failed read.
      const structural =
        missing.length === 1 && missing[0] === 'vpcCni' && ctx.inventory.vpcCni.state !== 'unknown';
      coverage.skipped.push({
        ruleId: rule.id,
        reason: structural ? 'not-judged' : 'incomplete-inventory',
        missing,
      });
      coverage.notJudged.push({ ruleId: rule.id, reason: incompleteReason(ctx, missing) });
      continue;
    }
    try {
      const outcome = rule.evaluate(ctx, config);
      if (isNotJudged(outcome)) {
        coverage.skipped.push({ ruleId: rule.id, reason: 'not-judged', message: outcome.notJudged });
        coverage.notJudged.push({ ruleId: rule.id, reason: outcome.notJudged });
        continue;
      }
      const override = config.severityOverrides[rule.id];
      for (const hit of outcome) findings.push(toFinding(ctx, rule, hit, override));
      coverage.evaluatedRuleIds.push(rule.id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.push({ region: ctx.region, clusterName: ctx.clusterName, ruleId: rule.id, message });
      coverage.skipped.push({ ruleId: rule.id, reason: 'rule-error', message });
      coverage.notJudged.push({
        ruleId: rule.id,
        reason: `the rule failed on this cluster's data: ${message}`,
      });
    }
  }
  return coverage;
}

const PART_NAMES: Record<InventoryPart, string> = {
  cluster: 'the cluster (DescribeCluster)',
  nodegroups: 'node groups (DescribeNodegroup)',
  fargateProfiles: 'Fargate profiles (DescribeFargateProfile)',
  vpcCni: 'the vpc-cni settings',
  vpc: 'the VPC (DescribeVpcs)',
  subnets: 'subnets (DescribeSubnets)',
  routeTables: 'route tables (DescribeRouteTables)',
  securityGroups: 'security groups (DescribeSecurityGroups)',
  vpcEndpoints: 'VPC endpoints (DescribeVpcEndpoints)',
  natGateways: 'NAT gateways (DescribeNatGateways)',
  instances: 'node instances (DescribeInstances)',
  networkAcls: 'network ACLs (DescribeNetworkAcls)',
  flowLogs: 'flow logs (DescribeFlowLogs)',
};

function incompleteReason(ctx: ClusterContext, missing: readonly InventoryPart[]): string {
  if (missing.length === 1 && missing[0] === 'vpcCni')
    return ctx.vpcCniUnknownReason ?? 'vpc-cni settings unknown';
  // A source that knows why a part is missing (planned infrastructure: a deploy-time value) says so.
  const known = ctx.inventory.incompleteReasons ?? {};
  const ofVpc = ctx.vpc?.inventory.incompleteReasons ?? {};
  const explained = missing.map((part) => known[part] ?? ofVpc[part]);
  if (explained.some((reason) => reason !== undefined)) {
    const reasons = [
      ...new Set(
        explained.flatMap((reason, i) => (reason ?? PART_NAMES[missing[i] as InventoryPart]).split('; ')),
      ),
    ];
    return reasons.join('; ');
  }
  const parts = missing.map((part) =>
    part === 'vpcCni' ? (ctx.vpcCniUnknownReason ?? PART_NAMES[part]) : PART_NAMES[part],
  );
  return `inventory incomplete (a describe call failed, or the snapshot file leaves it out): ${parts.join('; ')}`;
}

function toFinding(
  ctx: ClusterContext,
  rule: RuleDefinition,
  hit: RuleHit,
  override: Finding['severity'] | undefined,
): Finding {
  // Slots resolve lazily: hit values, then the cluster and resource, then evidence fields.
  const engineValues: Record<string, string> = {
    clusterName: ctx.clusterName,
    clusterArn: ctx.clusterArn,
    region: ctx.region,
    accountId: ctx.accountId,
    resourceId: hit.resourceId,
  };
  const lookup = (name: string): unknown => {
    if (hit.remediationValues && Object.hasOwn(hit.remediationValues, name))
      return hit.remediationValues[name];
    if (Object.hasOwn(engineValues, name)) return engineValues[name];
    return Object.hasOwn(hit.evidence, name) ? hit.evidence[name] : undefined;
  };
  return {
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
    resourceType: hit.resourceType ?? rule.resourceType,
    resourceId: hit.resourceId,
    evidence: hit.evidence,
    remediation: renderTemplate(hit.remediation ?? rule.remediation, lookup),
    references: [...rule.references],
  };
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
