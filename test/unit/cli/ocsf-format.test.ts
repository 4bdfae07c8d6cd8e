/**
 * `--format ocsf`: OCSF 1.3.0 Compliance Finding (class_uid 2003) as JSON Lines, validated
 * against the vendored OCSF schema (test/fixtures/ocsf/1.3.0) with ajv.
 */
import { describe, expect, it } from 'vitest';
import { schemaChecker } from '../../fixtures/json-schema.ts';
import { run } from './run-cli.ts';

const ocsfErrors = schemaChecker(
  new URL('../../fixtures/ocsf/1.3.0/compliance_finding.schema.json', import.meta.url),
);

/** The attributes the assertions read; the schema checks the rest. */
interface OcsfEvent {
  finding_info: { uid: string; desc: string };
  severity: string;
  severity_id: number;
  resources: { uid: string; name?: string; type: string }[];
  unmapped: Record<string, unknown>;
  [attribute: string]: unknown;
}

async function demoEvents(extra: string[] = []): Promise<OcsfEvent[]> {
  const result = await run(['scan', '--demo', '--format', 'ocsf', ...extra]);
  expect(result.stderr).toBe('');
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as OcsfEvent);
}

describe('scan --format ocsf', () => {
  it('prints one JSON object per line, one per finding, each valid OCSF 1.3.0 Compliance Finding', async () => {
    // Act
    const events = await demoEvents();
    // Assert
    const json = JSON.parse((await run(['scan', '--demo', '--format', 'json'])).stdout);
    expect(events.map((e) => e.finding_info.uid)).toEqual(json.findings.map((f: { id: string }) => f.id));
    const problems = events.flatMap((e) =>
      ocsfErrors(e).map((problem) => `${e.finding_info?.uid}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it('fills compliance, finding_info, resources, remediation and cloud from the finding', async () => {
    const events = await demoEvents();
    const json = JSON.parse((await run(['scan', '--demo', '--format', 'json'])).stdout);
    const finding = json.findings.find((f: { resourceType: string }) => f.resourceType === 'subnet');
    const event = events.find((e) => e.finding_info.uid === finding.id) as OcsfEvent;
    expect(event).toMatchObject({
      class_uid: 2003,
      category_uid: 2,
      type_uid: 200301,
      time: Date.parse(json.scannedAt),
      compliance: { status_id: 3, status: 'Fail', control: finding.ruleId },
      finding_info: { uid: finding.id, title: finding.title, types: [finding.ruleId] },
      cloud: { provider: 'AWS', region: finding.region, account: { uid: finding.accountId } },
      remediation: { desc: finding.remediation },
      metadata: { version: '1.3.0', product: { name: 'eks-netguard' }, profiles: ['cloud'] },
    });
    expect(event.finding_info.desc.length).toBeGreaterThan(0);
    expect(event.resources[0]).toMatchObject({
      uid: `arn:aws:ec2:${finding.region}:${finding.accountId}:subnet/${finding.resourceId}`,
      name: finding.resourceId,
      type: 'AwsEc2Subnet',
    });
    // Only what OCSF has no attribute for goes to unmapped.
    expect(Object.keys(event.unmapped).every((key) => ['evidence', 'references'].includes(key))).toBe(true);
    expect(event.unmapped.evidence).toEqual(finding.evidence);
  });

  it('maps our severities onto the OCSF severity_id enum', async () => {
    const events = await demoEvents();
    const pairs = new Set(events.map((e) => `${e.severity}=${e.severity_id}`));
    expect([...pairs].sort()).toEqual(['High=4', 'Low=2', 'Medium=3']);
  });

  it('catches an attribute OCSF does not define (the schema check has teeth)', async () => {
    const [event] = await demoEvents();
    expect(ocsfErrors({ ...event, finding: {} })).toEqual(['/ must NOT have additional properties']);
    expect(ocsfErrors({ ...event, compliance: { status_id: 3 } })).toEqual([
      "/compliance must have required property 'standards'",
    ]);
  });
});
