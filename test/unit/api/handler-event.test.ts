import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type ApiEvent, callerOf, toApiRequest } from '../../../functions/handlers/api.ts';

function event(over: Partial<APIGatewayProxyEventV2> = {}, authorizer?: unknown): ApiEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/findings',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'a',
      domainName: 'd',
      domainPrefix: 'd',
      http: { method: 'GET', path: '/findings', protocol: 'HTTP/1.1', sourceIp: '1.2.3.4', userAgent: 'ua' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      ...(authorizer ? { authorizer } : {}),
    },
    ...over,
  } as ApiEvent;
}

describe('payload v2 → API request', () => {
  it('takes the creator from the IAM principal', () => {
    expect(callerOf(event({}, { iam: { userArn: 'arn:aws:iam::123456789012:user/bob' } }))).toBe(
      'arn:aws:iam::123456789012:user/bob',
    );
  });

  it('takes the creator from the JWT sub when a JWT authorizer is used', () => {
    expect(callerOf(event({}, { jwt: { claims: { sub: 'u-42' }, scopes: [] } }))).toBe('jwt:u-42');
  });

  it('strips a named stage from the path and keeps query, body and the account', () => {
    // Arrange
    const input = event({
      rawPath: '/prod/findings/abc',
      queryStringParameters: { severity: 'HIGH' },
      body: 'eyJhIjoxfQ==',
      isBase64Encoded: true,
    });
    input.requestContext.stage = 'prod';
    // Act
    const request = toApiRequest(input);
    // Assert
    expect(request).toMatchObject({
      method: 'GET',
      path: '/findings/abc',
      query: { severity: 'HIGH' },
      body: 'eyJhIjoxfQ==',
      isBase64Encoded: true,
      caller: { accountId: '123456789012' },
      requestId: 'req-1',
    });
  });
});
