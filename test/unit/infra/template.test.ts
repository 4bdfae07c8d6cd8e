/**
 * Checks the packaged CloudFormation template (`npx osls package`, offline). CI packages
 * before the tests; when the template is missing this file packages it itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EC2_EVENT_NAMES, EKS_EVENT_NAMES } from '../../../functions/core/cloudtrail-event.ts';
import { sdkCallsOfHandler } from './sdk-calls.ts';

const ROOT = join(import.meta.dirname, '../../..');
const TEMPLATE = join(ROOT, '.serverless/cloudformation-template-update-stack.json');

interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, any>;
}
interface Template {
  Resources: Record<string, Resource>;
  Conditions?: Record<string, unknown>;
}
let template: Template;
let resources: Record<string, Resource>;
/** Packaged with non-default parameters: every region (`all`), a Slack webhook parameter, Security Hub on. */
let variant: Template;
let variantDir: string;
/** What `osls package` printed for the variant. */
let variantOutput = '';
const SLACK_PARAMETER = '/eks-netguard/slack-webhook-url';

/** Evaluates a condition of the packaged template (parameters are already literals). */
function conditionHolds(t: Template, name: string): boolean {
  const evaluate = (node: any): boolean => {
    if (node['Fn::Equals']) return node['Fn::Equals'][0] === node['Fn::Equals'][1];
    if (node['Fn::Not']) return !evaluate(node['Fn::Not'][0]);
    if (node['Fn::And']) return node['Fn::And'].every(evaluate);
    if (node['Fn::Or']) return node['Fn::Or'].some(evaluate);
    if (node.Condition) return conditionHolds(t, node.Condition);
    throw new Error(`unsupported condition ${JSON.stringify(node)}`);
  };
  const node = t.Conditions?.[name];
  if (!node) throw new Error(`no condition ${name}`);
  return evaluate(node);
}

const isNoValue = (node: any) => node?.Ref === 'AWS::NoValue';

/** Resolves `Fn::If` the way CloudFormation would deploy this template (`AWS::NoValue` drops the entry). */
function resolveIfs(t: Template, node: any): any {
  if (Array.isArray(node)) return node.map((n) => resolveIfs(t, n)).filter((n) => !isNoValue(n));
  if (node && typeof node === 'object') {
    if (node['Fn::If']) {
      const [name, yes, no] = node['Fn::If'];
      return resolveIfs(t, conditionHolds(t, name) ? yes : no);
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveIfs(t, v)]));
  }
  return node;
}

/** Functions that deploy with `t`'s parameters, with their handler file and role's statements. */
function deployedFunctions(t: Template) {
  const deployed = (r: Resource) => !r.Condition || conditionHolds(t, r.Condition);
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && deployed(r))
    .map(([id, r]) => {
      const roleId = r.Properties.Role['Fn::GetAtt'][0] as string;
      const role = t.Resources[roleId]!;
      expect(deployed(role), `${roleId} deploys with ${id}`).toBe(true);
      const statements = (role.Properties.Policies as any[]).flatMap((p) =>
        asList(resolveIfs(t, p.PolicyDocument).Statement),
      ) as Record<string, any>[];
      const handlerFile = `${String(r.Properties.Handler).replace(/\.[A-Za-z]+$/, '')}.ts`;
      // `all` makes the sweep list the enabled regions (DescribeRegions); a list does not.
      const scanRegions = r.Properties.Environment?.Variables?.SCAN_REGIONS as string | undefined;
      // The scan function's bundle always holds the exporter; it calls it only with securityHub=true.
      const securityHub = r.Properties.Environment?.Variables?.SECURITY_HUB === 'true';
      return { id, roleId, handlerFile, statements, scanRegions, securityHub };
    });
}

/** Allowed actions of a role (statement conditions aside). */
function grantedActions(statements: Record<string, any>[]): Set<string> {
  return new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => asList(s.Action).map(String)));
}

/**
 * Actions AWS calls with the function's role, not our code, derived from the template: an
 * SQS event source mapping polls with it, and an asynchronous invocation's on-failure
 * destination (an SQS queue) is sent to with it.
 */
