/**
 * Suppressions: waivers of known exceptions, each with a reason, an expiry and a creator.
 * A live (unexpired) suppression that matches a finding makes it SUPPRESSED and silent;
 * once it expires the next scan reopens the finding (UNSUPPRESSED) and alerts again.
 *
 * Pure: the clock (`now`) is always passed in.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { $ZodType } from 'zod/v4/core';
import type { Finding } from './model.ts';
import { scopeChecks, scopeProblem } from './suppression-scope.ts';
// zod/mini (see zod-english.ts): these schemas are in the api and scan-cluster bundles.
import './zod-english.ts';

/** Default and hard ceiling for how far ahead a suppression may expire. */
export const DEFAULT_MAX_SUPPRESSION_DAYS = 365;

const DAY_MS = 86_400_000;

/** A stored waiver. Scope fields are exact values or `*` globs; an absent field matches anything. */
export interface Suppression {
  id: string;
  /** Rule id, `*`, or a glob such as `sg-*`. */
  ruleId: string;
  accountId?: string;
  region?: string;
  clusterName?: string;
  /** Exact resource id or a `*` glob (e.g. `sg-0abc*`, `arn:aws:eks:*:cluster/dev-*`). */
  resourceId?: string;
  /** `all`: the creator said the waiver covers every account, region, cluster and resource. */
  scope?: 'all';
  reason: string;
  /** ISO-8601 UTC instant; the suppression stops matching at this instant. */
  expiresAt: string;
  createdBy: string;
  createdAt: string;
  source: 'api' | 'config';
}

/** A suppression request or config entry failed validation; the message is one line naming the field. */
export class SuppressionValidationError extends Error {
  override readonly name = 'SuppressionValidationError';
  constructor(
    message: string,
    readonly field: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const isoDateTime = z.iso.datetime({ offset: true });

/**
 * An expiry given as an ISO date-time with offset (`2026-06-30T12:00:00Z`) or as a date
 * (`2026-06-30`, read as the END of that UTC day — "expires 30 June" means it still
 * covers 30 June). Normalised to a UTC ISO string.
 */
const expiresAtSchema = z.pipe(
  z.string().check(
    z.trim(),
    z.refine((value) => DATE_ONLY.test(value) || isoDateTime.safeParse(value).success, {
      message: 'must be an ISO-8601 date-time with offset (e.g. 2026-06-30T00:00:00Z) or a date (2026-06-30)',
    }),
    // JavaScript's Date rolls 2026-02-30 over to March 2; reject impossible dates instead.
    z.refine(isRealCalendarDate, { message: 'is not a real calendar date' }),
  ),
  z.transform((value: string) => {
    const instant = DATE_ONLY.test(value) ? new Date(`${value}T23:59:59.999Z`) : new Date(value);
    return instant.toISOString();
  }),
);

function isRealCalendarDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  if (!year || !month || !day) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth;
}

/** Scope values: no whitespace; `*` is the only wildcard. */
const scopeValue = (...checks: z.core.$ZodCheck<string>[]) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'must not be empty (omit the key to match any value)'),
      z.maxLength(2048),
      z.regex(/^\S+$/, 'must not contain whitespace'),
      ...checks,
    );

const REASON_MAX = 1000;

const suppressionFields = {
  ruleId: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'is required (a rule id such as "sg-open-ingress", or "*")'),
      z.regex(/^[a-z0-9*-]+$/, 'must be a rule id such as "sg-open-ingress", a "*" glob, or "*"'),
    ),
  accountId: z.optional(scopeValue(...scopeChecks('accountId'))),
  region: z.optional(scopeValue(...scopeChecks('region'))),
  clusterName: z.optional(scopeValue(...scopeChecks('clusterName'))),
  resourceId: z.optional(scopeValue(...scopeChecks('resourceId'))),
  /** Required, as a deliberate "yes, everything", for `ruleId: "*"` without a scope field. */
  scope: z.optional(z.literal('all', { error: 'must be "all" (or left out)' })),
  reason: z.string({ error: 'is required: say why this finding is accepted' }).check(
    z.trim(),
    z.minLength(1, 'is required: say why this finding is accepted'),
    // Its own message: without one the schema-level "is required" above would answer.
    z.maxLength(REASON_MAX, {
      error: (issue) =>
        `must be at most ${REASON_MAX} characters (got ${String(issue.input).length}); shorten it`,
    }),
  ),
  expiresAt: expiresAtSchema,
};

