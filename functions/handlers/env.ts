/**
 * Environment configuration of the Lambda handlers: read once at cold start, validated
 * with zod, failing fast with the name of the bad variable.
 */
import * as z from 'zod/mini';
import type { $ZodShape } from 'zod/v4/core';
import { SEVERITIES } from '../core/model.ts';
// zod/mini (see core/zod-english.ts): this module is in every SDK-side Lambda bundle.
import '../core/zod-english.ts';

export class HandlerConfigError extends Error {
  override readonly name = 'HandlerConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export const envSchemas = {
  queueUrl: z.url({ protocol: /^https?$/, error: 'must be the SQS queue URL' }),
  tableName: z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')),
  topicArn: z
    .string()
    .check(z.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:.+$/, 'must be an SNS topic ARN')),
  severity: z.enum(SEVERITIES),
  /** `all`, or a comma-separated list of region names. */
  regions: z.string().check(
    z.trim(),
    z.refine(
      (s) => s === 'all' || s.split(',').every((r) => /^[a-z]{2}(-[a-z]+)+-\d+$/.test(r.trim())),
      'must be "all" or a comma-separated list of regions such as eu-west-1,us-east-1',
    ),
  ),
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region')),
  /** Days RESOLVED findings and scan records are kept (DynamoDB TTL); the `retentionDays` parameter. */
  retentionDays: z.coerce
    .number({ error: 'must be a whole number of days' })
    .check(
      z.int('must be a whole number of days'),
      z.minimum(1, 'must be at least 1 day'),
      z.maximum(3650, 'must be at most 3650 days'),
    ),
  optionalUrl: z.optional(z.url({ protocol: /^https?$/ })),
  /** A switch written as the deploy parameters write it: `true` or `false`, nothing else. */
  onOff: z.enum(['true', 'false'], { error: 'must be "true" or "false"' }),
};

/**
 * Validates `env` against `shape` (keys are variable names).
 * @throws HandlerConfigError naming the first bad variable and what it must be.
 */
export function readEnv<S extends $ZodShape>(
  shape: S,
  env: Record<string, string | undefined>,
): z.infer<z.ZodMiniObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue?.path.map(String).join('.') ?? '(unknown)';
  const value = issue ? env[name] : undefined;
  const what = value === undefined ? 'is not set' : `is invalid: ${issue?.message ?? 'invalid value'}`;
  throw new HandlerConfigError(`environment variable ${name} ${what}`, { cause: result.error });
}

/** Splits `SCAN_REGIONS`; `all` → undefined (the caller lists enabled regions). */
export function parseRegionList(value: string): string[] | undefined {
  if (value.trim() === 'all') return undefined;
  return [
    ...new Set(
      value
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    ),
  ];
}
