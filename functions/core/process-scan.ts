/**
 * The scan-processing service: snapshot → evaluate → reconcile → store → alert, per cluster,
 * through the ports of `ports.ts`. Pure of AWS; the clock is a port.
 *
 * At-least-once safety: the caller gives the scan id (stable across redeliveries). Each
 * cluster's result is committed together with the alert it owes (state PENDING); the alert
 * is published after the commit and then marked SENT. A redelivered scan finds its record
 * and only flushes what is still pending; a failed publish stays pending and goes out with
 * the next attempt or the next scan of the cluster. The flushing of alerts and Security Hub
 * entries after the commit lives in `cluster-flush.ts`.
 */
import { type AlertMessage, buildClusterAlert } from './alert-message.ts';
import {
  clusterError,
  flushAlerts,
  pendingIds,
  pendingOf,
  type SecurityHubPending,
  syncSecurityHub,
} from './cluster-flush.ts';
import { type ClusterCoverage, evaluateSnapshot } from './evaluate.ts';
import type { Transition } from './lifecycle.ts';
import type { Finding, RuleConfig, RuleDefinition, Severity } from './model.ts';
import {
  type ClusterKey,
  type ClusterRecord,
  type ClusterScanRecord,
  emptyCounts,
  type FindingsRepository,
  ScanAlreadyRecordedError,
  type ScanClusterDone,
  type ScanError,
  type ScanServiceDeps,
  type ScanTrigger,
  type SeverityCounts,
  VersionConflictError,
} from './ports.ts';
import { reconcile } from './reconcile.ts';
import { securityHubBackfill, securityHubEntries } from './security-hub-sync.ts';
import type { Snapshot } from './snapshot.ts';
import type { Suppression } from './suppression.ts';

export type { ScanServiceDeps } from './ports.ts';

export interface ScanServiceOptions {
  /** Lowest severity of a transition that is alerted (default MEDIUM). */
  notifyThreshold?: Severity;
  /** Attempts per cluster when a concurrent scan wins the version race (default 5). */
  maxAttempts?: number;
  /** Clusters of one snapshot processed at once (default 4). */
  clusterConcurrency?: number;
}

export interface ClusterScanInput {
  scanId: string;
  /** Snapshot time: state older than what the store holds is never applied. */
  scannedAt: string;
  key: ClusterKey;
  clusterArn?: string;
  vpcId?: string;
  /** The scan's findings for this cluster. */
  findings: readonly Finding[];
  /** Coverage from `evaluateSnapshot`; required unless the cluster was deleted. */
  coverage?: ClusterCoverage;
  clusterDeleted?: boolean;
  suppressions: readonly Suppression[];
  /** Evaluation errors of this cluster (rules that threw), kept on the scan record. */
  errors?: readonly ScanError[];
}

export type ClusterOutcome = 'PROCESSED' | 'SKIPPED' | 'ALREADY_PROCESSED' | 'FAILED';

export interface ClusterScanResult {
  key: ClusterKey;
  outcome: ClusterOutcome;
  reason?: string;
  transitions: Transition[];
  findingWrites: number;
  alertsPublished: number;
  /** Findings sent to Security Hub (when the export is on), pending ones of earlier scans included. */
  securityHubSynced: number;
  errors: ScanError[];
}

const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Processes one cluster of one scan: reconcile against the store, commit with optimistic
 * locking (reload and retry on conflict), then publish every alert the cluster still owes.
 * Never throws for a store or notifier failure: it reports `FAILED` with the error.
 */
export async function processClusterScan(
  deps: ScanServiceDeps,
  input: ClusterScanInput,
  options: ScanServiceOptions = {},
): Promise<ClusterScanResult> {
  const result: ClusterScanResult = {
    key: input.key,
    outcome: 'FAILED',
    transitions: [],
    findingWrites: 0,
    alertsPublished: 0,
    securityHubSynced: 0,
    errors: [],
  };
  try {
    const previous = await deps.repository.getClusterScan(input.scanId, input.key);
    if (previous?.phase === 'COMMITTED') {
      result.outcome = 'ALREADY_PROCESSED';
      const state = await deps.repository.loadCluster(input.key);
      await flushAlerts(deps, input.key, pendingIds(state.cluster, input.scanId, previous), result);
      await syncSecurityHub(deps, input, pendingOf(state), result);
      return result;
    }
    // A WRITING record means an earlier attempt stopped mid-commit: its draft alert covers
    // findings it may already have written, which this attempt will no longer see change.
    const attempts: AttemptState = { carried: new Map(), draftAlert: previous?.alert };
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      const committed = await attemptCommit(deps, input, options, result, attempts);
      if (committed === 'conflict') {
        if (attempt < maxAttempts) continue;
        throw new VersionConflictError(
          `cluster changed under ${maxAttempts} consecutive attempts; giving up`,
        );
      }
      await flushAlerts(deps, input.key, committed, result);
      // After the alerts: Security Hub being down or denied never delays or blocks them.
      await syncSecurityHub(deps, input, attempts.securityHub, result);
      return result;
    }
  } catch (error) {
    result.outcome = 'FAILED';
    result.errors.push(clusterError(input.key, 'ProcessClusterScan', error));
    return result;
  }
}

