/**
 * The benchmark's fake EC2/EKS must be honest: every figure of BENCHMARKS.md (calls vs
 * floor above all) is only as good as its pagination and filters. These tests drive it
 * through the real SDK clients and paginators, as the collector does.
 */
import {
  DescribeFlowLogsCommand,
  DescribeInstancesCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  paginateDescribeNetworkAcls,
  paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import { DescribeAddonCommand, EKSClient, paginateListClusters } from '@aws-sdk/client-eks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeFloor, type FakeAws, filterValueMatches, installFakeAws } from '../../../bench/fake-aws.ts';
import { generateAccount, type SyntheticAccount } from '../../../bench/generator.ts';
import { createAwsClients, EMULATOR_CREDENTIALS } from '../../../functions/adapters/aws-clients.ts';
import { collectInventory } from '../../../functions/adapters/inventory-collector.ts';

const credentials = EMULATOR_CREDENTIALS;
let account: SyntheticAccount;
let fake: FakeAws;
let ec2: EC2Client;
let eks: EKSClient;

beforeEach(() => {
  account = generateAccount('S', 3);
  fake = installFakeAws(account);
  ec2 = new EC2Client({ region: account.region, credentials });
  eks = new EKSClient({ region: account.region, credentials });
});

afterEach(() => fake.restore());

describe('fake EC2 pagination', () => {
  it('never returns more than MaxResults and pages through every match exactly once', async () => {
    const vpcId = account.vpcs[0]!.VpcId!;
    const expected = account.subnets.filter((s) => s.VpcId === vpcId).map((s) => s.SubnetId);

    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeSubnets(
      { client: ec2, pageSize: 7 },
      { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] },
    )) {
      pages.push(page.Subnets?.length ?? 0);
      seen.push(...(page.Subnets ?? []).map((s) => s.SubnetId!));
    }

    expect(Math.max(...pages)).toBeLessThanOrEqual(7);
    expect(pages.length).toBe(Math.ceil(expected.length / 7));
    expect(seen).toEqual(expected);
    expect(fake.calls.byOperation.DescribeSubnets).toBe(pages.length);
  });

  it('caps a page at the API maximum when MaxResults is absent, so omitting it cannot beat the floor', async () => {
    const answer = await ec2.send(new DescribeSecurityGroupsCommand({}));

    expect(answer.SecurityGroups).toHaveLength(1000);
    expect(answer.NextToken).toBeDefined();
  });

  it('rejects MaxResults outside the API range', async () => {
    await expect(ec2.send(new DescribeSubnetsCommand({ MaxResults: 1001 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
  });

  it('rejects a NextToken used with a different query', async () => {
    const first = await ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 5 }));

    await expect(
      ec2.send(
        new DescribeSecurityGroupsCommand({
          MaxResults: 5,
          NextToken: first.NextToken,
          Filters: [{ Name: 'vpc-id', Values: [account.vpcs[0]!.VpcId!] }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidNextToken' });
  });
});

describe('fake EC2 network ACLs and flow logs', () => {
  it('pages DescribeNetworkAcls by at most 100 and rejects a larger MaxResults, as EC2 does', async () => {
    const vpcIds = account.vpcs.slice(0, 2).map((v) => v.VpcId!);
    const expected = account.networkAcls.filter((a) => vpcIds.includes(a.VpcId!)).map((a) => a.NetworkAclId);

    const seen: string[] = [];
    for await (const page of paginateDescribeNetworkAcls(
      { client: ec2, pageSize: 5 },
      { Filters: [{ Name: 'vpc-id', Values: vpcIds }] },
    ))
      seen.push(...(page.NetworkAcls ?? []).map((a) => a.NetworkAclId!));

    expect(seen).toEqual(expected);
    expect(fake.calls.byOperation.DescribeNetworkAcls).toBe(Math.ceil(expected.length / 5));
    await expect(ec2.send(new DescribeNetworkAclsCommand({ MaxResults: 101 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
  });

  it('answers DescribeFlowLogs by resource id: a VPC id finds the VPC flow log, never a subnet one', async () => {
    const subnetFlowLog = account.flowLogs.find((f) => f.ResourceId?.startsWith('subnet-'))!;
    const vpcIds = account.vpcs.map((v) => v.VpcId!);

    const answer = await ec2.send(
      new DescribeFlowLogsCommand({ Filter: [{ Name: 'resource-id', Values: vpcIds }], MaxResults: 1000 }),
    );

    expect(subnetFlowLog).toBeDefined();
    expect(answer.FlowLogs!.length).toBeGreaterThan(0);
    expect(answer.FlowLogs!.every((f) => vpcIds.includes(f.ResourceId!))).toBe(true);
    await expect(
      ec2.send(new DescribeFlowLogsCommand({ FlowLogIds: [subnetFlowLog.FlowLogId!], MaxResults: 5 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
  });
});

describe('fake EC2 filters', () => {
  it('ANDs filters and ORs values, as EC2 does', async () => {
    const [a, b] = [account.vpcs[0]!.VpcId!, account.vpcs[1]!.VpcId!];
    const groupInA = account.securityGroups.find((g) => g.VpcId === a)!.GroupId!;

    const both = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [a, b] }], MaxResults: 1000 }),
    );
    const narrowed = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [b] },
          { Name: 'group-id', Values: [groupInA] },
        ],
      }),
    );

    const expected = account.securityGroups.filter((g) => g.VpcId === a || g.VpcId === b).length;
    expect(both.SecurityGroups).toHaveLength(Math.min(expected, 1000));
    expect(narrowed.SecurityGroups).toEqual([]);
  });

  it('drops stopped and untagged instances under the collector filters (state + wildcard tag key)', async () => {
    const vpcId = account.vpcs[0]!.VpcId!;

    const answer = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'instance-state-name', Values: ['pending', 'running'] },
          { Name: 'tag-key', Values: ['eks:cluster-name', 'kubernetes.io/cluster/*'] },
        ],
      }),
    );

    const instances = answer.Reservations!.flatMap((r) => r.Instances ?? []);
    const all = account.instances.filter((i) => i.VpcId === vpcId);
    expect(all.some((i) => i.State?.Name === 'stopped')).toBe(true);
    expect(all.some((i) => (i.Tags ?? []).length === 0)).toBe(true);
    expect(instances.length).toBeGreaterThan(0);
    expect(instances.every((i) => i.State?.Name === 'running' && (i.Tags ?? []).length > 0)).toBe(true);
  });

  it('fails an unknown filter name and more than 200 filter values, like EC2', async () => {
    const tooMany = Array.from({ length: 201 }, (_, n) => `vpc-${n}`);

    await expect(
      ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'made-up', Values: ['x'] }] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: tooMany }] })),
    ).rejects.toMatchObject({ name: 'FilterLimitExceeded' });
  });

  it('matches EC2 wildcards', () => {
    expect(filterValueMatches('kubernetes.io/cluster/*', 'kubernetes.io/cluster/prod')).toBe(true);
    expect(filterValueMatches('kubernetes.io/cluster/*', 'kubernetes.io/role/elb')).toBe(false);
    expect(filterValueMatches('a?c', 'abc')).toBe(true);
    expect(filterValueMatches('a.c', 'abc')).toBe(false);
  });
});

