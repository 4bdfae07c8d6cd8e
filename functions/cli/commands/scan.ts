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
import { assertProfileExists, credentialsMessage, readAwsProfile } from '../aws-profile.ts';
import { DEADLINE_GRACE_MS, ScanDeadlineError, settleBeforeDeadline } from '../deadline.ts';
import { demoSnapshot } from '../demo-account.ts';
import { EXIT, UsageError } from '../errors.ts';
import { formatAsff } from '../formatters/asff.ts';
import { formatCsv } from '../formatters/csv.ts';
import { formatJson } from '../formatters/json.ts';
import { formatOcsf } from '../formatters/ocsf.ts';
import { formatSarif, sarifArtifactUri } from '../formatters/sarif.ts';
import { formatTable } from '../formatters/table.ts';
import type { LiveCollector } from '../live-source.ts';
import { isPlannedScan, loadPlanned } from '../planned-source.ts';
import { createScanProgress, type ProgressStream, progressMode } from '../progress.ts';
import { buildReport, type ScanReport } from '../report.ts';
import {
  defaultRegion,
  liveRegions,
  narrowSnapshot,
  parseRegionFlags,
  type RegionSelection,
  reportMissingClusters,
} from '../scan-targets.ts';

export const SCAN_FORMATS = ['table', 'json', 'sarif', 'csv', 'asff', 'ocsf'] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

export interface ScanOptions {
  /** `--region` values as typed: names, comma lists or `all`. */
  region: string[];
  cluster: string[];
  endpointUrl?: string;
  snapshotIn?: string;
  snapshotOut?: string;
  demo?: boolean;
  format: ScanFormat;
  /** `--sarif-artifact`: the repository file SARIF results of live/snapshot scans point at. */
  sarifArtifact?: string;
  failOn?: Severity;
  config?: string;
  /** The whole-scan deadline in ms (`--timeout`), and how the user wrote it. */
  timeoutMs: number;
  timeoutText: string;
  /** `--progress`: progress lines on stderr even when it is not a terminal. */
  progress?: boolean;
  /** `--template FILE...`, `--parameter K=V...`, `--terraform-plan FILE`: planned infrastructure. */
  template?: string[];
  parameters?: string[];
  terraformPlan?: string;
}

