/**
 * Bad planned-infrastructure input: each is refused with one line that says what to fix,
 * and exit code 2, before anything is evaluated.
 */
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../cli/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'netguard-planned-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function refused(args: string[]) {
  const result = await run(['scan', ...args, '--region', 'eu-west-1']);
  const lines = result.stderr.trimEnd().split('\n');
  return { ...result, lines };
}

function yamlBomb(): string {
  // Each level multiplies the previous by nine: nine levels expand to 387 million strings.
  const levels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < levels.length; i++) {
    const previous = `*${levels[i - 1]}`;
    lines.push(`${levels[i]}: &${levels[i]} [${Array(9).fill(previous).join(',')}]`);
  }
  return `${lines.join('\n')}\nResources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: 10.0.0.0/16 }\n`;
}

describe('bad --template and --terraform-plan input', () => {
  it('refuses a YAML file that is not a CloudFormation template', async () => {
    const path = file('pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: { name: x }\n');

    const { code, lines } = await refused(['--template', path]);

    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${path}: not a CloudFormation template: no Resources section`);
  });

  it('refuses a JSON file that is not a template, and points a plan to --terraform-plan', async () => {
    const plan = file(
      'plan.json',
      '{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{}}',
    );

    const { code, lines } = await refused(['--template', plan]);

    expect(code).toBe(2);
    expect(lines).toEqual([
      `eks-netguard: ${plan}: this is a Terraform plan, not a template; pass it with --terraform-plan`,
    ]);
  });

  it('refuses a plan that is not Terraform plan JSON', async () => {
    const template = file('t.json', '{"Resources":{"V":{"Type":"AWS::EC2::VPC"}}}');
    const text = file('notes.txt', 'terraform plan output, not JSON\n');

    const asTemplate = await refused(['--terraform-plan', template]);
    const asText = await refused(['--terraform-plan', text]);

    expect(asTemplate.code).toBe(2);
    expect(asTemplate.lines[0]).toContain(
      'not Terraform plan JSON: expected format_version and planned_values',
    );
    expect(asTemplate.lines[0]).toContain('pass it with --template');
    expect(asText.code).toBe(2);
    expect(asText.lines).toHaveLength(1);
    expect(asText.lines[0]).toContain('terraform show -json plan.out > plan.json');
  });

  it('refuses a circular Ref, naming the cycle', async () => {
    const path = file(
      'cycle.yaml',
      [
        'Resources:',
        '  VPC: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }',
        '  A:',
        '    Type: AWS::EC2::SecurityGroup',
        '    Properties: { GroupDescription: a, VpcId: !Ref VPC, SecurityGroupIngress: [{ IpProtocol: "-1", SourceSecurityGroupId: !Ref B }] }',
        '  B:',
        '    Type: AWS::EC2::SecurityGroup',
        '    Properties: { GroupDescription: b, VpcId: !Ref VPC, SecurityGroupIngress: [{ IpProtocol: "-1", SourceSecurityGroupId: !GetAtt A.GroupId }] }',
      ].join('\n'),
    );

    const { code, lines } = await refused(['--template', path]);

    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/circular dependency between resources: (A → B → A|B → A → B)/);
  });

  it('refuses a circular condition', async () => {
    const path = file(
      'conditions.yaml',
      'Conditions:\n  X: !Condition Y\n  Y: !Condition X\nResources:\n  V: { Type: AWS::EC2::VPC, Condition: X, Properties: { CidrBlock: 10.0.0.0/16 } }\n',
    );

    const { code, lines } = await refused(['--template', path]);

    expect(code).toBe(2);
    expect(lines[0]).toContain('refers to itself');
  });

  it('refuses a 50 MB file without reading it', async () => {
    const path = file('huge.template.json', '');
    truncateSync(path, 50 * 1024 * 1024);

    const template = await refused(['--template', path]);
    const plan = await refused(['--terraform-plan', path]);

    for (const { code, lines } of [template, plan]) {
      expect(code).toBe(2);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('50 MB is more than the 20 MB');
    }
  });

  it('refuses a YAML alias bomb instead of expanding it', async () => {
    const path = file('bomb.yaml', yamlBomb());

    const { code, lines } = await refused(['--template', path]);

    expect(code).toBe(2);
    expect(lines).toEqual([
      `eks-netguard: ${path}: YAML anchors and aliases expand past 1000 nodes (a YAML bomb?); write the values out instead of aliasing them`,
    ]);
  });

  it('refuses a --parameter no template declares, listing the declared ones', async () => {
    const { code, lines } = await refused([
      '--template',
      'test/fixtures/planned/eks-guide-cluster.yaml',
      '--parameter',
      'ClustreName=x',
    ]);

    expect(code).toBe(2);
    expect(lines).toEqual([
      'eks-netguard: --parameter ClustreName: no given template declares this parameter (declared: NetworkStackName, ClusterName)',
    ]);
  });

  it('refuses --template without a region, saying how to give one', async () => {
    const result = await run(['scan', '--template', 'test/fixtures/planned/eks-guide-cluster.yaml']);

    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'eks-netguard: --template needs the region the stacks deploy to: pass --region R (or set AWS_REGION)',
    );
  });
});
