import { describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../../functions/core/alert-message.ts';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import type { StoredFinding } from '../../../functions/core/lifecycle.ts';
import {
  type ClusterKey,
  type ClusterRecord,
  type ClusterScanCommit,
  type ClusterScanRecord,
  type ClusterState,
  type FindingsRepository,
  type Notifier,
  ScanAlreadyRecordedError,
  type ScanError,
  type ScanRecord,
  type ScanServiceDeps,
  VersionConflictError,
} from '../../../functions/core/ports.ts';
import { processSnapshot, type SnapshotScanInput } from '../../../functions/core/process-scan.ts';
import { cniNetworkPolicyDisabled } from '../../../functions/core/rules/cni-network-policy-disabled.ts';
import { endpointPublicOpen } from '../../../functions/core/rules/endpoint-public-open.ts';
import type { Snapshot } from '../../../functions/core/snapshot.ts';
import type { Suppression } from '../../../functions/core/suppression.ts';
import { ACCOUNT, baseCluster, buildSnapshot, CLUSTER, REGION } from '../../fixtures/snapshot-builder.ts';

/**
 * An in-memory FindingsRepository with the store's semantics: version-conditional writes,
 * WRITING/COMMITTED scan records, the pending-alert list on the cluster item.
 */
class MemoryRepository implements FindingsRepository {
  clusters = new Map<string, ClusterRecord>();
  findings = new Map<string, StoredFinding>();
  scanRecords = new Map<string, ClusterScanRecord>();
  scans = new Map<string, ScanRecord>();
  findingWrites = 0;
  /** Commits to fail with a version conflict before letting one through. */
  conflictsToInject = 0;
  failCommitFor = new Set<string>();
  /** Simulates a Lambda dying after the finding writes, before the cluster item. */
  crashAfterFindings = false;

  static key(k: ClusterKey): string {
    return `${k.accountId}/${k.region}/${k.clusterName}`;
  }

  async loadCluster(key: ClusterKey): Promise<ClusterState> {
    const k = MemoryRepository.key(key);
    const cluster = this.clusters.get(k);
    const findings = [...this.findings.values()].filter((f) => MemoryRepository.key(f) === k);
    return structuredClone({ ...(cluster ? { cluster } : {}), findings });
  }

  async listClusters(accountId: string, region: string): Promise<ClusterRecord[]> {
    return [...this.clusters.values()].filter((c) => c.accountId === accountId && c.region === region);
  }

  async getClusterScan(scanId: string, key: ClusterKey): Promise<ClusterScanRecord | undefined> {
    const record = this.scanRecords.get(`${scanId}|${MemoryRepository.key(key)}`);
    return record ? structuredClone(record) : undefined;
  }

  async commitClusterScan(commit: ClusterScanCommit): Promise<void> {
    const k = MemoryRepository.key(commit.cluster);
    if (this.failCommitFor.has(commit.cluster.clusterName)) throw new Error('store unavailable');
    if (this.conflictsToInject > 0) {
      this.conflictsToInject--;
      // Simulate a concurrent scan that bumped the cluster item in between.
      const current = this.clusters.get(k);
      if (current) this.clusters.set(k, { ...current, version: current.version + 1 });
      throw new VersionConflictError('injected conflict');
    }
    const existing = this.scanRecords.get(`${commit.record.scanId}|${k}`);
    if (existing?.phase === 'COMMITTED') throw new ScanAlreadyRecordedError('already');
    for (const write of commit.writes) {
      const stored = this.findings.get(write.finding.id);
      if (stored?.version !== write.expectedVersion) throw new VersionConflictError('finding changed');
    }
    if (this.clusters.get(k)?.version !== commit.expectedClusterVersion)
      throw new VersionConflictError('cluster changed');
    if (commit.writes.length > 0)
      this.scanRecords.set(`${commit.record.scanId}|${k}`, {
        ...structuredClone(commit.record),
        phase: 'WRITING',
      });
    for (const write of commit.writes) this.findings.set(write.finding.id, structuredClone(write.finding));
    this.findingWrites += commit.writes.length;
    if (this.crashAfterFindings) {
      this.crashAfterFindings = false;
      throw new Error('Lambda timed out');
    }
    this.clusters.set(k, structuredClone(commit.cluster));
    this.scanRecords.set(`${commit.record.scanId}|${k}`, structuredClone(commit.record));
  }

  async recordClusterScan(record: ClusterScanRecord): Promise<void> {
    const id = `${record.scanId}|${MemoryRepository.key(record)}`;
    if (this.scanRecords.get(id)?.phase === 'COMMITTED') throw new ScanAlreadyRecordedError('already');
    this.scanRecords.set(id, structuredClone(record));
  }

  async markAlertSent(scanId: string, key: ClusterKey, sentAt: string): Promise<void> {
    const record = this.scanRecords.get(`${scanId}|${MemoryRepository.key(key)}`);
    if (record?.alertState === 'PENDING') Object.assign(record, { alertState: 'SENT', alertSentAt: sentAt });
    const cluster = this.clusters.get(MemoryRepository.key(key));
    if (cluster) cluster.pendingAlertScanIds = cluster.pendingAlertScanIds.filter((id) => id !== scanId);
  }

  async markSecurityHubSynced(key: ClusterKey, entries: readonly string[]): Promise<void> {
    const cluster = this.clusters.get(MemoryRepository.key(key));
    if (cluster) cluster.pendingSecurityHub = cluster.pendingSecurityHub?.filter((e) => !entries.includes(e));
  }

  async startScan(record: ScanRecord): Promise<void> {
    this.scans.set(record.scanId, { ...this.scans.get(record.scanId), ...record });
  }

  async finishScan(scanId: string, status: 'COMPLETED' | 'FAILED', finishedAt: string, errors: ScanError[]) {
    const scan = this.scans.get(scanId);
    if (scan) Object.assign(scan, { status, finishedAt, errors: [...scan.errors, ...errors] });
  }
}

class RecordingNotifier implements Notifier {
  published: AlertMessage[] = [];
  failuresLeft = 0;
  async publish(message: AlertMessage): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('SNS throttled');
    }
    this.published.push(message);
  }
}

