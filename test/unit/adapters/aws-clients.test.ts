import { describe, expect, it } from 'vitest';
import { createAwsClients, DEFAULT_MAX_ATTEMPTS } from '../../../functions/adapters/aws-clients.ts';
import { AwsClientConfigError } from '../../../functions/adapters/errors.ts';

describe('createAwsClients', () => {
  it('returns one cached client per service and region', () => {
    const clients = createAwsClients();
    expect(clients.ec2('eu-west-1')).toBe(clients.ec2('eu-west-1'));
    expect(clients.ec2('eu-west-1')).not.toBe(clients.ec2('eu-west-2'));
    expect(clients.eks('eu-west-1')).toBe(clients.eks('eu-west-1'));
    expect(clients.sts('eu-west-1')).toBe(clients.sts('eu-west-1'));
  });

  it('configures adaptive retries with the default attempt count and the client region', async () => {
    const ec2 = createAwsClients().ec2('ap-south-1');
    expect(ec2.config.retryMode).toBe('adaptive');
    expect(await ec2.config.maxAttempts()).toBe(DEFAULT_MAX_ATTEMPTS);
    expect(await ec2.config.region()).toBe('ap-south-1');
  });

  it('points every service at the endpoint URL when one is given', async () => {
    const clients = createAwsClients({ endpointUrl: 'http://127.0.0.1:5000', maxAttempts: 2 });
    for (const client of [clients.ec2('eu-west-3'), clients.eks('eu-west-3'), clients.sts('eu-west-3')]) {
      const endpoint = await client.config.endpoint?.();
      expect(endpoint?.hostname).toBe('127.0.0.1');
      expect(endpoint?.port).toBe(5000);
      expect(await client.config.maxAttempts()).toBe(2);
    }
  });

  it.each([
    [{ endpointUrl: 'not a url' }, /^invalid AWS client option endpointUrl: /],
    [{ endpointUrl: 'ftp://host' }, /^invalid AWS client option endpointUrl: /],
    [{ maxAttempts: 0 }, /^invalid AWS client option maxAttempts: /],
  ])('rejects %j naming the bad option', (options, message) => {
    expect(() => createAwsClients(options)).toThrow(AwsClientConfigError);
    expect(() => createAwsClients(options)).toThrow(message);
  });
});
