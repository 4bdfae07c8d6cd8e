/**
 * Zod schemas of every API input (query strings, path parameters, bodies) and output.
 * The router validates with them and `openapi.ts` documents them, so the two cannot drift.
 */
import * as z from 'zod/mini';
import { SEVERITIES } from '../model.ts';
import { RULE_CATALOG } from '../rules/catalog.generated.ts';
import { suppressionRequestSchema } from '../suppression.ts';
// zod/mini (see ../zod-english.ts): the api bundle loads no classic zod. `z.describe` is a
// check that registers the description on the new schema, as classic `.describe()` does.
import '../zod-english.ts';

export const FINDING_STATUSES = ['OPEN', 'RESOLVED', 'SUPPRESSED'] as const;
export const SCAN_STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'] as const;
/** Orders of `GET /findings`: newest change first (default), or worst severity, then cluster. */
export const FINDING_SORTS = ['newest', 'severity'] as const;
/** Longest free-text search of `GET /findings?q=`. */
export const MAX_SEARCH_LENGTH = 100;
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
/** Largest request body accepted (bytes, after base64 decoding). */
export const MAX_BODY_BYTES = 64 * 1024;

// The generated metadata catalog, not the registry: the API bundle carries no rule code.
const RULE_IDS = RULE_CATALOG.map((rule) => rule.id) as [string, ...string[]];
const oneOf = (values: readonly string[]) => `must be one of ${values.join(', ')}`;

const regionSchema = z
  .string()
  .check(
    z.regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be an AWS region such as eu-west-1'),
    z.describe('AWS region'),
  );
const accountSchema = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));
const clusterNameSchema = z
  .string()
  .check(
    z.regex(
      /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/,
      'must be an EKS cluster name (letters, digits, "-", "_"; max 100)',
    ),
  );
const cursorSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(1024), z.describe('nextCursor of the previous page, unchanged'));
const limitMessage = `must be a whole number from 1 to ${MAX_LIMIT}`;
const limitSchema = z
  ._default(
    z.coerce
      .number({ error: limitMessage })
      .check(z.int(limitMessage), z.minimum(1, limitMessage), z.maximum(MAX_LIMIT, limitMessage)),
    DEFAULT_LIMIT,
  )
  .check(z.describe(`page size, 1-${MAX_LIMIT}`));
/** Ids in paths: generous on purpose so an unknown id is a 404, but never arbitrary text. */
const idSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be an id (letters, digits, ".", "_", ":", "-")'));

// ---------------------------------------------------------------------------------------
// Inputs

/** Query of `GET /findings`. Unknown parameters are rejected so a typo never widens the result. */
export const listFindingsQuerySchema = z.strictObject({
  status: z.optional(z.enum(FINDING_STATUSES, { error: oneOf(FINDING_STATUSES) })),
  severity: z.optional(z.enum(SEVERITIES, { error: oneOf(SEVERITIES) })),
  cluster: z.optional(clusterNameSchema).check(z.describe('EKS cluster name')),
  rule: z.optional(z.enum(RULE_IDS, { error: 'must be a rule id of GET /rules' })),
  region: z.optional(regionSchema),
  account: z.optional(accountSchema).check(z.describe('AWS account id')),
  q: z
    .optional(
      z
        .string()
        .check(
          z.minLength(1, `must be 1 to ${MAX_SEARCH_LENGTH} characters`),
          z.maxLength(MAX_SEARCH_LENGTH, `must be 1 to ${MAX_SEARCH_LENGTH} characters`),
        ),
    )
    .check(z.describe('text the resource id or the title contains (case-insensitive)')),
  sort: z
    .optional(z.enum(FINDING_SORTS, { error: oneOf(FINDING_SORTS) }))
    .check(z.describe('newest (default): newest change first; severity: worst first, then cluster')),
  limit: limitSchema,
  cursor: z.optional(cursorSchema),
});

export const listScansQuerySchema = z.strictObject({
  limit: limitSchema,
  cursor: z.optional(cursorSchema),
});

export const listClustersQuerySchema = z.strictObject({
  includeDeleted: z
    .optional(z.enum(['true', 'false'], { error: 'must be true or false' }))
    .check(z.describe('also list clusters found deleted (default false)')),
  limit: limitSchema,
  cursor: z.optional(cursorSchema),
});

export const listSuppressionsQuerySchema = z.strictObject({
  limit: limitSchema,
  cursor: z.optional(cursorSchema),
});

export const noQuerySchema = z.strictObject({});

export const idPathSchema = z.strictObject({ id: idSchema });

/** Body of `POST /scans`: nothing (everything), a region, or a cluster (in a region). */
export const scanRequestBodySchema = z.strictObject({
  region: z.optional(regionSchema),
  cluster: z.optional(clusterNameSchema),
});

export { suppressionRequestSchema };

// ---------------------------------------------------------------------------------------
// Outputs (documentation and tests; the router builds these shapes)

