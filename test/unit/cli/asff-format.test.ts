/** `--format asff`: a JSON array of ASFF documents that passes Security Hub's field rules. */
import { describe, expect, it } from 'vitest';
import { asffProblems } from '../../fixtures/asff-field-rules.ts';
import { run } from './run-cli.ts';

describe('scan --format asff', () => {
  it('prints one ASFF document per finding of the demo account, each passing the ASFF field rules', async () => {
    // Act
    const result = await run(['scan', '--demo', '--format', 'asff']);
    // Assert
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const documents = JSON.parse(result.stdout) as Record<string, unknown>[];
    const json = JSON.parse((await run(['scan', '--demo', '--format', 'json'])).stdout);
    expect(documents.map((d) => d.Id)).toEqual(json.findings.map((f: { id: string }) => f.id));
    expect(documents.flatMap(asffProblems)).toEqual([]);
  });

  it('covers every resource type the demo trips, and sends each to its own region', async () => {
    const documents = JSON.parse((await run(['scan', '--demo', '--format', 'asff'])).stdout) as {
      Region: string;
      ProductArn: string;
      Resources: { Type: string }[];
    }[];
    const types = new Set(documents.flatMap((d) => d.Resources.map((r) => r.Type)));
    expect([...types].sort()).toEqual(
      [
        'AwsEc2Instance',
        'AwsEc2NetworkAcl',
        'AwsEc2SecurityGroup',
        'AwsEc2Subnet',
        'AwsEc2Vpc',
        'AwsEksCluster',
        'Other',
      ].sort(),
    );
    for (const d of documents) expect(d.ProductArn).toContain(`:securityhub:${d.Region}:`);
  });

  it('exits 1 with --fail-on like every other format', async () => {
    const result = await run(['scan', '--demo', '--format', 'asff', '--fail-on', 'HIGH']);
    expect(result.code).toBe(1);
  });
});
