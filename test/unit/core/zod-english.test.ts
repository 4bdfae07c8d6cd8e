import { describe, expect, it } from 'vitest';
// Only zod/mini modules are imported here: classic zod would configure English messages
// itself and hide a missing core/zod-english.ts import.
import { listFindingsQuerySchema, scanRequestBodySchema } from '../../../functions/core/api/schemas.ts';
import { parseInput } from '../../../functions/core/api/validation.ts';
import { cloudTrailEventSchema } from '../../../functions/core/cloudtrail-event.ts';
import { configFileSchema, describeZodError } from '../../../functions/core/config.ts';
import { parseScanRequest } from '../../../functions/core/scan-request.ts';

describe('zod/mini schemas keep zod English messages', () => {
  it('names the allowed values of an enum a CloudTrail event does not match', () => {
    const result = cloudTrailEventSchema.safeParse({
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.s3',
      detail: {
        eventSource: 's3.amazonaws.com',
        eventName: 'PutObject',
        awsRegion: 'eu-west-1',
        recipientAccountId: '123456789012',
      },
    });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('Invalid option: expected one of "aws.eks"|"aws.ec2"');
  });

  it('says which bound a scan message field breaks', () => {
    const parsed = parseScanRequest(
      JSON.stringify({
        kind: 'cluster',
        accountId: '123456789012',
        region: 'eu-west-1',
        clusterName: 'prod',
        reason: 'event',
        requestedAt: '2026-01-01T00:00:00Z',
        attempt: -1,
      }),
    );

    expect(parsed).toEqual({
      ok: false,
      error: 'invalid scan message: attempt: Too small: expected number to be >=0',
    });
  });

  it('names the expected type of an API body field in the 400 message', () => {
    expect(() => parseInput(scanRequestBodySchema, { region: 5 }, 'body')).toThrow(
      'region: Invalid input: expected string, received number',
    );
  });

  it('keeps the API custom message of a bad page size', () => {
    expect(() => parseInput(listFindingsQuerySchema, { limit: '0' }, 'query')).toThrow(
      'limit: must be a whole number from 1 to 500',
    );
  });

  it('names the config key and the bound it breaks', () => {
    const result = configFileSchema.safeParse({ ipExhaustion: { highPercentBelow: 101 } });

    expect(result.success).toBe(false);
    expect(result.error && describeZodError(result.error)).toBe(
      'ipExhaustion.highPercentBelow: Too big: expected number to be <=100',
    );
  });
});
