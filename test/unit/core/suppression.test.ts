import { describe, expect, it } from 'vitest';
import { configFileSchema } from '../../../functions/core/config.ts';
import type { Finding } from '../../../functions/core/model.ts';
import {
  createSuppression,
  findMatchingSuppression,
  globMatch,
  type Suppression,
  SuppressionValidationError,
  suppressionsFromConfig,
} from '../../../functions/core/suppression.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'f1',
    ruleId: 'sg-open-ingress',
    severity: 'HIGH',
    title: 'Security group allows ingress from the internet',
    accountId: '123456789012',
    region: 'eu-west-1',
    clusterName: 'prod-payments',
    resourceType: 'security-group',
    resourceId: 'sg-0abc123',
    evidence: {},
    remediation: 'Remove the rule',
    references: [],
    ...overrides,
  };
}

function suppression(overrides: Partial<Suppression> = {}): Suppression {
  return {
    id: 'sup-1',
    ruleId: 'sg-open-ingress',
    reason: 'bastion SG, reviewed',
    expiresAt: '2026-04-01T00:00:00.000Z',
    createdBy: 'alice',
    createdAt: '2026-02-01T00:00:00.000Z',
    source: 'api',
    ...overrides,
  };
}

function validationMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SuppressionValidationError);
    return (error as Error).message;
  }
  throw new Error('expected a SuppressionValidationError');
}

describe('findMatchingSuppression', () => {
  it('matches on rule id alone when no scope field is given (absent = any)', () => {
    const s = suppression();
    expect(findMatchingSuppression(finding(), [s], NOW)).toBe(s);
  });

  it('does not match another rule', () => {
    expect(
      findMatchingSuppression(finding({ ruleId: 'nodegroup-ssh-open' }), [suppression()], NOW),
    ).toBeUndefined();
  });

  it('matches any rule with ruleId "*"', () => {
    const s = suppression({ ruleId: '*', clusterName: 'prod-payments' });
    expect(findMatchingSuppression(finding({ ruleId: 'subnet-single-az' }), [s], NOW)).toBe(s);
  });

  it('requires every given scope field to match (account, region, cluster, resource)', () => {
    const scoped = suppression({
      accountId: '123456789012',
      region: 'eu-west-1',
      clusterName: 'prod-payments',
      resourceId: 'sg-0abc123',
    });
    expect(findMatchingSuppression(finding(), [scoped], NOW)).toBe(scoped);
    expect(findMatchingSuppression(finding({ accountId: '210987654321' }), [scoped], NOW)).toBeUndefined();
    expect(findMatchingSuppression(finding({ region: 'us-east-1' }), [scoped], NOW)).toBeUndefined();
    expect(findMatchingSuppression(finding({ clusterName: 'prod-orders' }), [scoped], NOW)).toBeUndefined();
    expect(findMatchingSuppression(finding({ resourceId: 'sg-0abc1234' }), [scoped], NOW)).toBeUndefined();
  });

  it('matches scope fields by "*" glob', () => {
    const s = suppression({ clusterName: 'dev-*', resourceId: 'arn:aws:eks:*:cluster/dev-*' });
    const hit = finding({
      clusterName: 'dev-blue',
      resourceId: 'arn:aws:eks:eu-west-1:123456789012:cluster/dev-blue',
    });
    const miss = finding({
      clusterName: 'prod-blue',
      resourceId: 'arn:aws:eks:eu-west-1:123456789012:cluster/dev-blue',
    });
    expect(findMatchingSuppression(hit, [s], NOW)).toBe(s);
    expect(findMatchingSuppression(miss, [s], NOW)).toBeUndefined();
  });

  it('ignores an expired suppression, and expiry is exclusive (expiring exactly now no longer matches)', () => {
    const expired = suppression({ expiresAt: '2026-03-01T11:59:59.999Z' });
    const expiringNow = suppression({ expiresAt: NOW.toISOString() });
    expect(findMatchingSuppression(finding(), [expired, expiringNow], NOW)).toBeUndefined();
  });

  it('picks the suppression that expires last when several match', () => {
    const short = suppression({ id: 'sup-short', expiresAt: '2026-03-10T00:00:00.000Z' });
    const long = suppression({ id: 'sup-long', ruleId: '*', expiresAt: '2026-06-10T00:00:00.000Z' });
    expect(findMatchingSuppression(finding(), [short, long], NOW)?.id).toBe('sup-long');
    expect(findMatchingSuppression(finding(), [long, short], NOW)?.id).toBe('sup-long');
  });
});

describe('globMatch', () => {
  it('treats regex characters literally and * as any run of characters', () => {
    expect(globMatch('a.b', 'a.b')).toBe(true);
    expect(globMatch('a.b', 'axb')).toBe(false);
    expect(globMatch('sg-(1)*', 'sg-(1)abc')).toBe(true);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('Dev-*', 'dev-1')).toBe(false);
  });
});

