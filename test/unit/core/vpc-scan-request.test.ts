import { describe, expect, it } from 'vitest';
import {
  parseScanRequest,
  scanDeduplicationId,
  scanMessageGroupId,
  type VpcScanRequest,
  vpcScanRequests,
} from '../../../functions/core/scan-request.ts';

const vpcScan: VpcScanRequest = {
  kind: 'vpc',
  accountId: '111122223333',
  region: 'eu-west-1',
  vpcId: 'vpc-0a1b2c3d4e5f60001',
  clusterNames: ['prod-blue', 'prod-green'],
  reason: 'event',
  requestedAt: '2025-03-14T09:26:53.000Z',
  attempt: 0,
};
const at = new Date('2025-03-14T09:26:10Z');

describe('VPC scan requests', () => {
  it('groups and deduplicates per VPC: any clusters of one VPC in one window are one scan', () => {
    // Act
    const a = scanDeduplicationId(vpcScan, at);
    const b = scanDeduplicationId({ ...vpcScan, clusterNames: ['prod-green'] }, at);
    // Assert
    expect(a).toBe('111122223333:eu-west-1:vpc-0a1b2c3d4e5f60001:29032406');
    expect(b).toBe(a);
    expect(scanMessageGroupId(vpcScan)).toBe('111122223333:eu-west-1:vpc-0a1b2c3d4e5f60001');
  });

  it('keeps the re-enqueue of one changing cluster and API scans apart from the VPC window id', () => {
    const plain = scanDeduplicationId(vpcScan, at);
    expect(scanDeduplicationId({ ...vpcScan, clusterNames: ['prod-blue'], attempt: 2 }, at)).toBe(
      `${plain}:retry2:prod-blue`,
    );
    expect(scanDeduplicationId({ ...vpcScan, scanId: 'scan-1' }, at)).toBe(`${plain}:scan-1`);
  });

  it('gives clusters of a VPC no scan has stored yet their own group and names in the dedup id', () => {
    const { vpcId: _vpc, ...unknown } = vpcScan;
    expect(scanMessageGroupId(unknown)).toBe('111122223333:eu-west-1:*new');
    expect(scanDeduplicationId({ ...unknown, clusterNames: ['b', 'a'] }, at)).toBe(
      '111122223333:eu-west-1:*new:a,b:29032406',
    );
  });

  it('parses a VPC scan message and names the bad field of a malformed one', () => {
    expect(parseScanRequest(JSON.stringify(vpcScan))).toEqual({ ok: true, request: vpcScan });
    expect(parseScanRequest(JSON.stringify({ ...vpcScan, clusterNames: [] }))).toEqual({
      ok: false,
      error: 'invalid scan message: clusterNames: at least one cluster name',
    });
    expect(parseScanRequest(JSON.stringify({ ...vpcScan, vpcId: 'subnet-1' }))).toEqual({
      ok: false,
      error: 'invalid scan message: vpcId: a VPC id such as vpc-0a1b2c3d',
    });
  });

  it('turns clusters into one request per VPC, and clusters of unknown VPCs into chunks', () => {
    // Arrange
    const clusters = [
      { clusterName: 'a', vpcId: 'vpc-00000001' },
      { clusterName: 'b', vpcId: 'vpc-00000002' },
      { clusterName: 'c', vpcId: 'vpc-00000001' },
      { clusterName: 'n1' },
      { clusterName: 'n2' },
      { clusterName: 'n3' },
    ];
    // Act
    const requests = vpcScanRequests(
      {
        accountId: '111122223333',
        region: 'eu-west-1',
        reason: 'schedule',
        requestedAt: vpcScan.requestedAt,
      },
      clusters,
      { maxNewPerRequest: 2 },
    );
    // Assert
    expect(requests.map((r) => [r.vpcId, r.clusterNames])).toEqual([
      ['vpc-00000001', ['a', 'c']],
      ['vpc-00000002', ['b']],
      [undefined, ['n1', 'n2']],
      [undefined, ['n3']],
    ]);
    expect(requests.every((r) => r.kind === 'vpc' && r.attempt === 0)).toBe(true);
  });
});