function platformActions(t: Template, functionId: string): string[] {
  const actions: string[] = [];
  const targets = (r: Resource) =>
    JSON.stringify(r.Properties.FunctionName ?? '').includes(`"${functionId}"`);
  for (const r of Object.values(t.Resources).filter(targets)) {
    if (
      r.Type === 'AWS::Lambda::EventSourceMapping' &&
      /:sqs:|Queue/.test(JSON.stringify(r.Properties.EventSourceArn))
    )
      actions.push('sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes');
    if (r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.DestinationConfig?.OnFailure)
      actions.push('sqs:SendMessage');
  }
  return actions;
}
/** Services whose calls are authorised by IAM actions (STS GetCallerIdentity needs no grant). */
const GRANT_NEEDED = /^(ec2|eks|dynamodb|lambda|sns|sqs|ssm|securityhub):/;
/**
 * Calls a bundle contains that its function never makes, each with the reason. The
 * findings store is one module shared by every function; these are its operations only
 * other functions use. Listing them here keeps the roles minimal and the exception visible.
 */
const NEVER_CALLED: Record<string, Record<string, string>> = {
  OnDashchangeLambdaFunction: {
    'dynamodb:GetItem': 'on-change only queries the cluster↔VPC index',
    'dynamodb:PutItem': 'on-change never writes the table',
    'dynamodb:UpdateItem': 'on-change never writes the table',
    'dynamodb:DeleteItem': 'on-change never writes the table',
    'dynamodb:BatchGetItem': 'on-change only queries the cluster↔VPC index',
  },
  SweepDashfailureLambdaFunction: {
    'dynamodb:GetItem': 'sweep-failure only marks the scan record of an API scan FAILED',
    'dynamodb:PutItem': 'sweep-failure only marks the scan record of an API scan FAILED',
    'dynamodb:DeleteItem': 'sweep-failure only marks the scan record of an API scan FAILED',
    'dynamodb:BatchGetItem': 'sweep-failure only marks the scan record of an API scan FAILED',
  },
  SweepLambdaFunction: {
    'dynamodb:GetItem': 'the sweep only updates the scan record of an API scan',
    'dynamodb:PutItem': 'the sweep only updates the scan record of an API scan',
    'dynamodb:DeleteItem': 'the sweep only updates the scan record of an API scan',
    'dynamodb:BatchGetItem': 'the sweep only updates the scan record of an API scan',
  },
  ScanDashvpcLambdaFunction: {
    'dynamodb:DeleteItem': 'suppressions are deleted by the API only',
    'sts:GetCallerIdentity': 'the queue message carries the account id',
  },
};

