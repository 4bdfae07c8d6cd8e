/**
 * The deployed API serves the findings console only with JWT auth (the page signs in
 * through the OIDC issuer); under IAM auth the page paths answer how to run it locally.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiStore } from '../../../functions/core/api/ports.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import { type ApiEvent, handler, resetConsole, setApiDeps } from '../../../functions/handlers/api.ts';

function get(path: string): ApiEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'a',
      domainName: 'd',
      domainPrefix: 'd',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '1.2.3.4', userAgent: 'ua' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
  } as ApiEvent;
}

const saved = { ...process.env };

beforeEach(() => {
  resetConsole();
  setApiDeps({
    store: {} as ApiStore,
    scans: { submit: async () => 1 },
    rules: RULES,
    now: () => new Date(),
    newId: () => 'id',
    cursorSecret: 'console-handler-test',
    maxSuppressionDays: 365,
    logger: { error: () => {} },
  });
});

afterEach(() => {
  process.env = { ...saved };
  setApiDeps(undefined);
  resetConsole();
});

describe('console on the deployed API', () => {
  it('serves the page, its modules and the sign-in settings with JWT auth', async () => {
    // Arrange
    process.env.API_AUTH = 'jwt';
    process.env.JWT_ISSUER_URL = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example';
    process.env.JWT_AUDIENCE = 'console-client-id';

    // Act
    const page = await handler(get('/'));
    const script = await handler(get('/console/app.js'));
    const config = await handler(get('/console/config.json'));
    const missing = await handler(get('/console/../../package.json'));

    // Assert
    expect(page.statusCode).toBe(200);
    expect(page.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers?.['content-security-policy']).toContain('connect-src');
    expect(page.body).toContain('console/app.js');
    expect(script.headers?.['content-type']).toBe('text/javascript; charset=utf-8');
    expect(JSON.parse(config.body as string)).toEqual({
      auth: {
        type: 'oidc',
        issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example',
        clientId: 'console-client-id',
        scope: 'openid email',
      },
    });
    expect(missing.statusCode).toBe(404);
  });

  it('answers the page paths with how to run the console locally under IAM auth', async () => {
    process.env.API_AUTH = 'iam';
    const page = await handler(get('/'));
    expect(page.statusCode).toBe(404);
    expect(JSON.parse(page.body as string).error.message).toContain('npm start -- --api-url');
  });

  it('fails fast naming the variables when JWT auth has no issuer', async () => {
    process.env.API_AUTH = 'jwt';
    delete process.env.JWT_ISSUER_URL;
    await expect(handler(get('/'))).rejects.toThrow(
      'environment variables JWT_ISSUER_URL and JWT_AUDIENCE must be set when API_AUTH is jwt',
    );
  });
});
