/**
 * `--format asff`: the findings as AWS Security Finding Format documents, one JSON array,
 * ready for `aws securityhub batch-import-findings --findings file://…` (at most 100 per
 * call, in the region each document names). The mapping is the core's, shared with the
 * deployed Security Hub exporter.
 */
import { partitionOfRegion, toAsff } from '../../core/asff.ts';
import type { ScanReport } from '../report.ts';

/** Each finding goes to the default product of its own account and region, as of the scan. */
export function formatAsff(report: ScanReport): string {
  const documents = [
    ...report.findings.map((finding) => ({ finding, status: 'OPEN' as const })),
    ...report.suppressed.map((finding) => ({ finding, status: 'SUPPRESSED' as const })),
  ].map(({ finding, status }) =>
    toAsff(finding, {
      partition: partitionOfRegion(finding.region),
      region: finding.region,
      accountId: finding.accountId,
      status,
      updatedAt: report.scannedAt,
    }),
  );
  return `${JSON.stringify(documents, null, 2)}\n`;
}