function ofType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** Every policy statement of the template: role policies, managed policies, key/topic/queue policies. */
function statements(t: Template = template): { where: string; statement: Record<string, any> }[] {
  const out: { where: string; statement: Record<string, any> }[] = [];
  const push = (where: string, doc: { Statement?: unknown } | undefined) => {
    // Fn::If resolved as this template deploys (the variant covers the other branches).
    const list = resolveIfs(t, doc)?.Statement;
    for (const statement of Array.isArray(list) ? list : list ? [list] : []) out.push({ where, statement });
  };
  for (const [id, r] of Object.entries(t.Resources)) {
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
  template = JSON.parse(readFileSync(TEMPLATE, 'utf8'));
  resources = template.Resources;
  // Packaged in a copy of the service: `osls package` clears the service's own
  // .serverless/ and .esbuild/, which CI and teammates' commands are using.
  variantDir = mkdtempSync(join(tmpdir(), 'netguard-variant-'));
  for (const entry of ['serverless.yml', 'package.json', 'tsconfig.json', 'functions', 'infra'])
    cpSync(join(ROOT, entry), join(variantDir, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(variantDir, 'node_modules'), 'dir');
  const packaged = spawnSync(
    'npx',
    [
      'osls',
      'package',
      '--param=regions=all',
      `--param=slackWebhookParameter=${SLACK_PARAMETER}`,
      '--param=securityHub=true',
    ],
    { cwd: variantDir, encoding: 'utf8', timeout: 240_000 },
  );
  variantOutput = `${packaged.stdout}\n${packaged.stderr}`;
  if (packaged.status !== 0) throw new Error(`osls package failed:\n${variantOutput}`);
  variant = JSON.parse(
    readFileSync(join(variantDir, '.serverless/cloudformation-template-update-stack.json'), 'utf8'),
  );
}, 600_000);

afterAll(() => {
  if (variantDir) rmSync(variantDir, { recursive: true, force: true });
});

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

  it.each([
    ['default', () => template],
    ['variant', () => variant],
  ])('grants no wildcard action in any policy statement (%s parameters)', (_name, get) => {
    const offending = statements(get()).filter(({ statement }) =>
      asList(statement.Action).some((a) => typeof a !== 'string' || a.includes('*')),
    );
    expect(offending.map((o) => o.where)).toEqual([]);
    expect(statements().length).toBeGreaterThan(10);
  });

  it.each([
    ['default', () => template],
    ['variant', () => variant],
  ])(
    'uses Resource "*" in IAM roles only for actions that cannot be scoped (%s parameters)',
    (_name, get) => {
      const unscopable = /^(ec2:Describe[A-Za-z]+|eks:ListClusters|kms:Decrypt)$/;
      const offending = statements(get())
        .filter(({ where }) => get().Resources[where.split('/')[0]!]?.Type === 'AWS::IAM::Role')
        .filter(({ statement }) => asList(statement.Resource).includes('*'))
        .flatMap(({ where, statement }) =>
          asList(statement.Action)
            .filter((a) => !unscopable.test(String(a)))
            .map((a) => `${where}: ${a}`),
        );
      expect(offending).toEqual([]);
    },
  );

  it('gives every function its own role', () => {
    const roles = ofType('AWS::Lambda::Function').map(([, r]) => JSON.stringify(r.Properties.Role));
    expect(roles.length).toBeGreaterThanOrEqual(4);
    expect(new Set(roles).size).toBe(roles.length);
  });

  it('packages without esbuild warnings (the CommonJS-only import.meta branch is silenced)', () => {
    expect(variantOutput).toContain('Service packaged');
    expect(variantOutput).not.toMatch(/\[WARNING\]/);
  });

  it('runs every function on nodejs22.x arm64', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it.each([
    ['default', () => template],
    ['variant', () => variant],
  ])('puts an authorizer on every HTTP API route, the catch-all included (%s parameters)', (_name, get) => {
    const routes = Object.entries(get().Resources).filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThanOrEqual(11);
    // Unknown paths and wrong methods reach our handler (JSON 404/405), not API Gateway's own 404.
    const keys = routes.map(([, r]) => r.Properties.RouteKey);
    expect(keys).toContain('ANY /{proxy+}');
    expect(keys).toContain('ANY /');
    for (const [id, route] of routes) {
      expect(['AWS_IAM', 'JWT'], id).toContain(route.Properties.AuthorizationType);
    }
  });

  it('throttles every route of the API stage', () => {
    const stages = ofType('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    const settings = stages[0]![1].Properties.DefaultRouteSettings;
    expect(Number(settings.ThrottlingRateLimit)).toBeGreaterThan(0);
    expect(Number(settings.ThrottlingBurstLimit)).toBeGreaterThanOrEqual(
      Number(settings.ThrottlingRateLimit),
    );
  });

  it('encrypts the table (with point-in-time recovery), the queues and the topic', () => {
    const [, table] = ofType('AWS::DynamoDB::Table')[0]!;
    expect(table.Properties.SSESpecification.SSEEnabled).toBe(true);
    expect(table.Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(true);
    // Default parameters: scans, their DLQ and the sweep failure queue (+ Slack DLQ with a webhook).
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.map(([id]) => id).sort()).toEqual([
      'ScanDeadLetterQueue',
      'ScanQueue',
      'SlackDeadLetterQueue',
      'SweepFailureQueue',
    ]);
    for (const [, q] of queues)
      expect(q.Properties.SqsManagedSseEnabled || q.Properties.KmsMasterKeyId).toBeTruthy();
    for (const [, t] of ofType('AWS::SNS::Topic')) expect(t.Properties.KmsMasterKeyId).toBeTruthy();
  });

  it('delays scans 60 s, dead-letters after 3 receives and outlasts 6 function timeouts', () => {
    const queue = resources.ScanQueue!.Properties;
    const fn = resources.ScanDashvpcLambdaFunction!.Properties;
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

  describe.each([
    ['default parameters', () => template],
    ['every region, a Slack webhook and Security Hub', () => variant],
  ])('with %s', (_name, get) => {
    it('grants each function every AWS action its bundle calls', async () => {
      const missing: string[] = [];
      for (const fn of deployedFunctions(get())) {
        const granted = grantedActions(fn.statements);
        for (const call of await sdkCallsOfHandler(ROOT, fn.handlerFile)) {
          if (!GRANT_NEEDED.test(call.action) || granted.has(call.action)) continue;
          if (NEVER_CALLED[fn.id]?.[call.action]) continue;
          if (call.action === 'ec2:DescribeRegions' && fn.scanRegions !== 'all') continue;
          if (call.action.startsWith('securityhub:') && !fn.securityHub) continue;
          missing.push(`${fn.id} (${fn.roleId}) lacks ${call.action}, called in ${call.file}`);
        }
      }
      expect(missing).toEqual([]);
    }, 60_000);

    it('grants no AWS action a function never calls', async () => {
      const unused: string[] = [];
      for (const fn of deployedFunctions(get())) {
        const calls = new Set((await sdkCallsOfHandler(ROOT, fn.handlerFile)).map((c) => c.action));
        for (const action of platformActions(get(), fn.id)) calls.add(action);
        for (const action of grantedActions(fn.statements)) {
          if (!GRANT_NEEDED.test(action) || calls.has(action)) continue;
          unused.push(`${fn.roleId} grants ${action}, which ${fn.handlerFile} never calls`);
        }
      }
      expect(unused).toEqual([]);
    }, 60_000);
  });

  it('grants ec2:DescribeRegions only when the functions sweep every region', () => {
    const describesRegions = (t: Template) =>
      deployedFunctions(t)
        .filter((fn) => grantedActions(fn.statements).has('ec2:DescribeRegions'))
        .map((fn) => fn.id)
        .sort();
    expect(describesRegions(template)).toEqual([]);
    expect(describesRegions(variant)).toEqual(['SweepLambdaFunction']);
    for (const fn of deployedFunctions(variant).filter((f) => f.scanRegions !== undefined))
      expect(fn.scanRegions, fn.id).toBe('all');
  });

  it('lets the api function invoke exactly the sweep function, named in its environment, and no EC2/EKS action', () => {
    for (const t of [template, variant]) {
      const api = deployedFunctions(t).find((fn) => fn.id === 'ApiLambdaFunction')!;
      const invokes = api.statements.filter((s) => asList(s.Action).includes('lambda:InvokeFunction'));
      expect(invokes).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] },
        }),
      ]);
      expect([...grantedActions(api.statements)].filter((a) => /^(ec2|eks):/.test(a))).toEqual([]);
      const env = t.Resources.ApiLambdaFunction!.Properties.Environment.Variables;
      expect(env.SWEEP_FUNCTION_NAME).toBe(t.Resources.SweepLambdaFunction!.Properties.FunctionName);
    }
  });

  it('lets the sweep update only the scan record, and read only the cluster list index for the trend', () => {
    const sweep = deployedFunctions(template).find((fn) => fn.id === 'SweepLambdaFunction')!;
    const table = sweep.statements.filter((s) =>
      asList(s.Action).some((a) => String(a).startsWith('dynamodb:')),
    );
    expect(table).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:UpdateItem',
        Resource: { 'Fn::GetAtt': ['FindingsTable', 'Arn'] },
      }),
      // A scan the sweep makes final records the open-findings trend (recordOpenCounts).
      expect.objectContaining({
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Sub': '${FindingsTable.Arn}/index/GSI1' },
      }),
    ]);
  });

  it('packages the api function without the EC2 and EKS clients (its source map lists no such module)', () => {
    const map = JSON.parse(
      execFileSync('unzip', ['-p', join(ROOT, '.serverless/api.zip'), 'functions/handlers/api.cjs.map'], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      }),
    ) as { sources: string[] };
    const sources = map.sources.join('\n');
    expect(sources).toContain('@aws-sdk/client-lambda'); // the map does list the clients bundled
    expect(sources).not.toContain('@aws-sdk/client-ec2');
    expect(sources).not.toContain('@aws-sdk/client-eks');
  });

  it('deploys no Slack forwarder resource without the slackWebhookParameter parameter', () => {
    const slack = Object.entries(template.Resources).filter(([id]) => /slack/i.test(id));
    expect(slack.map(([id]) => id).sort()).toEqual([
      'SlackDashforwarderLambdaEvConf',
      'SlackDashforwarderLambdaFunction',
      'SlackDashforwarderLogGroup',
      'SlackDeadLetterAlarm',
      'SlackDeadLetterQueue',
      'SlackDeadLetterQueuePolicy',
      'SlackForwarderErrorsAlarm',
      'SlackForwarderInvokePermission',
      'SlackForwarderRole',
      'SlackForwarderSubscription',
    ]);
    for (const [id, r] of slack) expect(r.Condition && conditionHolds(template, r.Condition), id).toBe(false);
  });

  it('wires the Slack forwarder to the alert topic when slackWebhookParameter is set', () => {
    const r = variant.Resources;
    const fnArn = { 'Fn::GetAtt': ['SlackDashforwarderLambdaFunction', 'Arn'] };
    for (const id of Object.keys(r).filter((k) => /slack/i.test(k)))
      expect(!r[id]!.Condition || conditionHolds(variant, r[id]!.Condition), id).toBe(true);
    const fn = r.SlackDashforwarderLambdaFunction!.Properties;
    expect(fn.Environment.Variables.SLACK_WEBHOOK_PARAMETER).toBe(SLACK_PARAMETER);
    expect(r.SlackForwarderSubscription!.Properties).toMatchObject({
      TopicArn: { Ref: 'AlertTopic' },
      Protocol: 'lambda',
      Endpoint: fnArn,
    });
    expect(r.SlackForwarderInvokePermission!.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      FunctionName: fnArn,
      Principal: 'sns.amazonaws.com',
      SourceArn: { Ref: 'AlertTopic' },
    });
  });

  it('lets the Slack forwarder read exactly its parameter and decrypt only through SSM', () => {
    const [fn] = deployedFunctions(variant).filter((f) => f.id === 'SlackDashforwarderLambdaFunction');
    const byAction = (action: string) => fn!.statements.filter((s) => asList(s.Action).includes(action));
    const [read] = byAction('ssm:GetParameter');
    const [template_, { Path }] = read!.Resource['Fn::Sub'];
    // Evaluate the Join/Split the role uses to normalise the parameter's path.
    const [sep, [splitOn, value]] = [Path['Fn::Join'][0], Path['Fn::Join'][1]['Fn::Split']];
    expect(`${template_}`.replace('${Path}', value.split(splitOn).join(sep))).toBe(
      `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${SLACK_PARAMETER}`,
    );
    expect(asList(read!.Action)).toEqual(['ssm:GetParameter']);
    const kms = fn!.statements.filter((s) => asList(s.Action).some((a) => String(a).startsWith('kms:')));
    expect(kms).toHaveLength(1);
    expect(asList(kms[0]!.Action)).toEqual(['kms:Decrypt']);
    expect(kms[0]!.Condition).toEqual({
      StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' } },
    });
    expect(grantedActions(fn!.statements)).toEqual(
      new Set([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'ssm:GetParameter',
        'kms:Decrypt',
        'sqs:SendMessage',
      ]),
    );
    // sqs:SendMessage only to its own dead-letter queue (its on-failure destination).
    expect(byAction('sqs:SendMessage').map((s) => s.Resource)).toEqual([
      { 'Fn::GetAtt': ['SlackDeadLetterQueue', 'Arn'] },
    ]);
  });

  it('lints with no cfn-lint error when the optional Slack forwarder is deployed', () => {
    const file = join(variantDir, '.serverless/cloudformation-template-update-stack.json');
    let output = '';
    try {
      execFileSync('cfn-lint', ['--non-zero-exit-code', 'error', file], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  });
});

