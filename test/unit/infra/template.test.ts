/**
 * Checks the packaged CloudFormation template (`npx osls package`, offline). CI packages
 * before the tests; when the template is missing this file packages it itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EC2_EVENT_NAMES, EKS_EVENT_NAMES } from '../../../functions/core/cloudtrail-event.ts';

const ROOT = join(import.meta.dirname, '../../..');
const TEMPLATE = join(ROOT, '.serverless/cloudformation-template-update-stack.json');

interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, any>;
}
let resources: Record<string, Resource>;

function ofType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** Every policy statement of the template: role policies, managed policies, key/topic/queue policies. */
function statements(): { where: string; statement: Record<string, any> }[] {
  const out: { where: string; statement: Record<string, any> }[] = [];
  const push = (where: string, doc: { Statement?: unknown } | undefined) => {
    const list = doc?.Statement;
    for (const statement of Array.isArray(list) ? list : list ? [list] : []) out.push({ where, statement });
  };
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of r.Properties.Policies ?? []) push(`${id}/${p.PolicyName}`, p.PolicyDocument);
    }
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      push(id, r.Properties.PolicyDocument);
    if (r.Type === 'AWS::KMS::Key') push(id, r.Properties.KeyPolicy);
    if (r.Type === 'AWS::SNS::TopicPolicy' || r.Type === 'AWS::SQS::QueuePolicy')
      push(id, r.Properties.PolicyDocument);
  }
  return out;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

beforeAll(() => {
  if (!existsSync(TEMPLATE)) {
    execFileSync('npx', ['osls', 'package'], { cwd: ROOT, stdio: 'inherit', timeout: 240_000 });
  }
  resources = JSON.parse(readFileSync(TEMPLATE, 'utf8')).Resources;
}, 300_000);

describe('packaged template', () => {
  it('routes exactly the handled CloudTrail events to on-change, failed calls excluded', () => {
    const patterns = ofType('AWS::Events::Rule')
      .map(([, r]) => r.Properties.EventPattern)
      .filter((p) => p?.['detail-type']?.includes('AWS API Call via CloudTrail'));
    const bySource = (source: string) =>
      patterns.filter((p) => p.source.includes(source)).flatMap((p) => p.detail.eventName as string[]);
    expect(bySource('aws.eks').sort()).toEqual([...EKS_EVENT_NAMES].sort());
    expect(bySource('aws.ec2').sort()).toEqual([...EC2_EVENT_NAMES].sort());
    for (const p of patterns) expect(p.detail.errorCode).toEqual([{ exists: false }]);
  });

  it('grants no wildcard action in any policy statement', () => {
    const offending = statements().filter(({ statement }) =>
      asList(statement.Action).some((a) => typeof a !== 'string' || a.includes('*')),
    );
    expect(offending.map((o) => o.where)).toEqual([]);
    expect(statements().length).toBeGreaterThan(10);
  });

  it('uses Resource "*" in IAM roles only for actions that cannot be scoped', () => {
    const unscopable = /^(ec2:Describe[A-Za-z]+|eks:ListClusters|kms:Decrypt)$/;
    const offending = statements()
      .filter(({ where }) => resources[where.split('/')[0]!]?.Type === 'AWS::IAM::Role')
      .filter(({ statement }) => asList(statement.Resource).includes('*'))
      .flatMap(({ where, statement }) =>
        asList(statement.Action)
          .filter((a) => !unscopable.test(String(a)))
          .map((a) => `${where}: ${a}`),
      );
    expect(offending).toEqual([]);
  });

  it('gives every function its own role', () => {
    const roles = ofType('AWS::Lambda::Function').map(([, r]) => JSON.stringify(r.Properties.Role));
    expect(roles.length).toBeGreaterThanOrEqual(4);
    expect(new Set(roles).size).toBe(roles.length);
  });

  it('runs every function on nodejs22.x arm64', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it('puts an authorizer on every HTTP API route', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const [id, route] of routes) {
      expect(['AWS_IAM', 'JWT'], id).toContain(route.Properties.AuthorizationType);
    }
  });

  it('encrypts the table (with point-in-time recovery), the queues and the topic', () => {
    const [, table] = ofType('AWS::DynamoDB::Table')[0]!;
    expect(table.Properties.SSESpecification.SSEEnabled).toBe(true);
    expect(table.Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(true);
    const queues = ofType('AWS::SQS::Queue');
    expect(queues).toHaveLength(2);
    for (const [, q] of queues)
      expect(q.Properties.SqsManagedSseEnabled || q.Properties.KmsMasterKeyId).toBeTruthy();
    for (const [, t] of ofType('AWS::SNS::Topic')) expect(t.Properties.KmsMasterKeyId).toBeTruthy();
  });

  it('delays scans 60 s, dead-letters after 3 receives and outlasts 6 function timeouts', () => {
    const queue = resources.ScanQueue!.Properties;
    const fn = resources.ScanDashclusterLambdaFunction!.Properties;
    expect(queue.FifoQueue).toBe(true);
    expect(queue.DelaySeconds).toBe(60);
    expect(queue.RedrivePolicy.maxReceiveCount).toBe(3);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Timeout);
    const mapping = ofType('AWS::Lambda::EventSourceMapping')[0]![1].Properties;
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('alarms on the DLQ, function errors and throttles', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms.some((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toBe(true);
    expect(alarms.filter((a) => a.MetricName === 'Errors').length).toBeGreaterThanOrEqual(4);
    expect(alarms.some((a) => JSON.stringify(a.Metrics ?? []).includes('Throttles'))).toBe(true);
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: 'AlertTopic' }]);
  });
});
