import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEc2ResourceResolver } from '../../../functions/adapters/ec2-resource-resolver.ts';
import { createScanQueue } from '../../../functions/adapters/scan-queue.ts';
import type { ClusterIndexPort } from '../../../functions/core/cloudtrail-event.ts';
import {
  handleChange,
  ON_CHANGE_QUEUE_MEMORY_MS,
  type OnChangeDeps,
} from '../../../functions/handlers/on-change.ts';

const EVENTS = join(import.meta.dirname, '../../../events/cloudtrail');
const ec2 = mockClient(EC2Client);
const sqs = mockClient(SQSClient);
const VPC = 'vpc-0a1b2c3d4e5f60001';
const SG = 'sg-0c0ffee0c0ffee001';

function sample(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(EVENTS, `${name}.json`), 'utf8'));
}

const OTHER_VPC = 'vpc-0a1b2c3d4e5f60002';

/** The table's cluster ↔ VPC index: two clusters share the sample VPC, one lives elsewhere. */
const index: ClusterIndexPort = {
  async clusterNamesInVpc(_account, _region, vpcId) {
    return vpcId === VPC ? ['prod-blue', 'prod-green'] : [];
  },
  async clustersInRegion() {
    return [
      { clusterName: 'prod-blue', vpcId: VPC },
      { clusterName: 'prod-green', vpcId: VPC },
      { clusterName: 'staging', vpcId: OTHER_VPC },
    ];
  },
};

/** on-change's dependencies as its Lambda container holds them (one queue, one resolver). */
function deps(now: () => Date): OnChangeDeps {
  return {
    queue: createScanQueue({
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/q.fifo',
      retryDelayMs: 0,
      client: new SQSClient({}),
      rememberAcceptedMs: ON_CHANGE_QUEUE_MEMORY_MS,
      clock: () => now().getTime(),
    }),
    resolver: createEc2ResourceResolver(() => new EC2Client({ region: 'eu-west-1' })),
    index,
    logger: new Logger({ logLevel: 'SILENT' }),
    now,
  };
}

function sent() {
  return sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
}

