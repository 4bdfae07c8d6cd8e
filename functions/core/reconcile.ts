/**
 * Reconcile: compares one cluster's stored findings with what a scan saw and decides the
 * lifecycle transitions and the minimal set of item writes. Pure: the clock and the
 * suppressions are inputs.
 */
import type { StoredFinding, Transition } from './lifecycle.ts';
import type { Finding } from './model.ts';
import { findMatchingSuppression, type Suppression } from './suppression.ts';

export interface ReconcileInput {
  /** Every stored finding of the cluster, whatever its status. */
  stored: readonly StoredFinding[];
  /** What this scan found for the cluster. */
  current: readonly Finding[];
  /**
   * Rules that ran to completion for the cluster (`ClusterCoverage.evaluatedRuleIds`). A stored
   * finding of any other rule is left untouched: the scan could not see it.
   */
  evaluatedRuleIds: readonly string[];
  /** Suppressions in force; expired ones are ignored by the matcher. */
  suppressions: readonly Suppression[];
  now: Date;
  /** The cluster no longer exists: every OPEN/SUPPRESSED finding resolves as `cluster-deleted`. */
  clusterDeleted?: boolean;
}

/** One item write: `expectedVersion` undefined means the item must not exist yet. */
export interface FindingWrite {
  finding: StoredFinding;
  expectedVersion?: number;
}

export interface ReconcileResult {
  transitions: Transition[];
  writes: FindingWrite[];
  /** The cluster's findings after the writes (for counts and the cluster item). */
  after: StoredFinding[];
}

/**
 * Decides transitions and writes for one cluster.
 *
 * - new → OPEN (`OPENED`), or SUPPRESSED (`SUPPRESSED`) when a live suppression matches;
 * - OPEN/SUPPRESSED no longer reported by a rule that ran → RESOLVED (`fixed`);
 * - RESOLVED seen again → OPEN (`REOPENED`, reopenedCount + 1), or SUPPRESSED when covered;
 * - OPEN now covered by a suppression → SUPPRESSED; SUPPRESSED no longer covered → OPEN (`UNSUPPRESSED`);
 * - OPEN with a new severity → `SEVERITY_CHANGED`;
 * - a finding seen unchanged costs no write. When only its evidence, title, remediation or
 *   references changed it is rewritten (so the API never shows stale evidence) without a transition.
 */
export function reconcile(input: ReconcileInput): ReconcileResult {
  const now = input.now.toISOString();
  const evaluated = new Set(input.evaluatedRuleIds);
  const current = new Map<string, Finding>();
  if (!input.clusterDeleted) for (const finding of input.current) current.set(finding.id, finding);
  const transitions: Transition[] = [];
  const writes: FindingWrite[] = [];
  const after: StoredFinding[] = [];

  const write = (next: StoredFinding, previous: StoredFinding | undefined): void => {
    const finding = { ...next, version: (previous?.version ?? 0) + 1 };
    writes.push(previous ? { finding, expectedVersion: previous.version } : { finding });
    after.push(finding);
  };

  for (const stored of input.stored) {
    const seen = current.get(stored.id);
    current.delete(stored.id);
    if (input.clusterDeleted || !seen) {
      const mayResolve = input.clusterDeleted || evaluated.has(stored.ruleId);
      if (stored.status === 'RESOLVED' || !mayResolve) {
        after.push(stored);
        continue;
      }
      const resolved = resolve(stored, now, input.clusterDeleted ? 'cluster-deleted' : 'fixed');
      write(resolved, stored);
      transitions.push({ kind: 'RESOLVED', finding: last(after), previousStatus: stored.status });
      continue;
    }
    const suppression = findMatchingSuppression(seen, input.suppressions, input.now);
    const change = decide(stored, seen, suppression, now);
    if (!change) {
      after.push(stored);
      continue;
    }
    write(change.next, stored);
    if (change.kind) {
      transitions.push({
        kind: change.kind,
        finding: last(after),
        previousStatus: stored.status,
        ...(change.kind === 'SEVERITY_CHANGED' ? { previousSeverity: stored.severity } : {}),
      });
    }
  }

  for (const seen of current.values()) {
    const suppression = findMatchingSuppression(seen, input.suppressions, input.now);
    const created: StoredFinding = {
      ...seen,
      status: suppression ? 'SUPPRESSED' : 'OPEN',
      firstSeenAt: now,
      lastSeenAt: now,
      reopenedCount: 0,
      updatedAt: now,
      version: 0,
      ...(suppression ? { suppressionId: suppression.id } : {}),
    };
    write(created, undefined);
    transitions.push({ kind: suppression ? 'SUPPRESSED' : 'OPENED', finding: last(after) });
  }
  return { transitions, writes, after };
}

