/**
 * `--format ocsf`: OCSF 1.3.0 Compliance Finding (class_uid 2003) as JSON Lines, validated against the
 * published OCSF schema definitions vendored from ocsf/ocsf-schema (test/fixtures/ocsf/1.3.0, see its
 * README for each file's commit), compiled by test/fixtures/ocsf/validate-ocsf.ts.
 */
import { describe, expect, it } from 'vitest';
import { ocsfValidator } from '../../fixtures/ocsf/validate-ocsf.ts';
import { run } from './run-cli.ts';

const ocsfErrors = ocsfValidator(new URL('../../fixtures/ocsf/1.3.0/', import.meta.url));

/** The attributes the assertions read; the validator checks the rest. */
interface OcsfEvent {
  finding_info: { uid: string; desc: string; [attribute: string]: unknown };
  severity: string;
  severity_id: number;
  metadata: Record<string, unknown>;
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
  it('prints one JSON object per line, one per finding, each a valid OCSF 1.3.0 Compliance Finding', async () => {
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
});

describe('the OCSF validator (so the validity check can fail)', () => {
  it('refuses a missing required attribute, with its path', async () => {
    // Arrange
    const event = (await demoEvents())[0] as OcsfEvent;
    const { uid: _uid, ...findingInfo } = event.finding_info;
    const { product: _product, ...metadata } = event.metadata;
    // Act
    const problems = ocsfErrors({ ...event, finding_info: findingInfo, metadata });
    // Assert
    expect(problems).toEqual([
      'metadata.product: missing required attribute of metadata',
      'finding_info.uid: missing required attribute of finding_info',
    ]);
  });

  it('refuses a value of the wrong type', async () => {
    const event = (await demoEvents())[0] as OcsfEvent;
    expect(ocsfErrors({ ...event, time: '2026-02-01T12:00:00Z' })).toEqual([
      'time: expected an integer (long_t), got string "2026-02-01T12:00:00Z"',
    ]);
    expect(
      ocsfErrors({ ...event, compliance: { ...(event.compliance as object), standards: 'CIS' } }),
    ).toEqual(['compliance.standards: expected an array of string_t, got string']);
  });

  it('refuses an attribute OCSF does not define, at any depth, but not inside unmapped', async () => {
    const event = (await demoEvents())[0] as OcsfEvent;
    expect(ocsfErrors({ ...event, finding: {} })).toEqual([
      "finding: 'finding' is not an attribute of compliance_finding",
    ]);
    expect(ocsfErrors({ ...event, cloud: { ...(event.cloud as object), vpc: 'vpc-1' } })).toEqual([
      "cloud.vpc: 'vpc' is not an attribute of cloud",
    ]);
    expect(ocsfErrors({ ...event, unmapped: { ...event.unmapped, anything: { goes: 1 } } })).toEqual([]);
  });

  it('refuses a value outside an enum, and a type_uid that is not class_uid × 100 + activity_id', async () => {
    const event = (await demoEvents())[0] as OcsfEvent;
    expect(ocsfErrors({ ...event, severity_id: 7 })).toEqual([
      "severity_id: 7 is not in the 'severity_id' enum (0, 1, 2, 3, 4, 5, 6, 99)",
    ]);
    expect(ocsfErrors({ ...event, compliance: { ...(event.compliance as object), status_id: 4 } })).toEqual([
      "compliance.status_id: 4 is not in the 'status_id' enum (0, 1, 2, 3, 99)",
    ]);
    expect(ocsfErrors({ ...event, type_uid: 2003 })).toEqual([
      "type_uid: 2003 is not in the 'type_uid' enum (200300, 200301, 200302, 200303, 200399)",
    ]);
  });

  it('applies profile attributes only when metadata.profiles names the profile', async () => {
    const event = (await demoEvents())[0] as OcsfEvent;
    const problems = ocsfErrors({ ...event, metadata: { ...event.metadata, profiles: [] } });
    expect(problems).toContain("cloud: 'cloud' is not an attribute of compliance_finding");
  });
});
