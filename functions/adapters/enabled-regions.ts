/**
 * The regions an account can scan (`--region all`): EC2 `DescribeRegions` without
 * `AllRegions`, i.e. the default regions plus the opt-in regions the account enabled.
 * Disabled opt-in regions are left out: every call there would fail with AuthFailure.
 */
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import type { AwsClients } from './aws-clients.ts';
import {
  AwsCredentialsError,
  CollectionFailedError,
  describeAwsError,
  isStsCredentialsError,
} from './errors.ts';

/**
 * @param fromRegion the region whose EC2 endpoint answers (any enabled region works)
 * @returns the enabled region names, sorted
 * @throws AwsCredentialsError when the credentials are unusable
 * @throws CollectionFailedError when the list cannot be read (names the call)
 */
export async function listEnabledRegions(clients: AwsClients, fromRegion: string): Promise<string[]> {
  try {
    const answer = await clients.ec2(fromRegion).send(new DescribeRegionsCommand({ AllRegions: false }));
    const names = (answer.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : []));
    if (names.length === 0)
      throw new CollectionFailedError(`DescribeRegions in ${fromRegion} listed no enabled region`);
    return [...new Set(names)].sort();
  } catch (error) {
    if (error instanceof CollectionFailedError) throw error;
    // Same codes as STS GetCallerIdentity: the first call of a scan meets bad credentials.
    if (isStsCredentialsError(error))
      throw new AwsCredentialsError(`no AWS credentials: ${describeAwsError(error)}`, { cause: error });
    throw new CollectionFailedError(
      `cannot list the enabled regions (DescribeRegions in ${fromRegion}): ${describeAwsError(error)}`,
      { cause: error },
    );
  }
}
