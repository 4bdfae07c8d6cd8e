/**
 * Security Hub sync: which finding transitions a cluster still owes Security Hub, and
 * how to send them. Pure of AWS: Security Hub and the store are ports.
 *
 * At-least-once, like SNS alerts (see `process-scan.ts`): a scan commits its transitions
 * as pending entries on the cluster record together with the finding writes, and sends
 * them after the commit. An entry is cleared only once Security Hub took its finding; a
 * finding it refused (or an outage) stays pending and goes out with the next scan of the
 * cluster. Entries name a transition and a finding, but what is sent is the finding as
 * stored now: a retry never sends a state older than the store's, and re-importing the
 * same Id only updates the Security Hub finding.
 */
import { defaultProductArn, partitionOfRegion, toAsff } from './asff.ts';
import type { StoredFinding, Transition, TransitionKind } from './lifecycle.ts';
import type {
  ClusterKey,
  FindingsRepository,
  ScanError,
  SecurityHubFailure,
  SecurityHubPort,
  SecurityHubWorkflowUpdate,
} from './ports.ts';
import type { Suppression } from './suppression.ts';

const KINDS: ReadonlySet<string> = new Set<TransitionKind>([
  'OPENED',
  'RESOLVED',
  'REOPENED',
  'SUPPRESSED',
  'UNSUPPRESSED',
  'SEVERITY_CHANGED',
]);

/** Security Hub's limit on a workflow note (BatchUpdateFindings `Note.Text`). */
const NOTE_MAX = 512;
export const NOTE_AUTHOR = 'eks-netguard';

/** The pending entries of some transitions: `<kind>#<findingId>`, one per transition. */
export function securityHubEntries(transitions: readonly Transition[]): string[] {
  return [...new Set(transitions.map((t) => `${t.kind}#${t.finding.id}`))];
}

/**
 * Entries for a cluster's findings that are not resolved, for the first scan with the export
 * on: findings stored before it reach Security Hub too, not only their next transition.
 */
export function securityHubBackfill(findings: readonly StoredFinding[]): string[] {
  return findings
    .filter((f) => f.status !== 'RESOLVED')
    .map((f) => `${f.status === 'SUPPRESSED' ? 'SUPPRESSED' : 'OPENED'}#${f.id}`);
}

function parseEntry(entry: string): { kind: TransitionKind; findingId: string } | undefined {
  const at = entry.indexOf('#');
  const kind = entry.slice(0, at);
  const findingId = entry.slice(at + 1);
  return at > 0 && KINDS.has(kind) && findingId ? { kind: kind as TransitionKind, findingId } : undefined;
}

