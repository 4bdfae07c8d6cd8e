/**
 * `scan --template`: the fixtures of test/fixtures/planned (the EKS guide's two layouts, an
 * eksctl-style stack, a CDK-synthesised template) scanned through the CLI, as a pull
 * request check would run them.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../cli/run-cli.ts';

const FIXTURES = 'test/fixtures/planned';
const GUIDE_VPC = `${FIXTURES}/eks-guide-vpc-private-subnets.yaml`;
const GUIDE_CLUSTER = `${FIXTURES}/eks-guide-cluster.yaml`;

interface JsonReport {
  findings: { ruleId: string; resourceId: string; location?: Record<string, unknown> }[];
  clusters: { name: string; notJudged: { ruleId: string; reason: string }[] }[];
  notes?: string[];
}

async function scan(args: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const result = await run(['scan', ...args, '--region', 'eu-west-1', '--format', 'json']);
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr };
}

const ruleIds = (report: JsonReport) => report.findings.map((f) => f.ruleId).sort();

describe('scan --template', () => {
  it('joins the guide VPC stack and a cluster stack by Export/ImportValue and judges every rule', async () => {
    const { code, report } = await scan(['--template', GUIDE_VPC, GUIDE_CLUSTER]);

    expect(code).toBe(0);
    expect(ruleIds(report)).toEqual([
      'endpoint-private-disabled',
      'endpoint-public-open',
      'vpc-flow-logs-disabled',
    ]);
    // Only the CNI rules wait for a vpc-cni add-on, as for a live cluster without one.
    expect(report.clusters[0]?.notJudged.map((n) => n.ruleId).every((id) => id.startsWith('cni-'))).toBe(
      true,
    );
  });

  it('points each finding at the line and column of its logical id', async () => {
    const { report } = await scan(['--template', GUIDE_VPC, GUIDE_CLUSTER]);

    const open = report.findings.find((f) => f.ruleId === 'endpoint-public-open');
    const flowLogs = report.findings.find((f) => f.ruleId === 'vpc-flow-logs-disabled');
    expect(open?.location).toEqual({ file: GUIDE_CLUSTER, line: 17, column: 3 });
    expect(flowLogs?.location).toEqual({ file: GUIDE_VPC, line: 26, column: 3 });
  });

  it('leaves rules needing an import no given file exports not judged, naming the import', async () => {
    const { report } = await scan(['--template', GUIDE_CLUSTER]);

    const notJudged = report.clusters[0]?.notJudged ?? [];
    const singleAz = notJudged.find((n) => n.ruleId === 'subnet-single-az');
    expect(singleAz?.reason).toContain('Fn::ImportValue "eks-guide-vpc-private-subnets-SubnetIds"');
    expect(ruleIds(report)).toEqual(['endpoint-private-disabled', 'endpoint-public-open']);
  });

  it('judges the fully private layout clean, and a parameter that drops the STS endpoint breaks it', async () => {
    const file = `${FIXTURES}/eks-guide-fully-private.yaml`;

    const clean = await scan(['--template', file]);
    const broken = await scan(['--template', file, '--parameter', 'EnableStsEndpoint=false']);

    expect(clean.report.findings).toEqual([]);
    expect(clean.report.clusters[0]?.notJudged).toEqual([]);
    expect(ruleIds(broken.report)).toEqual([
      'subnet-isolated-missing-endpoints',
      'subnet-isolated-missing-endpoints',
    ]);
  });

  it("reads an eksctl-style stack with eksctl's defaults", async () => {
    const { report } = await scan(['--template', `${FIXTURES}/eksctl-cluster-stack.yaml`]);

    expect(ruleIds(report)).toEqual([
      'endpoint-private-disabled',
      'endpoint-public-open',
      'node-imds-reachable-from-pods',
      'vpc-flow-logs-disabled',
    ]);
    const imds = report.findings.find((f) => f.ruleId === 'node-imds-reachable-from-pods');
    expect(imds?.resourceId).toBe('ng-1');
  });

  it("reads a CDK-synthesised template with CDK's cluster custom resource and says what it skipped", async () => {
    const { report, stderr } = await scan(['--template', `${FIXTURES}/EksStack.template.json`]);

    expect(ruleIds(report)).toEqual(['endpoint-public-open', 'vpc-flow-logs-disabled']);
    expect(report.findings[0]?.location).toMatchObject({ file: `${FIXTURES}/EksStack.template.json` });
    expect(report.notes?.join('\n')).toMatch(/ignored 4 resource\(s\) of 2 type\(s\).*AWS::IAM::Role ×3/);
    expect(stderr).toContain('note: ignored 4 resource(s)');
  });

  it('never guesses an SSM parameter: the rules reading it are not judged', async () => {
    const { report } = await scan([
      '--template',
      GUIDE_VPC,
      GUIDE_CLUSTER,
      '--parameter',
      'ClusterName=ssm-cluster',
    ]);
    const ssmTemplate = `${FIXTURES}/ssm-parameter-vpc.yaml`;
    const ssm = await scan(['--template', ssmTemplate]);

    expect(report.clusters[0]?.name).toBe('ssm-cluster');
    const reasons = ssm.report.clusters[0]?.notJudged.filter((n) => n.reason.includes('SSM parameter')) ?? [];
    expect(reasons.map((n) => n.ruleId)).toContain('endpoint-private-dns-disabled');
    expect(ssm.report.findings.map((f) => f.ruleId)).not.toContain('endpoint-private-dns-disabled');
  });

  it('marks findings in SARIF with the template uri and region', async () => {
    const result = await run([
      'scan',
      '--template',
      GUIDE_VPC,
      GUIDE_CLUSTER,
      '--region',
      'eu-west-1',
      '--format',
      'sarif',
    ]);

    const sarif = JSON.parse(result.stdout) as {
      runs: { results: { ruleId: string; locations: { physicalLocation?: Record<string, unknown> }[] }[] }[];
    };
    const open = sarif.runs[0]?.results.find((r) => r.ruleId === 'endpoint-public-open');
    expect(open?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: GUIDE_CLUSTER },
      region: { startLine: 17, startColumn: 3 },
    });
  });

  it('fails on HIGH with --fail-on HIGH, as the pull-request gate', async () => {
    const result = await run([
      'scan',
      '--template',
      GUIDE_VPC,
      GUIDE_CLUSTER,
      '--region',
      'eu-west-1',
      '--fail-on',
      'HIGH',
    ]);

    expect(result.code).toBe(1);
  });
});
