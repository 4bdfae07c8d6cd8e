/**
 * `--format csv`: one row per finding, RFC 4180 (CRLF line ends, fields quoted when
 * they contain a comma, quote, CR or LF; quotes doubled). Evidence is a JSON cell.
 */
import type { ScanReport } from '../report.ts';

export const CSV_COLUMNS = [
  'id',
  'severity',
  'ruleId',
  'title',
  'accountId',
  'region',
  'clusterName',
  'resourceType',
  'resourceId',
  'evidence',
  'remediation',
  'references',
] as const;

/** Quotes one field per RFC 4180 section 2. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function formatCsv(report: ScanReport): string {
  const rows = report.findings.map((f) =>
    [
      f.id,
      f.severity,
      f.ruleId,
      f.title,
      f.accountId,
      f.region,
      f.clusterName,
      f.resourceType,
      f.resourceId,
      JSON.stringify(f.evidence),
      f.remediation,
      f.references.join(' '),
    ].map(csvField),
  );
  return [[...CSV_COLUMNS], ...rows].map((row) => `${row.join(',')}\r\n`).join('');
}
