/**
 * on-change under read faults: EC2 reads that do not yet see a just-created resource
 * (eventual consistency), and describe listings whose pagination token expires. Either
 * way the event must still reach every cluster it may affect — never be dropped because
 * a read came back short.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createEc2ResourceResolver } from '../../../functions/adapters/ec2-resource-resolver.ts';
import type { ClusterIndexPort } from '../../../functions/core/cloudtrail-event.ts';
import type { ScanRequest } from '../../../functions/core/scan-request.ts';
import { handleChange, type OnChangeDeps } from '../../../functions/handlers/on-change.ts';
import { awsError, silentLogger } from './world.ts';

const ec2 = mockClient(EC2Client);
afterAll(() => ec2.restore());

const EVENT = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../../../events/cloudtrail/ec2-authorize-security-group-ingress.json'),
    'utf8',
  ),
);
const VPC = 'vpc-0a1b2c3d4e5f60001';
const SG = 'sg-0c0ffee0c0ffee001';

const index: ClusterIndexPort = {
  async clusterNamesInVpc(_account, _region, vpcId) {
    return vpcId === VPC ? ['prod-blue'] : [];
  },
  async clustersInRegion() {
    return [
      { clusterName: 'prod-blue', vpcId: VPC },
      { clusterName: 'prod-green', vpcId: 'vpc-0a1b2c3d4e5f60002' },
      { clusterName: 'staging', vpcId: 'vpc-0a1b2c3d4e5f60003' },
    ];
  },
};

let enqueued: ScanRequest[];

function deps(): OnChangeDeps {
  return {
    queue: {
      async enqueue(requests) {
        enqueued.push(...requests);
        return { sent: requests.length, merged: 0, failed: [] };
      },
    },
    resolver: createEc2ResourceResolver(() => new EC2Client({ region: 'eu-west-1' })),
    index,
    logger: silentLogger(),
    now: () => new Date('2026-03-01T12:00:00.000Z'),
  };
}

const names = () => enqueued.flatMap((r) => (r.kind === 'vpc' ? r.clusterNames : [])).sort();

beforeEach(() => {
  ec2.reset();
  enqueued = [];
});

describe('on-change read faults', () => {
  it('control: a visible security group maps the event to the clusters of its VPC only', async () => {
    // Arrange
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: SG, VpcId: VPC }] });
    // Act
    await handleChange(deps(), structuredClone(EVENT));
    // Assert
    expect(names()).toEqual(['prod-blue']);
  });

  it('a just-created security group EC2 does not return yet: every cluster of the region is scanned', async () => {
    // Arrange: the eventually consistent read misses the new group.
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    // Act
    const result = await handleChange(deps(), structuredClone(EVENT));
    // Assert
    expect(result.status).toBe('enqueued');
    expect(names()).toEqual(['prod-blue', 'prod-green', 'staging']);
  });

  it('an expired pagination token while describing: falls back to the region, not to the first page', async () => {
    // Arrange: page 1 holds an unrelated group; page 2's token has expired.
    ec2
      .on(DescribeSecurityGroupsCommand)
      .resolvesOnce({ SecurityGroups: [{ GroupId: 'sg-other', VpcId: 'vpc-elsewhere' }], NextToken: 't2' })
      .rejectsOnce(awsError('InvalidNextToken', 400, 'The token has expired'));
    // Act
    await handleChange(deps(), structuredClone(EVENT));
    // Assert
    expect(names()).toEqual(['prod-blue', 'prod-green', 'staging']);
  });

  it('a throttled describe that exhausted its retries: falls back to the region', async () => {
    // Arrange
    ec2
      .on(DescribeSecurityGroupsCommand)
      .rejects(awsError('RequestLimitExceeded', 503, 'Request limit exceeded.'));
    // Act
    await handleChange(deps(), structuredClone(EVENT));
    // Assert
    expect(names()).toEqual(['prod-blue', 'prod-green', 'staging']);
  });
});
