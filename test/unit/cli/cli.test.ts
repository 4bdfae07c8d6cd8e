import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LiveCollectRequest } from '../../../functions/cli/live-source.ts';
import { buildSnapshot } from '../../fixtures/snapshot-builder.ts';
import { run } from './run-cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netguard-cli-'));
});

/** A snapshot whose only problem is one LOW finding (a subnet missing its cluster tag). */
function lowOnlySnapshot() {
  // A subnet tagged only for another cluster: the one LOW finding of catalog v2's tag rules.
  return buildSnapshot(({ vpc }) => {
    delete vpc.subnets[0]!.Tags['kubernetes.io/cluster/demo'];
    vpc.subnets[0]!.Tags['kubernetes.io/cluster/other'] = 'shared';
  });
}

async function snapshotPath(name: string, snapshot: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(snapshot));
  return path;
}

describe('scan exit codes and --fail-on', () => {
  it('exits 0 without --fail-on even when findings exist', async () => {
    const result = await run(['scan', '--demo', '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).findings.length).toBeGreaterThan(20);
  });

  it('exits 1 when a finding is at or above --fail-on (case-insensitive)', async () => {
    const path = await snapshotPath('low.json', lowOnlySnapshot());
    const result = await run(['scan', '--snapshot-in', path, '--fail-on', 'low', '--format', 'json']);
    expect(JSON.parse(result.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      'subnet-cluster-tag-missing',
    ]);
    expect(result.code).toBe(1);
  });

  it('exits 0 when every finding is below --fail-on', async () => {
    const path = await snapshotPath('low2.json', lowOnlySnapshot());
    expect((await run(['scan', '--snapshot-in', path, '--fail-on', 'MEDIUM'])).code).toBe(0);
  });

  it('exits 2 after printing the report when the snapshot carries collection errors', async () => {
    const snapshot = buildSnapshot(({ snapshot }) => {
      snapshot.errors.push({ region: 'us-east-1', operation: 'DescribeSubnets', message: 'Throttling' });
    });
    const path = await snapshotPath('errors.json', snapshot);
    const result = await run(['scan', '--snapshot-in', path, '--format', 'json', '--fail-on', 'LOW']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).errors).toEqual([
      { region: 'us-east-1', operation: 'DescribeSubnets', message: 'Throttling' },
    ]);
    expect(result.stderr).toContain('DescribeSubnets: Throttling');
  });
});

describe('scan sources', () => {
  it('passes regions, cluster names, endpoint and clock to the live collector', async () => {
    const calls: LiveCollectRequest[] = [];
    const result = await run(
      [
        'scan',
        '--region',
        'eu-west-1',
        '--region',
        'us-gov-west-1',
        '--cluster',
        'demo',
        '--endpoint-url',
        'http://127.0.0.1:5999',
        '--format',
        'json',
      ],
      {
        collect: async (request) => {
          calls.push(request);
          return buildSnapshot();
        },
      },
    );
    expect(result.code).toBe(0);
    expect(calls[0]).toMatchObject({
      regions: ['eu-west-1', 'us-gov-west-1'],
      clusterNames: ['demo'],
      endpointUrl: 'http://127.0.0.1:5999',
    });
    expect(calls[0]?.now().toISOString()).toBe('2026-02-01T12:00:00.000Z');
  });

  it('falls back to AWS_REGION, then AWS_DEFAULT_REGION', async () => {
    const regions: LiveCollectRequest['regions'][] = [];
    const collect = async (request: LiveCollectRequest) => {
      regions.push(request.regions);
      return buildSnapshot();
    };
    await run(['scan'], { env: { AWS_REGION: 'ap-southeast-2', AWS_DEFAULT_REGION: 'eu-west-1' }, collect });
    await run(['scan'], { env: { AWS_DEFAULT_REGION: 'eu-west-1' }, collect });
    expect(regions).toEqual([['ap-southeast-2'], ['eu-west-1']]);
  });

  it('filters a snapshot by --cluster and writes the result with --snapshot-out', async () => {
    const out = join(dir, 'out.json');
    const result = await run([
      'scan',
      '--demo',
      '--cluster',
      'payments-prod',
      '--snapshot-out',
      out,
      '--format',
      'json',
    ]);
    const report = JSON.parse(result.stdout);
    expect(result.code).toBe(0);
    expect(report.clusters.map((c: { name: string }) => c.name)).toEqual(['payments-prod']);
    expect(new Set(report.findings.map((f: { clusterName: string }) => f.clusterName))).toEqual(
      new Set(['payments-prod']),
    );
    const written = JSON.parse(await readFile(out, 'utf8'));
    expect(written.clusters.map((c: { cluster: { name: string } }) => c.cluster.name)).toEqual([
      'payments-prod',
    ]);
  });

  it('reports a --cluster that matches nothing as an error (exit 2) instead of a clean scan', async () => {
    const result = await run(['scan', '--demo', '--cluster', 'no-such-cluster', '--format', 'json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).errors[0].message).toContain('cluster "no-such-cluster" not found');
  });

  it('applies the config file (disabled rules produce no findings)', async () => {
    const config = join(dir, 'netguard.yaml');
    await writeFile(config, 'disabledRules:\n  - endpoint-public-open\n');
    const result = await run(['scan', '--demo', '--config', config, '--format', 'json']);
    const ruleIds = JSON.parse(result.stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    expect(ruleIds.length).toBeGreaterThan(0);
    expect(ruleIds).not.toContain('endpoint-public-open');
  });
});

describe('bad input: exit 2 and one line on stderr', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trimEnd()).not.toContain('\n');
    expect(stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  };

  it.each([
    [['scan', '--regoin', 'us-east-1'], /unknown option '--regoin'/],
    [['scan', '--region', 'useast1'], /invalid region "useast1"/],
    [['scan', '--demo', '--format', 'xml'], /argument 'xml' is invalid/],
    [['scan', '--demo', '--fail-on', 'severe'], /invalid --fail-on "severe"/],
    [['rules', '--format', 'csv'], /argument 'csv' is invalid/],
    [['scan', '--snapshot-in', '/missing/snap.json'], /cannot read snapshot file/],
    [['scan', '--demo', '--config', '/missing/config.yaml'], /cannot read config file/],
    [['scan', '--demo', '--snapshot-in', 'x.json'], /cannot be used together/],
    [['scan', '--region', 'us-east-1', '--endpoint-url', 'ftp://x'], /invalid --endpoint-url/],
    [['scan'], /no region to scan: pass --region/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('%j', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    oneLine(result.stderr);
  });

  it('maps missing credentials from the collector to one line', async () => {
    const error = Object.assign(
      new Error('no AWS credentials: Could not load credentials from any providers'),
      {
        name: 'AwsCredentialsError',
      },
    );
    const result = await run(['scan', '--region', 'us-east-1'], {
      collect: async () => {
        throw error;
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'eks-netguard: no AWS credentials: Could not load credentials from any providers\n',
    );
  });

  it('names the config key in a bad config file', async () => {
    const config = join(dir, 'bad.yaml');
    await writeFile(config, 'ipExhaustion:\n  highFreeBelow: lots\n');
    const result = await run(['scan', '--demo', '--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.yaml: ipExhaustion\.highFreeBelow: expected number/);
    oneLine(result.stderr);
  });

  it('prints help and exits 0 for --help', async () => {
    const result = await run(['scan', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--snapshot-in <file>');
  });
});

describe('rules command', () => {
  it('prints the catalog as JSON', async () => {
    const result = await run(['rules', '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(37);
  });
});

describe('bin/eks-netguard.mjs', () => {
  it('runs as a process and propagates the exit code', async () => {
    const exec = promisify(execFile);
    const ok = await exec(process.execPath, ['bin/eks-netguard.mjs', 'scan', '--demo', '--format', 'csv']);
    expect(ok.stdout.startsWith('id,severity,ruleId,')).toBe(true);
    const failed = await exec(process.execPath, [
      'bin/eks-netguard.mjs',
      'scan',
      '--demo',
      '--fail-on',
      'HIGH',
    ]).catch((error: { code: number; stdout: string }) => error);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stdout: string }).stdout).toContain('Total: ');
  });
});
