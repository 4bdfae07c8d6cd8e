/**
 * Security checks over the packaged CloudFormation template, beyond the ones of
 * `test/unit/infra/template.test.ts` (authorizer on every route, no wildcard action,
 * `Resource: "*"` only for unscopable actions, encryption and PITR — not repeated here):
 * who may invoke the functions, who the roles trust, which resource each data-plane
 * permission targets, resource policies, secrets in function configuration, and the
 * deployment bucket. Packages the template first when it is missing, as that test does.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../functions/adapters/logger.ts';

const ROOT = join(import.meta.dirname, '../../..');
const TEMPLATE = join(ROOT, '.serverless/cloudformation-template-update-stack.json');

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped; the tests narrow it by assertion.
type Json = any;

interface Resource {
  Type: string;
  Properties: Record<string, Json>;
}
let resources: Record<string, Resource>;

beforeAll(() => {
  if (!existsSync(TEMPLATE)) {
    execFileSync('npx', ['osls', 'package'], { cwd: ROOT, stdio: 'inherit', timeout: 240_000 });
  }
  resources = JSON.parse(readFileSync(TEMPLATE, 'utf8')).Resources;
}, 300_000);

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** Every action string of a statement, including both branches of an `Fn::If`. */
function actionsOf(statement: Record<string, Json>): string[] {
  return JSON.stringify(statement.Action ?? [])
    .match(/"[a-z0-9-]+:[A-Za-z*]+"/g)!
    .map((a) => a.slice(1, -1));
}

/** A statement, or both branches of a conditional one (`Fn::If` with `AWS::NoValue` dropped). */
function unwrapConditional(statement: Json): Record<string, Json>[] {
  const branches = statement?.['Fn::If'];
  if (!Array.isArray(branches)) return [statement as Record<string, Json>];
  return branches
    .slice(1)
    .filter((branch: Json) => branch?.Ref !== 'AWS::NoValue')
    .flatMap(unwrapConditional);
}

function roleStatements(): { role: string; statement: Record<string, Json> }[] {
  return ofType('AWS::IAM::Role').flatMap(([role, r]) =>
    (r.Properties.Policies ?? []).flatMap((p: Json) =>
      asList(p.PolicyDocument.Statement)
        .flatMap((statement) => unwrapConditional(statement as Json))
        .map((statement) => ({ role, statement })),
    ),
  );
}

/** Which of the stack's own resources each service's data-plane actions must target. */
const OWN_TARGETS: Record<string, RegExp> = {
  dynamodb:
    /^\{"Fn::GetAtt":\["FindingsTable","Arn"\]\}$|^\{"Fn::Sub":"\$\{FindingsTable\.Arn\}\/index\/GSI\d"\}$/,
  sqs: /^\{"Fn::GetAtt":\["(ScanQueue|ScanDeadLetterQueue|SweepFailureQueue|SlackDeadLetterQueue)","Arn"\]\}$/,
  sns: /^\{"Ref":"AlertTopic"\}$/,
  ssm: /:ssm:.*:parameter/,
  logs: /log-group:\/aws\/lambda\/eks-netguard-[a-z0-9-]+:\*/,
};

