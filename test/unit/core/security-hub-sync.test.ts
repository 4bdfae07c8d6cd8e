/**
 * Security Hub sync in the scan service: only transitions are sent, they are committed as
 * pending with the findings and cleared once Security Hub took them, and a refusal (access
 * denied, an outage, one bad finding) neither blocks storing nor alerting, and loses nothing.
 * The store is the real one on dynalite; Security Hub is an in-memory stand-in.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { FindingsStore } from '../../../functions/adapters/findings-store.ts';
import type { AwsSecurityFinding } from '../../../functions/core/asff.ts';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import type { StoredFinding } from '../../../functions/core/lifecycle.ts';
import type {
  SecurityHubFailure,
  SecurityHubPort,
  SecurityHubWorkflowUpdate,
} from '../../../functions/core/ports.ts';
import { processSnapshot } from '../../../functions/core/process-scan.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import { planSecurityHubSync } from '../../../functions/core/security-hub-sync.ts';
import type { Snapshot } from '../../../functions/core/snapshot.ts';
import type { Suppression } from '../../../functions/core/suppression.ts';
import { dynaliteForFile, freshStore, storeService } from '../../fixtures/scan-vpc-deps.ts';
import { ACCOUNT, buildSnapshot, CLUSTER, REGION } from '../../fixtures/snapshot-builder.ts';

const KEY = { accountId: ACCOUNT, region: REGION, clusterName: CLUSTER };
const dynalite = dynaliteForFile();

/** Security Hub as far as the scan service can tell: findings by Id, workflow, calls. */
class FakeSecurityHub implements SecurityHubPort {
  findings = new Map<string, AwsSecurityFinding>();
  workflow = new Map<string, { status: string; note: string }>();
  calls: string[] = [];
  /** Makes the next calls fail for these finding ids (or all, with `*`). */
  refuse = new Map<string, Omit<SecurityHubFailure, 'findingId'>>();

  private refused(ids: string[]): SecurityHubFailure[] {
    return ids.flatMap((id) => {
      const why = this.refuse.get(id) ?? this.refuse.get('*');
      return why ? [{ findingId: id, ...why }] : [];
    });
  }

  async importFindings(_region: string, findings: readonly AwsSecurityFinding[]) {
    this.calls.push(`import:${findings.length}`);
    const failures = this.refused(findings.map((f) => f.Id));
    const failed = new Set(failures.map((f) => f.findingId));
    for (const f of findings) {
      if (failed.has(f.Id)) continue;
      if (!this.findings.has(f.Id)) this.workflow.set(f.Id, { status: f.Workflow.Status, note: '' });
      this.findings.set(f.Id, f);
    }
    return failures;
  }

  async updateWorkflow(_region: string, update: SecurityHubWorkflowUpdate) {
    this.calls.push(`workflow:${update.status}:${update.findings.length}`);
    const failures = this.refused(update.findings.map((f) => f.id));
    const failed = new Set(failures.map((f) => f.findingId));
    for (const f of update.findings)
      if (!failed.has(f.id)) this.workflow.set(f.id, { status: update.status, note: update.note });
    return failures;
  }
}

const OPEN_AT = '2026-01-01T00:00:00.000Z';

function openEndpoint(at: string, open = true): Snapshot {
  const built = buildSnapshot(({ cluster }) => {
    cluster.cluster.resourcesVpcConfig.publicAccessCidrs = open ? ['0.0.0.0/0'] : ['203.0.113.0/24'];
  });
  return { ...built, scannedAt: at };
}

let store: FindingsStore;
let hub: FakeSecurityHub;
let alerts: number;
let clock: Date;
let suppressions: Suppression[];

beforeEach(async () => {
  ({ store } = await freshStore(dynalite(), `shub-${Math.random().toString(36).slice(2)}`));
  hub = new FakeSecurityHub();
  alerts = 0;
  clock = new Date(OPEN_AT);
  suppressions = [];
});

function service(options: { securityHub?: boolean } = {}) {
  const deps = storeService(store, {
    now: () => clock,
    publish: async () => {
      alerts++;
    },
    suppressions: { listSuppressions: async () => suppressions },
  });
  return options.securityHub === false ? deps : { ...deps, securityHub: hub };
}

async function scan(id: string, snapshot: Snapshot, options: { securityHub?: boolean } = {}) {
  clock = new Date(snapshot.scannedAt);
  return processSnapshot(service(options), {
    scanId: id,
    trigger: 'schedule',
    snapshot,
    rules: RULES,
    ruleConfig: DEFAULT_RULE_CONFIG,
  });
}

const ENDPOINT_RULE = 'endpoint-public-open';
const endpointFinding = async () =>
  (await store.loadCluster(KEY)).findings.find((f) => f.ruleId === ENDPOINT_RULE) as StoredFinding;
const pending = async () => (await store.loadCluster(KEY)).cluster?.pendingSecurityHub ?? [];

