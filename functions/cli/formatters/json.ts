import type { ScanReport } from '../report.ts';

/**
 * `--format json`: the DESIGN.md contract, one pretty-printed JSON object with exactly
 * `{ scannedAt, accountId, regions, clusters, findings, errors }`. Findings a config
 * suppression covers are excluded (as from the exit code); table and SARIF show them.
 */
export function formatJson(report: ScanReport): string {
  const { scannedAt, accountId, regions, clusters, findings, errors } = report;
  return `${JSON.stringify({ scannedAt, accountId, regions, clusters, findings, errors }, null, 2)}\n`;
}
