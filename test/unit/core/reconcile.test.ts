import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredFinding } from '../../../functions/core/lifecycle.ts';
import type { Finding } from '../../../functions/core/model.ts';
import { reconcile } from '../../../functions/core/reconcile.ts';
import type { Suppression } from '../../../functions/core/suppression.ts';

const T0 = '2026-01-01T00:00:00.000Z';
const NOW = new Date('2026-01-02T00:00:00.000Z');

function finding(overrides: Partial<Finding> = {}): Finding {
  const ruleId = overrides.ruleId ?? 'sg-open-ingress';
  const resourceId = overrides.resourceId ?? 'sg-1';
  return {
    id: `${ruleId}/${resourceId}`,
    ruleId,
    severity: 'HIGH',
    title: 'Security group open to the world',
    accountId: '123456789012',
    region: 'us-east-1',
    clusterName: 'demo',
    resourceType: 'security-group',
    resourceId,
    evidence: { cidr: '0.0.0.0/0', port: 22 },
    remediation: 'Remove the rule',
    references: ['doc'],
    ...overrides,
  };
}

function stored(overrides: Partial<StoredFinding> = {}): StoredFinding {
  return {
    ...finding(overrides),
    status: 'OPEN',
    firstSeenAt: T0,
    lastSeenAt: T0,
    reopenedCount: 0,
    updatedAt: T0,
    version: 3,
    ...overrides,
  };
}

function suppression(overrides: Partial<Suppression> = {}): Suppression {
  return {
    id: 'sup-1',
    ruleId: 'sg-open-ingress',
    reason: 'bastion',
    expiresAt: '2026-06-01T00:00:00.000Z',
    createdBy: 'alice',
    createdAt: T0,
    source: 'api',
    ...overrides,
  };
}

const ALL_RULES = ['sg-open-ingress', 'endpoint-public-open'];

