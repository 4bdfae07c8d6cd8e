/**
 * The scan report: what every output format renders. Its JSON form is the CLI's
 * `--format json` contract (DESIGN.md): `{ scannedAt, accountId, regions, clusters,
 * findings, errors }`.
 */
import { partitionSuppressed } from '../core/config-suppressions.ts';
import type { EvaluationResult } from '../core/evaluate.ts';
import { type Finding, severityRank } from '../core/model.ts';
import type { Snapshot, SourceLocation } from '../core/snapshot.ts';
import type { Suppression } from '../core/suppression.ts';

export interface ReportCluster {
  name: string;
  region: string;
  arn: string;
  /** Rules that gave no verdict for the cluster, with why (never a finding, never a pass). */
  notJudged: { ruleId: string; reason: string }[];
}

/** A collection error or a rule that failed to evaluate; `region`, `operation`, `message` always set. */
export interface ReportError {
  region: string;
  operation: string;
  message: string;
  clusterName?: string;
  ruleId?: string;
  vpcId?: string;
}

/** A finding of planned infrastructure carries where its resource is declared. */
export type ReportFinding = Finding & { location?: SourceLocation };

/** A finding a live config-file suppression covers: reported, but not counted or failed on. */
export type SuppressedReportFinding = ReportFinding & {
  status: 'SUPPRESSED';
  suppression: { id: string; reason: string; expiresAt: string };
};

export interface ScanReport {
  scannedAt: string;
  accountId: string;
  regions: string[];
  clusters: ReportCluster[];
  /** Findings no suppression covers: what `--fail-on` and the totals count. */
  findings: ReportFinding[];
  /** Findings excluded by a live suppression from `--config` (empty without one). */
  suppressed: SuppressedReportFinding[];
  errors: ReportError[];
  /** Planned infrastructure: what the template or plan reader skipped or could not place. */
  notes?: string[];
}

/** Severity first (highest first), then a stable order so output diffs cleanly between runs. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.resourceId.localeCompare(b.resourceId)
  );
}

function clusterKey(region: string, name: string): string {
  return `${region}\u0000${name}`;
}

/**
 * Builds the report from a snapshot and its evaluation; findings grouped by cluster, sorted
 * by severity. Findings a live suppression covers (at `waivers.now`) move to `suppressed`.
 */
export function buildReport(
  snapshot: Snapshot,
  evaluation: EvaluationResult,
  waivers: { suppressions: readonly Suppression[]; now: Date } = { suppressions: [], now: new Date(0) },
): ScanReport {
  const notJudged = new Map(
    evaluation.coverage.map((c) => [clusterKey(c.region, c.clusterName), c.notJudged.map((n) => ({ ...n }))]),
  );
  const clusters = snapshot.clusters
    .map((c) => ({
      name: c.cluster.name,
      region: c.region,
      arn: c.cluster.arn,
      notJudged: notJudged.get(clusterKey(c.region, c.cluster.name)) ?? [],
    }))
    .sort((a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name));
  const order = new Map(clusters.map((c, index) => [clusterKey(c.region, c.name), index]));
  const position = (f: Finding) => order.get(clusterKey(f.region, f.clusterName)) ?? clusters.length;
  const byPosition = (a: Finding, b: Finding) => position(a) - position(b) || compareFindings(a, b);
  const { active, suppressed } = partitionSuppressed(evaluation.findings, waivers.suppressions, waivers.now);
  // Planned infrastructure: each finding points at the declaration of its resource.
  const sources = snapshot.sources ?? {};
  const located = <F extends Finding>(f: F): F & { location?: SourceLocation } => {
    const location = sources[f.resourceId];
    return location ? { ...f, location: { ...location } } : f;
  };
  const findings = [...active].sort(byPosition).map(located);
  const errors: ReportError[] = [
    ...snapshot.errors.map((e) => ({
      region: e.region,
      operation: e.operation,
      message: e.message,
      ...(e.clusterName ? { clusterName: e.clusterName } : {}),
      ...(e.vpcId ? { vpcId: e.vpcId } : {}),
    })),
    ...evaluation.errors.map((e) => ({
      region: e.region,
      operation: 'EvaluateRule',
      message: `rule ${e.ruleId} failed: ${e.message}`,
      clusterName: e.clusterName,
      ruleId: e.ruleId,
    })),
  ];
  return {
    scannedAt: snapshot.scannedAt,
    accountId: snapshot.accountId,
    regions: [...snapshot.regions],
    clusters,
    findings,
    suppressed: suppressed
      .sort((a, b) => byPosition(a.finding, b.finding))
      .map(({ finding, suppression }) => ({
        ...located(finding),
        status: 'SUPPRESSED' as const,
        suppression: { id: suppression.id, reason: suppression.reason, expiresAt: suppression.expiresAt },
      })),
    errors,
  };
}
