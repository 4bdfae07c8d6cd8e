/**
 * The AWS profile of a live scan, read the way the AWS CLI and SDK read it: the
 * profile is `AWS_PROFILE` (else `default`), its settings come from the config file
 * (`AWS_CONFIG_FILE`, else `~/.aws/config`) and the credentials file
 * (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`). The SDK's own INI loader
 * does the parsing, so `[profile x]`, `[sso-session y]` and comments behave alike.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { UsageError } from './errors.ts';

export interface AwsProfile {
  name: string;
  /** True when `AWS_PROFILE` named it (a missing `default` profile is not an error). */
  named: boolean;
  /** False when neither file has the profile. */
  exists: boolean;
  region?: string;
  /** Credentials come from IAM Identity Center (SSO): an expired session needs `aws sso login`. */
  sso: boolean;
  /** The config file as the user knows it (`~/.aws/config` for the default location). */
  configFileLabel: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the active profile; files that do not exist read as empty, like the SDK does. */
export async function readAwsProfile(env: Env): Promise<AwsProfile> {
  const home = env.HOME || env.USERPROFILE || homedir();
  const configPath = env.AWS_CONFIG_FILE || join(home, '.aws', 'config');
  const credentialsPath = env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials');
  const files = await loadSharedConfigFiles({
    configFilepath: configPath,
    filepath: credentialsPath,
    ignoreCache: true,
  });
  const named = Boolean(env.AWS_PROFILE?.trim());
  const name = env.AWS_PROFILE?.trim() || 'default';
  const fromConfig = files.configFile[name];
  const fromCredentials = files.credentialsFile[name];
  const region = fromConfig?.region ?? fromCredentials?.region;
  return {
    name,
    named,
    exists: fromConfig !== undefined || fromCredentials !== undefined,
    ...(region ? { region: region.trim() } : {}),
    // Static keys in the environment win over any profile, SSO included.
    sso:
      !env.AWS_ACCESS_KEY_ID &&
      (fromConfig?.sso_session !== undefined || fromConfig?.sso_start_url !== undefined),
    configFileLabel: env.AWS_CONFIG_FILE ? configPath : '~/.aws/config',
  };
}

/**
 * A profile named by `AWS_PROFILE` that no file defines: said plainly, before the SDK
 * fails with "Could not load credentials from any providers".
 */
export function assertProfileExists(profile: AwsProfile): void {
  if (profile.named && !profile.exists) {
    throw new UsageError(
      `profile "${profile.name}" not found in ${profile.configFileLabel} ` +
        '(set AWS_PROFILE to a profile listed by `aws configure list-profiles`, or unset it)',
    );
  }
}

/** The one-line message for unusable credentials, pointing SSO users at `aws sso login`. */
export function credentialsMessage(profile: AwsProfile, sdkMessage: string): string {
  if (!profile.sso) return sdkMessage;
  return (
    `the SSO session of profile "${profile.name}" has expired or was never started: ` +
    `run aws sso login --profile ${profile.name}, then scan again`
  );
}