function setup(suppressions: Suppression[] = []) {
  const repository = new MemoryRepository();
  const notifier = new RecordingNotifier();
  let now = new Date('2026-01-01T00:05:00.000Z');
  const deps: ScanServiceDeps = {
    repository,
    notifier,
    suppressions: { listSuppressions: async () => suppressions },
    clock: { now: () => now },
  };
  const advance = (iso: string) => {
    now = new Date(iso);
  };
  return { repository, notifier, deps, advance };
}

/** The base account with the public endpoint open to the world (one HIGH finding). */
function openSnapshot(scannedAt = '2026-01-01T00:00:00.000Z', mutate?: (s: Snapshot) => void): Snapshot {
  return buildSnapshot(({ cluster, snapshot }) => {
    cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/0'];
    snapshot.scannedAt = scannedAt;
    mutate?.(snapshot);
  });
}

function fixedSnapshot(scannedAt: string): Snapshot {
  return buildSnapshot(({ snapshot }) => {
    snapshot.scannedAt = scannedAt;
  });
}

function scanInput(
  scanId: string,
  snapshot: Snapshot,
  extra: Partial<SnapshotScanInput> = {},
): SnapshotScanInput {
  return {
    scanId,
    trigger: 'schedule',
    snapshot,
    rules: [endpointPublicOpen],
    ruleConfig: DEFAULT_RULE_CONFIG,
    ...extra,
  };
}

const KEY = { accountId: ACCOUNT, region: REGION, clusterName: CLUSTER };