export interface ScanDeps {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  now(): Date;
  collect: LiveCollector;
  toolVersion: string;
  /** Where progress goes (stderr); a spinner when it is a terminal. */
  progressStream?: ProgressStream;
  /** Standard input, for `--snapshot-in -`. */
  stdin?: AsyncIterable<unknown>;
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

interface Loaded {
  snapshot: Snapshot;
  /** Cluster names seen, for a "did you mean" on a mistyped `--cluster`. */
  knownClusterNames: string[];
  /** Planned infrastructure: what the reader skipped or could not place. */
  notes?: string[];
}

function fromSnapshot(
  snapshot: Snapshot,
  selection: RegionSelection | undefined,
  options: ScanOptions,
  deps: ScanDeps,
  source: string,
): Loaded {
  const narrowed = narrowSnapshot(snapshot, selection, options.cluster, source);
  for (const warning of narrowed.warnings) deps.stderr(`eks-netguard: warning: ${warning}\n`);
  return { snapshot: narrowed.snapshot, knownClusterNames: snapshot.clusters.map((c) => c.cluster.name) };
}

async function loadSnapshot(options: ScanOptions, deps: ScanDeps): Promise<Loaded> {
  if (isPlannedScan(options)) {
    const planned = await loadPlanned(options, deps.env, deps.now().toISOString());
    for (const note of planned.notes) deps.stderr(`eks-netguard: note: ${note}\n`);
    const loaded = fromSnapshot(planned.snapshot, undefined, options, deps, 'the planned infrastructure');
    return { ...loaded, notes: planned.notes };
  }
  const selection = parseRegionFlags(options.region);
  if (options.demo) return fromSnapshot(demoSnapshot(), selection, options, deps, 'the demo account');
  if (options.snapshotIn) {
    const snapshot = await readSnapshotFile(options.snapshotIn, {
      ...(deps.stdin ? { stdin: deps.stdin } : {}),
      now: deps.now,
    });
    return fromSnapshot(snapshot, selection, options, deps, options.snapshotIn);
  }
  const snapshot = await collectLiveSnapshot(selection, options, deps);
  return { snapshot, knownClusterNames: snapshot.clusters.map((c) => c.cluster.name) };
}

async function collectLiveSnapshot(
  selection: RegionSelection | undefined,
  options: ScanOptions,
  deps: ScanDeps,
): Promise<Snapshot> {
  const profile = await readAwsProfile(deps.env);
  assertProfileExists(profile);
  const fallback = defaultRegion(deps.env, profile);
  const regions = liveRegions(selection, fallback, profile);
  const endpointUrl = options.endpointUrl ? validateEndpointUrl(options.endpointUrl) : undefined;
  const description = `scan deadline (--timeout ${options.timeoutText})`;
  const signal = AbortSignal.timeout(options.timeoutMs);
  const progress = createScanProgress(
    progressMode(options.progress === true, deps.progressStream),
    deps.progressStream,
    regions === 'all' ? undefined : regions.length,
  );
  try {
    return await settleBeforeDeadline(
      deps.collect({
        regions,
        ...(fallback ? { homeRegion: fallback } : {}),
        clusterNames: options.cluster,
        ...(endpointUrl ? { endpointUrl } : {}),
        now: deps.now,
        deadline: { signal, description },
        onRegions: (names) => progress.regions(names.length),
        onProgress: (event) => progress.collected(event),
        onCallSettled: (call) => progress.callSettled(call),
      }),
      signal,
      DEADLINE_GRACE_MS,
      description,
    );
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    if (error instanceof Error && error.name === 'AwsCredentialsError')
      throw new UsageError(credentialsMessage(profile, message), { cause: error });
    if (error instanceof ScanDeadlineError) throw new UsageError(message, { cause: error });
    throw new UsageError(`collection failed: ${message}`, { cause: error });
  } finally {
    progress.stop();
  }
}

function render(report: ScanReport, options: ScanOptions, toolVersion: string): string {
  switch (options.format) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(
        report,
        RULES,
        toolVersion,
        options.sarifArtifact ? { artifact: options.sarifArtifact } : {},
      );
    case 'csv':
      return formatCsv(report);
    case 'asff':
      return formatAsff(report);
    case 'ocsf':
      return formatOcsf(report, RULES, toolVersion);
    case 'table':
      return formatTable(report);
  }
}

/** Runs a scan and returns the exit code: 2 on errors, 1 on findings at or above `--fail-on`, else 0. */
export async function runScan(options: ScanOptions, deps: ScanDeps): Promise<number> {
  // Everything the user typed is checked before any AWS call or file write.
  if (options.endpointUrl) validateEndpointUrl(options.endpointUrl);
  if (options.sarifArtifact !== undefined) {
    if (options.format !== 'sarif')
      throw new UsageError('--sarif-artifact applies to --format sarif only; drop it or add --format sarif');
    sarifArtifactUri(options.sarifArtifact);
  }
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

  const loaded = await loadSnapshot(options, deps);
  const snapshot = reportMissingClusters(loaded.snapshot, options.cluster, loaded.knownClusterNames);
  // Written before evaluation so the raw inventory survives whatever happens next.
  if (options.snapshotOut) await writeSnapshotFile(options.snapshotOut, snapshot);

  // Suppressed findings are listed apart and never count toward --fail-on.
  const report = buildReport(snapshot, evaluateSnapshot(snapshot, RULES, config), {
    suppressions,
    now: deps.now(),
  });
  if (loaded.notes && loaded.notes.length > 0) report.notes = loaded.notes;
  deps.stdout(render(report, options, deps.toolVersion));
  if (report.suppressed.length > 0 && (options.format === 'json' || options.format === 'csv')) {
    // These formats list failing findings only; say what was left out and where to see it.
    deps.stderr(
      `eks-netguard: note: ${report.suppressed.length} finding(s) suppressed by ${options.config} ` +
        'not listed (--format table, sarif, asff or ocsf shows them)\n',
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