describe('fake EKS', () => {
  it('pages ListClusters by maxResults and answers ResourceNotFoundException for a missing add-on', async () => {
    const names: string[] = [];
    for await (const page of paginateListClusters({ client: eks, pageSize: 3 }, {}))
      names.push(...(page.clusters ?? []));
    const withoutAddon = account.clusters.find((c) => !account.addons.has(c.name!))!;

    expect(names).toEqual(account.clusters.map((c) => c.name).sort());
    expect(fake.calls.byOperation.ListClusters).toBe(Math.ceil(account.clusters.length / 3));
    await expect(
      eks.send(new DescribeAddonCommand({ clusterName: withoutAddon.name, addonName: 'vpc-cni' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('floor', () => {
  it('counts the pages of a perfect collector and the real collector reaches it on this account', async () => {
    const floor = computeFloor(account);

    const snapshot = await collectInventory(createAwsClients({ credentials }), {
      regions: [account.region],
      accountId: account.accountId,
      now: () => new Date('2026-03-01T00:00:00Z'),
    });

    expect(snapshot.errors).toEqual([]);
    expect(floor.byOperation.DescribeCluster).toBe(account.clusters.length);
    expect(floor.byOperation.DescribeVpcAttribute).toBe(2 * 3);
    expect(fake.calls.byOperation).toEqual(floor.byOperation);
    expect(snapshot.vpcs.map((v) => v.vpcId).sort()).toEqual(
      [...new Set(account.clusters.map((c) => c.resourcesVpcConfig!.vpcId!))].sort(),
    );
  });

  it('counts the network-ACL heavy account at 100 ACLs per page: 1,000 ACLs need 10 pages', () => {
    const heavy = generateAccount('NACL', 1);

    const floor = computeFloor(heavy);

    expect(floor.byOperation.DescribeNetworkAcls).toBe(10);
    expect(floor.byOperation.DescribeFlowLogs).toBe(1);
  });

  it('the per-page floor grows with items: 20,000 SGs need 20 pages of 1,000', () => {
    const large = generateAccount('L', 1);

    const floor = computeFloor(large);

    expect(floor.byOperation.DescribeSecurityGroups).toBe(20);
    expect(floor.byOperation.ListClusters).toBe(2);
  });
});
