/**
 * The Security Hub export end to end: the scan service on the real findings store
 * (dynalite), the real exporter and SDK client, moto's Security Hub (`BatchImportFindings`,
 * `GetFindings`). A finding goes OPEN → RESOLVED → SUPPRESSED → REOPENED and is read back
 * with GetFindings each time; three identical sweeps leave no duplicate and make no call
 * after the first.
 *
 * Gaps of moto 5.2.1's Security Hub, and how this file bridges them (docs/security-hub.md):
 * - no `BatchUpdateFindings` (it answers 404): a client middleware records those requests
 *   and answers them as processed; the workflow read back is the last one recorded for the
 *   finding, else the one its import created — what Security Hub itself does, since after
 *   creation only BatchUpdateFindings sets a workflow. The request shape is checked by the
 *   strict mock test (test/unit/adapters/security-hub-exporter.test.ts).
 * - `GetFindings` ignores `Filters`: findings are matched by Id here.
 * - no ASFF validation and no automatic workflow rules (RESOLVED on PASSED, NEW on reopen):
 *   ASFF is checked by test/fixtures/asff-field-rules.ts; we set NEW ourselves on reopen.
 *
 * Needs MOTO_ENDPOINT; skipped loudly without it, failing under CI=true.
 */
import {
  type AwsSecurityFinding,
  type BatchUpdateFindingsCommandInput,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { beforeEach, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../functions/adapters/aws-clients.ts';
import type { FindingsStore } from '../../functions/adapters/findings-store.ts';
import { SecurityHubExporter } from '../../functions/adapters/security-hub-exporter.ts';
import { DEFAULT_RULE_CONFIG } from '../../functions/core/config.ts';
import { processSnapshot } from '../../functions/core/process-scan.ts';
import { RULES } from '../../functions/core/rules/index.ts';
import type { Snapshot } from '../../functions/core/snapshot.ts';
import type { Suppression } from '../../functions/core/suppression.ts';
import {
  dynaliteForFile,
  freshStore,
  namedClusterSnapshot,
  storeService,
} from '../fixtures/scan-vpc-deps.ts';
import { ACCOUNT, REGION } from '../fixtures/snapshot-builder.ts';
import { describeWithMoto } from './moto.ts';

const ENDPOINT_RULE = 'endpoint-public-open';
const dynalite = dynaliteForFile();

describeWithMoto('Security Hub export against moto', (endpoint) => {
  let store: FindingsStore;
  let client: SecurityHubClient;
  let clusterName: string;
  let suppressions: Suppression[];
  /** Every Security Hub call the exporter made (command names). */
  let calls: string[];
  /** BatchUpdateFindings requests, which moto cannot answer (see the header). */
  let workflowUpdates: BatchUpdateFindingsCommandInput[];

  beforeEach(async () => {
    ({ store } = await freshStore(dynalite(), `shub-moto-${Math.random().toString(36).slice(2)}`));
    // A cluster of its own per test: moto keeps findings across tests and runs.
    clusterName = `shub-${Math.random().toString(36).slice(2, 10)}`;
    suppressions = [];
    calls = [];
    workflowUpdates = [];
    client = new SecurityHubClient({ region: REGION, endpoint, credentials: EMULATOR_CREDENTIALS });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName));
        if (context.commandName !== 'BatchUpdateFindingsCommand') return next(args);
        const input = args.input as BatchUpdateFindingsCommandInput;
        workflowUpdates.push(input);
        return {
          output: {
            $metadata: {},
            ProcessedFindings: input.FindingIdentifiers ?? [],
            UnprocessedFindings: [],
          },
          response: {},
        } as never;
      },
      { step: 'initialize', name: 'motoLacksBatchUpdateFindings' },
    );
  });

  function snapshot(at: string, open: boolean): Snapshot {
    const built = namedClusterSnapshot(clusterName, ({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = open ? ['0.0.0.0/0'] : ['203.0.113.0/24'];
    });
    return { ...built, scannedAt: at };
  }

  async function sweep(scanId: string, at: string, open: boolean) {
    const deps = {
      ...storeService(store, {
        now: () => new Date(at),
        suppressions: { listSuppressions: async () => suppressions },
      }),
      securityHub: new SecurityHubExporter({ clientFor: () => client }),
    };
    const result = await processSnapshot(deps, {
      scanId,
      trigger: 'schedule',
      snapshot: snapshot(at, open),
      rules: RULES,
      ruleConfig: DEFAULT_RULE_CONFIG,
    });
    expect(result.errors).toEqual([]);
    return result;
  }

  /** Every moto finding of this test's cluster, read back with GetFindings (all pages). */
  async function readBack(): Promise<AwsSecurityFinding[]> {
    const found: AwsSecurityFinding[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new GetFindingsCommand({ MaxResults: 100, NextToken: token }));
      found.push(...(page.Findings ?? []));
      token = page.NextToken || undefined;
    } while (token);
    return found.filter((f) => f.ProductFields?.['eks-netguard/ClusterName'] === clusterName);
  }

  /** Compliance, record state and workflow of one finding as Security Hub would show them. */
  async function state(id: string) {
    const finding = (await readBack()).find((f) => f.Id === id);
    const update = workflowUpdates.filter((u) => u.FindingIdentifiers?.some((f) => f.Id === id)).at(-1);
    return {
      compliance: finding?.Compliance?.Status,
      recordState: finding?.RecordState,
      workflow: update?.Workflow?.Status ?? finding?.Workflow?.Status,
      note: update?.Note?.Text,
    };
  }

  async function endpointFindingId(): Promise<string> {
    const stored = await store.loadCluster({ accountId: ACCOUNT, region: REGION, clusterName });
    return stored.findings.find((f) => f.ruleId === ENDPOINT_RULE)?.id as string;
  }

  it('shows a finding going OPEN → RESOLVED → SUPPRESSED → REOPENED in GetFindings', async () => {
    // OPEN
    await sweep('s1', '2026-01-01T00:00:00.000Z', true);
    const id = await endpointFindingId();
    expect(await state(id)).toMatchObject({ compliance: 'FAILED', recordState: 'ACTIVE', workflow: 'NEW' });
    const [imported] = (await readBack()).filter((f) => f.Id === id);
    expect(imported).toMatchObject({
      ProductArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`,
      GeneratorId: ENDPOINT_RULE,
      AwsAccountId: ACCOUNT,
      Types: ['Software and Configuration Checks/AWS Security Best Practices'],
      Resources: [expect.objectContaining({ Type: 'AwsEksCluster' })],
    });

    // RESOLVED
    await sweep('s2', '2026-01-02T00:00:00.000Z', false);
    expect(await state(id)).toMatchObject({ compliance: 'PASSED', recordState: 'ARCHIVED' });

    // SUPPRESSED: seen again under a suppression
    suppressions = [
      {
        id: 'sup-moto',
        ruleId: ENDPOINT_RULE,
        clusterName,
        reason: 'demo cluster, public by design until March',
        expiresAt: '2026-03-01T00:00:00.000Z',
        createdBy: 'alice',
        createdAt: '2026-01-02T00:00:00.000Z',
        source: 'api',
      },
    ];
    await sweep('s3', '2026-01-03T00:00:00.000Z', true);
    expect(await state(id)).toEqual({
      compliance: 'FAILED',
      recordState: 'ACTIVE',
      workflow: 'SUPPRESSED',
      note: expect.stringContaining('demo cluster, public by design until March'),
    });

    // REOPENED: fixed, then back without the suppression
    suppressions = [];
    await sweep('s4', '2026-01-04T00:00:00.000Z', false);
    expect(await state(id)).toMatchObject({ compliance: 'PASSED', recordState: 'ARCHIVED' });
    await sweep('s5', '2026-01-05T00:00:00.000Z', true);
    expect(await state(id)).toMatchObject({ compliance: 'FAILED', recordState: 'ACTIVE', workflow: 'NEW' });
    expect((await readBack()).filter((f) => f.Id === id)).toHaveLength(1);
  });

  it('keeps one Security Hub finding per finding over three identical sweeps, calling it only on the first', async () => {
    // Act
    await sweep('s1', '2026-02-01T00:00:00.000Z', true);
    const afterFirst = calls.length;
    await sweep('s2', '2026-02-01T06:00:00.000Z', true);
    await sweep('s3', '2026-02-01T12:00:00.000Z', true);
    // Assert
    const stored = await store.loadCluster({ accountId: ACCOUNT, region: REGION, clusterName });
    const ids = (await readBack()).map((f) => f.Id);
    expect(afterFirst).toBe(1); // one BatchImportFindings of every finding (< 100)
    expect(calls.filter((c) => c !== 'GetFindingsCommand')).toEqual(['BatchImportFindingsCommand']);
    expect(ids.sort()).toEqual(stored.findings.map((f) => f.id).sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(stored.cluster?.pendingSecurityHub ?? []).toEqual([]);
    expect(workflowUpdates).toEqual([]);
  });
});
