/**
 * The deployment parameters of `serverless.yml` (`--param="name=value"`), checked when
 * packaging by `infra/plugins/validate-params.cjs`. A parameter that becomes a function's
 * environment is checked with the very schema the handler reads that variable with, so
 * a value that packages is a value the function starts with; the others (schedule, log
 * retention, API settings) are checked against what CloudFormation accepts.
 *
 * Not part of any Lambda bundle: only the packaging plugin and tests import it.
 */
import { closest, distance } from 'fastest-levenshtein';
import * as z from 'zod/mini';
import type { $ZodType } from 'zod/v4/core';
import { SEVERITIES } from '../core/model.ts';
import { envSchemas } from './env.ts';
import { parseConfigEnv } from './scan-vpc.ts';
import { webhookParameterNameSchema } from './slack-forwarder.ts';

/** One or more parameters are invalid; `problems` holds one line per parameter. */
export class DeployParameterError extends Error {
  override readonly name = 'DeployParameterError';
  constructor(
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`invalid deployment parameters:\n${problems.map((p) => `  ${p}`).join('\n')}`, options);
  }
}

interface ParameterCheck {
  schema: $ZodType;
  /** What a valid value looks like, when the schema's own message does not say it. */
  expected?: string;
}

/** CloudWatch Logs' allowed retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const emptyOr = (schema: $ZodType) => z.union([z.literal(''), schema]);
const oneOf = (...values: string[]) => z.enum(values as [string, ...string[]]);

/**
 * One schema per parameter, keyed by the parameter's name in `serverless.yml`. A new
 * parameter adds one entry here (a test checks the keys match `params.default`).
 */
export const DEPLOY_PARAMETER_SCHEMAS: Record<string, ParameterCheck> = {
  alertEmail: { schema: emptyOr(z.email()), expected: 'an e-mail address (or empty for none)' },
  // EventBridge schedule expressions: rate(1 hour) is singular, rate(6 hours) plural.
  schedule: {
    schema: z
      .string()
      .check(
        z.regex(
          /^(rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)|cron\(\S+( \S+){5}\))$/,
          'invalid',
        ),
      ),
    expected: 'an EventBridge schedule such as rate(6 hours) or cron(0 6 * * ? *)',
  },
  regions: {
    schema: envSchemas.regions.check(
      z.refine((value) => !/\s/.test(value), 'must be written without spaces, e.g. eu-west-1,us-east-1'),
    ),
  },
  notifyThreshold: { schema: envSchemas.severity, expected: `one of ${SEVERITIES.join(', ')} (upper case)` },
  // Checked by the scan-vpc handler's own parser (RULE_CONFIG), below.
  ruleConfig: { schema: z.string() },
  slackWebhookParameter: { schema: emptyOr(webhookParameterNameSchema) },
  retentionDays: { schema: envSchemas.retentionDays },
  logRetentionDays: {
    schema: z
      .string()
      .check(z.refine((value) => (LOG_RETENTION_DAYS as readonly number[]).includes(Number(value)))),
    expected: `one of ${LOG_RETENTION_DAYS.join(', ')} (the periods CloudWatch Logs offers)`,
  },
  deletionProtection: { schema: oneOf('true', 'false'), expected: '"true" or "false"' },
  // The scan function reads it as SECURITY_HUB with this very schema.
  securityHub: { schema: envSchemas.onOff, expected: '"true" or "false"' },
  apiAuth: { schema: oneOf('iam', 'jwt'), expected: '"iam" or "jwt"' },
  jwtIssuerUrl: { schema: emptyOr(z.url({ protocol: /^https$/ })), expected: 'an https URL (or empty)' },
  jwtAudience: { schema: z.string() },
  apiThrottleRate: {
    schema: z.coerce.number().check(z.positive(), z.maximum(10_000)),
    expected: 'a number of requests per second greater than 0 (at most 10000)',
  },
  apiThrottleBurst: {
    schema: z.coerce.number().check(z.int(), z.minimum(1), z.maximum(5_000)),
    expected: 'a whole number of requests from 1 to 5000',
  },
};

/** Prefix of the scan-vpc handler's RULE_CONFIG errors: the parameter's name replaces it. */
const RULE_CONFIG_PREFIX = /^environment variable RULE_CONFIG is invalid: /;

function checkOne(name: string, value: string, check: ParameterCheck, now: Date): string | undefined {
  const shown = JSON.stringify(value);
  const result = z.safeParse(check.schema, value);
  if (!result.success) {
    const message = check.expected
      ? `must be ${check.expected}`
      : (result.error.issues[0]?.message ?? 'invalid value');
    return `${name}: ${shown} ${message.startsWith('must') ? message : `is invalid: ${message}`}`;
  }
  if (name === 'ruleConfig') {
    try {
      parseConfigEnv(value, now);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return `${name}: ${message.replace(RULE_CONFIG_PREFIX, '')}`;
    }
  }
  return undefined;
}

/** Checks that involve several parameters. */
function crossChecks(values: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  if (values.apiAuth === 'jwt') {
    if (!values.jwtIssuerUrl)
      problems.push('jwtIssuerUrl: is required when apiAuth is jwt (the token issuer, an https URL)');
    if (!values.jwtAudience)
      problems.push('jwtAudience: is required when apiAuth is jwt (the audience the tokens carry)');
  }
  return problems;
}

/**
 * Validates the effective parameters (CLI `--param` over `params.<stage>` over
 * `params.default`). `now` dates the check of config-file suppressions' expiry.
 * @throws DeployParameterError listing every bad parameter, one line each.
 */
export function validateDeployParameters(
  values: Readonly<Record<string, unknown>>,
  now: Date = new Date(),
): void {
  const known = Object.keys(DEPLOY_PARAMETER_SCHEMAS);
  const strings: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(values)) {
    const value = raw === null || raw === undefined ? '' : String(raw);
    strings[name] = value;
    const check = DEPLOY_PARAMETER_SCHEMAS[name];
    if (!check) {
      const near = closest(name, known);
      const hint =
        distance(name, near) <= Math.max(2, Math.floor(name.length / 4)) ? `; did you mean ${near}?` : '';
      problems.push(`${name}: unknown parameter${hint} (known: ${known.join(', ')})`);
      continue;
    }
    const problem = checkOne(name, value, check, now);
    if (problem) problems.push(problem);
  }
  problems.push(...crossChecks(strings));
  if (problems.length > 0) throw new DeployParameterError(problems);
}
