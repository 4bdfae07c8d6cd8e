import { describe, expect, it } from 'vitest';
import type { RuleDefinition } from '../../../functions/core/model.ts';
import { findRule, RULES } from '../../../functions/core/rules/index.ts';
import {
  PROWLER_AWS_CHECK_ALIASES,
  PROWLER_AWS_CHECKS,
  SECURITY_HUB_CONTROLS,
} from '../../../functions/core/rules/reference-catalog.ts';

type Referencing = Pick<RuleDefinition, 'id' | 'references'>;

const PROWLER_PREFIX = 'Prowler ';
const SECURITY_HUB_PREFIX = 'Security Hub ';
/** The only three shapes a reference may take; anything else is a typo of one of them. */
const AWS_DOCS_URL = /^https:\/\/docs\.aws\.amazon\.com\/\S+$/;
const PROWLER_REFERENCE = /^Prowler [a-z0-9]+(?:_[a-z0-9]+)+$/;
const SECURITY_HUB_REFERENCE = /^Security Hub [A-Za-z0-9]+\.\d+$/;

const prowlerChecks = new Set(PROWLER_AWS_CHECKS);

/** Every reference of the rules that names a Prowler check or a Security Hub control absent from the vendored catalogs. */
function unknownReferences(rules: readonly Referencing[]): string[] {
  return rules.flatMap((rule) =>
    rule.references
      .filter((reference) => {
        if (reference.startsWith(PROWLER_PREFIX)) {
          return !prowlerChecks.has(reference.slice(PROWLER_PREFIX.length));
        }
        if (reference.startsWith(SECURITY_HUB_PREFIX)) {
          return !Object.hasOwn(SECURITY_HUB_CONTROLS, reference.slice(SECURITY_HUB_PREFIX.length));
        }
        return false;
      })
      .map((reference) => `${rule.id}: ${reference}`),
  );
}

/** Every reference that is neither an AWS docs URL nor exactly `Prowler <id>` / `Security Hub <ID>`. */
function malformedReferences(rules: readonly Referencing[]): string[] {
  return rules.flatMap((rule) =>
    rule.references
      .filter(
        (reference) =>
          !AWS_DOCS_URL.test(reference) &&
          !PROWLER_REFERENCE.test(reference) &&
          !SECURITY_HUB_REFERENCE.test(reference),
      )
      .map((reference) => `${rule.id}: ${reference}`),
  );
}

function citing(reference: string): string[] {
  return RULES.filter((rule) => rule.references.includes(reference)).map((rule) => rule.id);
}

describe('rule references', () => {
  it('name only Prowler checks and Security Hub controls that exist in the vendored catalogs', () => {
    expect(unknownReferences(RULES)).toEqual([]);
  });

  it('are each an AWS docs URL, `Prowler <check_id>` or `Security Hub <control id>`, nothing in between', () => {
    expect(malformedReferences(RULES)).toEqual([]);
  });

  it('never use an old Prowler alias in place of the current check id', () => {
    const aliases = RULES.flatMap((rule) =>
      rule.references
        .filter((reference) => reference.startsWith(PROWLER_PREFIX))
        .map((reference) => reference.slice(PROWLER_PREFIX.length))
        .filter((check) => Object.hasOwn(PROWLER_AWS_CHECK_ALIASES, check))
        .map((check) => `${rule.id}: ${check} (now ${PROWLER_AWS_CHECK_ALIASES[check]})`),
    );
    expect(aliases).toEqual([]);
  });

  it.each(RULES.map((rule) => [rule.id, rule] as const))(
    '%s cites an AWS documentation page first',
    (_id, rule) => {
      expect(rule.references[0]).toMatch(AWS_DOCS_URL);
    },
  );

  it('never cite Prowler eks_cluster_network_policy_enabled (it only checks that a cluster security group exists)', () => {
    expect(citing('Prowler eks_cluster_network_policy_enabled')).toEqual([]);
  });

  it('never cite Security Hub EC2.15 (it wants subnets that do not auto-assign public IPs)', () => {
    expect(citing('Security Hub EC2.15')).toEqual([]);
  });

  it('cite each Security Hub control and Prowler check at most once per rule', () => {
    const duplicated = RULES.filter((rule) => new Set(rule.references).size !== rule.references.length);
    expect(duplicated.map((rule) => rule.id)).toEqual([]);
  });
});

/** The pairs RULES.md names: the rule must carry every one of these references. */
const MANDATED: readonly [string, readonly string[]][] = [
  ['endpoint-public-open', ['Security Hub EKS.1', 'Prowler eks_cluster_not_publicly_accessible']],
  ['vpc-flow-logs-disabled', ['Security Hub EC2.6', 'Prowler vpc_flow_logs_enabled']],
  ['node-imds-reachable-from-pods', ['Security Hub EC2.8', 'Prowler ec2_instance_imdsv2_enabled']],
  [
    'sg-open-ingress',
    [
      'Security Hub EC2.53',
      'Security Hub EC2.54',
      'Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22',
    ],
  ],
];

describe('references RULES.md mandates', () => {
  it.each(MANDATED)('are in the vendored catalogs: %s', (_id, references) => {
    expect(unknownReferences([{ id: _id, references }])).toEqual([]);
  });

  // A rule another slice has not registered yet is reported as skipped, not passed; the
  // registry test fails until all 37 rules exist, so the skip cannot outlive the catalog.
  for (const [id, references] of MANDATED) {
    it.skipIf(findRule(id) === undefined)(`${id} cites ${references.join(', ')}`, () => {
      expect(findRule(id)?.references).toEqual(expect.arrayContaining([...references]));
    });
  }
});

describe('the vendored catalogs', () => {
  it('list each Prowler check once, only for the ec2, eks and vpc services', () => {
    expect(new Set(PROWLER_AWS_CHECKS).size).toBe(PROWLER_AWS_CHECKS.length);
    for (const check of PROWLER_AWS_CHECKS) expect(check).toMatch(/^(ec2|eks|vpc)_[a-z0-9_]+$/);
  });

  it('keep old Prowler aliases out of the current list and point each at a listed check', () => {
    for (const [alias, current] of Object.entries(PROWLER_AWS_CHECK_ALIASES)) {
      expect(prowlerChecks.has(alias)).toBe(false);
      expect(prowlerChecks.has(current)).toBe(true);
    }
  });

  it('hold only EC2 and EKS Security Hub controls, each with its title', () => {
    for (const [id, title] of Object.entries(SECURITY_HUB_CONTROLS)) {
      expect(id).toMatch(/^(EC2|EKS)\.\d+$/);
      expect(title.trim()).not.toBe('');
    }
  });

  it('are complete enough to tell a real id from a retired or misspelt one', () => {
    // Each of these was, or looks like, a plausible citation; none is a current id.
    const wrong: Referencing = {
      id: 'example',
      references: [
        'Prowler eks_control_plane_endpoint_access_restricted',
        'Prowler eks_endpoints_not_publicly_accessible',
        'Prowler ec2_securitygroup_allow_ingress_from_internet_to_port_22',
        'Security Hub EKS.4',
        'Security Hub EC2.5',
      ],
    };
    expect(unknownReferences([wrong])).toHaveLength(wrong.references.length);
  });

  it('reject references in any other shape', () => {
    const loose: Referencing = {
      id: 'example',
      references: [
        'Prowler: vpc_flow_logs_enabled',
        'SecurityHub EC2.6',
        'Security Hub control EC2.6',
        'security hub EC2.6',
        'http://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html',
      ],
    };
    expect(malformedReferences([loose])).toHaveLength(loose.references.length);
  });
});
