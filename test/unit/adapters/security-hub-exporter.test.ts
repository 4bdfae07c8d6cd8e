/**
 * The Security Hub exporter against a strict `aws-sdk-client-mock`: the exact request of
 * each call (moto 5.2 has no BatchUpdateFindings: this is where its shape is checked),
 * batches of at most 100, partial failures, and a whole-call refusal (AccessDenied) that
 * is logged at ERROR for the alarm and never thrown.
 */
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  EXPORT_FAILED_MESSAGE,
  SecurityHubExporter,
} from '../../../functions/adapters/security-hub-exporter.ts';
import { lazySecurityHubExporter } from '../../../functions/adapters/security-hub-lazy.ts';
import { DEMO_ACCOUNT_ID, demoSnapshot } from '../../../functions/cli/demo-account.ts';
import { type AwsSecurityFinding, toAsff } from '../../../functions/core/asff.ts';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import { asffProblems } from '../../fixtures/asff-field-rules.ts';
import { awsError } from '../faults/world.ts';

const REGION = 'eu-west-1';
const PRODUCT = `arn:aws:securityhub:${REGION}:${DEMO_ACCOUNT_ID}:product/${DEMO_ACCOUNT_ID}/default`;
const client = new SecurityHubClient({ region: REGION });
const hub = mockClient(client);

/** Every finding of the demo account in one region, as the exporter receives them. */
function demoFindings(): AwsSecurityFinding[] {
  const { findings } = evaluateSnapshot(demoSnapshot(), RULES, DEFAULT_RULE_CONFIG);
  return findings
    .filter((f) => f.region === REGION)
    .map((f) =>
      toAsff(f, {
        partition: 'aws',
        region: REGION,
        accountId: DEMO_ACCOUNT_ID,
        updatedAt: '2026-01-01T00:00:00.000Z',
      }),
    );
}

/** A logger that keeps what it is told. */
function recordingLogger() {
  const lines: { level: 'error' | 'warn'; message: string; details: Record<string, unknown> }[] = [];
  return {
    lines,
    error: (message: string, details: Record<string, unknown>) =>
      lines.push({ level: 'error', message, details }),
    warn: (message: string, details: Record<string, unknown>) =>
      lines.push({ level: 'warn', message, details }),
  } as const;
}

function exporter(logger = recordingLogger()) {
  return new SecurityHubExporter({ clientFor: () => client, logger: logger as never });
}

/** `n` copies of a demo finding with distinct ids. */
function many(n: number): AwsSecurityFinding[] {
  const [first] = demoFindings();
  return Array.from({ length: n }, (_, i) => ({ ...(first as AwsSecurityFinding), Id: `finding-${i}` }));
}