describe('packaged template: security', () => {
  it('lets only AWS services invoke the functions, each for one source ARN (no public or cross-account invoke)', () => {
    const permissions = ofType('AWS::Lambda::Permission');
    expect(permissions.length).toBeGreaterThanOrEqual(4);
    for (const [id, p] of permissions) {
      expect(p.Properties.Principal, id).toMatch(/^[a-z-]+\.amazonaws\.com$/);
      expect(p.Properties.SourceArn, id).toBeDefined();
      expect(p.Properties.Action, id).toBe('lambda:InvokeFunction');
    }
    expect(ofType('AWS::Lambda::Url')).toEqual([]);
  });

  it('has roles that only Lambda can assume', () => {
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      expect(role.Properties.AssumeRolePolicyDocument.Statement, id).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
    }
  });

  it('scopes every DynamoDB, SQS, SNS, SSM and Logs permission to this stack’s own resources', () => {
    const offending: string[] = [];
    for (const { role, statement } of roleStatements()) {
      for (const service of new Set(actionsOf(statement).map((a) => a.split(':')[0] as string))) {
        const target = OWN_TARGETS[service];
        if (!target) continue;
        for (const resource of asList(statement.Resource)) {
          if (!target.test(JSON.stringify(resource)))
            offending.push(`${role}/${statement.Sid}: ${JSON.stringify(resource)}`);
        }
      }
    }
    expect(offending).toEqual([]);
    expect(roleStatements().length).toBeGreaterThan(10);
  });

  it('limits kms:Decrypt on "*" to calls made through SSM (the webhook parameter), and keys to their own ARN otherwise', () => {
    for (const { role, statement } of roleStatements()) {
      if (!actionsOf(statement).some((a) => a.startsWith('kms:'))) continue;
      if (asList(statement.Resource).includes('*')) {
        expect(JSON.stringify(statement.Condition), `${role}/${statement.Sid}`).toMatch(/kms:ViaService/);
      } else {
        expect(JSON.stringify(statement.Resource), `${role}/${statement.Sid}`).toMatch(/AlertKey/);
      }
    }
  });

  it('never grants anonymous access in a resource policy (topic, queues, bucket, key)', () => {
    const policies = [
      ...ofType('AWS::SNS::TopicPolicy').map(([id, r]) => [id, r.Properties.PolicyDocument] as const),
      ...ofType('AWS::SQS::QueuePolicy').map(([id, r]) => [id, r.Properties.PolicyDocument] as const),
      ...ofType('AWS::S3::BucketPolicy').map(([id, r]) => [id, r.Properties.PolicyDocument] as const),
      ...ofType('AWS::KMS::Key').map(([id, r]) => [id, r.Properties.KeyPolicy] as const),
    ];
    expect(policies.length).toBeGreaterThanOrEqual(3);
    for (const [id, doc] of policies) {
      for (const statement of asList(doc.Statement) as Record<string, Json>[]) {
        if (statement.Effect !== 'Allow') continue;
        const principal = JSON.stringify(statement.Principal);
        const anonymous = principal === '"*"' || /"AWS":"\*"/.test(principal);
        if (anonymous) expect(statement.Condition, `${id}/${statement.Sid}`).toBeDefined();
      }
    }
  });

  it('lets an AWS service send to a queue only on behalf of this stack (aws:SourceArn or aws:SourceAccount)', () => {
    const policies = ofType('AWS::SQS::QueuePolicy');
    expect(policies.map(([id]) => id)).toContain('SlackDeadLetterQueuePolicy');
    for (const [id, policy] of policies) {
      for (const statement of asList(policy.Properties.PolicyDocument.Statement) as Record<string, Json>[]) {
        if (!statement.Principal?.Service) continue;
        expect(JSON.stringify(statement.Condition ?? {}), `${id}/${statement.Sid}`).toMatch(
          /aws:Source(Arn|Account)/,
        );
      }
    }
  });

  it('keeps secrets out of function configuration (the webhook URL is read from SSM at run time)', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      for (const [name, value] of Object.entries(fn.Properties.Environment?.Variables ?? {})) {
        if (typeof value !== 'string') continue;
        expect(redactSecrets(value), `${id} ${name}`).toBe(value);
        expect(name, id).not.toMatch(/SECRET|PASSWORD|ACCESS_KEY|WEBHOOK_URL/);
      }
    }
  });

  it('encrypts the deployment bucket and refuses it over plain HTTP', () => {
    for (const [id, bucket] of ofType('AWS::S3::Bucket')) {
      expect(bucket.Properties.BucketEncryption, id).toBeDefined();
      const policy = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket?.Ref === id);
      expect(JSON.stringify(policy?.[1].Properties.PolicyDocument), id).toMatch(
        /"aws:SecureTransport":false/,
      );
    }
  });
});
