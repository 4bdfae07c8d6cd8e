import type { ScanReport } from '../report.ts';

/**
 * `--format json`: the DESIGN.md contract, one pretty-printed JSON object with exactly
 * `{ scannedAt, accountId, regions, clusters, findings, errors }`. Findings a config
 * suppression covers are excluded (as from the exit code); table and SARIF show them.
 */
export function formatJson(report: ScanReport): string {
  const { scannedAt, accountId, regions, clusters, findings, errors, notes } = report;
  // `notes` (planned infrastructure only): what the template or plan reader skipped.
  const body = { scannedAt, accountId, regions, clusters, findings, errors, ...(notes ? { notes } : {}) };
  return `${JSON.stringify(body, null, 2)}\n`;
}