describe('createSuppression', () => {
  const request = {
    ruleId: 'sg-open-ingress',
    clusterName: 'prod-*',
    reason: 'bastion',
    expiresAt: '2026-06-01T00:00:00Z',
  };

  it('returns a stored suppression with creator, creation time and source api', () => {
    const s = createSuppression(request, { now: NOW, createdBy: 'arn:aws:iam::123456789012:user/alice' });
    expect(s).toEqual({
      id: expect.stringMatching(/^sup-[0-9a-f]{24}$/),
      ruleId: 'sg-open-ingress',
      clusterName: 'prod-*',
      reason: 'bastion',
      expiresAt: '2026-06-01T00:00:00.000Z',
      createdBy: 'arn:aws:iam::123456789012:user/alice',
      createdAt: NOW.toISOString(),
      source: 'api',
    });
  });

  it('derives the id deterministically from the request, creator and time', () => {
    const a = createSuppression(request, { now: NOW, createdBy: 'alice' });
    const b = createSuppression(request, { now: NOW, createdBy: 'alice' });
    const c = createSuppression(request, { now: new Date(NOW.getTime() + 1), createdBy: 'alice' });
    expect(a.id).toBe(b.id);
    expect(c.id).not.toBe(a.id);
  });

  it('normalises an expiry with an offset to UTC and reads a bare date as the end of that UTC day', () => {
    expect(
      createSuppression({ ...request, expiresAt: '2026-06-01T09:00:00+09:00' }, { now: NOW, createdBy: 'a' })
        .expiresAt,
    ).toBe('2026-06-01T00:00:00.000Z');
    expect(
      createSuppression({ ...request, expiresAt: '2026-06-01' }, { now: NOW, createdBy: 'a' }).expiresAt,
    ).toBe('2026-06-01T23:59:59.999Z');
  });

  it('requires a non-empty reason', () => {
    const { reason: _, ...withoutReason } = request;
    expect(validationMessage(() => createSuppression(withoutReason, { now: NOW, createdBy: 'a' }))).toMatch(
      /^reason: is required/,
    );
    expect(
      validationMessage(() => createSuppression({ ...request, reason: '   ' }, { now: NOW, createdBy: 'a' })),
    ).toMatch(/^reason: is required/);
  });

  it('requires an expiry', () => {
    const { expiresAt: _, ...withoutExpiry } = request;
    expect(validationMessage(() => createSuppression(withoutExpiry, { now: NOW, createdBy: 'a' }))).toBe(
      'expiresAt: is required',
    );
  });

  it('rejects an expiry in the past or exactly now', () => {
    for (const expiresAt of ['2026-02-01T00:00:00Z', NOW.toISOString()]) {
      expect(
        validationMessage(() => createSuppression({ ...request, expiresAt }, { now: NOW, createdBy: 'a' })),
      ).toMatch(/^expiresAt: .* is not in the future/);
    }
  });

  it('rejects an expiry more than 365 days away by default, and honours a configured maximum', () => {
    const day365 = new Date(NOW.getTime() + 365 * 86_400_000).toISOString();
    const day366 = new Date(NOW.getTime() + 366 * 86_400_000).toISOString();
    expect(createSuppression({ ...request, expiresAt: day365 }, { now: NOW, createdBy: 'a' }).expiresAt).toBe(
      day365,
    );
    expect(
      validationMessage(() =>
        createSuppression({ ...request, expiresAt: day366 }, { now: NOW, createdBy: 'a' }),
      ),
    ).toMatch(/more than 365 days away/);
    expect(
      validationMessage(() =>
        createSuppression(
          { ...request, expiresAt: '2026-04-15T00:00:00Z' },
          { now: NOW, createdBy: 'a', maxDays: 30 },
        ),
      ),
    ).toMatch(/more than 30 days away/);
  });

  it('rejects malformed and impossible dates with a one-line message', () => {
    expect(
      validationMessage(() =>
        createSuppression({ ...request, expiresAt: 'next week' }, { now: NOW, createdBy: 'a' }),
      ),
    ).toMatch(/^expiresAt: must be an ISO-8601/);
    expect(
      validationMessage(() =>
        createSuppression({ ...request, expiresAt: '2026-02-30' }, { now: NOW, createdBy: 'a' }),
      ),
    ).toBe('expiresAt: is not a real calendar date');
  });

  it('rejects unknown keys so a typo is not silently ignored', () => {
    expect(
      validationMessage(() =>
        createSuppression({ ...request, expiry: '2026-06-01' }, { now: NOW, createdBy: 'a' }),
      ),
    ).toBe('(body): unknown key "expiry"');
  });

  it('rejects a rule id that names no known rule when the catalog is given', () => {
    const known = ['sg-open-ingress', 'sg-node-cluster-tag'];
    expect(
      createSuppression({ ...request, ruleId: 'sg-*' }, { now: NOW, createdBy: 'a', knownRuleIds: known })
        .ruleId,
    ).toBe('sg-*');
    expect(
      validationMessage(() =>
        createSuppression(
          { ...request, ruleId: 'sg-open-ingres' },
          { now: NOW, createdBy: 'a', knownRuleIds: known },
        ),
      ),
    ).toMatch(/^ruleId: "sg-open-ingres" matches no rule/);
  });
});

