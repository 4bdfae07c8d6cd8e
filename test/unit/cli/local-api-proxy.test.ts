/**
 * `npm start -- --api-url URL`: the local console's API requests reach the deployed API
 * SigV4-signed for execute-api with the user's credentials, path, query and body intact.
 */
import { describe, expect, it } from 'vitest';
import {
  ApiProxyConfigError,
  createApiProxy,
  regionOfApiUrl,
} from '../../../functions/cli/local/api-proxy.ts';
import { LocalStackUsageError, parseLocalStackArgs } from '../../../functions/cli/local/args.ts';

const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example' });

describe('signed forwarding to the deployed API', () => {
  it('signs for execute-api in the API’s region and forwards path, query and body', async () => {
    // Arrange
    const sent: { url: string; init: RequestInit }[] = [];
    const proxy = createApiProxy({
      apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/',
      credentials,
      fetch: (async (url: URL, init: RequestInit) => {
        sent.push({ url: String(url), init });
        return new Response('{"scanId":"s-1"}', {
          status: 202,
          headers: { 'content-type': 'application/json', location: '/scans/s-1', 'set-cookie': 'x=1' },
        });
      }) as typeof fetch,
    });

    // Act
    const answer = await proxy({
      method: 'POST',
      url: '/scans?dry=1',
      contentType: 'application/json',
      body: Buffer.from('{"cluster":"a"}'),
    });

    // Assert
    expect(sent[0]?.url).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/scans?dry=1');
    expect(sent[0]?.init.body).toBe('{"cluster":"a"}');
    const headers = sent[0]?.init.headers as Record<string, string>;
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-content-sha256'] ?? headers['x-amz-date']).toBeDefined();
    expect(answer).toEqual({
      status: 202,
      headers: { 'cache-control': 'no-store', 'content-type': 'application/json', location: '/scans/s-1' },
      body: '{"scanId":"s-1"}',
    });
  });

  it('reads the region from an execute-api host and asks for --region otherwise', () => {
    expect(regionOfApiUrl(new URL('https://x1.execute-api.us-gov-west-1.amazonaws.com'))).toBe(
      'us-gov-west-1',
    );
    expect(() => createApiProxy({ apiUrl: 'https://findings.example.com', credentials })).toThrow(
      ApiProxyConfigError,
    );
    expect(() => createApiProxy({ apiUrl: 'https://findings.example.com', credentials })).toThrow(
      /pass --region R/,
    );
  });

  it('takes --api-url with a region, and refuses it with a local scan flag', () => {
    expect(
      parseLocalStackArgs(['--api-url', 'https://findings.example.com', '--region', 'eu-west-1'], {}),
    ).toEqual({
      port: 3000,
      mode: 'demo',
      regions: ['eu-west-1'],
      apiUrl: 'https://findings.example.com',
    });
    expect(() => parseLocalStackArgs(['--api-url', 'https://a.example.com', '--live'], {})).toThrow(
      new LocalStackUsageError(
        '--api-url and --live cannot be used together: --api-url serves the console against the deployed API',
      ),
    );
    expect(() => parseLocalStackArgs(['--api-url', 'http://a.example.com'], {})).toThrow(
      '--api-url "http://a.example.com": must be the https URL of the deployed API',
    );
  });
});
