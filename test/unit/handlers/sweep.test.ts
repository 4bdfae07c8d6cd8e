import { Logger } from '@aws-lambda-powertools/logger';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ScanQueuePort, ScanRequest } from '../../../functions/core/scan-request.ts';
import { runSweep, type SweepDeps } from '../../../functions/handlers/sweep.ts';

const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);
const NOW = new Date('2025-03-14T12:00:00Z');

function recordingQueue(): ScanQueuePort & { sent: ScanRequest[] } {
  const sent: ScanRequest[] = [];
  return {
    sent,
    async enqueue(requests) {
      sent.push(...requests);
      return { sent: requests.length, merged: 0, failed: [] };
    },
  };
}

/** The store's cluster ↔ VPC index: a and c share a VPC, b has its own, anything else is unknown. */
const STORED = [
  { clusterName: 'a', vpcId: 'vpc-0000000a' },
  { clusterName: 'b', vpcId: 'vpc-0000000b' },
  { clusterName: 'c', vpcId: 'vpc-0000000a' },
  { clusterName: 'gone', vpcId: 'vpc-0000000b', deletedAt: '2025-03-01T00:00:00Z' },
];

function deps(queue: ScanQueuePort, regions: string[] | undefined): SweepDeps {
  const clients = new Map<string, EKSClient>();
  return {
    queue,
    regions,
    ec2: new EC2Client({ region: 'eu-west-1' }),
    eks: (region) => {
      const client = clients.get(region) ?? new EKSClient({ region });
      clients.set(region, client);
      return client;
    },
    logger: new Logger({ logLevel: 'SILENT' }),
    now: () => NOW,
    clusters: { listClusters: async () => STORED },
    // The scheduled sweep writes no scan record (only API scans do).
    scans: {
      expectClusters: async () => expect.unreachable('a scheduled sweep records no cluster count'),
      abortScan: async () => expect.unreachable('a scheduled sweep fails no scan record'),
    },
  };
}

describe('sweep handler', () => {
  beforeEach(() => {
    ec2.reset();
    eks.reset();
  });

  it('enqueues one scan per VPC naming its listed clusters (every page) and a sweep marker per region', async () => {
    // Arrange
    eks
      .on(ListClustersCommand, {})
      .resolvesOnce({ clusters: ['a', 'b', 'new-1'], nextToken: 't1' })
      .resolvesOnce({ clusters: ['c'] });
    eks.on(ListClustersCommand, { nextToken: 't1' }).resolves({ clusters: ['c'] });
    const queue = recordingQueue();
    // Act
    const result = await runSweep(deps(queue, ['eu-west-1']), '111122223333');
    // Assert
    expect(result).toMatchObject({ regions: ['eu-west-1'], clusters: 4, failedRegions: [] });
    const scans = queue.sent.filter((r) => r.kind === 'vpc');
    expect(scans.map((r) => r.kind === 'vpc' && [r.vpcId, r.clusterNames])).toEqual([
      ['vpc-0000000a', ['a', 'c']],
      ['vpc-0000000b', ['b']],
      // No scan has stored it yet: its VPC is found by the scan itself.
      [undefined, ['new-1']],
    ]);
    expect(scans.every((r) => r.reason === 'schedule' && r.accountId === '111122223333')).toBe(true);
    expect(queue.sent.filter((r) => r.kind === 'region-sweep')).toEqual([
      expect.objectContaining({ region: 'eu-west-1', liveClusterNames: ['a', 'b', 'new-1', 'c'] }),
    ]);
  });

  it('sends clusters as of unknown VPCs when the store cannot be read, rather than skip them', async () => {
    // Arrange
    eks.on(ListClustersCommand).resolves({ clusters: ['a', 'b'] });
    const queue = recordingQueue();
    const d = deps(queue, ['eu-west-1']);
    d.clusters = { listClusters: async () => Promise.reject(new Error('throttled')) };
    // Act
    await runSweep(d, '111122223333');
    // Assert
    expect(queue.sent.filter((r) => r.kind === 'vpc').map((r) => r.kind === 'vpc' && r.clusterNames)).toEqual(
      [['a', 'b']],
    );
  });

  it('sweeps every enabled region when SCAN_REGIONS is all', async () => {
    ec2
      .on(DescribeRegionsCommand)
      .resolves({ Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }] });
    eks.on(ListClustersCommand).resolves({ clusters: [] });
    const queue = recordingQueue();
    const result = await runSweep(deps(queue, undefined), '111122223333');
    expect(ec2.commandCalls(DescribeRegionsCommand)[0]!.args[0].input).toEqual({ AllRegions: false });
    expect(result.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(queue.sent.map((r) => r.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('sends no sweep marker for a region whose listing failed, and still sweeps the others', async () => {
    const failing = new EKSClient({ region: 'ap-south-1' });
    const working = new EKSClient({ region: 'eu-west-1' });
    eks.on(ListClustersCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region();
      if (region === 'ap-south-1')
        throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
      return { clusters: ['x'] };
    });
    const queue = recordingQueue();
    const d = deps(queue, ['ap-south-1', 'eu-west-1']);
    d.eks = (region) => (region === 'ap-south-1' ? failing : working);
    const result = await runSweep(d, '111122223333');
    expect(result.failedRegions).toEqual([
      { region: 'ap-south-1', message: 'AccessDeniedException: denied' },
    ]);
    expect(queue.sent.every((r) => r.region === 'eu-west-1')).toBe(true);
    expect(queue.sent).toHaveLength(2);
  });

  it('fails the invocation when scan requests could not be enqueued', async () => {
    eks.on(ListClustersCommand).resolves({ clusters: ['a'] });
    const queue: ScanQueuePort = {
      async enqueue(requests) {
        return { sent: 0, merged: 0, failed: requests.map((request) => ({ request, message: 'boom' })) };
      },
    };
    await expect(runSweep(deps(queue, ['eu-west-1']), '111122223333')).rejects.toThrow(
      /could not be enqueued/,
    );
  });
});