describe('reconcile', () => {
  it('opens a finding seen for the first time and writes it as a new item', () => {
    // Act
    const result = reconcile({
      stored: [],
      current: [finding()],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [],
      now: NOW,
    });
    // Assert
    expect(result.transitions.map((t) => t.kind)).toEqual(['OPENED']);
    expect(result.writes).toHaveLength(1);
    expect(result.writes[0]?.expectedVersion).toBeUndefined();
    expect(result.writes[0]?.finding).toMatchObject({
      status: 'OPEN',
      firstSeenAt: NOW.toISOString(),
      lastSeenAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      reopenedCount: 0,
      version: 1,
    });
  });

  it('stores a new finding that a live suppression covers as SUPPRESSED, with the suppression id', () => {
    const result = reconcile({
      stored: [],
      current: [finding()],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [suppression()],
      now: NOW,
    });
    expect(result.transitions.map((t) => t.kind)).toEqual(['SUPPRESSED']);
    expect(result.writes[0]?.finding).toMatchObject({ status: 'SUPPRESSED', suppressionId: 'sup-1' });
  });

  it('costs no write and no transition when an open finding is seen unchanged', () => {
    const result = reconcile({
      stored: [stored()],
      current: [finding()],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [],
      now: NOW,
    });
    expect(result.transitions).toEqual([]);
    expect(result.writes).toEqual([]);
    expect(result.after).toEqual([stored()]);
  });

  it('does not count evidence key order as a change', () => {
    const result = reconcile({
      stored: [stored({ evidence: { port: 22, cidr: '0.0.0.0/0' } })],
      current: [finding({ evidence: { cidr: '0.0.0.0/0', port: 22 } })],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [],
      now: NOW,
    });
    expect(result.writes).toEqual([]);
  });

  it('rewrites changed evidence without a transition so the store never shows stale evidence', () => {
    const result = reconcile({
      stored: [stored()],
      current: [finding({ evidence: { cidr: '0.0.0.0/0', port: 3389 } })],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [],
      now: NOW,
    });
    expect(result.transitions).toEqual([]);
    expect(result.writes).toHaveLength(1);
    expect(result.writes[0]).toMatchObject({ expectedVersion: 3, finding: { version: 4, updatedAt: T0 } });
    expect(result.writes[0]?.finding.evidence).toEqual({ cidr: '0.0.0.0/0', port: 3389 });
  });

  it('resolves an open finding no longer reported by a rule that ran, with reason fixed', () => {
    const result = reconcile({
      stored: [stored()],
      current: [],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [],
      now: NOW,
    });
    expect(result.transitions).toHaveLength(1);
    expect(result.transitions[0]).toMatchObject({ kind: 'RESOLVED', previousStatus: 'OPEN' });
    expect(result.writes[0]).toMatchObject({
      expectedVersion: 3,
      finding: { status: 'RESOLVED', resolvedReason: 'fixed', resolvedAt: NOW.toISOString(), version: 4 },
    });
  });

  it('never resolves a finding whose rule was skipped (incomplete inventory or rule error)', () => {
    const result = reconcile({
      stored: [stored()],
      current: [],
      evaluatedRuleIds: ['endpoint-public-open'],
      suppressions: [],
      now: NOW,
    });
    expect(result.transitions).toEqual([]);
    expect(result.writes).toEqual([]);
    expect(result.after[0]?.status).toBe('OPEN');
  });

  it('resolves a suppressed finding that is gone (the transition says it was suppressed)', () => {
    const result = reconcile({
      stored: [stored({ status: 'SUPPRESSED', suppressionId: 'sup-1' })],
      current: [],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [suppression()],
      now: NOW,
    });
    expect(result.transitions[0]).toMatchObject({ kind: 'RESOLVED', previousStatus: 'SUPPRESSED' });
    expect(result.writes[0]?.finding.suppressionId).toBeUndefined();
  });

  it('reopens a resolved finding seen again, counting the reopening and clearing the resolution', () => {
    const result = reconcile({
      stored: [stored({ status: 'RESOLVED', resolvedAt: T0, resolvedReason: 'fixed', reopenedCount: 1 })],
      current: [finding()],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [],
      now: NOW,
    });
    expect(result.transitions.map((t) => t.kind)).toEqual(['REOPENED']);
    const next = result.writes[0]?.finding;
    expect(next).toMatchObject({
      status: 'OPEN',
      reopenedCount: 2,
      firstSeenAt: T0,
      updatedAt: NOW.toISOString(),
    });
    expect(next?.resolvedAt).toBeUndefined();
    expect(next?.resolvedReason).toBeUndefined();
  });

  it('reopens a resolved finding straight into SUPPRESSED when a suppression covers it', () => {
    const result = reconcile({
      stored: [stored({ status: 'RESOLVED', resolvedAt: T0, resolvedReason: 'fixed' })],
      current: [finding()],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [suppression()],
      now: NOW,
    });
    expect(result.transitions.map((t) => t.kind)).toEqual(['SUPPRESSED']);
    expect(result.writes[0]?.finding).toMatchObject({ status: 'SUPPRESSED', reopenedCount: 1 });
  });

  it('suppresses an open finding that a new suppression covers', () => {
    const result = reconcile({
      stored: [stored()],
      current: [finding()],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [suppression()],
      now: NOW,
    });
    expect(result.transitions[0]).toMatchObject({ kind: 'SUPPRESSED', previousStatus: 'OPEN' });
    expect(result.writes[0]?.finding).toMatchObject({ status: 'SUPPRESSED', suppressionId: 'sup-1' });
  });

  it('unsuppresses a finding whose suppression expired', () => {
    const result = reconcile({
      stored: [stored({ status: 'SUPPRESSED', suppressionId: 'sup-1' })],
      current: [finding()],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [suppression({ expiresAt: '2026-01-01T12:00:00.000Z' })],
      now: NOW,
    });
    expect(result.transitions.map((t) => t.kind)).toEqual(['UNSUPPRESSED']);
    expect(result.writes[0]?.finding.status).toBe('OPEN');
    expect(result.writes[0]?.finding.suppressionId).toBeUndefined();
  });

  it('unsuppresses a finding whose suppression was deleted', () => {
    const result = reconcile({
      stored: [stored({ status: 'SUPPRESSED', suppressionId: 'sup-1' })],
      current: [finding()],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [],
      now: NOW,
    });
    expect(result.transitions.map((t) => t.kind)).toEqual(['UNSUPPRESSED']);
  });

  it('keeps a suppressed finding silent and unwritten while its suppression is live', () => {
    const result = reconcile({
      stored: [stored({ status: 'SUPPRESSED', suppressionId: 'sup-1' })],
      current: [finding()],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [suppression()],
      now: NOW,
    });
    expect(result.transitions).toEqual([]);
    expect(result.writes).toEqual([]);
  });

  it('reports a severity change of an open finding with the previous severity', () => {
    const result = reconcile({
      stored: [stored({ severity: 'MEDIUM' })],
      current: [finding({ severity: 'HIGH' })],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [],
      now: NOW,
    });
    expect(result.transitions[0]).toMatchObject({ kind: 'SEVERITY_CHANGED', previousSeverity: 'MEDIUM' });
    expect(result.writes[0]?.finding).toMatchObject({ severity: 'HIGH', updatedAt: NOW.toISOString() });
  });

  it('resolves every open and suppressed finding of a deleted cluster with reason cluster-deleted', () => {
    const a = stored({ resourceId: 'sg-1' });
    const b = stored({ resourceId: 'sg-2', status: 'SUPPRESSED', suppressionId: 'sup-1' });
    const c = stored({ resourceId: 'sg-3', status: 'RESOLVED', resolvedAt: T0, resolvedReason: 'fixed' });
    const result = reconcile({
      stored: [a, b, c],
      current: [],
      evaluatedRuleIds: [],
      suppressions: [],
      now: NOW,
      clusterDeleted: true,
    });
    expect(result.transitions.map((t) => [t.kind, t.finding.resourceId])).toEqual([
      ['RESOLVED', 'sg-1'],
      ['RESOLVED', 'sg-2'],
    ]);
    expect(result.writes.every((w) => w.finding.resolvedReason === 'cluster-deleted')).toBe(true);
  });

  it('leaves a resolved finding that stays gone untouched', () => {
    const gone = stored({ status: 'RESOLVED', resolvedAt: T0, resolvedReason: 'fixed' });
    const result = reconcile({
      stored: [gone],
      current: [],
      evaluatedRuleIds: ALL_RULES,
      suppressions: [],
      now: NOW,
    });
    expect(result.writes).toEqual([]);
    expect(result.transitions).toEqual([]);
  });
});

