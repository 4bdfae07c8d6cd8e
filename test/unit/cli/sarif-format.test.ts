/**
 * `--format sarif` against the SARIF 2.1.0 schema (vendored, validated with ajv) and against
 * what GitHub code scanning requires of an upload: a `physicalLocation` with an artifact URI
 * on every result, a `ruleId`, `partialFingerprints`, a numeric `security-severity` on each
 * rule, a rule `name` that is not its id, and a distinct `automationDetails.id` per
 * account/regions so uploads do not supersede each other.
 */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { describe, expect, it } from 'vitest';
import { formatSarif } from '../../../functions/cli/formatters/sarif.ts';
import type { ScanReport } from '../../../functions/cli/report.ts';
import type { Finding } from '../../../functions/core/model.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import { schemaChecker } from '../../fixtures/json-schema.ts';
import { run } from './run-cli.ts';

const schemaErrors = schemaChecker(new URL('../../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url));

/** The subset of GitHub's documented SARIF upload requirements our output must meet. */
function githubProblems(log: Log): string[] {
  const problems: string[] = [];
  if (log.runs.length > 20) problems.push('more than 20 runs');
  for (const run of log.runs) {
    const rules = run.tool.driver.rules ?? [];
    if (!run.automationDetails?.id) problems.push('run without automationDetails.id');
    if ((run.results ?? []).length > 25_000) problems.push('more than 25000 results');
    for (const rule of rules) {
      const score = Number(rule.properties?.['security-severity']);
      if (!(score >= 0 && score <= 10)) problems.push(`rule ${rule.id}: security-severity not a 0-10 number`);
      if (!rule.name || rule.name === rule.id)
        problems.push(`rule ${rule.id}: name missing or equal to its id`);
      if ((rule.properties?.tags ?? []).length > 20) problems.push(`rule ${rule.id}: more than 20 tags`);
    }
    for (const [index, result] of (run.results ?? []).entries()) {
      const where = `result ${index} (${result.ruleId})`;
      if (!result.ruleId) problems.push(`${where}: no ruleId`);
      if (!result.partialFingerprints || Object.keys(result.partialFingerprints).length === 0)
        problems.push(`${where}: no partialFingerprints`);
      const physical = result.locations?.[0]?.physicalLocation;
      const uri = physical?.artifactLocation?.uri;
      if (!uri) problems.push(`${where}: no physicalLocation.artifactLocation.uri`);
      else if (/^[a-z]+:/i.test(uri) || uri.startsWith('/'))
        problems.push(`${where}: uri ${uri} is not repo-relative`);
      if (!physical?.region?.startLine || physical.region.startLine < 1)
        problems.push(`${where}: no region.startLine`);
      if ((result.locations ?? []).length > 1000) problems.push(`${where}: more than 1000 locations`);
    }
  }
  return problems;
}

async function demoSarif(extra: string[] = []): Promise<Log> {
  const result = await run(['scan', '--demo', '--format', 'sarif', ...extra]);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Log;
}

function finding(overrides: Partial<Finding> & Record<string, unknown>): Finding {
  return {
    id: 'f1',
    ruleId: 'subnet-ip-exhaustion',
    severity: 'MEDIUM',
    title: 'Subnet is running out of IP addresses',
    accountId: '123456789012',
    region: 'us-east-1',
    clusterName: 'alpha',
    resourceType: 'subnet',
    resourceId: 'subnet-1',
    evidence: {},
    remediation: 'fix it',
    references: [],
    ...overrides,
  };
}

function reportOf(findings: Finding[], regions = ['us-east-1']): ScanReport {
  return {
    scannedAt: '2026-01-01T00:00:00.000Z',
    accountId: '123456789012',
    regions,
    clusters: [],
    findings,
    suppressed: [],
    errors: [],
  };
}

describe('sarif output of the demo account', () => {
  it('validates against the SARIF 2.1.0 schema', async () => {
    // Act
    const log = await demoSarif();
    // Assert
    expect(log.runs[0]?.results?.length).toBeGreaterThan(30);
    expect(schemaErrors(log)).toEqual([]);
  });

  it('meets GitHub code scanning upload requirements: physicalLocation, ruleId, fingerprints, security-severity', async () => {
    const log = await demoSarif();
    expect(githubProblems(log)).toEqual([]);
  });

  it('places each live/snapshot result at the documented per-cluster path, line 1', async () => {
    const log = await demoSarif();
    const results = log.runs[0]?.results ?? [];
    for (const result of results) {
      const props = result.properties as { accountId: string; region: string; clusterName: string };
      expect(result.locations?.[0]?.physicalLocation).toEqual({
        artifactLocation: { uri: `eks/${props.accountId}/${props.region}/${props.clusterName}` },
        region: { startLine: 1 },
      });
    }
  });

  it('keeps the logical location (the AWS resource) beside the physical one', async () => {
    const log = await demoSarif();
    const result = log.runs[0]?.results?.[0] as Result;
    expect(result.locations?.[0]?.logicalLocations?.[0]?.kind).toBe('resource');
  });

  it('names the run by tool, account and regions so uploads for other accounts or regions do not supersede it', async () => {
    const log = await demoSarif();
    expect(log.runs[0]?.automationDetails?.id).toBe(
      'eks-netguard/111122223333/eu-west-1,us-east-1,us-west-2/',
    );
  });

  it('gives every rule a PascalCase name distinct from its id', async () => {
    const log = await demoSarif();
    const rules = log.runs[0]?.tool.driver.rules as ReportingDescriptor[];
    expect(rules.find((r) => r.id === 'endpoint-public-open')?.name).toBe('EndpointPublicOpen');
    expect(rules.find((r) => r.id === 'ipv6-subnet-no-ipv6-cidr')?.name).toBe('Ipv6SubnetNoIpv6Cidr');
    for (const rule of rules) expect(rule.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
  });
});

describe('sarif --sarif-artifact', () => {
  it('puts every result on the given repository file, line 1', async () => {
    // Act
    const log = await demoSarif(['--sarif-artifact', 'infra/eks.tf']);
    // Assert
    const uris = new Set(
      log.runs[0]?.results?.map((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri),
    );
    expect([...uris]).toEqual(['infra/eks.tf']);
    expect(schemaErrors(log)).toEqual([]);
  });

  it('percent-encodes characters a URI cannot hold and turns backslashes into slashes', () => {
    const log = JSON.parse(
      formatSarif(reportOf([finding({})]), RULES, '1.0.0', { artifact: 'infra\\my stack.yaml' }),
    );
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'infra/my%20stack.yaml',
    );
    expect(schemaErrors(log)).toEqual([]);
  });

  it('refuses an absolute path with one line that says what to pass', async () => {
    const result = await run(['scan', '--demo', '--format', 'sarif', '--sarif-artifact', '/etc/eks.tf']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--sarif-artifact');
    expect(result.stderr).toContain('relative');
  });

  it('refuses --sarif-artifact with another format', async () => {
    const result = await run(['scan', '--demo', '--format', 'json', '--sarif-artifact', 'infra/eks.tf']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--sarif-artifact applies to --format sarif');
  });
});

describe('sarif for planned infrastructure', () => {
  it('uses the file, line and column a template or plan finding carries', () => {
    // Arrange: a finding of a template scan carries its location (DESIGN.md).
    const planned = finding({ location: { file: 'cdk.out/Stack.template.json', line: 42, column: 7 } });
    // Act
    const log = JSON.parse(formatSarif(reportOf([planned]), RULES, '1.0.0', { artifact: 'ignored.tf' }));
    // Assert
    expect(log.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'cdk.out/Stack.template.json' },
      region: { startLine: 42, startColumn: 7 },
    });
  });

  it('falls back to the artifact path for a plan finding known by address only, naming the address', () => {
    const planned = finding({ location: { address: 'module.eks.aws_eks_cluster.this' } });
    const log = JSON.parse(formatSarif(reportOf([planned]), RULES, '1.0.0', {}));
    const location = log.runs[0].results[0].locations[0];
    expect(location.physicalLocation.artifactLocation.uri).toBe('eks/123456789012/us-east-1/alpha');
    expect(location.logicalLocations).toContainEqual(
      expect.objectContaining({ fullyQualifiedName: 'module.eks.aws_eks_cluster.this' }),
    );
  });
});
