/**
 * Deployment parameters are validated when packaging, with the schemas the handlers read
 * their environment with: a bad value fails `osls package` naming the parameter, instead
 * of deploying and failing at run time through the dead-letter queue.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEPLOY_PARAMETER_SCHEMAS,
  DeployParameterError,
  validateDeployParameters,
} from '../../../functions/handlers/deploy-params.ts';

const ROOT = join(import.meta.dirname, '../../..');

/** The defaults of serverless.yml, with `regions` resolved as `${aws:region}` resolves it. */
const DEFAULTS: Record<string, string> = {
  alertEmail: '',
  schedule: 'rate(6 hours)',
  regions: 'eu-west-1',
  notifyThreshold: 'MEDIUM',
  ruleConfig: '{}',
  slackWebhookParameter: '',
  retentionDays: '90',
  logRetentionDays: '30',
  deletionProtection: 'true',
  securityHub: 'false',
  apiAuth: 'iam',
  jwtIssuerUrl: '',
  jwtAudience: '',
  apiThrottleRate: '20',
  apiThrottleBurst: '40',
};

function problemsOf(overrides: Record<string, string>): string[] {
  try {
    validateDeployParameters({ ...DEFAULTS, ...overrides });
    return [];
  } catch (error) {
    if (!(error instanceof DeployParameterError)) throw error;
    return error.problems;
  }
}

describe('validateDeployParameters', () => {
  it('accepts the defaults and a fully specified deployment', () => {
    expect(problemsOf({})).toEqual([]);
    expect(
      problemsOf({
        alertEmail: 'ops@example.com',
        schedule: 'cron(0 6 * * ? *)',
        regions: 'eu-west-1,us-east-1',
        notifyThreshold: 'HIGH',
        ruleConfig: '{"minPublicCidrPrefix":24,"disabledRules":["subnet-single-az"]}',
        slackWebhookParameter: '/eks-netguard/slack-webhook-url',
        retentionDays: '30',
        logRetentionDays: '365',
        deletionProtection: 'false',
        securityHub: 'true',
        apiAuth: 'jwt',
        jwtIssuerUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
        jwtAudience: 'client-id',
        apiThrottleRate: '5',
        apiThrottleBurst: '10',
      }),
    ).toEqual([]);
    expect(problemsOf({ regions: 'all' })).toEqual([]);
  });

  it.each([
    ['notifyThreshold', 'high', /notifyThreshold.*"high".*LOW, MEDIUM, HIGH, CRITICAL/],
    ['retentionDays', 'abc', /retentionDays.*"abc".*whole number of days/],
    ['ruleConfig', '{"minPublicCidrPrefx":24}', /ruleConfig.*unknown key "minPublicCidrPrefx"/],
    ['ruleConfig', '{not json', /ruleConfig.*not JSON/],
    ['regions', 'eu-west-1, us-east-1', /regions.*without spaces/],
    ['regions', 'eu-west-1,mars-north-1a', /regions.*comma-separated list of regions/],
    ['alertEmail', 'not-an-email', /alertEmail.*"not-an-email".*e-mail address/],
    ['schedule', 'every 6 hours', /schedule.*rate\(6 hours\)/],
    ['schedule', 'rate(1 hours)', /schedule.*rate\(6 hours\)/],
    ['logRetentionDays', '45', /logRetentionDays.*one of 1, 3, 5, 7, 14, 30/],
    ['deletionProtection', 'yes', /deletionProtection.*"true" or "false"/],
    ['securityHub', 'yes', /^securityHub: "yes" must be "true" or "false"$/],
    ['securityHub', 'TRUE', /^securityHub: "TRUE" must be "true" or "false"$/],
    ['apiAuth', 'cognito', /apiAuth.*"iam" or "jwt"/],
    ['apiThrottleRate', '0', /apiThrottleRate.*greater than 0/],
    [
      'slackWebhookParameter',
      'https://hooks.slack.com/services/x',
      /slackWebhookParameter.*SSM parameter name/,
    ],
  ])('refuses %s=%s, naming the parameter and what is wrong', (name, value, message) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
    expect(problems[0]).not.toContain('\n');
  });

  it('needs jwtIssuerUrl and jwtAudience when apiAuth is jwt', () => {
    const problems = problemsOf({ apiAuth: 'jwt' });
    expect(problems).toEqual([
      expect.stringMatching(/^jwtIssuerUrl: .*required when apiAuth is jwt/),
      expect.stringMatching(/^jwtAudience: .*required when apiAuth is jwt/),
    ]);
  });

  it('refuses an unknown parameter (a typo would otherwise be ignored), suggesting the close name', () => {
    const problems = problemsOf({ notifyTreshold: 'HIGH' });
    expect(problems).toEqual([expect.stringMatching(/^notifyTreshold: unknown parameter.*notifyThreshold/)]);
  });

  it('has exactly one schema per parameter of serverless.yml', async () => {
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    // Tags such as !Ref are CloudFormation's: kept as plain values here.
    const customTags = ['Ref', 'GetAtt', 'Sub', 'If', 'Join', 'Split', 'Equals', 'Not'].map((tag) => ({
      tag: `!${tag}`,
      resolve: (value: unknown) => value,
    }));
    const config = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { customTags }) as {
      params: { default: Record<string, unknown> };
    };
    expect(Object.keys(DEPLOY_PARAMETER_SCHEMAS).sort()).toEqual(Object.keys(config.params.default).sort());
  });
});

describe('osls package with bad parameters', () => {
  let dir: string;
  beforeAll(() => {
    // A copy of the service: packaging clears the service's own .serverless/.
    dir = mkdtempSync(join(tmpdir(), 'netguard-params-'));
    for (const entry of ['serverless.yml', 'package.json', 'tsconfig.json', 'functions', 'infra'])
      cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fails before building anything, naming every bad parameter', async () => {
    const params = [
      'notifyThreshold=high',
      'retentionDays=abc',
      'ruleConfig={"colour":"blue"}',
      'regions=eu-west-1, us-east-1',
      'alertEmail=not-an-email',
      'securityHub=yes',
    ];
    const run = promisify(execFile)(
      'npx',
      ['osls', 'package', '--region', 'eu-west-1', ...params.map((p) => `--param=${p}`)],
      { cwd: dir, timeout: 120_000, env: { ...process.env, CI: 'true' } },
    );
    const error = (await run.then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: number; stdout?: string; stderr?: string } | undefined;
    expect(error, 'osls package succeeded with bad parameters').toBeDefined();
    expect(error?.code).not.toBe(0);
    const output = `${error?.stdout}\n${error?.stderr}`;
    for (const name of [
      'notifyThreshold',
      'retentionDays',
      'ruleConfig',
      'regions',
      'alertEmail',
      'securityHub',
    ])
      expect(output).toMatch(new RegExp(`${name}: `));
    expect(output).toContain('unknown key "colour"');
    // Refused before esbuild ran: nothing was packaged.
    expect(output).not.toMatch(/Service packaged/);
  }, 120_000);
});
