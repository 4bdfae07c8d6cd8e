import { describe, expect, it } from 'vitest';
import { csvField, formatCsv } from '../../../functions/cli/formatters/csv.ts';
import { formatJson } from '../../../functions/cli/formatters/json.ts';
import { formatRulesJson, formatRulesTable } from '../../../functions/cli/formatters/rules.ts';
import { formatSarif } from '../../../functions/cli/formatters/sarif.ts';
import { formatTable } from '../../../functions/cli/formatters/table.ts';
import type { ScanReport } from '../../../functions/cli/report.ts';
import type { Finding } from '../../../functions/core/model.ts';
import { templateAsPlaceholders } from '../../../functions/core/remediation.ts';
import { RULES } from '../../../functions/core/rules/index.ts';

const ARN_A = 'arn:aws:eks:us-east-1:123456789012:cluster/alpha';
const ARN_B = 'arn:aws:eks:us-east-1:123456789012:cluster/beta';

function finding(overrides: Partial<Finding>): Finding {
  return {
    id: 'f0',
    ruleId: 'endpoint-public-open',
    severity: 'HIGH',
    title: 'Cluster API endpoint is public to the whole internet',
    accountId: '123456789012',
    region: 'us-east-1',
    clusterName: 'alpha',
    resourceType: 'cluster',
    resourceId: ARN_A,
    evidence: { publicAccessCidrs: ['0.0.0.0/0'] },
    remediation: 'aws eks update-cluster-config --name alpha',
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
      'Security Hub EKS.1',
    ],
    ...overrides,
  };
}

// Findings in report order: by cluster, then severity (buildReport sorts them).
const report: ScanReport = {
  scannedAt: '2026-01-01T00:00:00.000Z',
  accountId: '123456789012',
  regions: ['us-east-1'],
  clusters: [
    { name: 'alpha', region: 'us-east-1', arn: ARN_A, notJudged: [] },
    {
      name: 'beta',
      region: 'us-east-1',
      arn: ARN_B,
      notJudged: [{ ruleId: 'cni-network-policy-disabled', reason: 'no vpc-cni EKS add-on' }],
    },
    {
      name: 'gamma',
      region: 'us-east-1',
      arn: 'arn:aws:eks:us-east-1:123456789012:cluster/gamma',
      notJudged: [],
    },
  ],
  findings: [
    finding({ id: 'f1' }),
    finding({
      id: 'f2',
      ruleId: 'subnet-ip-exhaustion',
      severity: 'MEDIUM',
      title: 'Subnet is running out of IP addresses',
      resourceType: 'subnet',
      resourceId: 'subnet-1',
      evidence: { free: 10, note: 'has "quotes", commas\nand a newline' },
    }),
    finding({
      id: 'f3',
      clusterName: 'beta',
      ruleId: 'subnet-cluster-tag-missing',
      severity: 'LOW',
      title: 'Subnet lacks the kubernetes.io/cluster/<cluster> tag',
      resourceType: 'subnet',
      resourceId: 'subnet-2',
    }),
  ],
  suppressed: [],
  errors: [
    { region: 'us-east-1', operation: 'DescribeNodegroup', message: 'AccessDenied', clusterName: 'beta' },
  ],
};

describe('table formatter', () => {
  it('groups findings under their cluster, HIGH first, and shows cluster-level resources as (cluster)', () => {
    const text = formatTable(report);
    const lines = text.split('\n');
    const alpha = lines.findIndex((l) => l.startsWith('us-east-1 / alpha: 2 findings (1 HIGH, 1 MEDIUM)'));
    const beta = lines.findIndex((l) => l.startsWith('us-east-1 / beta: 1 finding (1 LOW)'));
    expect(alpha).toBeGreaterThanOrEqual(0);
    expect(beta).toBeGreaterThan(alpha);
    expect(lines[alpha + 2]).toMatch(/^\s+HIGH\s+endpoint-public-open\s+\(cluster\)/);
    expect(lines[alpha + 3]).toMatch(/^\s+MEDIUM\s+subnet-ip-exhaustion\s+subnet-1/);
    expect(text).toContain('us-east-1 / gamma: 0 findings');
  });

  it('lists collection errors and a summary line', () => {
    const text = formatTable(report);
    expect(text).toContain('Errors (1)');
    expect(text).toContain('us-east-1 DescribeNodegroup [beta]: AccessDenied');
    expect(text).toContain('Total: 3 findings (1 HIGH, 1 MEDIUM, 1 LOW) in 3 clusters, 1 error.');
  });

  it('lists the rules not judged per cluster in a footer, apart from the findings', () => {
    // Act
    const text = formatTable(report);
    // Assert
    const footer = text.slice(text.indexOf('Not judged'));
    expect(text.indexOf('Not judged')).toBeGreaterThan(text.indexOf('us-east-1 / gamma'));
    expect(footer).toContain('us-east-1 / beta  cni-network-policy-disabled: no vpc-cni EKS add-on');
    expect(footer).not.toContain('alpha');
  });
});

