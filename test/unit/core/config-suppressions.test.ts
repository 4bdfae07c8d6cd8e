import { describe, expect, it } from 'vitest';
import {
  loadConfigSuppressions,
  partitionSuppressed,
  withConfigSuppressions,
} from '../../../functions/core/config-suppressions.ts';
import type { Finding } from '../../../functions/core/model.ts';
import type { Suppression } from '../../../functions/core/suppression.ts';

const NOW = new Date('2026-02-01T12:00:00Z');
const entry = (ruleId: string, expiresAt: string) => ({ ruleId, reason: 'known exception', expiresAt });

function stored(id: string): Suppression {
  return {
    id,
    ruleId: 'sg-open-ingress',
    reason: 'api',
    expiresAt: '2026-06-01T00:00:00.000Z',
    createdBy: 'arn:aws:iam::123456789012:user/ops',
    createdAt: '2026-01-01T00:00:00.000Z',
    source: 'api',
  };
}

describe('loadConfigSuppressions', () => {
  it('splits entries into live and expired at now', () => {
    const { live, expired } = loadConfigSuppressions(
      [entry('endpoint-public-open', '2026-03-01'), entry('sg-open-ingress', '2026-01-31')],
      { now: NOW },
    );
    expect(live.map((s) => s.ruleId)).toEqual(['endpoint-public-open']);
    expect(expired.map((s) => s.ruleId)).toEqual(['sg-open-ingress']);
  });
});

describe('withConfigSuppressions', () => {
  it('adds live config suppressions to the stored ones and never returns an expired one', async () => {
    const { live, expired } = loadConfigSuppressions(
      [entry('endpoint-public-open', '2026-03-01'), entry('sg-open-ingress', '2026-01-31')],
      { now: NOW },
    );
    const warned: string[] = [];
    const source = withConfigSuppressions(
      { listSuppressions: async () => [stored('s-1')] },
      [...live, ...expired],
      (s) => warned.push(s.ruleId),
    );

    const first = await source.listSuppressions(NOW);
    const second = await source.listSuppressions(NOW);

    expect(first.map((s) => s.id)).toEqual(['s-1', live[0]!.id]);
    expect(second).toEqual(first);
    expect(warned).toEqual(['sg-open-ingress']);
  });

  it('stops applying a config suppression once a later call passes its expiry', async () => {
    const { live } = loadConfigSuppressions([entry('endpoint-public-open', '2026-02-10')], { now: NOW });
    const source = withConfigSuppressions({ listSuppressions: async () => [] }, live);

    expect(await source.listSuppressions(NOW)).toHaveLength(1);
    expect(await source.listSuppressions(new Date('2026-02-11T00:00:00Z'))).toEqual([]);
  });
});

describe('partitionSuppressed', () => {
  it('separates covered findings from the ones still failing', () => {
    const finding = (ruleId: string) =>
      ({ ruleId, accountId: '1', region: 'eu-west-1', clusterName: 'c', resourceId: 'r' }) as Finding;
    const { live } = loadConfigSuppressions([entry('endpoint-public-open', '2026-03-01')], { now: NOW });

    const { active, suppressed } = partitionSuppressed(
      [finding('endpoint-public-open'), finding('sg-open-ingress')],
      live,
      NOW,
    );

    expect(active.map((f) => f.ruleId)).toEqual(['sg-open-ingress']);
    expect(suppressed.map((s) => [s.finding.ruleId, s.suppression.id])).toEqual([
      ['endpoint-public-open', live[0]!.id],
    ]);
  });
});
