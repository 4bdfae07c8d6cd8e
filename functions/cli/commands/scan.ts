/**
 * `eks-netguard scan`: get a snapshot (AWS, a file, or the demo account), evaluate the
 * rule catalog, print the report, and choose the exit code.
 */
import { ConfigFileError, readConfigFile } from '../../adapters/config-file.ts';
import { readSnapshotFile, writeSnapshotFile } from '../../adapters/snapshot-file.ts';
import { mergeRuleConfig } from '../../core/config.ts';
import { expiredSuppressionWarning, loadConfigSuppressions } from '../../core/config-suppressions.ts';
import { evaluateSnapshot } from '../../core/evaluate.ts';
import { isAtLeast, type RuleConfig, SEVERITIES, type Severity } from '../../core/model.ts';
import { RULES } from '../../core/rules/index.ts';
import type { Snapshot } from '../../core/snapshot.ts';
import { type Suppression, SuppressionValidationError } from '../../core/suppression.ts';
import { demoSnapshot } from '../demo-account.ts';
import { EXIT, UsageError } from '../errors.ts';
import { formatCsv } from '../formatters/csv.ts';
import { formatJson } from '../formatters/json.ts';
import { formatSarif } from '../formatters/sarif.ts';
import { formatTable } from '../formatters/table.ts';
import type { LiveCollector } from '../live-source.ts';
import { buildReport, type ScanReport } from '../report.ts';

export const SCAN_FORMATS = ['table', 'json', 'sarif', 'csv'] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

export interface ScanOptions {
  region: string[];
  cluster: string[];
  endpointUrl?: string;
  snapshotIn?: string;
  snapshotOut?: string;
  demo?: boolean;
  format: ScanFormat;
  failOn?: Severity;
  config?: string;
}

export interface ScanDeps {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  now(): Date;
  collect: LiveCollector;
  toolVersion: string;
}

/** Region names such as `us-east-1`, `eu-central-2`, `us-gov-west-1`, `us-isob-east-1`. */
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function validateRegion(region: string, source: string): string {
  if (!REGION_PATTERN.test(region)) {
    throw new UsageError(
      `invalid region "${region}" from ${source}: expected a region name such as us-east-1`,
    );
  }
  return region;
}

/** Parses `--fail-on` case-insensitively (`high`, `HIGH`). */
export function parseSeverity(value: string): Severity {
  const upper = value.toUpperCase();
  if (!(SEVERITIES as readonly string[]).includes(upper)) {
    throw new UsageError(`invalid --fail-on "${value}": expected one of ${SEVERITIES.join(', ')}`);
  }
  return upper as Severity;
}

function validateEndpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`invalid --endpoint-url "${value}": expected a URL such as http://127.0.0.1:5000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`invalid --endpoint-url "${value}": only http:// and https:// are supported`);
  }
  return value;
}

function resolveRegions(options: ScanOptions, env: ScanDeps['env']): string[] {
  if (options.region.length > 0)
    return [...new Set(options.region.map((r) => validateRegion(r, '--region')))];
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const) {
    const value = env[name]?.trim();
    if (value) return [validateRegion(value, name)];
  }
  throw new UsageError('no region to scan: pass --region us-east-1 (repeatable) or set AWS_REGION');
}

/** Keeps only the requested regions / clusters of a file or demo snapshot. */
function narrowSnapshot(snapshot: Snapshot, regions: string[], clusterNames: string[]): Snapshot {
  const regionOk = (r: string) => regions.length === 0 || regions.includes(r);
  const clusterOk = (name: string | undefined) =>
    clusterNames.length === 0 || name === undefined || clusterNames.includes(name);
  const clusters = snapshot.clusters.filter((c) => regionOk(c.region) && clusterOk(c.cluster.name));
  const usedVpcs = new Set(clusters.map((c) => `${c.region}/${c.vpcId}`));
  return {
    ...snapshot,
    regions: regions.length > 0 ? regions : snapshot.regions,
    clusters,
    vpcs:
      clusterNames.length === 0
        ? snapshot.vpcs.filter((v) => regionOk(v.region))
        : snapshot.vpcs.filter((v) => usedVpcs.has(`${v.region}/${v.vpcId}`)),
    errors: snapshot.errors.filter((e) => regionOk(e.region) && clusterOk(e.clusterName)),
  };
}

