/**
 * `--format table` (default): findings grouped by cluster, highest severity first,
 * followed by the errors (collection gaps the reader must know about) and a summary.
 */
import { type Finding, SEVERITIES, type Severity } from '../../core/model.ts';
import type { ScanReport } from '../report.ts';
import { textTable } from './text-table.ts';

function countBySeverity(findings: readonly Finding[]): string {
  const counts = new Map<Severity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  return [...SEVERITIES]
    .reverse()
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatTable(report: ScanReport): string {
  const out: string[] = [
    `eks-netguard scan of account ${report.accountId} at ${report.scannedAt} (regions: ${report.regions.join(', ') || 'none'})`,
    '',
  ];
  if (report.clusters.length === 0) out.push('No EKS clusters found.', '');
  for (const cluster of report.clusters) {
    // report.findings is already sorted by cluster, then severity (HIGH first).
    const findings = report.findings.filter(
      (f) => f.region === cluster.region && f.clusterName === cluster.name,
    );
    const counts = findings.length > 0 ? ` (${countBySeverity(findings)})` : '';
    out.push(`${cluster.region} / ${cluster.name}: ${plural(findings.length, 'finding')}${counts}`);
    if (findings.length > 0) {
      const rows = findings.map((f) => [
        f.severity,
        f.ruleId,
        f.resourceId === cluster.arn ? '(cluster)' : f.resourceId,
        f.title,
      ]);
      out.push(textTable(['SEVERITY', 'RULE', 'RESOURCE', 'TITLE'], rows, '  '));
    }
    const suppressed = report.suppressed.filter(
      (f) => f.region === cluster.region && f.clusterName === cluster.name,
    );
    if (suppressed.length > 0) {
      out.push(`  ${plural(suppressed.length, 'finding')} SUPPRESSED by the config file (not counted):`);
      const rows = suppressed.map((f) => [
        'SUPPRESSED',
        f.ruleId,
        f.resourceId === cluster.arn ? '(cluster)' : f.resourceId,
        `until ${f.suppression.expiresAt.slice(0, 10)}: ${f.suppression.reason}`,
      ]);
      out.push(textTable(['STATUS', 'RULE', 'RESOURCE', 'WAIVER'], rows, '  '));
    }
    out.push('');
  }
  const notJudged = report.clusters.filter((c) => c.notJudged.length > 0);
  if (notJudged.length > 0) {
    out.push('Not judged (the scanner could not see what these rules need; neither a finding nor a pass):');
    for (const cluster of notJudged) {
      for (const entry of cluster.notJudged) {
        out.push(`  ${cluster.region} / ${cluster.name}  ${entry.ruleId}: ${entry.reason}`);
      }
    }
    out.push('');
  }
  if (report.errors.length > 0) {
    out.push(`Errors (${report.errors.length}) — the scan is incomplete; findings may be missing:`);
    for (const e of report.errors) {
      const scope = e.clusterName ? ` [${e.clusterName}]` : e.vpcId ? ` [${e.vpcId}]` : '';
      out.push(`  ${e.region} ${e.operation}${scope}: ${e.message}`);
    }
    out.push('');
  }
  const total = report.findings.length;
  const summary = total > 0 ? ` (${countBySeverity(report.findings)})` : '';
  out.push(
    `Total: ${plural(total, 'finding')}${summary}${report.suppressed.length > 0 ? ` (+${report.suppressed.length} suppressed)` : ''} in ${plural(report.clusters.length, 'cluster')}, ${plural(report.errors.length, 'error')}.`,
  );
  return `${out.join('\n')}\n`;
}
