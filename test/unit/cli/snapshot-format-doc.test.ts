/**
 * The layouts the EKS User Guide builds, written by hand in the format of
 * docs/snapshot-format.md and scanned through `--snapshot-in`, raise no subnet, tag,
 * network ACL or placement finding: a scanner that flags AWS's own sample VPC would be
 * noise. The documented example also raises exactly the findings the doc names.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './run-cli.ts';

const repoFile = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const SAMPLE = repoFile('docs/examples/eks-sample-vpc.snapshot.json');
const FULLY_PRIVATE = repoFile('test/fixtures/scenarios/eks-fully-private.snapshot.json');
const DOC = repoFile('docs/snapshot-format.md');

/** Rule families about subnets, tags, network ACLs and where nodes and endpoints are placed. */
const LAYOUT_RULE_PREFIXES = [
  'subnet-',
  'nacl-',
  'vpc-endpoint-',
  'fargate-',
  'nodegroup-',
  'node-',
  'ipv6-',
  'hybrid-',
];

interface Report {
  findings: { ruleId: string; resourceId: string; severity: string }[];
  clusters: { name: string; notJudged?: { ruleId: string; reason: string }[] }[];
  errors: unknown[];
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netguard-doc-examples-'));
});

async function scanFile(path: string): Promise<{ code: number; stderr: string; report: Report }> {
  const result = await run(['scan', '--snapshot-in', path, '--format', 'json']);
  return { code: result.code, stderr: result.stderr, report: JSON.parse(result.stdout) as Report };
}

async function scanEdited<T>(path: string, edit: (document: T) => void): Promise<Report> {
  const document = JSON.parse(await readFile(path, 'utf8')) as T;
  edit(document);
  const copy = join(dir, `edited-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(copy, JSON.stringify(document));
  return (await scanFile(copy)).report;
}

const layoutFindings = (report: Report) =>
  report.findings
    .filter((f) => LAYOUT_RULE_PREFIXES.some((prefix) => f.ruleId.startsWith(prefix)))
    .map((f) => `${f.ruleId} ${f.resourceId}`);

describe('docs/examples/eks-sample-vpc.snapshot.json (the EKS guide: public and private subnets)', () => {
  it('scans cleanly for every subnet, tag, network ACL and placement rule, with every rule judged', async () => {
    // Act
    const { code, stderr, report } = await scanFile(SAMPLE);
    // Assert
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report.errors).toEqual([]);
    expect(layoutFindings(report)).toEqual([]);
    expect(report.clusters.map((c) => c.notJudged ?? [])).toEqual([[]]);
  });

  it('raises exactly the guide defaults the doc names: the open public endpoint and network policy off', async () => {
    // Act
    const { report } = await scanFile(SAMPLE);
    const doc = await readFile(DOC, 'utf8');
    // Assert
    expect(report.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual([
      'endpoint-public-open HIGH',
      'cni-network-policy-disabled MEDIUM',
    ]);
    for (const finding of report.findings) expect(doc).toContain(`\`${finding.ruleId}\``);
  });

  it('is read as a layout, not waved through: a public subnet without its elb role tag is reported', async () => {
    // Arrange: drop kubernetes.io/role/elb from PublicSubnet01
    type Sample = { vpcs: { subnets: { Tags: { Key: string }[] }[] }[] };
    const report = await scanEdited<Sample>(SAMPLE, (document) => {
      const subnet = document.vpcs[0]!.subnets[0]!;
      subnet.Tags = subnet.Tags.filter((t) => t.Key !== 'kubernetes.io/role/elb');
    });
    // Assert
    expect(layoutFindings(report)).toEqual(['subnet-elb-tag-missing subnet-0a1b2c3d4e5f60001']);
  });
});

describe('test/fixtures/scenarios/eks-fully-private.snapshot.json (the EKS guide: private cluster, no internet)', () => {
  it('raises no finding at all, with every rule judged', async () => {
    // Act
    const { code, stderr, report } = await scanFile(FULLY_PRIVATE);
    // Assert
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report.errors).toEqual([]);
    expect(report.findings).toEqual([]);
    expect(report.clusters.map((c) => c.notJudged ?? [])).toEqual([[]]);
  });

  it('is read as a layout: without the STS endpoint every isolated node subnet is reported', async () => {
    // Arrange
    type FullyPrivate = { vpcs: { vpcEndpoints: { VpcEndpoints: { ServiceName: string }[] } }[] };
    const report = await scanEdited<FullyPrivate>(FULLY_PRIVATE, (document) => {
      const endpoints = document.vpcs[0]!.vpcEndpoints;
      endpoints.VpcEndpoints = endpoints.VpcEndpoints.filter((e) => !e.ServiceName.endsWith('.sts'));
    });
    // Assert
    expect(layoutFindings(report)).toEqual([
      'subnet-isolated-missing-endpoints subnet-0b1c2d3e4f5a60001',
      'subnet-isolated-missing-endpoints subnet-0b1c2d3e4f5a60002',
      'subnet-isolated-missing-endpoints subnet-0b1c2d3e4f5a60003',
    ]);
  });
});
