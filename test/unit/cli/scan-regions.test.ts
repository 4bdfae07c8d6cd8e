/**
 * What a scan covers: region resolution (flag, env, then the AWS profile's config
 * file), `--region all` and comma lists, profiles that do not exist or need an SSO
 * login, regions a snapshot does not hold, and mistyped cluster names.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LiveCollectRequest } from '../../../functions/cli/live-source.ts';
import { buildSnapshot } from '../../fixtures/snapshot-builder.ts';
import { run } from './run-cli.ts';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'netguard-profile-'));
  await mkdir(join(home, '.aws'));
  await writeFile(
    join(home, '.aws', 'config'),
    [
      '[default]',
      'region = us-west-2',
      '',
      '[profile dev]',
      'region = eu-west-1',
      '',
      '[profile corp]',
      'sso_session = corp',
      'sso_account_id = 111122223333',
      'sso_role_name = ReadOnly',
      'region = ap-south-1',
      '',
      '[sso-session corp]',
      'sso_start_url = https://corp.awsapps.com/start',
      'sso_region = eu-west-1',
      '',
    ].join('\n'),
  );
});

/** A live collector that records its requests and returns a one-cluster snapshot. */
function recordingCollector() {
  const requests: LiveCollectRequest[] = [];
  return {
    requests,
    collect: async (request: LiveCollectRequest) => {
      requests.push(request);
      return buildSnapshot();
    },
  };
}

describe('the region of a live scan', () => {
  it('comes from the profile named by AWS_PROFILE in ~/.aws/config when no flag or env sets it', async () => {
    // Arrange
    const { requests, collect } = recordingCollector();

    // Act
    const result = await run(['scan', '--format', 'json'], {
      env: { HOME: home, AWS_PROFILE: 'dev' },
      collect,
    });

    // Assert
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(requests[0]?.regions).toEqual(['eu-west-1']);
  });

  it('comes from the default profile without AWS_PROFILE, and from AWS_CONFIG_FILE when set', async () => {
    const { requests, collect } = recordingCollector();
    const configFile = join(home, 'other-config');
    await writeFile(configFile, '[default]\nregion = ca-central-1\n');

    await run(['scan'], { env: { HOME: home }, collect });
    await run(['scan'], { env: { HOME: home, AWS_CONFIG_FILE: configFile }, collect });

    expect(requests.map((r) => r.regions)).toEqual([['us-west-2'], ['ca-central-1']]);
  });

  it('prefers --region, then AWS_REGION, then AWS_DEFAULT_REGION over the profile', async () => {
    const { requests, collect } = recordingCollector();
    const env = { HOME: home, AWS_PROFILE: 'dev' };

    await run(['scan', '--region', 'sa-east-1'], { env: { ...env, AWS_REGION: 'us-east-2' }, collect });
    await run(['scan'], {
      env: { ...env, AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-1' },
      collect,
    });
    await run(['scan'], { env: { ...env, AWS_DEFAULT_REGION: 'us-west-1' }, collect });

    expect(requests.map((r) => r.regions)).toEqual([['sa-east-1'], ['us-east-2'], ['us-west-1']]);
  });

  it('says how to set one when neither flag, env nor profile has a region', async () => {
    const result = await run(['scan'], { env: { HOME: join(home, 'nowhere') } });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'eks-netguard: no region to scan: pass --region us-east-1 (repeatable, comma list or all), ' +
        'set AWS_REGION, or set region in profile "default" of ~/.aws/config\n',
    );
  });
});

describe('AWS profiles', () => {
  it('names a profile that does not exist instead of failing on credentials', async () => {
    const result = await run(['scan', '--region', 'us-east-1'], { env: { HOME: home, AWS_PROFILE: 'nope' } });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^eks-netguard: profile "nope" not found in ~\/\.aws\/config \(/);
    expect(result.stderr.trimEnd()).not.toContain('\n');
  });

  it('tells the user of an SSO profile with an expired session to run aws sso login', async () => {
    const expired = Object.assign(
      new Error(
        'no AWS credentials: CredentialsProviderError: The SSO session associated with this profile has expired or is otherwise invalid.',
      ),
      { name: 'AwsCredentialsError' },
    );

    const result = await run(['scan'], {
      env: { HOME: home, AWS_PROFILE: 'corp' },
      collect: async () => {
        throw expired;
      },
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'eks-netguard: the SSO session of profile "corp" has expired or was never started: ' +
        'run aws sso login --profile corp, then scan again\n',
    );
  });
});

describe('--region values', () => {
  it('accepts comma lists (spaces allowed) and repeats, without duplicates', async () => {
    const { requests, collect } = recordingCollector();

    const result = await run(
      ['scan', '--region', 'us-east-1,eu-west-1', '--region', ' eu-west-1 , ap-south-1'],
      {
        collect,
      },
    );

    expect(result.code).toBe(0);
    expect(requests[0]?.regions).toEqual(['us-east-1', 'eu-west-1', 'ap-south-1']);
  });

  it('passes all to the live collector, with the default region to list the enabled ones from', async () => {
    const { requests, collect } = recordingCollector();

    await run(['scan', '--region', 'all'], { env: { AWS_REGION: 'eu-central-1' }, collect });

    expect(requests[0]).toMatchObject({ regions: 'all', homeRegion: 'eu-central-1' });
  });

  it.each([
    [['--region', 'all,us-east-1'], /--region all already covers every region/],
    [['--region', 'us-east-1,,eu-west-1'], /empty region name in the list/],
    [['--region', 'us-east-1,useast2'], /invalid region "useast2"/],
  ])('refuses %j in one line', async (flags, message) => {
    const result = await run(['scan', '--demo', ...flags]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd()).not.toContain('\n');
  });

  it('scans every region of the demo account with --region all', async () => {
    const all = await run(['scan', '--demo', '--region', 'all', '--format', 'json']);
    const unfiltered = await run(['scan', '--demo', '--format', 'json']);

    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout).regions).toEqual(JSON.parse(unfiltered.stdout).regions);
    expect(JSON.parse(all.stdout).findings).toEqual(JSON.parse(unfiltered.stdout).findings);
  });

  it('warns on stderr when the demo account or a snapshot file does not hold a requested region', async () => {
    const demo = await run(['scan', '--demo', '--region', 'ap-northeast-3,eu-west-1', '--format', 'json']);
    const path = join(home, 'snapshot.json');
    await writeFile(path, JSON.stringify(buildSnapshot()));
    const file = await run(['scan', '--snapshot-in', path, '--region', 'eu-north-1']);

    expect(demo.stderr).toBe(
      'eks-netguard: warning: region ap-northeast-3 is not in the demo account ' +
        '(it holds us-east-1, eu-west-1, us-west-2); nothing was scanned there\n',
    );
    expect(JSON.parse(demo.stdout).regions).toEqual(['eu-west-1']);
    expect(file.stderr).toMatch(
      /^eks-netguard: warning: region eu-north-1 is not in .*snapshot\.json \(it holds us-east-1\); nothing was scanned there\n/,
    );
  });
});

describe('--cluster typos', () => {
  it('suggests the closest cluster name seen', async () => {
    const result = await run(['scan', '--demo', '--cluster', 'paymnets-prod', '--format', 'json']);

    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).errors[0].message).toMatch(
      /cluster "paymnets-prod" not found in region\(s\) .*; did you mean "payments-prod"\?$/,
    );
  });

  it('suggests nothing when no name is close', async () => {
    const result = await run(['scan', '--demo', '--cluster', 'zzzzzzzz', '--format', 'json']);

    expect(JSON.parse(result.stdout).errors[0].message).not.toContain('did you mean');
  });
});