describe('on-change handler', () => {
  beforeEach(() => {
    ec2.reset();
    sqs.reset();
    sqs.on(SendMessageBatchCommand).callsFake((input) => ({
      Successful: input.Entries.map((e: { Id: string }) => ({ Id: e.Id })),
    }));
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: SG, VpcId: VPC }] });
  });

  it('enqueues the scan of the VPC of the cluster an EKS event names, naming every cluster of that VPC', async () => {
    // Act
    const result = await handleChange(
      deps(() => new Date()),
      sample('eks-update-cluster-config'),
    );
    // Assert: one scan per VPC and window covers whatever any event of the window touched.
    expect(result).toEqual({
      status: 'enqueued',
      clusterNames: ['prod-blue', 'prod-green'],
      vpcIds: [VPC],
      sent: 1,
    });
    expect(JSON.parse(sent()[0]!.MessageBody!)).toMatchObject({
      kind: 'vpc',
      vpcId: VPC,
      clusterNames: ['prod-blue', 'prod-green'],
      reason: 'event',
      eventName: 'UpdateClusterConfig',
      accountId: '111122223333',
      region: 'eu-west-1',
    });
    expect(sent()[0]!.MessageGroupId).toBe(`111122223333:eu-west-1:${VPC}`);
  });

  it('enqueues a cluster no scan has stored yet on its own, for its scan to find its VPC', async () => {
    // Arrange
    const event = sample('eks-update-cluster-config');
    event.detail.requestParameters.name = 'brand-new';
    // Act
    const result = await handleChange(
      deps(() => new Date()),
      event,
    );
    // Assert
    expect(result).toMatchObject({ status: 'enqueued', clusterNames: ['brand-new'], vpcIds: [] });
    const body = JSON.parse(sent()[0]!.MessageBody!);
    expect(body).toMatchObject({ kind: 'vpc', clusterNames: ['brand-new'] });
    expect(body).not.toHaveProperty('vpcId');
  });

  it('maps a security-group change to every cluster of the group VPC, describing the group', async () => {
    const result = await handleChange(
      deps(() => new Date()),
      sample('ec2-authorize-security-group-ingress'),
    );
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)[0]!.args[0].input.Filters).toEqual([
      { Name: 'group-id', Values: [SG] },
    ]);
    expect(result).toMatchObject({ status: 'enqueued', clusterNames: ['prod-blue', 'prod-green'] });
  });

  it('falls back to every known cluster of the region, one scan per VPC, when a deleted resource cannot be described', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    const result = await handleChange(
      deps(() => new Date()),
      sample('ec2-delete-security-group'),
    );
    expect(result).toMatchObject({
      status: 'enqueued',
      clusterNames: ['prod-blue', 'prod-green', 'staging'],
      vpcIds: [VPC, OTHER_VPC],
    });
    expect(sent().map((e) => JSON.parse(e.MessageBody!).clusterNames)).toEqual([
      ['prod-blue', 'prod-green'],
      ['staging'],
    ]);
  });

  it('does not describe anything when the event names the VPC itself', async () => {
    const result = await handleChange(
      deps(() => new Date()),
      sample('ec2-modify-vpc-attribute'),
    );
    expect(ec2.calls()).toHaveLength(0);
    expect(result).toMatchObject({ clusterNames: ['prod-blue', 'prod-green'] });
  });

  it('ignores a VPC that holds no known cluster', async () => {
    ec2
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ SubnetId: 'subnet-0aa11bb22cc33dd01', VpcId: 'vpc-other' }] });
    const result = await handleChange(
      deps(() => new Date()),
      sample('ec2-modify-subnet-attribute'),
    );
    expect(result.status).toBe('ignored');
    expect(sent()).toHaveLength(0);
  });

  it('ignores failed calls, unknown events and malformed payloads without enqueueing', async () => {
    const failed = sample('ec2-authorize-security-group-ingress');
    failed.detail.errorCode = 'Client.UnauthorizedOperation';
    const unknown = sample('ec2-create-route');
    unknown.detail.eventName = 'CreateKeyPair';
    for (const event of [failed, unknown, { hello: 'world' }]) {
      expect(
        (
          await handleChange(
            deps(() => new Date()),
            event,
          )
        ).status,
      ).toBe('ignored');
    }
    expect(sent()).toHaveLength(0);
  });

  it('turns a 500-event burst for one VPC into one scan of that VPC with one SQS call and few EC2 calls', async () => {
    // Arrange: a terraform apply touching one VPC 500 times within the same minute.
    const names = [
      'ec2-authorize-security-group-ingress',
      'ec2-create-route',
      'ec2-create-tags',
      'ec2-modify-vpc-attribute',
      'ec2-run-instances',
    ];
    ec2
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ SubnetId: 'subnet-0aa11bb22cc33dd01', VpcId: VPC }] });
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-0abcdef1234567890', VpcId: VPC }] }],
    });
    ec2
      .on(DescribeRouteTablesCommand)
      .resolves({ RouteTables: [{ RouteTableId: 'rtb-0f1e2d3c4b5a69001', VpcId: VPC }] });
    const start = Date.parse('2025-03-14T09:26:00Z');
    let tick = 0;
    const d = deps(() => new Date(start + (tick++ % 59_000)));
    // Act
    for (let i = 0; i < 500; i++) await handleChange(d, sample(names[i % names.length]!));
    // Assert: one message, naming both clusters of the VPC (never staging, elsewhere).
    expect(sent()).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
    expect(JSON.parse(sent()[0]!.MessageBody!)).toMatchObject({
      vpcId: VPC,
      clusterNames: ['prod-blue', 'prod-green'],
    });
    // Each id described once (RunInstances says its own VPC): group, route table, subnet.
    expect(ec2.calls()).toHaveLength(3);
  });
});
