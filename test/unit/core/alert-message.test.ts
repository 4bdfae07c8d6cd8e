import { describe, expect, it } from 'vitest';
import {
  type AlertMessage,
  buildClusterAlert,
  type ChatbotNotification,
  type ClusterAlertInput,
  MAX_PUBLISH_BYTES,
  publishBytes,
} from '../../../functions/core/alert-message.ts';
import type { Transition, TransitionKind } from '../../../functions/core/lifecycle.ts';
import type { Finding, Severity } from '../../../functions/core/model.ts';
import { exampleAlertInput, transition } from '../../fixtures/alert-examples.ts';

function finding(n: number, severity: Severity, overrides: Partial<Finding> = {}): Finding {
  return {
    id: `finding-${n}`,
    ruleId: 'sg-open-ingress',
    severity,
    title: 'Cluster or node security group allows inbound traffic from the whole internet',
    accountId: '123456789012',
    region: 'eu-west-1',
    clusterName: 'prod-payments',
    resourceType: 'security-group',
    resourceId: `sg-${String(n).padStart(17, '0')}`,
    evidence: { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' },
    remediation:
      'aws ec2 revoke-security-group-ingress --group-id <sg> --protocol tcp --port 22 --cidr 0.0.0.0/0',
    references: [],
    ...overrides,
  };
}

function input(transitions: Transition[], threshold: Severity = 'MEDIUM'): ClusterAlertInput {
  return {
    scanId: 'scan-1',
    accountId: '123456789012',
    region: 'eu-west-1',
    clusterName: 'prod-payments',
    clusterArn: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-payments',
    transitions,
    threshold,
  };
}

function bodies(message: AlertMessage): { chat: ChatbotNotification; email: string } {
  const parsed = JSON.parse(message.Message) as { default: string; email: string };
  return { chat: JSON.parse(parsed.default) as ChatbotNotification, email: parsed.email };
}

function t(
  kind: TransitionKind,
  n: number,
  severity: Severity,
  overrides: Partial<Finding> = {},
): Transition {
  return transition(kind, finding(n, severity, overrides));
}

describe('buildClusterAlert: what is alerted', () => {
  it('returns undefined when no transition reaches the threshold', () => {
    expect(buildClusterAlert(input([t('OPENED', 1, 'LOW')], 'MEDIUM'))).toBeUndefined();
    expect(buildClusterAlert(input([], 'LOW'))).toBeUndefined();
  });

  it('never alerts SUPPRESSED transitions, whatever their severity', () => {
    expect(buildClusterAlert(input([t('SUPPRESSED', 1, 'CRITICAL')], 'LOW'))).toBeUndefined();
  });

  it('alerts UNSUPPRESSED transitions (an expired suppression reopens and alerts)', () => {
    const message = buildClusterAlert(input([t('UNSUPPRESSED', 1, 'HIGH')]));
    expect(message?.MessageAttributes.transition?.StringValue).toBe('UNSUPPRESSED');
  });

  it('counts a RESOLVED transition by the finding severity', () => {
    expect(buildClusterAlert(input([t('RESOLVED', 1, 'HIGH')], 'HIGH'))).toBeDefined();
    expect(buildClusterAlert(input([t('RESOLVED', 1, 'MEDIUM')], 'HIGH'))).toBeUndefined();
  });

  it('judges SEVERITY_CHANGED by the higher of old and new severity', () => {
    const downgrade: Transition = { ...t('SEVERITY_CHANGED', 1, 'LOW'), previousSeverity: 'CRITICAL' };
    const message = buildClusterAlert(input([downgrade], 'HIGH'));
    expect(message?.MessageAttributes.severity?.StringValue).toBe('CRITICAL');
    expect(bodies(message!).email).toContain('SEVERITY CRITICAL->LOW');
  });

  it('sends one message for all of a scan’s transitions, listing only those at or above the threshold', () => {
    const message = buildClusterAlert(
      input([
        t('OPENED', 1, 'HIGH'),
        t('OPENED', 2, 'LOW'),
        t('RESOLVED', 3, 'MEDIUM'),
        t('SUPPRESSED', 4, 'HIGH'),
      ]),
    );
    const { chat, email } = bodies(message!);
    expect(chat.content.title).toContain('1 opened, 1 resolved');
    expect(email).toContain(finding(1, 'HIGH').resourceId);
    expect(email).toContain(finding(3, 'MEDIUM').resourceId);
    expect(email).not.toContain(finding(2, 'LOW').resourceId);
    expect(email).not.toContain(finding(4, 'HIGH').resourceId);
    expect(email).toContain('1 change(s) below the MEDIUM threshold are not listed');
  });
});

describe('buildClusterAlert: the SNS Publish input', () => {
  it('uses MessageStructure json with a default (Chatbot) and an email body', () => {
    const message = buildClusterAlert(exampleAlertInput())!;
    expect(message.MessageStructure).toBe('json');
    expect(Object.keys(JSON.parse(message.Message))).toEqual(['default', 'email']);
  });

  it('makes the default body an AWS Chatbot custom notification threaded per cluster', () => {
    const example = exampleAlertInput();
    const { chat } = bodies(buildClusterAlert(example)!);
    expect(chat).toMatchObject({
      version: '1.0',
      source: 'custom',
      id: example.scanId,
      content: { textType: 'client-markdown' },
      metadata: {
        threadId: 'eks-netguard/123456789012/us-east-1/demo',
        eventType: 'EksNetguardFindingsChanged',
      },
    });
    expect(chat.content.title).toMatch(/2 opened, 1 resolved on cluster demo/);
    expect(chat.content.description).toContain('`endpoint-public-open`');
    expect(chat.content.nextSteps.length).toBeGreaterThan(0);
    expect(chat.metadata.summary).toContain('highest HIGH');
    expect(chat.metadata.relatedResources[0]).toBe(example.clusterArn);
    for (const value of Object.values(chat.metadata.additionalContext)) expect(typeof value).toBe('string');
  });

  it('keeps the thread id stable across scans and distinct per cluster', () => {
    const a = bodies(buildClusterAlert({ ...input([t('OPENED', 1, 'HIGH')]), scanId: 'scan-a' })!).chat;
    const b = bodies(buildClusterAlert({ ...input([t('RESOLVED', 1, 'HIGH')]), scanId: 'scan-b' })!).chat;
    const other = bodies(
      buildClusterAlert({ ...input([t('OPENED', 1, 'HIGH')]), clusterName: 'prod-orders' })!,
    ).chat;
    expect(a.metadata.threadId).toBe(b.metadata.threadId);
    expect(other.metadata.threadId).not.toBe(a.metadata.threadId);
  });

  it('lists in the e-mail each finding’s transition, severity, rule, resource, evidence and remediation', () => {
    const { email } = bodies(buildClusterAlert(exampleAlertInput())!);
    expect(email).toContain('[1] OPENED  HIGH  endpoint-public-open');
    expect(email).toContain('Resource:    cluster arn:aws:eks:us-east-1:123456789012:cluster/demo');
    expect(email).toContain('Evidence:    endpointPublicAccess=true; publicAccessCidrs=["0.0.0.0/0"]');
    // The remediation is rendered with the finding's values, ready to run.
    expect(email).toMatch(
      /Remediation: Limit the public endpoint .*update-cluster-config --region us-east-1 --name demo /,
    );
    expect(email).toContain('RESOLVED  MEDIUM  subnet-ip-exhaustion');
    expect(email).toMatch(/Resolved: +2026-03-09T08:00:00.000Z \(fixed\)/);
  });

  it('sets the filter attributes: highest severity, cluster, account, region, most significant kind, rule ids', () => {
    const message = buildClusterAlert(
      input([
        t('RESOLVED', 1, 'CRITICAL', { ruleId: 'subnet-single-az' }),
        t('OPENED', 2, 'MEDIUM'),
        t('OPENED', 3, 'HIGH'),
      ]),
    )!;
    expect(message.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'CRITICAL' },
      clusterName: { DataType: 'String', StringValue: 'prod-payments' },
      accountId: { DataType: 'String', StringValue: '123456789012' },
      region: { DataType: 'String', StringValue: 'eu-west-1' },
      transition: { DataType: 'String', StringValue: 'OPENED' },
      ruleIds: { DataType: 'String.Array', StringValue: '["sg-open-ingress","subnet-single-az"]' },
    });
  });

  it('ranks REOPENED above OPENED and RESOLVED lowest for the transition attribute', () => {
    const kind = (...kinds: TransitionKind[]) =>
      buildClusterAlert(input(kinds.map((k, i) => t(k, i, 'HIGH'))))?.MessageAttributes.transition
        ?.StringValue;
    expect(kind('RESOLVED', 'REOPENED', 'OPENED')).toBe('REOPENED');
    expect(kind('RESOLVED', 'SEVERITY_CHANGED')).toBe('SEVERITY_CHANGED');
    expect(kind('RESOLVED')).toBe('RESOLVED');
  });

  it('keeps the Subject short printable ASCII without line breaks, even for a 100-character cluster name', () => {
    const long = 'c'.repeat(100);
    const message = buildClusterAlert({ ...input([t('OPENED', 1, 'HIGH')]), clusterName: long })!;
    expect(message.Subject.length).toBeLessThanOrEqual(100);
    expect(message.Subject).toMatch(/^[\x20-\x7e]+$/);
    expect(buildClusterAlert(exampleAlertInput())!.Subject).toBe(
      '[eks-netguard] HIGH demo (us-east-1): 2 opened, 1 resolved',
    );
  });
});

