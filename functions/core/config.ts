/**
 * Rule configuration: defaults, the schema of the config file (JSON or YAML), and
 * validation that names the offending key.
 */
import * as z from 'zod';
import { type RuleConfig, SEVERITIES, type Severity } from './model.ts';
import { configSuppressionSchema } from './suppression.ts';

export const DEFAULT_RULE_CONFIG: RuleConfig = {
  minPublicCidrPrefix: 16,
  allowedPublicCidrs: [],
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
const percent = z.number().min(0).max(100);
const count = z.number().int().min(0);

/** Schema of the rule section of the config file; every key optional (defaults above). */
export const ruleConfigFileSchema = z
  .object({
    minPublicCidrPrefix: z.number().int().min(0).max(32),
    allowedPublicCidrs: z.array(z.string().min(1)),
    ipExhaustion: z
      .object({
        highFreeBelow: count,
        highPercentBelow: percent,
        mediumFreeBelow: count,
        mediumPercentBelow: percent,
      })
      .partial()
      .strict(),
    requiredVpcEndpoints: z.array(z.string().regex(/^[a-z0-9.-]+$/, 'service names such as "ecr.api"')),
    networkPolicyEngineTagKeys: z.array(z.string().min(1)),
    podSecurityGroupUnsupportedFamilies: z.array(
      z.string().regex(/^[a-z0-9*-]+$/, 'instance families such as "t3"'),
    ),
    disabledRules: z.array(z.string()),
    severityOverrides: z.record(z.string(), severitySchema),
  })
  .partial()
  .strict();

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
export function describeZodError(error: z.ZodError): string {
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
export const configFileSchema = ruleConfigFileSchema
  .extend({
    /** Suppressions kept in git (see `suppression.ts`). */
    suppressions: z.array(configSuppressionSchema),
    /** Transitions below this severity are stored but not alerted. */
    notifyThreshold: severitySchema,
    /** Ceiling for suppression expiry, in days from now (API and config file alike). */
    maxSuppressionDays: z.number().int().min(1).max(3650),
  })
  .partial()
  .strict();
export type ConfigFile = z.infer<typeof configFileSchema>;

/** Default notify threshold: MEDIUM and above are alerted. */
export const DEFAULT_NOTIFY_THRESHOLD: Severity = 'MEDIUM';
