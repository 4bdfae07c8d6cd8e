import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients, EMULATOR_CREDENTIALS } from '../../../functions/adapters/aws-clients.ts';
import { listEnabledRegions } from '../../../functions/adapters/enabled-regions.ts';
import { AwsCredentialsError, CollectionFailedError } from '../../../functions/adapters/errors.ts';

const ec2 = mockClient(EC2Client);
afterEach(() => ec2.reset());

const clients = () => createAwsClients({ credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });

describe('listEnabledRegions (--region all)', () => {
  it('asks EC2 for the enabled regions only and returns them sorted', async () => {
    // Arrange
    ec2.on(DescribeRegionsCommand).resolves({
      Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }, { RegionName: 'af-south-1' }],
    });

    // Act
    const regions = await listEnabledRegions(clients(), 'eu-west-1');

    // Assert: AllRegions false leaves out opt-in regions the account never enabled.
    expect(regions).toEqual(['af-south-1', 'eu-west-1', 'us-east-1']);
    expect(ec2.commandCalls(DescribeRegionsCommand)[0]?.args[0].input).toEqual({ AllRegions: false });
  });

  it('turns unusable credentials into AwsCredentialsError', async () => {
    ec2.on(DescribeRegionsCommand).rejects(
      Object.assign(new Error('AWS was not able to validate the provided access credentials'), {
        name: 'AuthFailure',
      }),
    );

    await expect(listEnabledRegions(clients(), 'us-east-1')).rejects.toThrow(AwsCredentialsError);
  });

  it('names the call when the list cannot be read', async () => {
    ec2
      .on(DescribeRegionsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'RequestLimitExceeded' }));

    const error = await listEnabledRegions(clients(), 'us-east-1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CollectionFailedError);
    expect((error as Error).message).toBe(
      'cannot list the enabled regions (DescribeRegions in us-east-1): RequestLimitExceeded: Rate exceeded',
    );
  });
});