describe('suppressionsFromConfig', () => {
  it('turns config entries into suppressions with source config and creator config-file, with stable ids', () => {
    const entries = [
      { ruleId: 'nodegroup-ssh-open', clusterName: 'dev-*', reason: 'dev only', expiresAt: '2026-05-01' },
    ];
    const first = suppressionsFromConfig(entries, { now: NOW });
    const later = suppressionsFromConfig(entries, { now: new Date('2026-03-05T00:00:00Z') });
    expect(first).toEqual([
      {
        id: expect.stringMatching(/^cfg-[0-9a-f]{24}$/),
        ruleId: 'nodegroup-ssh-open',
        clusterName: 'dev-*',
        reason: 'dev only',
        expiresAt: '2026-05-01T23:59:59.999Z',
        createdBy: 'config-file',
        createdAt: NOW.toISOString(),
        source: 'config',
      },
    ]);
    expect(later[0]?.id).toBe(first[0]?.id);
  });

  it('keeps an explicit id', () => {
    const [s] = suppressionsFromConfig(
      [{ id: 'bastion', ruleId: '*', scope: 'all', reason: 'r', expiresAt: '2026-05-01' }],
      { now: NOW },
    );
    expect(s?.id).toBe('bastion');
  });

  it('keeps an expired entry, which then matches nothing (its finding reopens)', () => {
    const loaded = suppressionsFromConfig(
      [{ ruleId: 'sg-open-ingress', reason: 'old', expiresAt: '2026-01-01' }],
      { now: NOW },
    );
    expect(loaded).toHaveLength(1);
    expect(findMatchingSuppression(finding(), loaded, NOW)).toBeUndefined();
  });

  it('rejects an entry whose expiry exceeds the maximum, naming its index', () => {
    const entries = [
      { ruleId: '*', clusterName: 'ok', reason: 'ok', expiresAt: '2026-05-01' },
      { ruleId: '*', clusterName: 'x', reason: 'forever', expiresAt: '2099-01-01' },
    ];
    expect(validationMessage(() => suppressionsFromConfig(entries, { now: NOW }))).toMatch(
      /^suppressions\.1\.expiresAt: .* more than 365 days away/,
    );
  });

  it('rejects a missing reason, naming the entry', () => {
    expect(
      validationMessage(() =>
        suppressionsFromConfig([{ ruleId: '*', clusterName: 'a', expiresAt: '2026-05-01' }], { now: NOW }),
      ),
    ).toMatch(/^suppressions\.0\.reason: is required/);
  });

  it('rejects two entries with the same scope', () => {
    const entry = { ruleId: '*', clusterName: 'a', reason: 'r', expiresAt: '2026-05-01' };
    expect(
      validationMessage(() => suppressionsFromConfig([entry, { ...entry, reason: 'other' }], { now: NOW })),
    ).toMatch(/^suppressions\.1: duplicate suppression id/);
  });
});

describe('config file schema', () => {
  it('accepts suppressions, notifyThreshold and maxSuppressionDays next to the rule keys', () => {
    const parsed = configFileSchema.parse({
      minPublicCidrPrefix: 20,
      notifyThreshold: 'HIGH',
      maxSuppressionDays: 90,
      suppressions: [{ ruleId: '*', clusterName: 'sandbox-*', reason: 'sandbox', expiresAt: '2026-05-01' }],
    });
    expect(parsed.notifyThreshold).toBe('HIGH');
    expect(parsed.suppressions?.[0]?.expiresAt).toBe('2026-05-01T23:59:59.999Z');
  });

  it('still rejects unknown keys and bad severities', () => {
    expect(configFileSchema.safeParse({ notifyTreshold: 'HIGH' }).success).toBe(false);
    expect(configFileSchema.safeParse({ notifyThreshold: 'URGENT' }).success).toBe(false);
  });
});