describe('SecurityHubExporter', () => {
  beforeEach(() => {
    hub.reset();
    // Strict: any call not set up below fails the test's expectations.
    hub.onAnyCommand().rejects(new Error('unexpected Security Hub call'));
  });

  it('imports valid ASFF documents of the demo account, 100 at most per call', async () => {
    // Arrange
    const findings = [...demoFindings(), ...many(250)];
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
      FailedCount: 0,
      SuccessCount: input.Findings.length,
      FailedFindings: [],
    }));
    // Act
    const failures = await exporter().importFindings(REGION, findings);
    // Assert
    expect(failures).toEqual([]);
    const sizes = hub.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings?.length);
    expect(findings.length).toBeGreaterThan(250);
    expect(sizes).toEqual([100, 100, findings.length - 200]);
    for (const doc of demoFindings()) expect(asffProblems(doc as never), doc.GeneratorId).toEqual([]);
  });

  it('sets the workflow with the exact BatchUpdateFindings request: identifiers, status and a note', async () => {
    // Arrange
    const expected = {
      FindingIdentifiers: [
        { Id: 'f-1', ProductArn: PRODUCT },
        { Id: 'f-2', ProductArn: PRODUCT },
      ],
      Workflow: { Status: 'SUPPRESSED' as const },
      Note: { Text: 'Suppressed in eks-netguard by alice: accepted', UpdatedBy: 'eks-netguard' },
    };
    hub.on(BatchUpdateFindingsCommand, expected, true).resolves({
      ProcessedFindings: expected.FindingIdentifiers,
      UnprocessedFindings: [],
    });
    // Act
    const failures = await exporter().updateWorkflow(REGION, {
      status: 'SUPPRESSED',
      note: 'Suppressed in eks-netguard by alice: accepted',
      findings: [
        { id: 'f-1', productArn: PRODUCT },
        { id: 'f-2', productArn: PRODUCT },
      ],
    });
    // Assert
    expect(failures).toEqual([]);
    expect(hub.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(1);
    expect(hub.calls()).toHaveLength(1);
  });

  it('returns the findings Security Hub refused one by one, and only those', async () => {
    // Arrange
    hub.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      SuccessCount: 2,
      FailedFindings: [{ Id: 'finding-1', ErrorCode: 'InvalidInput', ErrorMessage: 'Resources too long' }],
    });
    hub.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: 'finding-2', ProductArn: PRODUCT },
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'not found',
        },
      ],
    });
    const logger = recordingLogger();
    // Act
    const imported = await exporter(logger).importFindings(REGION, many(3));
    const updated = await exporter(logger).updateWorkflow(REGION, {
      status: 'NEW',
      note: 'open again',
      findings: [{ id: 'finding-2', productArn: PRODUCT }],
    });
    // Assert
    expect(imported).toEqual([
      { findingId: 'finding-1', code: 'InvalidInput', message: 'Resources too long', retryable: false },
    ]);
    expect(updated).toEqual([
      { findingId: 'finding-2', code: 'FindingNotFound', message: 'not found', retryable: false },
    ]);
    expect(logger.lines.map((l) => [l.level, l.message])).toEqual([
      ['error', EXPORT_FAILED_MESSAGE],
      ['error', EXPORT_FAILED_MESSAGE],
    ]);
  });

  it('turns AccessDenied into a logged ERROR for every finding, without a second call or a throw', async () => {
    // Arrange
    hub
      .on(BatchImportFindingsCommand)
      .rejects(awsError('AccessDeniedException', 403, 'User is not authorized'));
    const logger = recordingLogger();
    // Act
    const failures = await exporter(logger).importFindings(REGION, many(250));
    // Assert
    expect(failures).toHaveLength(250);
    expect(failures[0]).toEqual({
      findingId: 'finding-0',
      code: 'AccessDeniedException',
      message: 'User is not authorized',
      retryable: false,
    });
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(1);
    expect(logger.lines).toEqual([
      {
        level: 'error',
        message: EXPORT_FAILED_MESSAGE,
        details: expect.objectContaining({
          operation: 'BatchImportFindings',
          errorCodes: ['AccessDeniedException'],
          failed: 250,
          hint: expect.stringContaining('securityhub:BatchImportFindings'),
        }),
      },
    ]);
  });

  it('logs throttling and outages as retryable warnings (no alarm): they go out with the next scan', async () => {
    // Arrange
    hub.on(BatchImportFindingsCommand).rejects(awsError('ThrottlingException', 429));
    const logger = recordingLogger();
    // Act
    const failures = await exporter(logger).importFindings(REGION, many(2));
    // Assert
    expect(failures.every((f) => f.retryable)).toBe(true);
    expect(logger.lines.map((l) => l.level)).toEqual(['warn']);
  });

  it('works the same when loaded lazily (the scan function loads it on its first call)', async () => {
    // Arrange
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 2, FailedFindings: [] });
    // Act
    const failures = await lazySecurityHubExporter({ clientFor: () => client }).importFindings(
      REGION,
      many(2),
    );
    // Assert
    expect(failures).toEqual([]);
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(1);
  });
});
