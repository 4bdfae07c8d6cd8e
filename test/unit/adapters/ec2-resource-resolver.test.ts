/**
 * The EC2 resource resolver of on-change: ids → VPCs with the fewest describe calls. The
 * event's own VPC is trusted, resolved ids are kept for a short while, and a VPC whose ids
 * keep missing the cache (an event storm) is described whole, once per resource type.
 */
import {
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEc2ResourceResolver } from '../../../functions/adapters/ec2-resource-resolver.ts';

const ec2 = mockClient(EC2Client);
const REGION = 'eu-west-1';
const VPC = 'vpc-0a1b2c3d4e5f60001';
/** Security groups of the VPC: the first three, as EC2 answers a describe of the whole VPC. */
const GROUPS = ['sg-00000001', 'sg-00000002', 'sg-00000003'];

function resolver(now: () => number = () => 0) {
  const client = new EC2Client({ region: REGION });
  return createEc2ResourceResolver(() => client, { now, cacheTtlMs: 300_000 });
}

const sg = (id: string) => ({ type: 'security-group' as const, id });

beforeEach(() => {
  ec2.reset();
  ec2.on(DescribeSecurityGroupsCommand).callsFake(async (input) => {
    const filter = input.Filters?.[0];
    const ids = filter?.Name === 'group-id' ? (filter.Values ?? []) : GROUPS;
    return { SecurityGroups: ids.map((GroupId: string) => ({ GroupId, VpcId: VPC })) };
  });
});

describe('EC2 resource resolver', () => {
  it('trusts the VPC the event names for a resource and describes nothing', async () => {
    // Act
    const resolution = await resolver().resolveVpcIds(REGION, [
      { type: 'subnet', id: 'subnet-00000001', vpcId: VPC },
    ]);
    // Assert
    expect(resolution).toEqual({ vpcIds: [VPC], unresolved: [] });
    expect(ec2.calls()).toHaveLength(0);
  });

  it('answers an id it resolved a moment ago from memory, and describes it again after the TTL', async () => {
    // Arrange
    let now = 0;
    const r = resolver(() => now);
    await r.resolveVpcIds(REGION, [sg('sg-00000001')]);
    // Act
    now = 299_000;
    const cached = await r.resolveVpcIds(REGION, [sg('sg-00000001')]);
    const callsWhileCached = ec2.commandCalls(DescribeSecurityGroupsCommand).length;
    now = 301_000;
    await r.resolveVpcIds(REGION, [sg('sg-00000001')]);
    // Assert
    expect(cached.vpcIds).toEqual([VPC]);
    expect(callsWhileCached).toBe(1);
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(2);
  });

  it('describes a VPC whole for a type on its second miss, so a storm of new ids costs no more calls', async () => {
    // Arrange
    const r = resolver();
    // Act
    await r.resolveVpcIds(REGION, [sg('sg-00000001')]);
    await r.resolveVpcIds(REGION, [sg('sg-00000002')]);
    const third = await r.resolveVpcIds(REGION, [sg('sg-00000003')]);
    // Assert
    const filters = ec2.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input.Filters);
    expect(filters).toEqual([
      [{ Name: 'group-id', Values: ['sg-00000001'] }],
      [{ Name: 'group-id', Values: ['sg-00000002'] }],
      [{ Name: 'vpc-id', Values: [VPC] }],
    ]);
    expect(third.vpcIds).toEqual([VPC]);
  });

  it('resolves network ACL ids', async () => {
    // Arrange
    ec2
      .on(DescribeNetworkAclsCommand)
      .resolves({ NetworkAcls: [{ NetworkAclId: 'acl-00000001', VpcId: VPC }] });
    // Act
    const resolution = await resolver().resolveVpcIds(REGION, [{ type: 'network-acl', id: 'acl-00000001' }]);
    // Assert
    expect(resolution.vpcIds).toEqual([VPC]);
    expect(ec2.commandCalls(DescribeNetworkAclsCommand)[0]!.args[0].input.Filters).toEqual([
      { Name: 'network-acl-id', Values: ['acl-00000001'] },
    ]);
  });

  it('keeps nothing it could not resolve: a deleted id is described again next time', async () => {
    // Arrange
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
    const r = resolver();
    // Act
    const first = await r.resolveVpcIds(REGION, [{ type: 'subnet', id: 'subnet-gone' }]);
    await r.resolveVpcIds(REGION, [{ type: 'subnet', id: 'subnet-gone' }]);
    // Assert
    expect(first.unresolved).toHaveLength(1);
    expect(ec2.commandCalls(DescribeSubnetsCommand)).toHaveLength(2);
  });
});