/** The scope as a whole must say what it waives (see {@link scopeProblem}). */
const coherentScope = z.superRefine((value: Parameters<typeof scopeProblem>[0], context) => {
  const message = scopeProblem(value);
  if (message) context.issues.push({ code: 'custom', message, path: ['scope'], input: value });
});

/** Body of `POST /suppressions`. Unknown keys are rejected so typos (`expiry`) are not silently ignored. */
export const suppressionRequestSchema = z.strictObject(suppressionFields).check(coherentScope);
export type SuppressionRequest = z.infer<typeof suppressionRequestSchema>;

/**
 * One entry of the `suppressions:` list in the config file (suppressions kept in git).
 * An optional `id` keeps the identity stable when an entry is edited.
 */
export const configSuppressionSchema = z
  .strictObject({
    id: z.optional(
      z.string().check(z.regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_", "-" (max 64)')),
    ),
    ...suppressionFields,
  })
  .check(coherentScope);
export type ConfigSuppression = z.infer<typeof configSuppressionSchema>;

export interface CreateSuppressionOptions {
  now: Date;
  createdBy: string;
  /** Defaults to {@link DEFAULT_MAX_SUPPRESSION_DAYS}. */
  maxDays?: number;
  /** When given, the rule id (or glob) must name at least one of these rules. */
  knownRuleIds?: readonly string[];
}

/**
 * Validates a `POST /suppressions` body against `now` and returns the suppression to store.
 * Rules: reason non-empty; expiry required, in the future, at most `maxDays` from now.
 * The id is DETERMINISTIC: `sup-` + 24 hex of SHA-256 over (scope, reason, expiry, creator,
 * creation time), so a retried request with the same inputs yields the same id.
 *
 * @throws {SuppressionValidationError} with a one-line message naming the field.
 */
export function createSuppression(request: unknown, options: CreateSuppressionOptions): Suppression {
  const parsed = parseOrThrow(suppressionRequestSchema, request, '');
  const createdAt = options.now.toISOString();
  checkExpiry(parsed.expiresAt, options.now, options.maxDays ?? DEFAULT_MAX_SUPPRESSION_DAYS, 'expiresAt');
  checkRuleId(parsed.ruleId, options.knownRuleIds, 'ruleId');
  const body = withoutUndefined({
    ...parsed,
    createdBy: options.createdBy,
    createdAt,
    source: 'api' as const,
  });
  return { id: `sup-${digest(body)}`, ...body };
}

export interface ConfigSuppressionOptions {
  now: Date;
  maxDays?: number;
  knownRuleIds?: readonly string[];
}

/**
 * Turns the config file's `suppressions:` entries into suppressions (`source: 'config'`,
 * `createdBy: 'config-file'`). An expiry further than `maxDays` from `now` is rejected
 * (a waiver must be reviewed at least that often); an entry that has already EXPIRED is
 * kept — it simply matches nothing, so its findings reopen and alert, which is the point.
 * Ids are deterministic (`cfg-` + hash of scope) unless the entry gives one, so the same
 * entry keeps its id across scans. `createdAt` is `now` (load time): git holds the real history.
 *
 * @throws {SuppressionValidationError} naming `suppressions.<index>.<field>`.
 */
export function suppressionsFromConfig(entries: unknown, options: ConfigSuppressionOptions): Suppression[] {
  const parsed = parseOrThrow(z.array(configSuppressionSchema), entries ?? [], 'suppressions');
  const maxDays = options.maxDays ?? DEFAULT_MAX_SUPPRESSION_DAYS;
  const seen = new Set<string>();
  return parsed.map((entry, index) => {
    const where = `suppressions.${index}`;
    const latest = options.now.getTime() + maxDays * DAY_MS;
    if (Date.parse(entry.expiresAt) > latest) {
      throw new SuppressionValidationError(
        `${where}.expiresAt: ${entry.expiresAt} is more than ${maxDays} days away; pick an earlier expiry`,
        `${where}.expiresAt`,
      );
    }
    checkRuleId(entry.ruleId, options.knownRuleIds, `${where}.ruleId`);
    const { id: givenId, ...fields } = entry;
    const scope = withoutUndefined(fields);
    const id = givenId ?? `cfg-${digest({ ...scope, reason: undefined, expiresAt: undefined })}`;
    if (seen.has(id)) {
      throw new SuppressionValidationError(
        `${where}: duplicate suppression id "${id}" (two entries with the same scope; merge them or give each an id)`,
        `${where}.id`,
      );
    }
    seen.add(id);
    return {
      id,
      ...scope,
      createdBy: 'config-file',
      createdAt: options.now.toISOString(),
      source: 'config' as const,
    };
  });
}

/** Whether a suppression is still in force at `now` (expiry is exclusive). */
export function isSuppressionLive(suppression: Suppression, now: Date): boolean {
  const expires = Date.parse(suppression.expiresAt);
  return Number.isFinite(expires) && expires > now.getTime();
}

/**
 * The live suppression that covers `finding`, if any. Rule id and each scope field are
 * exact values or `*` globs; an absent scope field matches any value. When several match,
 * the one that expires LAST wins (ties broken by id) so the reported waiver is stable.
 */
export function findMatchingSuppression(
  finding: Finding,
  suppressions: readonly Suppression[],
  now: Date,
): Suppression | undefined {
  let best: Suppression | undefined;
  for (const suppression of suppressions) {
    if (!isSuppressionLive(suppression, now) || !suppressionMatches(suppression, finding)) continue;
    if (!best || compareForPick(suppression, best) > 0) best = suppression;
  }
  return best;
}

/** Scope match only (ignores expiry). */
export function suppressionMatches(suppression: Suppression, finding: Finding): boolean {
  return (
    globMatch(suppression.ruleId, finding.ruleId) &&
    optionalMatch(suppression.accountId, finding.accountId) &&
    optionalMatch(suppression.region, finding.region) &&
    optionalMatch(suppression.clusterName, finding.clusterName) &&
    optionalMatch(suppression.resourceId, finding.resourceId)
  );
}

/** Case-sensitive glob where `*` matches any run of characters (including `/` and `:`) and nothing else is special. */
export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
}