export interface SecurityHubPlan {
  region: string;
  imports: ReturnType<typeof toAsff>[];
  workflow: SecurityHubWorkflowUpdate[];
  /** The pending entries of each finding sent: cleared once the finding landed. */
  entriesByFinding: Map<string, string[]>;
  /** Entries with nothing left to send (finding expired from the store, unreadable entry). */
  stale: string[];
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function suppressedNote(finding: StoredFinding, suppressions: readonly Suppression[]): string {
  const suppression = suppressions.find((s) => s.id === finding.suppressionId);
  const text = suppression
    ? `Suppressed in eks-netguard by ${suppression.createdBy} until ${suppression.expiresAt} (suppression ${suppression.id}): ${suppression.reason}`
    : `Suppressed in eks-netguard (suppression ${finding.suppressionId ?? 'unknown'}).`;
  return truncate(text, NOTE_MAX);
}

const REOPENED_NOTE = 'eks-netguard found this again after it was resolved: open again.';
const UNSUPPRESSED_NOTE =
  'The eks-netguard suppression of this finding ended (expired or deleted): open again.';

/**
 * What to send for a cluster's pending entries: every finding they name, as stored now, in
 * ASFF; and the workflow changes Security Hub does not derive itself — SUPPRESSED (with the
 * suppression's reason) for a suppressed finding, NEW for a finding open again after being
 * suppressed or resolved (Security Hub keeps a SUPPRESSED workflow through RESOLVED and back).
 */
export function planSecurityHubSync(input: {
  key: ClusterKey;
  entries: readonly string[];
  findings: readonly StoredFinding[];
  suppressions: readonly Suppression[];
}): SecurityHubPlan {
  const { region, accountId } = input.key;
  const partition = partitionOfRegion(region);
  const productArn = defaultProductArn(partition, region, accountId);
  const byId = new Map(input.findings.map((f) => [f.id, f]));
  const entriesByFinding = new Map<string, string[]>();
  const kindsByFinding = new Map<string, Set<TransitionKind>>();
  const stale: string[] = [];
  for (const entry of input.entries) {
    const parsed = parseEntry(entry);
    if (!parsed || !byId.has(parsed.findingId)) {
      stale.push(entry);
      continue;
    }
    entriesByFinding.set(parsed.findingId, [...(entriesByFinding.get(parsed.findingId) ?? []), entry]);
    kindsByFinding.set(
      parsed.findingId,
      (kindsByFinding.get(parsed.findingId) ?? new Set()).add(parsed.kind),
    );
  }
  const imports: SecurityHubPlan['imports'] = [];
  const workflow = new Map<string, SecurityHubWorkflowUpdate>();
  const addWorkflow = (status: SecurityHubWorkflowUpdate['status'], note: string, id: string) => {
    const group = workflow.get(`${status}\n${note}`) ?? { status, note, findings: [] };
    group.findings.push({ id, productArn });
    workflow.set(`${status}\n${note}`, group);
  };
  for (const [id, kinds] of kindsByFinding) {
    const finding = byId.get(id) as StoredFinding;
    imports.push(
      toAsff(finding, {
        partition,
        region,
        accountId,
        productArn,
        status: finding.status,
        updatedAt: finding.updatedAt,
        createdAt: finding.firstSeenAt,
      }),
    );
    if (finding.status === 'SUPPRESSED') {
      addWorkflow('SUPPRESSED', suppressedNote(finding, input.suppressions), id);
    } else if (finding.status === 'OPEN') {
      // Any suppression or resolution on the way may have left a SUPPRESSED workflow behind.
      if (kinds.has('UNSUPPRESSED') || kinds.has('SUPPRESSED')) addWorkflow('NEW', UNSUPPRESSED_NOTE, id);
      else if (kinds.has('REOPENED')) addWorkflow('NEW', REOPENED_NOTE, id);
    }
  }
  return { region, imports, workflow: [...workflow.values()], entriesByFinding, stale };
}

export interface SecurityHubSyncOutcome {
  /** Findings Security Hub took (imported, and their workflow set where one was owed). */
  synced: number;
  failures: SecurityHubFailure[];
  errors: ScanError[];
}

/**
 * Sends a cluster's pending entries and clears those that landed. Never throws: a failure
 * (Security Hub or the store) is reported and the entry stays pending for the next scan.
 * Makes no call at all when nothing is pending.
 */
export async function flushSecurityHub(
  deps: { securityHub: SecurityHubPort; repository: Pick<FindingsRepository, 'markSecurityHubSynced'> },
  input: {
    key: ClusterKey;
    entries: readonly string[];
    findings: readonly StoredFinding[];
    suppressions: readonly Suppression[];
  },
): Promise<SecurityHubSyncOutcome> {
  const outcome: SecurityHubSyncOutcome = { synced: 0, failures: [], errors: [] };
  if (input.entries.length === 0) return outcome;
  const plan = planSecurityHubSync(input);
  const failed = new Set<string>();
  const note = (failures: SecurityHubFailure[]) => {
    for (const f of failures) {
      if (!failed.has(f.findingId)) outcome.failures.push(f);
      failed.add(f.findingId);
    }
  };
  if (plan.imports.length > 0) note(await deps.securityHub.importFindings(plan.region, plan.imports));
  for (const update of plan.workflow) {
    // A finding whose import failed may not exist in Security Hub yet: its update waits too.
    const findings = update.findings.filter((f) => !failed.has(f.id));
    if (findings.length > 0)
      note(await deps.securityHub.updateWorkflow(plan.region, { ...update, findings }));
  }
  const done = [...plan.stale];
  for (const [id, entries] of plan.entriesByFinding) {
    if (failed.has(id)) continue;
    done.push(...entries);
    outcome.synced++;
  }
  if (outcome.failures.length > 0) {
    const first = outcome.failures[0] as SecurityHubFailure;
    outcome.errors.push({
      region: input.key.region,
      clusterName: input.key.clusterName,
      operation: 'SecurityHubExport',
      message: `${outcome.failures.length} of ${plan.entriesByFinding.size} findings did not reach Security Hub (${first.code}: ${first.message}); they stay pending for the next scan`,
    });
  }
  if (done.length > 0) {
    try {
      await deps.repository.markSecurityHubSynced(input.key, done);
    } catch (error) {
      // They landed; the next scan sends them again, which Security Hub takes as an update.
      outcome.errors.push({
        region: input.key.region,
        clusterName: input.key.clusterName,
        operation: 'MarkSecurityHubSynced',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return outcome;
}