/** What survives from one commit attempt to the next. */
interface AttemptState {
  /** Transitions whose writes were applied by an attempt that then hit a conflict. */
  carried: Map<string, Transition>;
  draftAlert: AlertMessage | undefined;
  /** What the cluster owes Security Hub once this attempt is final. */
  securityHub?: SecurityHubPending;
}

/** One load → reconcile → commit round. Returns the scan ids whose alerts to flush, or 'conflict'. */
async function attemptCommit(
  deps: ScanServiceDeps,
  input: ClusterScanInput,
  options: ScanServiceOptions,
  result: ClusterScanResult,
  attempts: AttemptState,
): Promise<string[] | 'conflict'> {
  const { repository, clock } = deps;
  const now = clock.now();
  const state = await repository.loadCluster(input.key);
  attempts.securityHub = pendingOf(state);
  const base = baseRecord(input, now, input.errors ?? []);
  const last = state.cluster?.lastScanAt;
  if (last !== undefined && input.scannedAt < last) {
    // An older snapshot (a delayed redelivery) must never undo what a newer scan stored.
    const reason = `snapshot ${input.scannedAt} is older than the last applied scan ${last} (${state.cluster?.lastScanId})`;
    result.outcome = 'SKIPPED';
    result.reason = reason;
    return recordOnly(repository, { ...base, outcome: 'SKIPPED', reason }, state.cluster, result);
  }
  if (input.clusterDeleted && !state.cluster && state.findings.length === 0) {
    result.outcome = 'SKIPPED';
    result.reason = 'cluster deleted and unknown to the store';
    return recordOnly(repository, { ...base, outcome: 'SKIPPED', reason: result.reason }, undefined, result);
  }
  const coverage = input.coverage;
  const reconciled = reconcile({
    stored: state.findings,
    current: input.findings,
    evaluatedRuleIds: coverage?.evaluatedRuleIds ?? [],
    suppressions: input.suppressions,
    now,
    clusterDeleted: input.clusterDeleted ?? false,
  });
  const fresh = new Set(reconciled.transitions.map((t) => t.finding.id));
  const transitions = [
    ...[...attempts.carried.values()].filter((t) => !fresh.has(t.finding.id)),
    ...reconciled.transitions,
  ];
  // Resolving a waived finding is not news to anyone: nobody was alerted about it.
  const alertable = transitions.filter((t) => !(t.kind === 'RESOLVED' && t.previousStatus === 'SUPPRESSED'));
  const built = buildClusterAlert({
    scanId: input.scanId,
    accountId: input.key.accountId,
    region: input.key.region,
    clusterName: input.key.clusterName,
    ...((input.clusterArn ?? state.cluster?.clusterArn)
      ? { clusterArn: input.clusterArn ?? state.cluster?.clusterArn }
      : {}),
    transitions: alertable,
    threshold: options.notifyThreshold ?? 'MEDIUM',
  });
  const alert = built ?? (transitions.length === 0 ? attempts.draftAlert : undefined);
  const complete =
    !input.clusterDeleted &&
    coverage !== undefined &&
    coverage.skipped.every((s) => s.reason === 'disabled' || s.reason === 'not-judged');
  const pending = new Set(state.cluster?.pendingAlertScanIds ?? []);
  if (alert) pending.add(input.scanId);
  // Only with the export on: otherwise the list would grow with every transition, forever.
  const securityHub = deps.securityHub
    ? [
        ...new Set([
          ...(state.cluster?.pendingSecurityHub ?? []),
          // The first scan with the export on also sends what the cluster already had open.
          ...(state.cluster?.securityHubExport ? [] : securityHubBackfill(reconciled.after)),
          ...securityHubEntries(transitions),
        ]),
      ]
    : [];
  const cluster: ClusterRecord = {
    ...nextClusterRecord(state.cluster, input, reconciled.after, now, complete, [...pending]),
    ...(deps.securityHub ? { securityHubExport: true } : {}),
    ...(securityHub.length > 0 ? { pendingSecurityHub: securityHub } : {}),
  };
  const record: ClusterScanRecord = {
    ...base,
    outcome: 'PROCESSED',
    transitions: countKinds(transitions),
    findingWrites: reconciled.writes.length,
    alertState: alert ? 'PENDING' : 'NONE',
    ...(alert ? { alert } : {}),
  };
  try {
    await repository.commitClusterScan({
      cluster,
      ...(state.cluster ? { expectedClusterVersion: state.cluster.version } : {}),
      writes: reconciled.writes,
      record,
    });
  } catch (error) {
    if (error instanceof VersionConflictError) {
      const applied = new Set(error.appliedFindingIds);
      for (const t of reconciled.transitions)
        if (applied.has(t.finding.id)) attempts.carried.set(t.finding.id, t);
      return 'conflict';
    }
    if (error instanceof ScanAlreadyRecordedError) {
      // Another delivery of this scan committed first: only flush what it left pending.
      result.outcome = 'ALREADY_PROCESSED';
      const fresh = await repository.loadCluster(input.key);
      attempts.securityHub = pendingOf(fresh);
      return fresh.cluster?.pendingAlertScanIds ?? [];
    }
    throw error;
  }
  result.outcome = 'PROCESSED';
  result.transitions = transitions;
  result.findingWrites = reconciled.writes.length;
  attempts.securityHub = { entries: securityHub, findings: reconciled.after };
  return cluster.pendingAlertScanIds;
}

