/**
 * Domain model shared by every layer: severities, findings, rule definitions and
 * the rule configuration. Pure types and small pure helpers only.
 */

import type { ClusterContext } from './cluster-context.ts';
import type { InventoryPart } from './snapshot.ts';

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Numeric rank of a severity: LOW=1 … CRITICAL=4. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity) + 1;
}

/** Whether `severity` is at or above `threshold`. */
export function isAtLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}

export type ResourceType =
  | 'cluster'
  | 'subnet'
  | 'security-group'
  | 'instance'
  | 'nodegroup'
  | 'fargate-profile'
  | 'vpc';

/** What a rule reports for one resource; the engine turns it into a {@link Finding}. */
export interface RuleHit {
  resourceId: string;
  /** The observed values that made the rule fire. */
  evidence: Record<string, unknown>;
  /** For rules whose severity depends on what was seen (e.g. HIGH or MEDIUM). */
  severity?: Severity;
  /** For rules whose resource kind depends on what was seen (a node group, else an instance). */
  resourceType?: ResourceType;
  /**
   * Values for the `{{name}}` slots of the rule's remediation template beyond the ones the
   * engine fills itself (cluster, region, account, resource id, scalar evidence fields).
   */
  remediationValues?: Record<string, string | number>;
  /** A remediation template for this hit only, when the fix differs by case (same slots). */
  remediation?: string;
}

/**
 * A rule's answer when it cannot judge the cluster: its input is unknown (a CNI the
 * scanner cannot see, an egress path it cannot follow, a value known only at deploy
 * time). Never a finding, and never a resolution of an earlier finding.
 */
export interface NotJudged {
  notJudged: string;
}

/** Builds a {@link NotJudged} outcome with its reason. */
export function notJudged(reason: string): NotJudged {
  return { notJudged: reason };
}

/** What a rule's `evaluate` returns: its hits (possibly none), or that it cannot judge. */
export type RuleOutcome = RuleHit[] | NotJudged;

/** Whether an outcome is {@link NotJudged}. */
export function isNotJudged(outcome: RuleOutcome): outcome is NotJudged {
  return !Array.isArray(outcome);
}

/**
 * A rule of the catalog (`RULES.md`). Rules are pure: they read the prepared
 * {@link ClusterContext} and the configuration, never AWS, the clock or the env.
 */
export interface RuleDefinition {
  id: string;
  /** Default severity; rules with two levels declare the higher one here. */
  severity: Severity;
  /** All severities the rule can emit (defaults to `[severity]`). */
  severities?: readonly Severity[];
  title: string;
  description: string;
  /** One line: why it matters (what breaks or who gets in). */
  risk?: string;
  /**
   * The fix, as a template: `{{clusterName}}`, `{{region}}`, `{{accountId}}`,
   * `{{resourceId}}`, any scalar evidence field and the hit's `remediationValues` are
   * filled in for each finding; a slot the finding cannot fill reads `<name>`.
   */
  remediation: string;
  references: readonly string[];
  resourceType: ResourceType;
  /** Inventory parts the rule reads; if any is incomplete the rule is not judged for the cluster. */
  requires: readonly InventoryPart[];
  evaluate(ctx: ClusterContext, config: RuleConfig): RuleOutcome;
}

/** What a rule is, without how it evaluates (the API's catalog, `GET /rules`). */
export type RuleMetadata = Omit<RuleDefinition, 'evaluate'>;

export interface Finding {
  /** Deterministic from (accountId, region, clusterName, ruleId, resourceId). */
  id: string;
  ruleId: string;
  severity: Severity;
  title: string;
  accountId: string;
  region: string;
  clusterName: string;
  resourceType: ResourceType;
  resourceId: string;
  evidence: Record<string, unknown>;
  remediation: string;
  references: string[];
}

/** Thresholds and switches of the rule catalog; every field has a default (see `config.ts`). */
export interface RuleConfig {
  minPublicCidrPrefix: number;
  /** Shortest IPv6 prefix of a public security-group source that is not "broad" (default 32). */
  minPublicIpv6Prefix: number;
  /** When non-empty, public CIDRs outside these blocks are flagged. */
  allowedPublicCidrs: string[];
  /** Ephemeral (return-traffic) port range checked through network ACLs. */
  ephemeralPorts: { from: number; to: number };
  ipExhaustion: {
    highFreeBelow: number;
    highPercentBelow: number;
    mediumFreeBelow: number;
    mediumPercentBelow: number;
  };
  requiredVpcEndpoints: string[];
  /** Cluster tag keys whose presence (non-empty value) declares another network-policy engine. */
  networkPolicyEngineTagKeys: string[];
  /** Instance families (exact, or `*` globs) that do not support security groups for pods. */
  podSecurityGroupUnsupportedFamilies: string[];
  disabledRules: string[];
  severityOverrides: Record<string, Severity>;
}