/** Alarms of a template that deploy with its parameters. */
function deployedAlarms(t: Template): Record<string, any>[] {
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
    .filter(([, r]) => !r.Condition || conditionHolds(t, r.Condition))
    .map(([id, r]) => ({ id, ...(resolveIfs(t, r.Properties) as Record<string, any>) }));
}

describe('packaged template: nothing vanishes silently (issue 11, item 14)', () => {
  it('dead-letters Slack deliveries SNS cannot make, and failed forwarder invocations, to one encrypted queue', () => {
    const r = variant.Resources;
    const dlq = { 'Fn::GetAtt': ['SlackDeadLetterQueue', 'Arn'] };
    expect(r.SlackForwarderSubscription!.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: dlq });
    expect(r.SlackDashforwarderLambdaEvConf!.Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: dlq },
    });
    const queue = r.SlackDeadLetterQueue!.Properties;
    expect(queue.SqsManagedSseEnabled || queue.KmsMasterKeyId).toBeTruthy();
    expect(queue.MessageRetentionPeriod).toBe(1_209_600);
    // SNS may send to it, only on behalf of the alert topic.
    const policy = r.SlackDeadLetterQueuePolicy!.Properties;
    expect(policy.Queues).toEqual([{ Ref: 'SlackDeadLetterQueue' }]);
    expect(policy.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: dlq,
        Condition: { ArnEquals: { 'aws:SourceArn': { Ref: 'AlertTopic' } } },
      }),
    ]);
  });

  it('alarms on the Slack DLQ and puts the forwarder in the errors and throttles alarms', () => {
    const alarms = deployedAlarms(variant);
    const byId = (id: string) => alarms.find((a) => a.id === id);
    expect(byId('SlackDeadLetterAlarm')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['SlackDeadLetterQueue', 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(byId('SlackForwarderErrorsAlarm')).toMatchObject({
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'SlackDashforwarderLambdaFunction' } }],
    });
    const throttled = (t: Template) =>
      JSON.stringify(deployedAlarms(t).find((a) => a.id === 'ThrottlesAlarm')?.Metrics ?? []);
    expect(throttled(variant)).toContain('SlackDashforwarderLambdaFunction');
    expect(throttled(template)).not.toContain('SlackDashforwarderLambdaFunction');
    expect(throttled(template)).toContain('SweepDashfailureLambdaFunction');
    for (const a of alarms) expect(a.AlarmActions, a.id).toEqual([{ Ref: 'AlertTopic' }]);
  });

  it('sends a sweep invocation that failed every retry to the sweep failure queue, which sweep-failure consumes', () => {
    const queue = { 'Fn::GetAtt': ['SweepFailureQueue', 'Arn'] };
    const config = resources.SweepLambdaEvConf!.Properties;
    expect(config.FunctionName).toEqual({ Ref: 'SweepLambdaFunction' });
    expect(config.DestinationConfig).toEqual({ OnFailure: { Destination: queue } });
    const q = resources.SweepFailureQueue!.Properties;
    expect(q.FifoQueue).toBeUndefined(); // Lambda destinations take standard queues only
    expect(q.SqsManagedSseEnabled || q.KmsMasterKeyId).toBeTruthy();
    const consumer = resources.SweepDashfailureLambdaFunction!.Properties;
    expect(q.VisibilityTimeout).toBeGreaterThanOrEqual(6 * consumer.Timeout);
    const mapping = ofType('AWS::Lambda::EventSourceMapping').find(
      ([, m]) => JSON.stringify(m.Properties.EventSourceArn) === JSON.stringify(queue),
    );
    expect(mapping?.[1].Properties).toMatchObject({
      FunctionName: { 'Fn::GetAtt': ['SweepDashfailureLambdaFunction', 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(String(consumer.Handler)).toBe('functions/handlers/sweep-failure.handler');
    // The sweep's role may send there (Lambda uses it for the destination).
    const sweep = deployedFunctions(template).find((fn) => fn.id === 'SweepLambdaFunction')!;
    const sends = sweep.statements.filter((s) => asList(s.Action).includes('sqs:SendMessage'));
    expect(sends.flatMap((s) => asList(s.Resource))).toContainEqual(queue);
  });

  it('alarms when a sweep lands in the failure queue, and when its messages are not consumed', () => {
    const alarms = deployedAlarms(template);
    const onQueue = alarms.filter((a) => JSON.stringify(a.Dimensions ?? []).includes('SweepFailureQueue'));
    expect(onQueue.map((a) => a.MetricName).sort()).toEqual([
      'ApproximateAgeOfOldestMessage',
      'NumberOfMessagesSent',
    ]);
    const sent = onQueue.find((a) => a.MetricName === 'NumberOfMessagesSent')!;
    expect(sent).toMatchObject({
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('writes a JSON access log of the HTTP API (request id, source IP, caller, route, status, latency) with the log retention', () => {
    const stage = ofType('AWS::ApiGatewayV2::Stage')[0]![1].Properties;
    expect(stage.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'] });
    const format = JSON.parse(stage.AccessLogSettings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      sourceIp: '$context.identity.sourceIp',
      callerArn: '$context.identity.userArn',
      jwtSubject: '$context.authorizer.claims.sub',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLatencyMs: '$context.responseLatency',
    });
    const group = resources.HttpApiLogGroup!.Properties;
    expect(group.RetentionInDays).toBe(30); // logRetentionDays
    expect(group.LogGroupName).toMatch(/^\/aws\/http-api\/eks-netguard-/);
  });
});

describe('packaged template: regions (issue 11, item 13)', () => {
  it('sweeps only the stack’s own region by default', () => {
    const state = JSON.parse(readFileSync(join(ROOT, '.serverless/serverless-state.json'), 'utf8')) as {
      service: { provider: { region: string } };
    };
    const sweep = deployedFunctions(template).find((fn) => fn.id === 'SweepLambdaFunction')!;
    expect(sweep.scanRegions).toBe(state.service.provider.region);
    expect(conditionHolds(template, 'ScansAllRegions')).toBe(false);
  });
});

describe('packaged template: Security Hub export (issue 12)', () => {
  const scanFunctionId = (t: Template) =>
    Object.keys(t.Resources).find(
      (id) => id.startsWith('ScanDash') && t.Resources[id]!.Type === 'AWS::Lambda::Function',
    )!;
  const securityHubGrants = (t: Template) =>
    deployedFunctions(t).flatMap((fn) =>
      fn.statements
        .filter(
          (s) => s.Effect === 'Allow' && asList(s.Action).some((a) => String(a).startsWith('securityhub:')),
        )
        .map((s) => ({ fn: fn.id, action: s.Action, resource: s.Resource })),
    );

  it('grants no Security Hub action by default, and the scan function exactly two scoped ones with securityHub=true', () => {
    // Arrange
    const scan = scanFunctionId(variant);
    // Act
    const off = securityHubGrants(template);
    const on = securityHubGrants(variant);
    // Assert
    expect(off).toEqual([]);
    expect(on).toEqual([
      {
        fn: scan,
        action: 'securityhub:BatchImportFindings',
        resource: {
          'Fn::Sub':
            'arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:product/${AWS::AccountId}/default',
        },
      },
      {
        fn: scan,
        action: 'securityhub:BatchUpdateFindings',
        resource: { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:hub/default' },
      },
    ]);
  });

  it('tells the scan function whether to export (SECURITY_HUB)', () => {
    const env = (t: Template) =>
      t.Resources[scanFunctionId(t)]!.Properties.Environment.Variables.SECURITY_HUB;
    expect(env(template)).toBe('false');
    expect(env(variant)).toBe('true');
  });

  it('alarms on the exporter’s ERROR log line in the scan function’s log group, only with securityHub=true', async () => {
    // Arrange
    const { EXPORT_FAILED_MESSAGE } = await import('../../../functions/adapters/security-hub-exporter.ts');
    const deployed = (t: Template, type: string) =>
      Object.entries(t.Resources).filter(
        ([, r]) => r.Type === type && (!r.Condition || conditionHolds(t, r.Condition)),
      );
    // Act
    const [filter] = deployed(variant, 'AWS::Logs::MetricFilter');
    const alarm = deployedAlarms(variant).find((a) => a.id === 'SecurityHubExportErrorsAlarm');
    // Assert
    expect(deployed(template, 'AWS::Logs::MetricFilter')).toEqual([]);
    expect(deployedAlarms(template).find((a) => a.id === 'SecurityHubExportErrorsAlarm')).toBeUndefined();
    const logGroup = `${scanFunctionId(variant).replace(/LambdaFunction$/, '')}LogGroup`;
    expect(filter?.[1].Properties.LogGroupName).toEqual({ Ref: logGroup });
    expect(filter?.[1].Properties.FilterPattern).toContain(`$.message = "${EXPORT_FAILED_MESSAGE}"`);
    expect(filter?.[1].Properties.FilterPattern).toContain('$.level = "ERROR"');
    const metric = filter?.[1].Properties.MetricTransformations[0];
    expect(alarm).toMatchObject({
      Namespace: metric.MetricNamespace,
      MetricName: metric.MetricName,
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
  });
});