describe('suppression scope validation (API and config file alike)', () => {
  const base = { ruleId: 'sg-open-ingress', reason: 'bastion', expiresAt: '2026-06-01' };
  const create = (over: Record<string, unknown>) =>
    createSuppression({ ...base, ...over }, { now: NOW, createdBy: 'a' });
  const fromConfig = (over: Record<string, unknown>) =>
    suppressionsFromConfig([{ ...base, ...over }], { now: NOW });

  it.each([
    ['accountId', '12345678901', /12-digit/],
    ['accountId', '1234567890123', /12-digit/],
    ['accountId', '1234567890123*', /can never match/],
    ['region', 'eu-wset-1', /AWS region/],
    ['region', 'EU-WEST-1', /AWS region/],
    ['region', 'europe', /AWS region/],
    ['region', 'xx-*', /can never match/],
    ['clusterName', '-dev', /EKS cluster name/],
    ['clusterName', 'dev.cluster', /EKS cluster name/],
    ['clusterName', 'a'.repeat(101), /EKS cluster name/],
    ['resourceId', 'sg-0abc123,sg-0def456', /subnet, security group/],
    ['resourceId', 'https://console.aws.amazon.com/ec2', /subnet, security group/],
    ['resourceId', 'arn:bogus', /subnet, security group/],
    ['resourceId', 'subnet/abc', /subnet, security group/],
  ])('rejects %s %j, which no finding can carry, naming the field', (field, value, message) => {
    const fromApi = validationMessage(() => create({ [field]: value }));
    expect(fromApi.startsWith(`${field}: `)).toBe(true);
    expect(fromApi).toMatch(message);
    expect(validationMessage(() => fromConfig({ [field]: value }))).toMatch(
      new RegExp(`^suppressions\\.0\\.${field}: `),
    );
  });

  it.each([
    ['accountId', '123456789012'],
    ['accountId', '1234*'],
    ['region', 'eu-west-1'],
    ['region', 'us-gov-west-1'],
    ['region', 'ap-southeast-7'],
    ['region', 'eu-*'],
    ['region', '*-west-1'],
    ['clusterName', 'prod-payments'],
    ['clusterName', 'Dev_1'],
    ['clusterName', '*-staging'],
    ['resourceId', 'subnet-0a1b2c3d4e5f60718'],
    ['resourceId', 'sg-0123abcd'],
    ['resourceId', 'vpc-0123456789abcdef0'],
    ['resourceId', 'i-0123456789abcdef0'],
    ['resourceId', 'acl-0123456789abcdef0'],
    ['resourceId', 'arn:aws:eks:eu-west-1:123456789012:cluster/prod'],
    ['resourceId', 'arn:aws-us-gov:eks:us-gov-west-1:123456789012:cluster/prod'],
    ['resourceId', 'workers-spot'],
    ['resourceId', 'sg-0abc*'],
    ['resourceId', 'arn:aws:eks:*:cluster/dev-*'],
    ['resourceId', '*:cluster/dev-*'],
  ])('accepts %s %j (exact or a glob that can match)', (field, value) => {
    expect(create({ [field]: value })[field as 'region']).toBe(value);
    expect(fromConfig({ [field]: value })[0]?.[field as 'region']).toBe(value);
  });

  it('refuses ruleId "*" without a scope, explaining that it would silence everything', () => {
    const message = validationMessage(() => create({ ruleId: '*' }));
    expect(message).toMatch(/^scope: /);
    expect(message).toMatch(/every finding/);
    expect(message).toMatch(/"scope": "all"/);
    // A scope field that is itself "match anything" is no scope either.
    expect(validationMessage(() => create({ ruleId: '*', clusterName: '*', region: '**' }))).toMatch(
      /^scope: /,
    );
    expect(validationMessage(() => fromConfig({ ruleId: '*' }))).toMatch(/^suppressions\.0\.scope: /);
  });

  it('accepts ruleId "*" with an explicit "scope": "all", or with a real scope', () => {
    expect(create({ ruleId: '*', scope: 'all' })).toMatchObject({ ruleId: '*', scope: 'all' });
    expect(create({ ruleId: '*', clusterName: 'sandbox-*' }).clusterName).toBe('sandbox-*');
  });

  it('refuses "scope": "all" next to scope fields (it would claim more than it matches)', () => {
    expect(validationMessage(() => create({ ruleId: '*', scope: 'all', clusterName: 'dev' }))).toMatch(
      /^scope: "all" cannot be combined with clusterName/,
    );
    expect(validationMessage(() => create({ scope: 'everything' }))).toMatch(/^scope: /);
  });

  it('says a reason over 1,000 characters is too long instead of "is required"', () => {
    const message = validationMessage(() => create({ reason: 'x'.repeat(1001) }));
    expect(message).toBe('reason: must be at most 1000 characters (got 1001); shorten it');
    expect(create({ reason: 'x'.repeat(1000) }).reason).toHaveLength(1000);
  });
});