describe('processSnapshot', () => {
  it('stores OPEN findings and sends one alert per cluster on a first sweep', async () => {
    // Arrange
    const { deps, repository, notifier } = setup();
    // Act
    const result = await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    // Assert
    expect(result.status).toBe('COMPLETED');
    expect([...repository.findings.values()].map((f) => f.status)).toEqual(['OPEN']);
    expect(notifier.published).toHaveLength(1);
    expect(notifier.published[0]?.MessageAttributes.transition?.StringValue).toBe('OPENED');
    expect(repository.scans.get('scan-1')?.status).toBe('COMPLETED');
    const cluster = repository.clusters.get(MemoryRepository.key(KEY));
    expect(cluster).toMatchObject({ lastCompleteScanId: 'scan-1', pendingAlertScanIds: [] });
    expect(cluster?.openCounts.HIGH).toBe(1);
    expect(repository.scanRecords.get(`scan-1|${MemoryRepository.key(KEY)}`)?.alertState).toBe('SENT');
  });

  it('writes no finding and sends nothing on an unchanged re-sweep, yet advances the last complete scan', async () => {
    const { deps, repository, notifier, advance } = setup();
    await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    const writesAfterFirst = repository.findingWrites;
    advance('2026-01-02T00:05:00.000Z');
    // Act
    const result = await processSnapshot(deps, scanInput('scan-2', openSnapshot('2026-01-02T00:00:00.000Z')));
    // Assert
    expect(repository.findingWrites).toBe(writesAfterFirst);
    expect(notifier.published).toHaveLength(1);
    expect(result.clusters[0]).toMatchObject({ outcome: 'PROCESSED', findingWrites: 0, transitions: [] });
    expect(repository.clusters.get(MemoryRepository.key(KEY))?.lastCompleteScanAt).toBe(
      '2026-01-02T00:00:00.000Z',
    );
  });

  it('stores the rules it could not judge on the cluster item, keeps their findings OPEN, and still counts the scan complete', async () => {
    // Arrange: the first scan sees the add-on with policies off; the second finds no add-on at all
    const { deps, repository, advance } = setup();
    const rules = [cniNetworkPolicyDisabled];
    const off = buildSnapshot(({ cluster }) => {
      cluster.vpcCni = { state: 'installed', configurationValues: '{"enableNetworkPolicy":"false"}' };
    });
    await processSnapshot(deps, scanInput('scan-1', off, { rules }));
    advance('2026-01-02T00:05:00.000Z');
    const unseen = buildSnapshot(({ cluster, snapshot }) => {
      cluster.vpcCni = { state: 'absent' };
      snapshot.scannedAt = '2026-01-02T00:00:00.000Z';
    });
    // Act
    await processSnapshot(deps, scanInput('scan-2', unseen, { rules }));
    // Assert
    const cluster = repository.clusters.get(MemoryRepository.key(KEY));
    expect(cluster?.notJudged).toEqual([
      { ruleId: 'cni-network-policy-disabled', reason: expect.stringContaining('no vpc-cni EKS add-on') },
    ]);
    expect([...repository.findings.values()].map((f) => f.status)).toEqual(['OPEN']);
    expect(cluster?.lastCompleteScanId).toBe('scan-2');
  });

  it('resolves a fixed misconfiguration and alerts RESOLVED', async () => {
    const { deps, repository, notifier } = setup();
    await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    // Act
    await processSnapshot(deps, scanInput('scan-2', fixedSnapshot('2026-01-02T00:00:00.000Z')));
    // Assert
    expect([...repository.findings.values()][0]).toMatchObject({
      status: 'RESOLVED',
      resolvedReason: 'fixed',
    });
    expect(notifier.published.map((m) => m.MessageAttributes.transition?.StringValue)).toEqual([
      'OPENED',
      'RESOLVED',
    ]);
  });

  it('sends one message when the same scan id is processed twice', async () => {
    const { deps, notifier, repository } = setup();
    await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    // Act
    const again = await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    // Assert
    expect(notifier.published).toHaveLength(1);
    expect(again.clusters[0]?.outcome).toBe('ALREADY_PROCESSED');
    expect(repository.findingWrites).toBe(1);
  });

  it('keeps the alert pending when publishing fails and sends it exactly once on the redelivery', async () => {
    const { deps, notifier, repository } = setup();
    notifier.failuresLeft = 1;
    // Act 1: SNS is down.
    const first = await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    // Assert 1: findings stored, alert pending.
    expect(first.errors.some((e) => e.operation === 'PublishAlert')).toBe(true);
    expect(repository.findings.size).toBe(1);
    expect(repository.scanRecords.get(`scan-1|${MemoryRepository.key(KEY)}`)?.alertState).toBe('PENDING');
    expect(repository.clusters.get(MemoryRepository.key(KEY))?.pendingAlertScanIds).toEqual(['scan-1']);
    // Act 2 and 3: the message is redelivered twice.
    await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    // Assert: one message in total, and it is the OPENED alert.
    expect(notifier.published).toHaveLength(1);
    expect(notifier.published[0]?.MessageAttributes.transition?.StringValue).toBe('OPENED');
    expect(repository.clusters.get(MemoryRepository.key(KEY))?.pendingAlertScanIds).toEqual([]);
  });

  it('flushes an alert left pending by an earlier scan with the next scan of the cluster', async () => {
    const { deps, notifier, advance } = setup();
    notifier.failuresLeft = 1;
    await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    advance('2026-01-02T00:05:00.000Z');
    // Act: an unchanged re-sweep under another scan id.
    await processSnapshot(deps, scanInput('scan-2', openSnapshot('2026-01-02T00:00:00.000Z')));
    // Assert
    expect(notifier.published).toHaveLength(1);
    expect(notifier.published[0]?.MessageAttributes.transition?.StringValue).toBe('OPENED');
  });

  it('finishes a commit a crash interrupted and sends its draft alert exactly once', async () => {
    const { deps, repository, notifier } = setup();
    repository.crashAfterFindings = true;
    // Act 1: the findings are written, then the function dies before the cluster item.
    const crashed = await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    expect(crashed.clusters[0]?.outcome).toBe('FAILED');
    expect(repository.scanRecords.get(`scan-1|${MemoryRepository.key(KEY)}`)?.phase).toBe('WRITING');
    expect(notifier.published).toEqual([]);
    // Act 2 and 3: redeliveries of the same scan.
    await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    // Assert: the OPENED alert went out once, though the retry saw no change left to make.
    expect(notifier.published.map((m) => m.MessageAttributes.transition?.StringValue)).toEqual(['OPENED']);
    expect(repository.scanRecords.get(`scan-1|${MemoryRepository.key(KEY)}`)).toMatchObject({
      phase: 'COMMITTED',
      alertState: 'SENT',
    });
  });

  it('reloads and retries when a concurrent scan wins the version race', async () => {
    const { deps, repository, notifier } = setup();
    repository.conflictsToInject = 2;
    // Act
    const result = await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    // Assert
    expect(result.clusters[0]?.outcome).toBe('PROCESSED');
    expect(repository.findings.size).toBe(1);
    expect(notifier.published).toHaveLength(1);
  });

  it('gives up after a bounded number of conflicts and reports the cluster as failed', async () => {
    const { deps, repository, notifier } = setup();
    repository.conflictsToInject = 100;
    // Act
    const result = await processSnapshot(deps, scanInput('scan-1', openSnapshot()), { maxAttempts: 3 });
    // Assert
    expect(repository.conflictsToInject).toBe(97);
    expect(result.clusters[0]?.outcome).toBe('FAILED');
    expect(result.status).toBe('FAILED');
    expect(notifier.published).toEqual([]);
  });

  it('skips a snapshot older than the last applied scan and records why', async () => {
    const { deps, repository } = setup();
    await processSnapshot(deps, scanInput('scan-new', openSnapshot('2026-01-02T00:00:00.000Z')));
    // Act: a delayed older snapshot in which the finding was fixed.
    const stale = await processSnapshot(
      deps,
      scanInput('scan-old', fixedSnapshot('2026-01-01T00:00:00.000Z')),
    );
    // Assert
    expect(stale.clusters[0]?.outcome).toBe('SKIPPED');
    expect(stale.clusters[0]?.reason).toMatch(/older than the last applied scan/);
    expect([...repository.findings.values()][0]?.status).toBe('OPEN');
    expect(repository.scanRecords.get(`scan-old|${MemoryRepository.key(KEY)}`)).toMatchObject({
      outcome: 'SKIPPED',
    });
  });

  it('does not resolve findings of a rule whose inventory was incomplete, nor count the scan as complete', async () => {
    const { deps, repository, notifier } = setup();
    await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    const partial = buildSnapshot(({ cluster, snapshot }) => {
      cluster.incomplete = ['cluster'];
      snapshot.scannedAt = '2026-01-02T00:00:00.000Z';
    });
    // Act
    await processSnapshot(deps, scanInput('scan-2', partial));
    // Assert
    expect([...repository.findings.values()][0]?.status).toBe('OPEN');
    expect(notifier.published).toHaveLength(1);
    expect(repository.clusters.get(MemoryRepository.key(KEY))).toMatchObject({
      lastScanId: 'scan-2',
      lastCompleteScanId: 'scan-1',
    });
  });

  it('does not alert a finding a suppression covers', async () => {
    const suppression: Suppression = {
      id: 'sup-1',
      ruleId: 'endpoint-public-open',
      reason: 'accepted',
      expiresAt: '2026-06-01T00:00:00.000Z',
      createdBy: 'alice',
      createdAt: '2026-01-01T00:00:00.000Z',
      source: 'api',
    };
    const { deps, repository, notifier } = setup([suppression]);
    // Act
    await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    // Assert
    expect([...repository.findings.values()][0]).toMatchObject({
      status: 'SUPPRESSED',
      suppressionId: 'sup-1',
    });
    expect(notifier.published).toEqual([]);
  });

  it('resolves a stored cluster absent from a complete listing as cluster-deleted', async () => {
    const { deps, repository, notifier } = setup();
    await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    const empty = openSnapshot('2026-01-02T00:00:00.000Z', (s) => {
      s.clusters = [];
    });
    // Act
    const result = await processSnapshot(deps, scanInput('scan-2', empty));
    // Assert
    expect(result.deleted).toEqual([KEY]);
    expect([...repository.findings.values()][0]).toMatchObject({
      status: 'RESOLVED',
      resolvedReason: 'cluster-deleted',
    });
    expect(repository.clusters.get(MemoryRepository.key(KEY))?.deletedAt).toBeDefined();
    expect(notifier.published.map((m) => m.MessageAttributes.transition?.StringValue)).toEqual([
      'OPENED',
      'RESOLVED',
    ]);
  });

  it('resolves nothing in a region whose cluster listing failed', async () => {
    const { deps, repository } = setup();
    await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    const failedListing = openSnapshot('2026-01-02T00:00:00.000Z', (s) => {
      s.clusters = [];
      s.errors = [{ region: REGION, operation: 'ListClusters', message: 'AccessDenied' }];
    });
    // Act
    const result = await processSnapshot(deps, scanInput('scan-2', failedListing));
    // Assert
    expect(result.deleted).toEqual([]);
    expect([...repository.findings.values()][0]?.status).toBe('OPEN');
  });

  it('does not take a cluster the collector failed to describe for deleted', async () => {
    const { deps, repository } = setup();
    await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    const undescribed = openSnapshot('2026-01-02T00:00:00.000Z', (s) => {
      s.clusters = [];
      s.errors = [
        { region: REGION, clusterName: CLUSTER, operation: 'DescribeCluster', message: 'Throttling' },
      ];
    });
    // Act
    const result = await processSnapshot(deps, scanInput('scan-2', undescribed));
    // Assert
    expect(result.deleted).toEqual([]);
    expect([...repository.findings.values()][0]?.status).toBe('OPEN');
  });

  it('only finds targeted clusters deleted when the scan was filtered to them', async () => {
    const { deps, repository } = setup();
    const two = openSnapshot('2026-01-01T00:00:00.000Z', (s) => {
      const other = baseCluster();
      other.cluster.name = 'other';
      other.cluster.arn = other.cluster.arn.replace(CLUSTER, 'other');
      other.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/0'];
      s.clusters.push(other);
    });
    await processSnapshot(deps, scanInput('scan-1', two));
    const onlyOther = openSnapshot('2026-01-02T00:00:00.000Z', (s) => {
      s.clusters = [];
    });
    // Act: a scan targeted at "other" finds it gone; "demo" was not looked at.
    const result = await processSnapshot(
      deps,
      scanInput('scan-2', onlyOther, { targetClusterNames: ['other'] }),
    );
    // Assert
    expect(result.deleted.map((k) => k.clusterName)).toEqual(['other']);
    const statuses = Object.fromEntries(
      [...repository.findings.values()].map((f) => [f.clusterName, f.status]),
    );
    expect(statuses).toEqual({ demo: 'OPEN', other: 'RESOLVED' });
  });

  it('evaluates every cluster of the snapshot but stores only the targeted ones', async () => {
    // Arrange: a VPC scan whose snapshot holds a cluster re-enqueued because it is changing.
    const { deps, repository } = setup();
    const two = openSnapshot('2026-01-01T00:00:00.000Z', (s) => {
      const other = baseCluster();
      other.cluster.name = 'other';
      other.cluster.arn = other.cluster.arn.replace(CLUSTER, 'other');
      other.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/0'];
      s.clusters.push(other);
    });
    // Act
    const result = await processSnapshot(deps, scanInput('scan-1', two, { targetClusterNames: ['other'] }));
    // Assert
    expect(result.clusters.map((c) => c.key.clusterName)).toEqual(['other']);
    expect(result.clustersDone).toEqual([{ region: REGION, clusterName: 'other', failed: false }]);
    expect([...repository.clusters.values()].map((c) => c.clusterName)).toEqual(['other']);
    expect(new Set([...repository.findings.values()].map((f) => f.clusterName))).toEqual(new Set(['other']));
  });

  it('keeps processing other clusters when one cluster fails', async () => {
    const { deps, repository, notifier } = setup();
    repository.failCommitFor.add(CLUSTER);
    const two = openSnapshot('2026-01-01T00:00:00.000Z', (s) => {
      const other = baseCluster();
      other.cluster.name = 'other';
      other.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/0'];
      s.clusters.push(other);
    });
    // Act
    const result = await processSnapshot(deps, scanInput('scan-1', two));
    // Assert
    expect(result.clusters.map((c) => [c.key.clusterName, c.outcome])).toEqual([
      ['demo', 'FAILED'],
      ['other', 'PROCESSED'],
    ]);
    expect(result.status).toBe('COMPLETED');
    expect(result.errors.some((e) => e.clusterName === 'demo' && /store unavailable/.test(e.message))).toBe(
      true,
    );
    expect(notifier.published).toHaveLength(1);
  });

  it('fails the scan rather than ignore suppressions it could not load', async () => {
    const { deps, repository, notifier } = setup();
    deps.suppressions = {
      listSuppressions: async () => {
        throw new Error('table unavailable');
      },
    };
    // Act
    const result = await processSnapshot(deps, scanInput('scan-1', openSnapshot()));
    // Assert
    expect(result.status).toBe('FAILED');
    expect(repository.findings.size).toBe(0);
    expect(notifier.published).toEqual([]);
    expect(repository.scans.get('scan-1')?.status).toBe('FAILED');
  });
});