async function recordOnly(
  repository: FindingsRepository,
  record: ClusterScanRecord,
  cluster: ClusterRecord | undefined,
  result: ClusterScanResult,
): Promise<string[]> {
  try {
    await repository.recordClusterScan(record);
  } catch (error) {
    if (!(error instanceof ScanAlreadyRecordedError)) throw error;
    result.outcome = 'ALREADY_PROCESSED';
  }
  // Even a skipped scan flushes alerts earlier attempts left pending.
  return cluster?.pendingAlertScanIds ?? [];
}

function baseRecord(input: ClusterScanInput, now: Date, errors: readonly ScanError[]): ClusterScanRecord {
  return {
    ...input.key,
    scanId: input.scanId,
    scannedAt: input.scannedAt,
    phase: 'COMMITTED',
    outcome: 'PROCESSED',
    counts: countSeverities(input.findings),
    transitions: {},
    findingWrites: 0,
    errors: [...errors],
    alertState: 'NONE',
    processedAt: now.toISOString(),
  };
}

function nextClusterRecord(
  previous: ClusterRecord | undefined,
  input: ClusterScanInput,
  findings: readonly { status: string; severity: Severity }[],
  now: Date,
  complete: boolean,
  pendingAlertScanIds: string[],
): ClusterRecord {
  const openCounts = emptyCounts();
  let suppressedCount = 0;
  for (const finding of findings) {
    if (finding.status === 'OPEN') openCounts[finding.severity]++;
    else if (finding.status === 'SUPPRESSED') suppressedCount++;
  }
  const clusterArn = input.clusterArn ?? previous?.clusterArn;
  const vpcId = input.vpcId ?? previous?.vpcId;
  const lastCompleteScanAt = complete ? input.scannedAt : previous?.lastCompleteScanAt;
  const lastCompleteScanId = complete ? input.scanId : previous?.lastCompleteScanId;
  const deletedAt = input.clusterDeleted ? (previous?.deletedAt ?? now.toISOString()) : undefined;
  return {
    ...input.key,
    ...(clusterArn ? { clusterArn } : {}),
    ...(vpcId ? { vpcId } : {}),
    lastScanAt: input.scannedAt,
    lastScanId: input.scanId,
    ...(lastCompleteScanAt ? { lastCompleteScanAt } : {}),
    ...(lastCompleteScanId ? { lastCompleteScanId } : {}),
    openCounts,
    suppressedCount,
    notJudged: input.clusterDeleted ? [] : (input.coverage?.notJudged ?? []).map((entry) => ({ ...entry })),
    ...(deletedAt ? { deletedAt } : {}),
    pendingAlertScanIds,
    updatedAt: now.toISOString(),
    version: (previous?.version ?? 0) + 1,
  };
}

