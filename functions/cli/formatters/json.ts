import type { ScanReport } from '../report.ts';

/** `--format json`: the report as one pretty-printed JSON object. */
export function formatJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