describe('Security Hub sync in the scan service', () => {
  it('sends every new finding once, then nothing on an unchanged re-sweep', async () => {
    // Act
    const first = await scan('s1', openEndpoint(OPEN_AT));
    const firstCalls = hub.calls.length;
    const again = await scan('s2', openEndpoint('2026-01-01T06:00:00.000Z'));
    // Assert
    const stored = (await store.loadCluster(KEY)).findings;
    expect(first.clusters[0]?.securityHubSynced).toBe(stored.length);
    expect([...hub.findings.keys()].sort()).toEqual(stored.map((f) => f.id).sort());
    expect(firstCalls).toBe(1); // one import of all of them, no workflow change owed
    expect(again.clusters[0]?.securityHubSynced).toBe(0);
    expect(hub.calls).toHaveLength(firstCalls);
    expect(await pending()).toEqual([]);
  });

  it('syncs the lifecycle: RESOLVED archives, a suppression sets SUPPRESSED with its reason, reopening sets NEW', async () => {
    // Arrange
    await scan('s1', openEndpoint(OPEN_AT));
    const id = (await endpointFinding()).id;
    // Act + Assert: fixed → PASSED, ARCHIVED
    await scan('s2', openEndpoint('2026-01-02T00:00:00.000Z', false));
    expect(hub.findings.get(id)).toMatchObject({ Compliance: { Status: 'PASSED' }, RecordState: 'ARCHIVED' });
    // back, under a suppression → FAILED, ACTIVE, workflow SUPPRESSED with the reason
    suppressions = [
      {
        id: 'sup-1',
        ruleId: ENDPOINT_RULE,
        reason: 'public endpoint behind a WAF until the VPN lands',
        expiresAt: '2026-03-01T00:00:00.000Z',
        createdBy: 'alice',
        createdAt: OPEN_AT,
        source: 'api',
      },
    ];
    await scan('s3', openEndpoint('2026-01-03T00:00:00.000Z'));
    expect(hub.findings.get(id)).toMatchObject({ Compliance: { Status: 'FAILED' }, RecordState: 'ACTIVE' });
    expect(hub.workflow.get(id)).toEqual({
      status: 'SUPPRESSED',
      note: expect.stringContaining(
        'alice until 2026-03-01T00:00:00.000Z (suppression sup-1): public endpoint behind a WAF',
      ),
    });
    // fixed again, then back without the suppression → REOPENED: workflow NEW again
    suppressions = [];
    await scan('s4', openEndpoint('2026-01-04T00:00:00.000Z', false));
    await scan('s5', openEndpoint('2026-01-05T00:00:00.000Z'));
    expect((await endpointFinding()).status).toBe('OPEN');
    expect(hub.findings.get(id)).toMatchObject({ Compliance: { Status: 'FAILED' }, RecordState: 'ACTIVE' });
    expect(hub.workflow.get(id)?.status).toBe('NEW');
    expect(await pending()).toEqual([]);
  });

  it('sets NEW when a suppression ends (UNSUPPRESSED)', async () => {
    // Arrange
    suppressions = [
      {
        id: 'sup-2',
        ruleId: ENDPOINT_RULE,
        reason: 'accepted for the demo',
        expiresAt: '2026-02-01T00:00:00.000Z',
        createdBy: 'bob',
        createdAt: OPEN_AT,
        source: 'config',
      },
    ];
    await scan('s1', openEndpoint(OPEN_AT));
    const id = (await endpointFinding()).id;
    expect(hub.workflow.get(id)?.status).toBe('SUPPRESSED');
    // Act
    suppressions = [];
    await scan('s2', openEndpoint('2026-01-02T00:00:00.000Z'));
    // Assert
    expect(hub.workflow.get(id)).toEqual({ status: 'NEW', note: expect.stringContaining('suppression') });
  });

  it('stores the findings and sends the SNS alert when Security Hub denies access, and sends them on the next scan', async () => {
    // Arrange
    hub.refuse.set('*', { code: 'AccessDeniedException', message: 'not authorized', retryable: false });
    // Act
    const denied = await scan('s1', openEndpoint(OPEN_AT));
    // Assert: stored and alerted, the refusal reported, nothing lost
    const stored = (await store.loadCluster(KEY)).findings;
    expect(denied.clusters[0]?.outcome).toBe('PROCESSED');
    expect(stored.length).toBeGreaterThan(0);
    expect(alerts).toBe(1);
    expect(denied.errors).toContainEqual(
      expect.objectContaining({
        operation: 'SecurityHubExport',
        message: expect.stringContaining('AccessDeniedException'),
      }),
    );
    expect(await pending()).toHaveLength(stored.length);
    expect(hub.findings.size).toBe(0);
    // Act: permission fixed; the next scan sees nothing new but still owes Security Hub
    hub.refuse.clear();
    const retried = await scan('s2', openEndpoint('2026-01-01T06:00:00.000Z'));
    // Assert
    expect(retried.clusters[0]?.securityHubSynced).toBe(stored.length);
    expect(hub.findings.size).toBe(stored.length);
    expect(alerts).toBe(1);
    expect(await pending()).toEqual([]);
  });

  it('keeps only the findings Security Hub refused pending (partial failure)', async () => {
    // Arrange
    await scan('s0', openEndpoint(OPEN_AT, false));
    // Security Hub refuses the first finding of the next import (the new endpoint finding).
    const open = openEndpoint('2026-01-02T00:00:00.000Z');
    const originalImport = hub.importFindings.bind(hub);
    let refusedId = '';
    hub.importFindings = async (region, findings) => {
      refusedId = findings[0]?.Id ?? '';
      hub.refuse.set(refusedId, { code: 'InvalidInput', message: 'bad finding', retryable: false });
      const out = await originalImport(region, findings);
      hub.refuse.clear();
      return out;
    };
    // Act
    const result = await scan('s1', open);
    // Assert
    expect(result.clusters[0]?.transitions.length).toBeGreaterThan(0);
    expect((await pending()).every((e) => e.endsWith(`#${refusedId}`))).toBe(true);
    expect(await pending()).not.toEqual([]);
    // Act: the next scan sends the refused one only
    hub.importFindings = originalImport;
    const before = hub.findings.size;
    const next = await scan('s2', openEndpoint('2026-01-02T06:00:00.000Z'));
    // Assert
    expect(next.clusters[0]?.securityHubSynced).toBe(1);
    expect(hub.findings.size).toBe(before + 1);
    expect(await pending()).toEqual([]);
  });

  it('sends the findings a cluster already had when the export is turned on, once', async () => {
    // Arrange: stored before the export was on
    await scan('s1', openEndpoint(OPEN_AT), { securityHub: false });
    const open = (await store.loadCluster(KEY)).findings.filter((f) => f.status !== 'RESOLVED');
    // Act
    const first = await scan('s2', openEndpoint('2026-01-01T06:00:00.000Z'));
    const second = await scan('s3', openEndpoint('2026-01-01T12:00:00.000Z'));
    // Assert
    expect(first.clusters[0]?.securityHubSynced).toBe(open.length);
    expect([...hub.findings.keys()].sort()).toEqual(open.map((f) => f.id).sort());
    expect(second.clusters[0]?.securityHubSynced).toBe(0);
    expect(hub.calls).toHaveLength(1);
  });

  it('keeps no pending list when the export is off', async () => {
    await scan('s1', openEndpoint(OPEN_AT), { securityHub: false });
    expect(await pending()).toEqual([]);
    expect(hub.calls).toEqual([]);
  });
});

