import { describe, expect, it } from 'vitest';
// Only zod/mini modules are imported here: classic zod would configure English messages
// itself and hide a missing core/zod-english.ts import.
import { cloudTrailEventSchema } from '../../../functions/core/cloudtrail-event.ts';
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
});