/** A `--cluster` that matched nothing is reported, never silently scanned as "no findings". */
function reportMissingClusters(snapshot: Snapshot, clusterNames: string[]): Snapshot {
  const missing = clusterNames.filter(
    (name) =>
      !snapshot.clusters.some((c) => c.cluster.name === name) &&
      !snapshot.errors.some((e) => e.clusterName === name),
  );
  if (missing.length === 0) return snapshot;
  return {
    ...snapshot,
    errors: [
      ...snapshot.errors,
      ...missing.map((name) => ({
        region: snapshot.regions.join(',') || 'unknown',
        operation: 'DescribeCluster',
        message: `cluster "${name}" not found in region(s) ${snapshot.regions.join(', ') || '(none)'}`,
        clusterName: name,
      })),
    ],
  };
}

async function loadSnapshot(options: ScanOptions, deps: ScanDeps): Promise<Snapshot> {
  if (options.demo) {
    return narrowSnapshot(
      demoSnapshot(),
      options.region.map((r) => validateRegion(r, '--region')),
      options.cluster,
    );
  }
  if (options.snapshotIn) {
    const regions = options.region.map((r) => validateRegion(r, '--region'));
    return narrowSnapshot(await readSnapshotFile(options.snapshotIn), regions, options.cluster);
  }
  const regions = resolveRegions(options, deps.env);
  const endpointUrl = options.endpointUrl ? validateEndpointUrl(options.endpointUrl) : undefined;
  try {
    return await deps.collect({ regions, clusterNames: options.cluster, endpointUrl, now: deps.now });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    if (error instanceof Error && error.name === 'AwsCredentialsError')
      throw new UsageError(message ?? '', { cause: error });
    throw new UsageError(`collection failed: ${message}`, { cause: error });
  }
}

function render(report: ScanReport, format: ScanFormat, toolVersion: string): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report, RULES, toolVersion);
    case 'csv':
      return formatCsv(report);
    case 'table':
      return formatTable(report);
  }
}

/** Runs a scan and returns the exit code: 2 on errors, 1 on findings at or above `--fail-on`, else 0. */
export async function runScan(options: ScanOptions, deps: ScanDeps): Promise<number> {
  // Everything the user typed is checked before any AWS call or file write.
  if (options.endpointUrl) validateEndpointUrl(options.endpointUrl);
  let config: RuleConfig = mergeRuleConfig(undefined);
  let suppressions: Suppression[] = [];
  if (options.config) {
    const file = await readConfigFile(
      options.config,
      RULES.map((r) => r.id),
    );
    config = mergeRuleConfig(file);
    try {
      const loaded = loadConfigSuppressions(file.suppressions, {
        now: deps.now(),
        ...(file.maxSuppressionDays ? { maxDays: file.maxSuppressionDays } : {}),
        knownRuleIds: RULES.map((r) => r.id),
      });
      suppressions = loaded.live;
      for (const expired of loaded.expired)
        deps.stderr(`eks-netguard: warning: ${options.config}: ${expiredSuppressionWarning(expired)}\n`);
    } catch (error) {
      if (!(error instanceof SuppressionValidationError)) throw error;
      throw new ConfigFileError(`${options.config}: ${error.message}`, { cause: error });
    }
  }

  const snapshot = reportMissingClusters(await loadSnapshot(options, deps), options.cluster);
  // Written before evaluation so the raw inventory survives whatever happens next.
  if (options.snapshotOut) await writeSnapshotFile(options.snapshotOut, snapshot);

  // Suppressed findings are listed apart and never count toward --fail-on.
  const report = buildReport(snapshot, evaluateSnapshot(snapshot, RULES, config), {
    suppressions,
    now: deps.now(),
  });
  deps.stdout(render(report, options.format, deps.toolVersion));
  if (report.suppressed.length > 0 && (options.format === 'json' || options.format === 'csv')) {
    // These formats list failing findings only; say what was left out and where to see it.
    deps.stderr(
      `eks-netguard: note: ${report.suppressed.length} finding(s) suppressed by ${options.config} ` +
        'not listed (--format table or sarif shows them)\n',
    );
  }

  if (report.errors.length > 0) {
    // The table lists errors itself; machine formats keep stdout clean and warn on stderr.
    if (options.format !== 'table') {
      for (const e of report.errors)
        deps.stderr(`eks-netguard: error: ${e.region} ${e.operation}: ${e.message}\n`);
    }
    deps.stderr(`eks-netguard: scan incomplete (${report.errors.length} error(s)); exit code 2\n`);
    return EXIT.usage;
  }
  const threshold = options.failOn;
  if (threshold && report.findings.some((f) => isAtLeast(f.severity, threshold))) return EXIT.findings;
  return EXIT.ok;
}