function optionalMatch(pattern: string | undefined, value: string): boolean {
  return pattern === undefined || globMatch(pattern, value);
}

function compareForPick(a: Suppression, b: Suppression): number {
  const byExpiry = Date.parse(a.expiresAt) - Date.parse(b.expiresAt);
  if (byExpiry !== 0) return byExpiry;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function checkExpiry(expiresAt: string, now: Date, maxDays: number, field: string): void {
  const expires = Date.parse(expiresAt);
  if (expires <= now.getTime()) {
    throw new SuppressionValidationError(
      `${field}: ${expiresAt} is not in the future (now is ${now.toISOString()})`,
      field,
    );
  }
  if (expires > now.getTime() + maxDays * DAY_MS) {
    throw new SuppressionValidationError(
      `${field}: ${expiresAt} is more than ${maxDays} days away; pick an earlier expiry`,
      field,
    );
  }
}

function checkRuleId(ruleId: string, known: readonly string[] | undefined, field: string): void {
  if (!known || ruleId === '*') return;
  if (known.some((id) => globMatch(ruleId, id))) return;
  throw new SuppressionValidationError(
    `${field}: "${ruleId}" matches no rule (see GET /rules or \`eks-netguard rules\`)`,
    field,
  );
}

function parseOrThrow<T>(schema: $ZodType<T>, input: unknown, prefix: string): T {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter((part) => part !== '').join('.');
  const field = path || '(body)';
  let message = issue?.message ?? 'invalid value';
  if (issue?.code === 'unrecognized_keys')
    message = `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  else if (issue?.code === 'invalid_type' && /received undefined$/.test(issue.message))
    message = 'is required';
  else if (issue?.code === 'invalid_type' && issue.expected === 'object') message = 'expected a JSON object';
  else if (issue?.code === 'invalid_type' && issue.expected === 'array') message = 'expected a list';
  throw new SuppressionValidationError(`${field}: ${message}`, field, { cause: result.error });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function digest(value: object): string {
  const canonical = JSON.stringify(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 24);
}
