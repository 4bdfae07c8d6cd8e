'use strict';
/**
 * `provider.region` when `--region` is not given: `AWS_REGION`, else `AWS_DEFAULT_REGION`,
 * else the region of the AWS profile (`--aws-profile`, else `AWS_PROFILE`, else `default`)
 * read from the AWS config file by the CLI's own reader (functions/cli/aws-profile.ts,
 * which uses the SDK's INI loader). With none of them it falls back to us-east-1, the
 * framework's own default, so that `osls package` works offline; validate-params.cjs
 * refuses to *deploy* on that fallback.
 *
 * Used from serverless.yml as `${file(infra/plugins/default-region.cjs)}`.
 */
const path = require('node:path');

const FALLBACK = 'us-east-1';
const PROFILE_READER = path.join(__dirname, '../../functions/cli/aws-profile.ts');

/** How the last resolution went: `env`, `profile` or `fallback` (read by validate-params.cjs). */
const lastResolution = { source: 'none', region: undefined };

/** `env` defaults to the process's; tests pass their own. */
async function resolveRegion({ options = {} } = {}, env = process.env) {
  let region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  let source = 'env';
  if (!region) {
    const { readAwsProfile } = require('tsx/cjs/api').require(PROFILE_READER, __filename);
    const profileName = options['aws-profile'] || env.AWS_PROFILE;
    const profile = await readAwsProfile({ ...env, AWS_PROFILE: profileName });
    region = profile.region;
    source = 'profile';
  }
  if (!region) {
    region = FALLBACK;
    source = 'fallback';
  }
  lastResolution.source = source;
  lastResolution.region = region;
  return region;
}

module.exports = resolveRegion;
module.exports.lastResolution = lastResolution;
module.exports.FALLBACK = FALLBACK;
