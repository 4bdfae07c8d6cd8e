/**
 * The stack's region when `--region` is not given: the user's AWS region (AWS_REGION,
 * else the profile's), never a hard-coded one; a deployment with no region anywhere is
 * refused rather than sent to a guessed region.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
type Resolve = ((input: { options?: Record<string, string> }, env: NodeJS.ProcessEnv) => Promise<string>) & {
  lastResolution: { source: string; region?: string };
};
const resolveRegion = require(join(ROOT, 'infra/plugins/default-region.cjs')) as Resolve;
const ValidateDeployParameters = require(join(ROOT, 'infra/plugins/validate-params.cjs')) as new (
  serverless: unknown,
  options: Record<string, unknown>,
) => { hooks: Record<string, () => unknown> };

let home: string;
let config: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'netguard-region-'));
  config = join(home, 'config');
  writeFileSync(config, '[default]\nregion = eu-central-1\n\n[profile dev]\nregion = ap-southeast-2\n');
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** An environment with no AWS settings but the config file (HOME points at an empty dir). */
const env = (extra: Record<string, string> = {}) => ({ HOME: home, AWS_CONFIG_FILE: config, ...extra });

describe('default region of the stack', () => {
  it('is AWS_REGION when set, before any profile', async () => {
    expect(await resolveRegion({}, env({ AWS_REGION: 'sa-east-1', AWS_PROFILE: 'dev' }))).toBe('sa-east-1');
    expect(resolveRegion.lastResolution.source).toBe('env');
  });

  it('is the region of AWS_PROFILE in the AWS config file', async () => {
    expect(await resolveRegion({}, env({ AWS_PROFILE: 'dev' }))).toBe('ap-southeast-2');
    expect(resolveRegion.lastResolution.source).toBe('profile');
  });

  it('follows --aws-profile over AWS_PROFILE, and the default profile otherwise', async () => {
    expect(await resolveRegion({ options: { 'aws-profile': 'dev' } }, env({ AWS_PROFILE: 'default' }))).toBe(
      'ap-southeast-2',
    );
    expect(await resolveRegion({}, env())).toBe('eu-central-1');
  });

  it('falls back to us-east-1 for offline packaging only, and a deploy on that fallback is refused', async () => {
    const empty = join(home, 'missing-config');
    expect(await resolveRegion({}, { HOME: home, AWS_CONFIG_FILE: empty })).toBe('us-east-1');
    expect(resolveRegion.lastResolution.source).toBe('fallback');
    const classes = { Error: class ServerlessError extends Error {} };
    const plugin = new ValidateDeployParameters({ classes, service: { provider: {} } }, {});
    expect(() => plugin.hooks['before:deploy:deploy']!()).toThrow(
      /no AWS region to deploy to: pass --region/,
    );
    const withRegion = new ValidateDeployParameters(
      { classes, service: { provider: {} } },
      { region: 'eu-west-1' },
    );
    expect(() => withRegion.hooks['before:deploy:deploy']!()).not.toThrow();
  });

  it('is what serverless.yml uses after --region (no hard-coded region)', () => {
    const yml = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');
    expect(yml).toMatch(/^ {2}region: \$\{opt:region, file\(infra\/plugins\/default-region\.cjs\)\}$/m);
    expect(yml).not.toMatch(/'eu-west-1'/);
    expect(yml).toMatch(/^ {4}regions: \$\{aws:region\}$/m);
  });
});