describe('reconcile properties', () => {
  const severities = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
  const findingArb = fc.record({
    ruleId: fc.constantFrom('sg-open-ingress', 'endpoint-public-open'),
    resourceId: fc.constantFrom('r1', 'r2', 'r3'),
    severity: fc.constantFrom(...severities),
    port: fc.integer({ min: 1, max: 3 }),
  });
  const storedArb = fc.record({
    base: findingArb,
    status: fc.constantFrom('OPEN', 'SUPPRESSED', 'RESOLVED' as const),
  });
  const toFinding = (f: {
    ruleId: string;
    resourceId: string;
    severity: (typeof severities)[number];
    port: number;
  }) =>
    finding({ ruleId: f.ruleId, resourceId: f.resourceId, severity: f.severity, evidence: { port: f.port } });
  const uniqueById = <T extends { id: string }>(items: T[]) => [
    ...new Map(items.map((i) => [i.id, i])).values(),
  ];

  it('is idempotent: applying its writes then reconciling the same scan again changes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(storedArb, { maxLength: 6 }),
        fc.array(findingArb, { maxLength: 6 }),
        fc.subarray(['sg-open-ingress', 'endpoint-public-open']),
        fc.boolean(),
        (storedSpecs, currentSpecs, evaluated, suppressed) => {
          const storedFindings = uniqueById(
            storedSpecs.map((s) =>
              stored({
                ...toFinding(s.base),
                status: s.status,
                ...(s.status === 'SUPPRESSED' ? { suppressionId: 'sup-1' } : {}),
                ...(s.status === 'RESOLVED' ? { resolvedAt: T0, resolvedReason: 'fixed' as const } : {}),
              }),
            ),
          );
          const current = uniqueById(currentSpecs.map(toFinding)).filter((f) => evaluated.includes(f.ruleId));
          const suppressions = suppressed ? [suppression()] : [];
          const input = { current, evaluatedRuleIds: evaluated, suppressions, now: NOW };
          const first = reconcile({ ...input, stored: storedFindings });
          const second = reconcile({ ...input, stored: first.after });
          expect(second.writes).toEqual([]);
          expect(second.transitions).toEqual([]);
          // Findings of rules that did not run are returned exactly as stored.
          for (const f of storedFindings.filter((s) => !evaluated.includes(s.ruleId))) {
            expect(first.after).toContainEqual(f);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
