/**
 * What the scope fields of a suppression may hold: values a finding can carry, exactly or
 * as a `*` glob that can still match one. A value no finding can carry (an 11-digit account,
 * `eu-wset-1`, a comma-separated list of ids) would store a waiver that silently never
 * applies, so it is refused with a message saying what the field takes.
 *
 * One definition for the API (`POST /suppressions`) and the config file's `suppressions:`.
 * Pure; zod/mini (see zod-english.ts) because it is in the api and scan-cluster bundles.
 */
import * as z from 'zod/mini';
import './zod-english.ts';

/** The scope fields, in the order messages list them. */
export const SCOPE_FIELDS = ['accountId', 'region', 'clusterName', 'resourceId'] as const;
export type ScopeField = (typeof SCOPE_FIELDS)[number];

// Partition prefixes and compass directions of every AWS region: the `regionRegex` of each
// partition in the AWS SDK's partitions.json (aws, aws-cn, aws-us-gov, the ISO partitions,
// aws-eusc), narrowed from `\w+` to the directions regions are actually named with, so a
// typo such as `eu-wset-1` is caught. A new region in a new partition needs a line here.
const REGION_PREFIXES = [
  'us',
  'eu',
  'ap',
  'sa',
  'ca',
  'me',
  'af',
  'il',
  'mx',
  'cn',
  'us-gov',
  'us-iso',
  'us-isob',
  'us-isof',
  'eu-isoe',
  'eusc-de',
];
const DIRECTIONS = [
  'north',
  'south',
  'east',
  'west',
  'central',
  'northeast',
  'northwest',
  'southeast',
  'southwest',
];
export const REGION_PATTERN = new RegExp(
  `^(${REGION_PREFIXES.join('|')})-(${DIRECTIONS.join('|')})-\\d{1,2}$`,
);

/** Every string {@link REGION_PATTERN} accepts (about 14,000): a region glob must match one. */
let regionNames: string[] | undefined;
function allRegionNames(): string[] {
  regionNames ??= REGION_PREFIXES.flatMap((prefix) =>
    DIRECTIONS.flatMap((direction) => Array.from({ length: 100 }, (_, n) => `${prefix}-${direction}-${n}`)),
  );
  return regionNames;
}

/** EKS cluster names (CreateCluster: `^[0-9A-Za-z][A-Za-z0-9\-_]*$`, 1-100 characters). */
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const NAME_CHARS = /^[A-Za-z0-9_-]*$/;
/** Subnet, security group, VPC, instance and network ACL ids: prefix, then 8 or 17 hex digits. */
const EC2_ID = /^(subnet|sg|vpc|i|acl)-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** An ARN in any partition: `arn:partition:service:region:account:resource`. */
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:\S+$/;
/** The start of an ARN, cut anywhere (what comes before a glob's first `*`). */
const ARN_START =
  /^(a|ar|arn|arn:|arn:a|arn:aw|arn:aws([a-z-]*(:[a-z0-9-]*(:[a-z0-9-]*(:\d{0,12}(:\S*)?)?)?)?)?)$/;
/**
 * Node group and Fargate profile names: what EKS accepts for both (a letter or digit, then
 * letters, digits, `-`, `_`; node groups up to 63 characters, Fargate profiles up to 100).
 */
const EKS_RESOURCE_NAME = CLUSTER_NAME;

const isGlob = (value: string) => value.includes('*');
/** A glob made of `*` only matches anything: as good as leaving the field out. */
export const matchesAnything = (value: string | undefined) => value !== undefined && /^\*+$/.test(value);
const literals = (glob: string) => glob.split('*');
const globRegExp = (glob: string) =>
  new RegExp(
    `^${literals(glob)
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );

/** Whether a value, exact or glob, can equal a value findings carry in the field. */
const CAN_MATCH: Record<ScopeField, (value: string) => boolean> = {
  accountId(value) {
    if (!/^[0-9*]+$/.test(value)) return false;
    const digits = value.replaceAll('*', '').length;
    return isGlob(value) ? digits <= 12 : digits === 12;
  },
  region(value) {
    if (!isGlob(value)) return REGION_PATTERN.test(value);
    const pattern = globRegExp(value);
    return allRegionNames().some((name) => pattern.test(name));
  },
  clusterName(value) {
    if (!isGlob(value)) return CLUSTER_NAME.test(value);
    return couldBeName(value);
  },
  resourceId(value) {
    if (!isGlob(value)) return EC2_ID.test(value) || ARN.test(value) || EKS_RESOURCE_NAME.test(value);
    // EC2 ids and EKS names share one alphabet; anything else has to be able to be an ARN.
    const start = literals(value)[0] ?? '';
    return couldBeName(value) || start === '' || ARN_START.test(start);
  },
};

/** A glob that can match a name `^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$`. */
function couldBeName(glob: string): boolean {
  const parts = literals(glob);
  if (!parts.every((part) => NAME_CHARS.test(part))) return false;
  if (parts.join('').length > 100) return false;
  const first = parts[0] ?? '';
  return first === '' || /^[0-9A-Za-z]/.test(first);
}

const WHAT: Record<ScopeField, string> = {
  accountId: 'a 12-digit AWS account id',
  region: 'an AWS region such as "eu-west-1"',
  clusterName: 'an EKS cluster name (a letter or digit, then letters, digits, "-" or "_"; at most 100)',
  resourceId:
    'a subnet, security group, VPC, instance or network ACL id (e.g. sg-0123456789abcdef0), an ARN, or a node group or Fargate profile name',
};

/** The field checks: an exact value must be one of WHAT; a glob must be able to match one. */
export function scopeChecks(field: ScopeField): z.core.$ZodCheck<string>[] {
  return [
    z.refine((value: string) => isGlob(value) || CAN_MATCH[field](value), {
      message: `must be ${WHAT[field]}, or a "*" glob`,
    }),
    z.refine((value: string) => !isGlob(value) || CAN_MATCH[field](value), {
      message: `is a glob that can never match ${WHAT[field]}`,
    }),
  ];
}

type ScopedInput = Partial<Record<ScopeField, string>> & { ruleId: string; scope?: 'all' };

/**
 * `ruleId: "*"` with no narrowing scope field silences every finding of every cluster:
 * that has to be said out loud with `"scope": "all"`. And `"scope": "all"` next to a
 * narrowing field says more than the waiver does, so it is refused too.
 * @returns the message for the `scope` key, or undefined when the scope is coherent.
 */
export function scopeProblem(input: ScopedInput): string | undefined {
  const narrowing = SCOPE_FIELDS.filter(
    (field) => input[field] !== undefined && !matchesAnything(input[field]),
  );
  if (input.scope === 'all' && narrowing.length > 0) {
    return `"all" cannot be combined with ${narrowing.join(', ')}; drop "scope" to waive only that scope, or drop ${narrowing.length > 1 ? 'those fields' : 'the field'} to waive everything`;
  }
  if (matchesAnything(input.ruleId) && narrowing.length === 0 && input.scope !== 'all') {
    return `a suppression of every rule ("ruleId": "*") without ${SCOPE_FIELDS.slice(0, -1).join(', ')} or ${SCOPE_FIELDS.at(-1)} would silence every finding of every cluster; narrow it with one of those fields, or add "scope": "all" if that is what you mean`;
  }
  return undefined;
}
