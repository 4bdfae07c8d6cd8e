import { describe, expect, it } from 'vitest';
import {
  type ClusterScanRequest,
  parseScanRequest,
  scanDeduplicationId,
  scanMessageGroupId,
} from '../../../functions/core/scan-request.ts';

const base: ClusterScanRequest = {
  kind: 'cluster',
  accountId: '111122223333',
  region: 'eu-west-1',
  clusterName: 'prod-blue',
  reason: 'event',
  requestedAt: '2025-03-14T09:26:53.000Z',
  attempt: 0,
};

describe('scan requests', () => {
  it('gives every moment of one minute the same dedup id, and the next minute another', () => {
    const a = scanDeduplicationId(base, new Date('2025-03-14T09:26:00.000Z'));
    const b = scanDeduplicationId(base, new Date('2025-03-14T09:26:59.999Z'));
    const c = scanDeduplicationId(base, new Date('2025-03-14T09:27:00.000Z'));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('keeps re-enqueues of a changing cluster and API scans apart from the window id', () => {
    const at = new Date('2025-03-14T09:26:10Z');
    const plain = scanDeduplicationId(base, at);
    expect(scanDeduplicationId({ ...base, attempt: 2 }, at)).toBe(`${plain}:retry2`);
    expect(scanDeduplicationId({ ...base, scanId: 'scan-1' }, at)).toBe(`${plain}:scan-1`);
  });

  it('groups messages per cluster, and region sweeps per region', () => {
    expect(scanMessageGroupId(base)).toBe('111122223333:eu-west-1:prod-blue');
    expect(
      scanMessageGroupId({
        kind: 'region-sweep',
        accountId: '111122223333',
        region: 'eu-west-1',
        liveClusterNames: [],
        reason: 'schedule',
        requestedAt: base.requestedAt,
      }),
    ).toBe('111122223333:eu-west-1:*sweep');
  });

  it('parses a message without kind or attempt as a first cluster scan', () => {
    const { kind: _kind, attempt: _attempt, ...body } = base;
    expect(parseScanRequest(JSON.stringify(body))).toEqual({ ok: true, request: base });
  });

  it('rejects a malformed message naming the bad field', () => {
    expect(parseScanRequest('{"accountId":"1","region":"eu-west-1"}')).toMatchObject({ ok: false });
    expect(parseScanRequest('not json')).toEqual({ ok: false, error: 'scan message is not JSON' });
    const bad = parseScanRequest(JSON.stringify({ ...base, region: 'Europe' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain('region');
  });
});