function countSeverities(findings: readonly Finding[]): SeverityCounts {
  const counts = emptyCounts();
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

function countKinds(transitions: readonly Transition[]): ClusterScanRecord['transitions'] {
  const counts: ClusterScanRecord['transitions'] = {};
  for (const t of transitions) counts[t.kind] = (counts[t.kind] ?? 0) + 1;
  return counts;
}

// ---------------------------------------------------------------------------------------
// Whole snapshots

export interface SnapshotScanInput {
  scanId: string;
  trigger: ScanTrigger;
  snapshot: Snapshot;
  rules: readonly RuleDefinition[];
  ruleConfig: RuleConfig;
  /**
   * Set when the scan is about some clusters: only those are stored and alerted, and only
   * those may be found deleted. Other clusters of the snapshot are still evaluated with
   * them (rules read the whole VPC: other clusters' subnets and tags), never stored — a
   * VPC scan holds a cluster it re-enqueued because it was still changing.
   * Without it every cluster the store knows in a listed region is expected in the snapshot.
   */
  targetClusterNames?: readonly string[];
}

export interface SnapshotScanResult {
  scanId: string;
  status: 'COMPLETED' | 'FAILED';
  clusters: ClusterScanResult[];
  /** Each cluster this processing covered once (what a tracked scan counts as done). */
  clustersDone?: ScanClusterDone[];
  /** Clusters found deleted (resolved with `cluster-deleted`). */
  deleted: ClusterKey[];
  errors: ScanError[];
}

/**
 * The clusters a processing covered, once each: every result, plus each targeted cluster
 * that produced none (gone before it was scanned and unknown to the store) — done too, or a
 * tracked scan would wait for it forever.
 */
function doneClusters(
  results: readonly ClusterScanResult[],
  regions: readonly string[],
  targets: readonly string[] | undefined,
): ScanClusterDone[] {
  const done = new Map<string, ScanClusterDone>();
  for (const r of results) {
    const id = `${r.key.region}/${r.key.clusterName}`;
    const failed = r.outcome === 'FAILED' || done.get(id)?.failed === true;
    done.set(id, { region: r.key.region, clusterName: r.key.clusterName, failed });
  }
  for (const region of regions)
    for (const clusterName of targets ?? [])
      if (!done.has(`${region}/${clusterName}`))
        done.set(`${region}/${clusterName}`, { region, clusterName, failed: false });
  return [...done.values()];
}

/**
 * Processes a whole snapshot: every cluster in it, then deleted-cluster detection (a cluster
 * the store knows in a region whose listing succeeded, absent from the snapshot, and not
 * named by any collection error). One cluster's failure never stops the others.
 */
export async function processSnapshot(
  deps: ScanServiceDeps,
  input: SnapshotScanInput,
  options: ScanServiceOptions = {},
): Promise<SnapshotScanResult> {
  const { snapshot } = input;
  const startedAt = deps.clock.now().toISOString();
  await deps.repository.startScan({
    scanId: input.scanId,
    trigger: input.trigger,
    status: 'RUNNING',
    accountId: snapshot.accountId,
    startedAt,
    errors: [],
  });
  const errors: ScanError[] = snapshot.errors.map((e) => ({
    message: e.message,
    region: e.region,
    operation: e.operation,
    ...(e.clusterName ? { clusterName: e.clusterName } : {}),
  }));
  let suppressions: Suppression[];
  try {
    suppressions = await deps.suppressions.listSuppressions(deps.clock.now());
  } catch (error) {
    // Scanning without the waivers would reopen and alert every suppressed finding: fail instead.
    const message = `cannot load suppressions: ${error instanceof Error ? error.message : String(error)}`;
    errors.push({ operation: 'ListSuppressions', message });
    // A tracked scan counts the targeted clusters as done (failed) so it does not hang.
    const failedTargets = snapshot.regions.flatMap((region) =>
      (input.targetClusterNames ?? []).map((clusterName) => ({ region, clusterName, failed: true })),
    );
    await deps.repository.finishScan(
      input.scanId,
      'FAILED',
      deps.clock.now().toISOString(),
      errors,
      failedTargets,
    );
    return { scanId: input.scanId, status: 'FAILED', clusters: [], deleted: [], errors };
  }
  const evaluation = evaluateSnapshot(snapshot, input.rules, input.ruleConfig);
  const targets = input.targetClusterNames ? new Set(input.targetClusterNames) : undefined;
  const covered = targets
    ? evaluation.coverage.filter((c) => targets.has(c.clusterName))
    : evaluation.coverage;
  // Clusters live in separate partitions: a few at a time, results kept in snapshot order.
  const results = await mapPooled(covered, options.clusterConcurrency ?? 4, (coverage) => {
    const key = { accountId: snapshot.accountId, region: coverage.region, clusterName: coverage.clusterName };
    const findings = evaluation.findings.filter(
      (f) => f.region === key.region && f.clusterName === key.clusterName,
    );
    const clusterErrors = evaluation.errors
      .filter((e) => e.region === key.region && e.clusterName === key.clusterName)
      .map((e) => ({ region: e.region, clusterName: e.clusterName, ruleId: e.ruleId, message: e.message }));
    return processClusterScan(
      deps,
      {
        scanId: input.scanId,
        scannedAt: snapshot.scannedAt,
        key,
        clusterArn: coverage.clusterArn,
        ...(coverage.vpcId ? { vpcId: coverage.vpcId } : {}),
        findings,
        coverage,
        suppressions,
        errors: clusterErrors,
      },
      options,
    );
  });
  const deleted: ClusterKey[] = [];
  for (const region of snapshot.regions) {
    if (snapshot.errors.some((e) => e.region === region && !e.clusterName && e.operation === 'ListClusters'))
      continue;
    const present = new Set(snapshot.clusters.filter((c) => c.region === region).map((c) => c.cluster.name));
    // A cluster the collector failed to describe is not gone: it just could not be read.
    for (const e of snapshot.errors) if (e.region === region && e.clusterName) present.add(e.clusterName);
    const swept = await resolveDeletedClusters(
      deps,
      {
        scanId: input.scanId,
        scannedAt: snapshot.scannedAt,
        accountId: snapshot.accountId,
        region,
        liveClusterNames: [...present],
        ...(input.targetClusterNames ? { onlyClusterNames: input.targetClusterNames } : {}),
        suppressions,
      },
      options,
    );
    deleted.push(...swept.deleted);
    results.push(...swept.clusters);
    errors.push(...swept.errors);
  }
  const failed = results.filter((r) => r.outcome === 'FAILED').length;
  const status = results.length > 0 && failed === results.length ? 'FAILED' : 'COMPLETED';
  // Cluster errors live on the per-cluster records; the scan record keeps scan-level ones.
  const clustersDone = doneClusters(results, snapshot.regions, input.targetClusterNames);
  await deps.repository.finishScan(
    input.scanId,
    status,
    deps.clock.now().toISOString(),
    errors,
    clustersDone,
  );
  const all = [...errors, ...results.flatMap((r) => r.errors)];
  return { scanId: input.scanId, status, clusters: results, deleted, errors: all, clustersDone };
}

export interface RegionSweepInput {
  scanId: string;
  scannedAt: string;
  accountId: string;
  region: string;
  /** Every cluster EKS listed in the region (a complete listing, never a partial one). */
  liveClusterNames: readonly string[];
  /** When set, only these stored clusters are candidates (a targeted scan). */
  onlyClusterNames?: readonly string[];
  suppressions?: readonly Suppression[];
}

/**
 * Resolves, with reason `cluster-deleted`, every stored cluster of a region that a complete
 * listing no longer shows. Used by {@link processSnapshot} and by the region-sweep message.
 */
export async function resolveDeletedClusters(
  deps: ScanServiceDeps,
  input: RegionSweepInput,
  options: ScanServiceOptions = {},
): Promise<{ deleted: ClusterKey[]; clusters: ClusterScanResult[]; errors: ScanError[] }> {
  const live = new Set(input.liveClusterNames);
  const only = input.onlyClusterNames ? new Set(input.onlyClusterNames) : undefined;
  let known: ClusterRecord[];
  try {
    known = await deps.repository.listClusters(input.accountId, input.region);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      deleted: [],
      clusters: [],
      errors: [{ region: input.region, operation: 'ListStoredClusters', message }],
    };
  }
  const gone = known.filter(
    (c) => !c.deletedAt && !live.has(c.clusterName) && (!only || only.has(c.clusterName)),
  );
  const clusters: ClusterScanResult[] = [];
  for (const cluster of gone) {
    const key = { accountId: cluster.accountId, region: cluster.region, clusterName: cluster.clusterName };
    clusters.push(
      await processClusterScan(
        deps,
        {
          scanId: input.scanId,
          scannedAt: input.scannedAt,
          key,
          findings: [],
          clusterDeleted: true,
          suppressions: input.suppressions ?? [],
        },
        options,
      ),
    );
  }
  const deleted = clusters.filter((c) => c.outcome === 'PROCESSED').map((c) => c.key);
  return { deleted, clusters, errors: [] };
}

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapPooled<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