describe('planSecurityHubSync', () => {
  const finding = (over: Partial<StoredFinding>): StoredFinding => ({
    id: 'f1',
    ruleId: ENDPOINT_RULE,
    severity: 'HIGH',
    title: 'Cluster endpoint open to the internet',
    accountId: ACCOUNT,
    region: REGION,
    clusterName: CLUSTER,
    resourceType: 'cluster',
    resourceId: CLUSTER,
    evidence: {},
    remediation: 'aws eks update-cluster-config …',
    references: ['https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html'],
    status: 'OPEN',
    firstSeenAt: OPEN_AT,
    lastSeenAt: OPEN_AT,
    reopenedCount: 0,
    updatedAt: OPEN_AT,
    version: 1,
    ...over,
  });

  it('drops entries whose finding is gone, and owes no workflow change for a new or resolved finding', () => {
    const plan = planSecurityHubSync({
      key: KEY,
      entries: ['OPENED#f1', 'RESOLVED#f2', 'OPENED#gone', 'garbage'],
      findings: [finding({}), finding({ id: 'f2', status: 'RESOLVED', resolvedAt: OPEN_AT })],
      suppressions: [],
    });
    expect(plan.stale).toEqual(['OPENED#gone', 'garbage']);
    expect(plan.imports.map((f) => [f.Id, f.Compliance.Status, f.RecordState])).toEqual([
      ['f1', 'FAILED', 'ACTIVE'],
      ['f2', 'PASSED', 'ARCHIVED'],
    ]);
    expect(plan.imports[0]).toMatchObject({
      ProductArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`,
      GeneratorId: ENDPOINT_RULE,
      CreatedAt: OPEN_AT,
    });
    expect(plan.workflow).toEqual([]);
  });

  it('groups workflow changes by status and note, at most one per finding', () => {
    const plan = planSecurityHubSync({
      key: KEY,
      entries: ['REOPENED#a', 'REOPENED#b', 'SEVERITY_CHANGED#b', 'UNSUPPRESSED#c'],
      findings: [finding({ id: 'a' }), finding({ id: 'b' }), finding({ id: 'c' })],
      suppressions: [],
    });
    expect(plan.workflow.map((w) => [w.status, w.findings.map((f) => f.id)])).toEqual([
      ['NEW', ['a', 'b']],
      ['NEW', ['c']],
    ]);
    expect(new Set(plan.workflow.map((w) => w.note)).size).toBe(2);
  });
});
