/**
 * Rule configuration: defaults, the schema of the config file (JSON or YAML), and
 * validation that names the offending key.
 */
import * as z from 'zod/mini';
import type { $ZodError } from 'zod/v4/core';
import { type RuleConfig, SEVERITIES, type Severity } from './model.ts';
import { configSuppressionSchema } from './suppression.ts';
// zod/mini (see zod-english.ts): the config schema is in the scan-cluster bundle.
import './zod-english.ts';

export const DEFAULT_RULE_CONFIG: RuleConfig = {
  minPublicCidrPrefix: 16,
  minPublicIpv6Prefix: 32,
  allowedPublicCidrs: [],
  ephemeralPorts: { from: 32768, to: 60999 },
  ipExhaustion: { highFreeBelow: 6, highPercentBelow: 5, mediumFreeBelow: 16, mediumPercentBelow: 15 },
  requiredVpcEndpoints: ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts'],
  // The spellings teams use for "which engine enforces NetworkPolicy" (value e.g. calico).
  networkPolicyEngineTagKeys: [
    'network-policy-engine',
    'network-policy',
    'networkPolicyEngine',
    'policy-engine',
  ],
  podSecurityGroupUnsupportedFamilies: [
    't1',
    't2',
    't3',
    't3a',
    't4g',
    'm1',
    'm2',
    'm3',
    'm4',
    'c1',
    'c3',
    'c4',
    'r3',
    'r4',
    'x1',
    'x1e',
    'i2',
    'i3',
    'd2',
    'p2',
    'g2',
    'g3',
    'g3s',
  ],
  disabledRules: [],
  severityOverrides: {},
};

const severitySchema = z.enum(SEVERITIES);
const percent = z.number().check(z.minimum(0), z.maximum(100));
const count = z.number().check(z.int(), z.minimum(0));

/** Schema of the rule section of the config file; every key optional (defaults above). */
export const ruleConfigFileSchema = z.strictObject({
  minPublicCidrPrefix: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(32))),
  minPublicIpv6Prefix: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(128))),
  allowedPublicCidrs: z.optional(z.array(z.string().check(z.minLength(1)))),
  ephemeralPorts: z.optional(
    z
      .strictObject({
        from: z.number().check(z.int(), z.minimum(0), z.maximum(65535)),
        to: z.number().check(z.int(), z.minimum(0), z.maximum(65535)),
      })
      .check(z.refine((range) => range.from <= range.to, 'from must not exceed to')),
  ),
  ipExhaustion: z.optional(
    z.strictObject({
      highFreeBelow: z.optional(count),
      highPercentBelow: z.optional(percent),
      mediumFreeBelow: z.optional(count),
      mediumPercentBelow: z.optional(percent),
    }),
  ),
  requiredVpcEndpoints: z.optional(
    z.array(z.string().check(z.regex(/^[a-z0-9.-]+$/, 'service names such as "ecr.api"'))),
  ),
  networkPolicyEngineTagKeys: z.optional(z.array(z.string().check(z.minLength(1)))),
  podSecurityGroupUnsupportedFamilies: z.optional(
    z.array(z.string().check(z.regex(/^[a-z0-9*-]+$/, 'instance families such as "t3"'))),
  ),
  disabledRules: z.optional(z.array(z.string())),
  severityOverrides: z.optional(z.record(z.string(), severitySchema)),
});

export type RuleConfigFile = z.infer<typeof ruleConfigFileSchema>;

/** Merges a validated config-file section over the defaults. */
export function mergeRuleConfig(
  file: RuleConfigFile | undefined,
  base: RuleConfig = DEFAULT_RULE_CONFIG,
): RuleConfig {
  if (!file) return base;
  return {
    ...base,
    ...file,
    ipExhaustion: { ...base.ipExhaustion, ...file.ipExhaustion },
    severityOverrides: { ...base.severityOverrides, ...file.severityOverrides },
  } as RuleConfig;
}

/** Formats the first zod issue as `key.path: message`, the one line a user needs. */
export function describeZodError(error: $ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: string[] }).keys ?? [];
    const where = issue.path.length > 0 ? `${path}: ` : '';
    return `${where}unknown key ${keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return `${path}: ${issue.message}`;
}

/**
 * Schema of the whole config file (`--config`, JSON or YAML). Rule keys sit at the top
 * level; other sections (suppressions, alerting) extend this schema where they are defined.
 */
export const configFileSchema = z.extend(ruleConfigFileSchema, {
  /** Suppressions kept in git (see `suppression.ts`). */
  suppressions: z.optional(z.array(configSuppressionSchema)),
  /** Transitions below this severity are stored but not alerted. */
  notifyThreshold: z.optional(severitySchema),
  /** Ceiling for suppression expiry, in days from now (API and config file alike). */
  maxSuppressionDays: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(3650))),
});
export type ConfigFile = z.infer<typeof configFileSchema>;

/** Default notify threshold: MEDIUM and above are alerted. */
export const DEFAULT_NOTIFY_THRESHOLD: Severity = 'MEDIUM';
