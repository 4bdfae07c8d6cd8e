/**
 * `scan --terraform-plan`: the hand-written plan of the terraform-aws-modules vpc and eks
 * modules (test/fixtures/planned/terraform-vpc-eks-modules.plan.json).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../cli/run-cli.ts';

const PLAN = 'test/fixtures/planned/terraform-vpc-eks-modules.plan.json';

interface JsonReport {
  regions: string[];
  findings: { ruleId: string; resourceId: string; location?: Record<string, unknown> }[];
  clusters: { name: string; notJudged: { ruleId: string; reason: string }[] }[];
}

async function scan(file: string): Promise<JsonReport> {
  const result = await run(['scan', '--terraform-plan', file, '--format', 'json']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as JsonReport;
}

describe('scan --terraform-plan', () => {
  it('follows module outputs and variables to judge every rule of the vpc + eks module plan', async () => {
    const report = await scan(PLAN);

    expect(report.regions).toEqual(['eu-west-1']);
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual([
      'cni-network-policy-disabled',
      'endpoint-public-open',
      'node-imds-reachable-from-pods',
      'vpc-flow-logs-disabled',
    ]);
    expect(report.clusters[0]?.notJudged).toEqual([]);
  });

  it('gives each finding the resource address of its declaration', async () => {
    const report = await scan(PLAN);

    const byRule = new Map(report.findings.map((f) => [f.ruleId, f.location]));
    expect(byRule.get('endpoint-public-open')).toEqual({ address: 'module.eks.aws_eks_cluster.this[0]' });
    expect(byRule.get('node-imds-reachable-from-pods')).toEqual({
      address: 'module.eks.module.eks_managed_node_group["default"].aws_eks_node_group.this[0]',
    });
    expect(byRule.get('vpc-flow-logs-disabled')).toEqual({ address: 'module.vpc.aws_vpc.this[0]' });
  });

  it('leaves rules not judged when a value is known only after apply and the configuration does not say where from', async () => {
    const plan = JSON.parse(readFileSync(PLAN, 'utf8'));
    const eks = plan.configuration.root_module.module_calls.eks;
    eks.expressions.subnet_ids = {
      references: ['data.terraform_remote_state.network.outputs.private_subnets'],
    };
    const file = join(mkdtempSync(join(tmpdir(), 'netguard-plan-')), 'plan.json');
    writeFileSync(file, JSON.stringify(plan));

    const report = await scan(file);

    const singleAz = report.clusters[0]?.notJudged.find((n) => n.ruleId === 'subnet-single-az');
    expect(singleAz?.reason).toContain(
      'module.eks.aws_eks_cluster.this[0].vpc_config[0].subnet_ids (known after apply)',
    );
    expect(report.findings.map((f) => f.ruleId)).not.toContain('subnet-single-az');
  });

  it('names the address as a logical location in SARIF when the plan names no file', async () => {
    const result = await run(['scan', '--terraform-plan', PLAN, '--format', 'sarif']);

    const sarif = JSON.parse(result.stdout) as {
      runs: { results: { ruleId: string; locations: { logicalLocations: { name: string }[] }[] }[] }[];
    };
    const open = sarif.runs[0]?.results.find((r) => r.ruleId === 'endpoint-public-open');
    expect(open?.locations[0]?.logicalLocations.map((l) => l.name)).toContain(
      'module.eks.aws_eks_cluster.this[0]',
    );
  });
});