describe('buildClusterAlert: large batches become a digest', () => {
  const severities: Severity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
  const many = Array.from({ length: 5000 }, (_, n) =>
    t(n % 7 === 0 ? 'RESOLVED' : 'OPENED', n, severities[n % 4]!, {
      // Long, non-ASCII evidence makes byte accounting (not character counting) matter.
      evidence: {
        note: 'セキュリティグループが全世界に開放されています'.repeat(5),
        cidrs: ['0.0.0.0/0', '::/0'],
      },
    }),
  );

  it('stays within the SNS 256 KiB limit for 5,000 transitions', () => {
    const message = buildClusterAlert(input(many, 'LOW'))!;
    expect(publishBytes(message)).toBeLessThanOrEqual(MAX_PUBLISH_BYTES);
    expect(Buffer.byteLength(message.Message)).toBeLessThanOrEqual(MAX_PUBLISH_BYTES);
  });

  it('reports counts of everything and the top findings first', () => {
    const { chat, email } = bodies(buildClusterAlert(input(many, 'LOW'))!);
    expect(chat.content.title).toContain('4285 opened, 715 resolved');
    expect(chat.content.description).toContain(
      'By severity: 1250 CRITICAL, 1250 HIGH, 1250 MEDIUM, 1250 LOW.',
    );
    expect(chat.content.description).toMatch(/…and \d+ more/);
    expect(chat.content.description.length).toBeLessThanOrEqual(3000);
    expect(chat.content.description.split('\n').find((l) => l.startsWith('•'))).toMatch(
      /^• \*CRITICAL\* OPENED/,
    );
    expect(email).toMatch(/Digest: \d+ of 5000 changes listed above/);
    expect(email).toMatch(/^\[1\] OPENED {2}CRITICAL/m);
  });

  it('lists every transition when they fit', () => {
    const few = many.slice(0, 20);
    const { email } = bodies(buildClusterAlert(input(few, 'LOW'))!);
    expect(email).toContain('[20] ');
    expect(email).not.toContain('Digest:');
  });
});