describe('json formatter', () => {
  it('prints exactly one JSON object with the contract fields', () => {
    const parsed = JSON.parse(formatJson(report));
    expect(Object.keys(parsed).sort()).toEqual(
      ['accountId', 'clusters', 'errors', 'findings', 'regions', 'scannedAt'].sort(),
    );
    expect(parsed.clusters[0]).toEqual({ name: 'alpha', region: 'us-east-1', arn: ARN_A, notJudged: [] });
    expect(parsed.clusters[1].notJudged).toEqual([
      { ruleId: 'cni-network-policy-disabled', reason: 'no vpc-cni EKS add-on' },
    ]);
    expect(parsed.findings).toHaveLength(3);
    expect(parsed.errors[0]).toMatchObject({
      region: 'us-east-1',
      operation: 'DescribeNodegroup',
      message: 'AccessDenied',
    });
  });
});

describe('csv formatter', () => {
  it('quotes per RFC 4180: fields with comma, quote or newline are quoted and quotes doubled', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('writes a header row and one CRLF-terminated record per finding', () => {
    const text = formatCsv(report);
    const header = text.slice(0, text.indexOf('\r\n'));
    expect(header).toBe(
      'id,severity,ruleId,title,accountId,region,clusterName,resourceType,resourceId,evidence,remediation,references',
    );
    expect(text.endsWith('\r\n')).toBe(true);
    // The embedded newline stays inside a quoted field, so records = CRLF count.
    expect(text.split('\r\n').length - 1).toBe(1 + report.findings.length);
    expect(text).toContain('"{""free"":10,""note"":""has \\""quotes\\"", commas\\nand a newline""}"');
  });
});

describe('sarif formatter', () => {
  const sarif = JSON.parse(formatSarif(report, RULES, '9.9.9'));
  const run = sarif.runs[0];

  it('declares SARIF 2.1.0 with one driver rule per catalog rule', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(run.tool.driver.name).toBe('eks-netguard');
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
    const rule = run.tool.driver.rules[0];
    const catalog = RULES[0]!;
    expect(rule.shortDescription.text).toBe(catalog.title);
    expect(rule.fullDescription.text).toBe(catalog.description);
    // The catalog shows the template with placeholders; each result carries it rendered.
    expect(rule.help.text).toBe(templateAsPlaceholders(catalog.remediation));
    expect(rule.help.text).not.toContain('{{');
    expect(rule.properties.severity).toBe(catalog.severity);
  });

  it('maps severities to levels and carries the finding id as fingerprint and a logical location', () => {
    expect(run.results.map((r: { level: string }) => r.level)).toEqual(['error', 'warning', 'note']);
    const result = run.results[1];
    expect(result.ruleId).toBe('subnet-ip-exhaustion');
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe('subnet-ip-exhaustion');
    expect(result.partialFingerprints).toEqual({ findingId: 'f2' });
    expect(result.locations[0].logicalLocations[0]).toMatchObject({
      name: 'subnet-1',
      fullyQualifiedName: '123456789012/us-east-1/alpha/subnet-1',
    });
    expect(result.message.text).toContain('alpha');
    expect(result.properties.remediation).toBe('aws eks update-cluster-config --name alpha');
  });

  it('marks the run unsuccessful when the scan had errors', () => {
    expect(run.invocations[0].executionSuccessful).toBe(false);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toContain('DescribeNodegroup');
  });
});

describe('rules formatters', () => {
  it('json lists the registry exactly, with the catalog fields', () => {
    const catalog = JSON.parse(formatRulesJson(RULES));
    expect(catalog).toHaveLength(RULES.length);
    expect(catalog.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(Object.keys(catalog[0]).sort()).toEqual(
      [
        'description',
        'id',
        'references',
        'remediation',
        'resourceType',
        'risk',
        'severities',
        'severity',
        'title',
      ].sort(),
    );
    const twoLevel = catalog.find((r: { id: string }) => r.id === 'subnet-ip-exhaustion');
    expect(twoLevel.severities).toEqual(expect.arrayContaining(['HIGH', 'MEDIUM']));
  });

  it('table prints one row per rule', () => {
    const text = formatRulesTable(RULES);
    for (const rule of RULES) expect(text).toMatch(new RegExp(`^${rule.id}\\s`, 'm'));
    expect(text).toContain(`${RULES.length} rules.`);
  });
});