interface Change {
  next: StoredFinding;
  /** Undefined for a content-only refresh (no transition). */
  kind?: Transition['kind'];
}

function decide(
  stored: StoredFinding,
  seen: Finding,
  suppression: Suppression | undefined,
  now: string,
): Change | undefined {
  const base = refreshed(stored, seen, now);
  if (stored.status === 'RESOLVED') {
    const reopened = { ...withoutResolution(base), reopenedCount: stored.reopenedCount + 1, updatedAt: now };
    return suppression
      ? { next: { ...reopened, status: 'SUPPRESSED', suppressionId: suppression.id }, kind: 'SUPPRESSED' }
      : { next: { ...reopened, status: 'OPEN' }, kind: 'REOPENED' };
  }
  if (stored.status === 'OPEN' && suppression) {
    return {
      next: { ...base, status: 'SUPPRESSED', suppressionId: suppression.id, updatedAt: now },
      kind: 'SUPPRESSED',
    };
  }
  if (stored.status === 'SUPPRESSED' && !suppression) {
    const { suppressionId: _dropped, ...rest } = base;
    return { next: { ...rest, status: 'OPEN', updatedAt: now }, kind: 'UNSUPPRESSED' };
  }
  if (stored.status === 'OPEN' && stored.severity !== seen.severity) {
    return { next: { ...base, updatedAt: now }, kind: 'SEVERITY_CHANGED' };
  }
  // Still SUPPRESSED (maybe under another suppression, maybe with another severity: silent while
  // waived) or still OPEN with the same severity: write only when something visible changed.
  const next = suppression ? { ...base, suppressionId: suppression.id } : base;
  const visibleChange =
    contentChanged(stored, seen) ||
    stored.severity !== seen.severity ||
    stored.suppressionId !== next.suppressionId;
  return visibleChange ? { next } : undefined;
}

/** The stored finding carrying the scan's view of the rule output, seen `now`. */
function refreshed(stored: StoredFinding, seen: Finding, now: string): StoredFinding {
  return {
    ...stored,
    severity: seen.severity,
    title: seen.title,
    resourceType: seen.resourceType,
    evidence: seen.evidence,
    remediation: seen.remediation,
    references: seen.references,
    lastSeenAt: now,
  };
}

function resolve(stored: StoredFinding, now: string, reason: 'fixed' | 'cluster-deleted'): StoredFinding {
  const { suppressionId: _dropped, ...rest } = stored;
  return { ...rest, status: 'RESOLVED', resolvedAt: now, resolvedReason: reason, updatedAt: now };
}

function withoutResolution(finding: StoredFinding): StoredFinding {
  const { resolvedAt: _at, resolvedReason: _reason, suppressionId: _sup, ...rest } = finding;
  return rest;
}

function contentChanged(stored: StoredFinding, seen: Finding): boolean {
  return (
    stored.title !== seen.title ||
    stored.remediation !== seen.remediation ||
    stored.resourceType !== seen.resourceType ||
    canonical(stored.references) !== canonical(seen.references) ||
    canonical(stored.evidence) !== canonical(seen.evidence)
  );
}

/** JSON with object keys sorted, so that key order never counts as a change. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function last<T>(items: readonly T[]): T {
  return items[items.length - 1] as T;
}
