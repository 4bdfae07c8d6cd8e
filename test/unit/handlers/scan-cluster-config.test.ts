/**
 * Config-file suppressions in the scan-cluster Lambda: `RULE_CONFIG` carries the config
 * file (suppressions included); live entries suppress findings in the store like stored
 * suppressions do, expired ones are logged and never applied. Real store on dynalite.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFindingsTable,
  type DynaliteServer,
  startDynalite,
} from '../../../functions/adapters/dynalite-server.ts';
import { createDocumentClient, createFindingsStore } from '../../../functions/adapters/findings-store.ts';
import type { AlertMessage } from '../../../functions/core/alert-message.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import { HandlerConfigError } from '../../../functions/handlers/env.ts';
import { handleBatch, parseConfigEnv, scanSuppressions } from '../../../functions/handlers/scan-cluster.ts';
import { ACCOUNT, buildSnapshot, CLUSTER, REGION } from '../../fixtures/snapshot-builder.ts';

const NOW = new Date('2026-01-01T00:01:00.000Z');
let dynalite: DynaliteServer;
let tableSeq = 0;

beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.close();
});

const ruleConfig = (expiresAt: string) =>
  JSON.stringify({
    minPublicCidrPrefix: 16,
    suppressions: [
      { ruleId: 'endpoint-public-open', clusterName: CLUSTER, reason: 'public by design', expiresAt },
    ],
  });

function record(messageId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: JSON.stringify({
      accountId: ACCOUNT,
      region: REGION,
      clusterName: CLUSTER,
      reason: 'event',
      requestedAt: '2026-01-01T00:00:00.000Z',
      attempt: 0,
    }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1767225600000',
      SenderId: 'AROA',
      ApproximateFirstReceiveTimestamp: '1767225660000',
      MessageGroupId: `${ACCOUNT}:${REGION}:${CLUSTER}`,
      MessageDeduplicationId: `dedup-${messageId}`,
      SequenceNumber: '1',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:q.fifo`,
    awsRegion: REGION,
  };
}

/** Scans the open-endpoint fixture once with RULE_CONFIG as given; returns what was stored and alerted. */
async function scanWith(rawConfig: string) {
  const tableName = `scan-cluster-config-${++tableSeq}`;
  await createFindingsTable(dynalite.client, tableName);
  const store = createFindingsStore({ tableName, client: createDocumentClient(dynalite.client) });
  const alerts: AlertMessage[] = [];
  const warnings: string[] = [];
  const config = parseConfigEnv(rawConfig, NOW);
  const response = await handleBatch(
    {
      service: {
        repository: store,
        suppressions: scanSuppressions(store, config.suppressions, { warn: (m: string) => warnings.push(m) }),
        notifier: { publish: async (m) => void alerts.push(m) },
        clock: { now: () => NOW },
      },
      queue: { enqueue: async (r) => ({ sent: r.length, merged: 0, failed: [] }) },
      collect: async () =>
        buildSnapshot(({ cluster }) => {
          cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/0'];
        }),
      listClusters: async () => [CLUSTER],
      rules: RULES,
      ruleConfig: config.ruleConfig,
      notifyThreshold: 'MEDIUM',
      logger: new Logger({ logLevel: 'SILENT' }),
    },
    { Records: [record(`m-${tableSeq}`)] },
    { functionName: 'scan-cluster', awsRequestId: 'req' } as Context,
  );
  const { findings } = await store.loadCluster({ accountId: ACCOUNT, region: REGION, clusterName: CLUSTER });
  const endpoint = findings.find((f) => f.ruleId === 'endpoint-public-open');
  return { response, endpoint, alerts, warnings };
}

describe('scan-cluster with suppressions from RULE_CONFIG', () => {
  it('stores a finding a live config suppression covers as SUPPRESSED and does not alert it', async () => {
    const { response, endpoint, alerts, warnings } = await scanWith(ruleConfig('2026-06-30'));

    expect(response.batchItemFailures).toEqual([]);
    expect(endpoint?.status).toBe('SUPPRESSED');
    const alerted = alerts.flatMap((a) => JSON.stringify(a)).join('');
    expect(alerted).not.toContain('endpoint-public-open');
    expect(warnings).toEqual([]);
  });

  it('ignores an expired config suppression (warning): the finding is OPEN and alerted', async () => {
    const { endpoint, alerts, warnings } = await scanWith(ruleConfig('2025-12-31'));

    expect(endpoint?.status).toBe('OPEN');
    expect(alerts.map((a) => JSON.stringify(a)).join('')).toContain('endpoint-public-open');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/expired at 2025-12-31T23:59:59\.999Z; ignored/);
  });
});

describe('parseConfigEnv', () => {
  it('reads rule keys and suppressions from one JSON document', () => {
    const config = parseConfigEnv(ruleConfig('2026-06-30'), NOW);
    expect(config.ruleConfig.minPublicCidrPrefix).toBe(16);
    expect(config.suppressions).toEqual([
      expect.objectContaining({ ruleId: 'endpoint-public-open', source: 'config', createdBy: 'config-file' }),
    ]);
  });

  it.each([
    [
      '{"suppressions":[{"ruleId":"endpoint-public-open","expiresAt":"2026-02-01"}]}',
      /suppressions\.0\.reason/,
    ],
    ['{"suppressions":[{"ruleId":"nope","reason":"x","expiresAt":"2026-02-01"}]}', /"nope" matches no rule/],
    ['{"suppressions":[{"ruleId":"*","reason":"x","expiresAt":"2028-01-01"}]}', /more than 365 days away/],
    ['{"notifyThreshold":"HIGH"}', /unknown key "notifyThreshold"/],
    ['not json', /not JSON/],
  ])('fails fast on %s naming what to fix', (raw, message) => {
    expect(() => parseConfigEnv(raw, NOW)).toThrow(HandlerConfigError);
    expect(() => parseConfigEnv(raw, NOW)).toThrow(message);
    expect(() => parseConfigEnv(raw, NOW)).toThrow(/^environment variable RULE_CONFIG is invalid: /);
  });
});
