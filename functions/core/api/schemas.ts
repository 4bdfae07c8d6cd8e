/**
 * Zod schemas of every API input (query strings, path parameters, bodies) and output.
 * The router validates with them and `openapi.ts` documents them, so the two cannot drift.
 */
import * as z from 'zod';
import { SEVERITIES } from '../model.ts';
import { RULES } from '../rules/index.ts';
import { suppressionRequestSchema } from '../suppression.ts';

export const FINDING_STATUSES = ['OPEN', 'RESOLVED', 'SUPPRESSED'] as const;
export const SCAN_STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'] as const;
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
/** Largest request body accepted (bytes, after base64 decoding). */
export const MAX_BODY_BYTES = 64 * 1024;

const RULE_IDS = RULES.map((rule) => rule.id) as [string, ...string[]];
const oneOf = (values: readonly string[]) => `must be one of ${values.join(', ')}`;

const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be an AWS region such as eu-west-1')
  .describe('AWS region');
const accountSchema = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const clusterNameSchema = z
  .string()
  .regex(
    /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/,
    'must be an EKS cluster name (letters, digits, "-", "_"; max 100)',
  );
const cursorSchema = z.string().min(1).max(1024).describe('nextCursor of the previous page, unchanged');
const limitSchema = z.coerce
  .number({ error: `must be a whole number from 1 to ${MAX_LIMIT}` })
  .int(`must be a whole number from 1 to ${MAX_LIMIT}`)
  .min(1, `must be a whole number from 1 to ${MAX_LIMIT}`)
  .max(MAX_LIMIT, `must be a whole number from 1 to ${MAX_LIMIT}`)
  .default(DEFAULT_LIMIT)
  .describe(`page size, 1-${MAX_LIMIT}`);
/** Ids in paths: generous on purpose so an unknown id is a 404, but never arbitrary text. */
const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be an id (letters, digits, ".", "_", ":", "-")');

// ---------------------------------------------------------------------------------------
// Inputs

/** Query of `GET /findings`. Unknown parameters are rejected so a typo never widens the result. */
export const listFindingsQuerySchema = z
  .object({
    status: z.enum(FINDING_STATUSES, { error: oneOf(FINDING_STATUSES) }).optional(),
    severity: z.enum(SEVERITIES, { error: oneOf(SEVERITIES) }).optional(),
    cluster: clusterNameSchema.optional().describe('EKS cluster name'),
    rule: z.enum(RULE_IDS, { error: 'must be a rule id of GET /rules' }).optional(),
    region: regionSchema.optional(),
    account: accountSchema.optional().describe('AWS account id'),
    limit: limitSchema,
    cursor: cursorSchema.optional(),
  })
  .strict();

export const listClustersQuerySchema = z
  .object({
    includeDeleted: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .optional()
      .describe('also list clusters found deleted (default false)'),
    limit: limitSchema,
    cursor: cursorSchema.optional(),
  })
  .strict();

export const listSuppressionsQuerySchema = z
  .object({ limit: limitSchema, cursor: cursorSchema.optional() })
  .strict();

export const noQuerySchema = z.object({}).strict();

export const idPathSchema = z.object({ id: idSchema }).strict();

/** Body of `POST /scans`: nothing (everything), a region, or a cluster (in a region). */
export const scanRequestBodySchema = z
  .object({
    region: regionSchema.optional(),
    cluster: clusterNameSchema.optional(),
  })
  .strict();

export { suppressionRequestSchema };

// ---------------------------------------------------------------------------------------
// Outputs (documentation and tests; the router builds these shapes)

const severityCounts = z.object(Object.fromEntries(SEVERITIES.map((s) => [s, z.number().int()]))).strict();
const isoTime = z.string().describe('ISO-8601 UTC time');

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
    resolvedAt: isoTime.optional(),
    resolvedReason: z.enum(['fixed', 'cluster-deleted']).optional(),
    reopenedCount: z.number().int(),
    suppressionId: z.string().optional(),
    updatedAt: isoTime,
  })
  .describe('A finding with its lifecycle');

export const clusterSummarySchema = z
  .object({
    accountId: z.string(),
    region: z.string(),
    clusterName: z.string(),
    clusterArn: z.string().optional(),
    vpcId: z.string().optional(),
    openCounts: severityCounts.describe('OPEN findings by severity'),
    openTotal: z.number().int(),
    suppressedCount: z.number().int(),
    lastScanAt: isoTime.optional(),
    lastScanId: z.string().optional(),
    lastCompleteScanAt: isoTime
      .optional()
      .describe('snapshot time of the newest scan in which every rule ran'),
    lastCompleteScanId: z.string().optional(),
    deletedAt: isoTime.optional(),
  })
  .describe('A cluster with its open findings by severity and its last complete scan');

export const ruleSchema = z.object({
  id: z.string(),
  severity: z.enum(SEVERITIES),
  severities: z.array(z.enum(SEVERITIES)),
  title: z.string(),
  description: z.string(),
  remediation: z.string(),
  references: z.array(z.string()),
  resourceType: z.string(),
});

const scanErrorSchema = z.object({
  message: z.string(),
  region: z.string().optional(),
  clusterName: z.string().optional(),
  operation: z.string().optional(),
  ruleId: z.string().optional(),
});

export const scanSchema = z.object({
  scanId: z.string(),
  status: z.enum(SCAN_STATUSES),
  trigger: z.string(),
  target: z.object({ region: z.string().optional(), clusterName: z.string().optional() }).optional(),
  startedAt: isoTime.optional(),
  finishedAt: isoTime.optional(),
  counts: severityCounts.describe('findings the scan reported, by severity'),
  progress: z
    .object({
      clustersDone: z.number().int(),
      clustersTotal: z.number().int().nullable().describe('null while the clusters are still being enqueued'),
    })
    .describe('clusters done so far out of the clusters the scan covers'),
  clusters: z.array(
    z.object({
      accountId: z.string(),
      region: z.string(),
      clusterName: z.string(),
      outcome: z.string(),
      reason: z.string().optional(),
      counts: severityCounts,
    }),
  ),
  errors: z.array(scanErrorSchema),
});

export const scanAcceptedSchema = z.object({ scanId: z.string() });

export const suppressionSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  accountId: z.string().optional(),
  region: z.string().optional(),
  clusterName: z.string().optional(),
  resourceId: z.string().optional(),
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
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
