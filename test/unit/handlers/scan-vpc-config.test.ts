/**
 * Config-file suppressions in the scan-vpc Lambda: `RULE_CONFIG` carries the config
 * file (suppressions included); live entries suppress findings in the store like stored
 * suppressions do, expired ones are logged and never applied. Real store on dynalite.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../../functions/core/alert-message.ts';
import { HandlerConfigError } from '../../../functions/handlers/env.ts';
import { handleBatch, parseConfigEnv, scanSuppressions } from '../../../functions/handlers/scan-vpc.ts';
import {
  dynaliteForFile,
  eventScanBody,
  freshStore,
  scanVpcDeps,
  sqsRecord,
  storeService,
} from '../../fixtures/scan-vpc-deps.ts';
import { ACCOUNT, buildSnapshot, CLUSTER, REGION } from '../../fixtures/snapshot-builder.ts';

const NOW = new Date('2026-01-01T00:01:00.000Z');
const dynalite = dynaliteForFile();
let tableSeq = 0;

const ruleConfig = (expiresAt: string) =>
  JSON.stringify({
    minPublicCidrPrefix: 16,
    suppressions: [
      { ruleId: 'endpoint-public-open', clusterName: CLUSTER, reason: 'public by design', expiresAt },
    ],
  });

/** Scans the open-endpoint fixture once with RULE_CONFIG as given; returns what was stored and alerted. */
async function scanWith(rawConfig: string) {
  const { store } = await freshStore(dynalite(), `scan-vpc-config-${++tableSeq}`);
  const alerts: AlertMessage[] = [];
  const warnings: string[] = [];
  const config = parseConfigEnv(rawConfig, NOW);
  const response = await handleBatch(
    scanVpcDeps({
      service: storeService(store, {
        now: () => NOW,
        publish: async (m) => void alerts.push(m),
        suppressions: scanSuppressions(store, config.suppressions, { warn: (m: string) => warnings.push(m) }),
      }),
      collect: async () =>
        buildSnapshot(({ cluster }) => {
          cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/0'];
        }),
      listClusters: async () => [CLUSTER],
      ruleConfig: config.ruleConfig,
    }),
    { Records: [sqsRecord(`m-${tableSeq}`, eventScanBody())] },
    { functionName: 'scan-vpc', awsRequestId: 'req' } as Context,
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
    [
      '{"suppressions":[{"ruleId":"*","clusterName":"x","reason":"x","expiresAt":"2028-01-01"}]}',
      /more than 365 days away/,
    ],
    ['{"notifyThreshold":"HIGH"}', /unknown key "notifyThreshold"/],
    ['not json', /not JSON/],
  ])('fails fast on %s naming what to fix', (raw, message) => {
    expect(() => parseConfigEnv(raw, NOW)).toThrow(HandlerConfigError);
    expect(() => parseConfigEnv(raw, NOW)).toThrow(message);
    expect(() => parseConfigEnv(raw, NOW)).toThrow(/^environment variable RULE_CONFIG is invalid: /);
  });
});