const int = () => z.number().check(z.int());
const severityCounts = z.strictObject(Object.fromEntries(SEVERITIES.map((s) => [s, int()])));
const isoTime = z.string().check(z.describe('ISO-8601 UTC time'));
const optionalString = () => z.optional(z.string());

export const findingSchema = z
  .object({
    id: z.string(),
    ruleId: z.string(),
    severity: z.enum(SEVERITIES),
    title: z.string(),
    accountId: z.string(),
    region: z.string(),
    clusterName: z.string(),
    resourceType: z.string(),
    resourceId: z.string(),
    evidence: z.record(z.string(), z.unknown()),
    remediation: z.string(),
    references: z.array(z.string()),
    status: z.enum(FINDING_STATUSES),
    firstSeenAt: isoTime,
    lastSeenAt: isoTime,
    resolvedAt: z.optional(isoTime),
    resolvedReason: z.optional(z.enum(['fixed', 'cluster-deleted'])),
    reopenedCount: int(),
    suppressionId: optionalString(),
    updatedAt: isoTime,
  })
  .check(z.describe('A finding with its lifecycle'));

export const clusterSummarySchema = z
  .object({
    accountId: z.string(),
    region: z.string(),
    clusterName: z.string(),
    clusterArn: optionalString(),
    vpcId: optionalString(),
    openCounts: severityCounts.check(z.describe('OPEN findings by severity')),
    openTotal: int(),
    suppressedCount: int(),
    notJudged: z
      .array(z.object({ ruleId: z.string(), reason: z.string() }))
      .check(
        z.describe(
          'rules the newest scan could not judge for the cluster, with why (neither a finding nor a pass)',
        ),
      ),
    lastScanAt: z.optional(isoTime),
    lastScanId: optionalString(),
    lastCompleteScanAt: z
      .optional(isoTime)
      .check(z.describe('snapshot time of the newest scan in which every rule ran')),
    lastCompleteScanId: optionalString(),
    deletedAt: z.optional(isoTime),
  })
  .check(z.describe('A cluster with its open findings by severity and its last complete scan'));

export const ruleSchema = z.object({
  id: z.string(),
  severity: z.enum(SEVERITIES),
  severities: z.array(z.enum(SEVERITIES)),
  title: z.string(),
  description: z.string(),
  risk: optionalString(),
  remediation: z.string(),
  references: z.array(z.string()),
  resourceType: z.string(),
});

const scanErrorSchema = z.object({
  message: z.string(),
  region: optionalString(),
  clusterName: optionalString(),
  operation: optionalString(),
  ruleId: optionalString(),
});

export const scanSchema = z.object({
  scanId: z.string(),
  status: z.enum(SCAN_STATUSES),
  trigger: z.string(),
  target: z.optional(z.object({ region: optionalString(), clusterName: optionalString() })),
  startedAt: z.optional(isoTime),
  finishedAt: z.optional(isoTime),
  counts: severityCounts.check(z.describe('findings the scan reported, by severity')),
  progress: z
    .object({
      clustersDone: int(),
      clustersTotal: z.nullable(int()).check(z.describe('null while the clusters are still being enqueued')),
    })
    .check(z.describe('clusters done so far out of the clusters the scan covers')),
  clusters: z.array(
    z.object({
      accountId: z.string(),
      region: z.string(),
      clusterName: z.string(),
      outcome: z.string(),
      reason: optionalString(),
      counts: severityCounts,
    }),
  ),
  errors: z.array(scanErrorSchema),
});

export const scanListItemSchema = z
  .object({
    scanId: z.string(),
    status: z.enum(SCAN_STATUSES),
    trigger: z.string(),
    target: z.optional(z.object({ region: optionalString(), clusterName: optionalString() })),
    accountId: optionalString(),
    startedAt: z.optional(isoTime),
    finishedAt: z.optional(isoTime),
    openCounts: z
      .optional(severityCounts)
      .check(z.describe('OPEN findings by severity over every cluster once the scan was final (the trend)')),
    errorCount: int().check(z.describe('scan-level errors; GET /scans/{id} has every error')),
  })
  .check(z.describe('A scan as listed: its header, without its clusters'));

/** What the console needs to know about the API it talks to. */
export const settingsSchema = z.object({
  maxSuppressionDays: int().check(z.describe('longest suppression POST /suppressions accepts, in days')),
  defaultSuppressionDays: int().check(z.describe('expiry the console proposes, in days')),
});

export const scanAcceptedSchema = z.object({ scanId: z.string() });

export const suppressionSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  accountId: optionalString(),
  region: optionalString(),
  clusterName: optionalString(),
  resourceId: optionalString(),
  scope: z.optional(z.literal('all')).check(z.describe('set when the waiver deliberately covers everything')),
  reason: z.string(),
  expiresAt: isoTime,
  createdBy: z.string(),
  createdAt: isoTime,
  source: z.enum(['api', 'config']),
});

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

/** `{ items, nextCursor }` around an item schema. */
export function listOf<T extends z.ZodMiniType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });
}
