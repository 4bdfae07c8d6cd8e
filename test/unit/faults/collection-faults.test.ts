/**
 * Collection faults end to end: the fake AWS account (aws-sdk-client-mock) with injected
 * failures → the real collector → the scan service → the findings store on dynalite →
 * `GET /scans/{id}`. The promise under test: what could not be seen is reported, never
 * resolved; what could be seen is scanned as usual.
 */
import type { NetworkAcl, SecurityGroup } from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DynaliteServer, startDynalite } from '../../../functions/adapters/dynalite-server.ts';
import { collectInventory } from '../../../functions/adapters/inventory-collector.ts';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { processSnapshot } from '../../../functions/core/process-scan.ts';
import { RULES } from '../../../functions/core/rules/index.ts';
import {
  ACCOUNT_ID,
  addCluster,
  emptyRegion,
  type FakeAws,
  type FakeRegion,
  fakeAws,
  restore,
} from '../adapters/aws-fixture.ts';
import { apiGet, awsError, type Fault, faultyClients, type StoreWorld, storeWorld } from './world.ts';

const EU = 'eu-west-1';
const US = 'us-east-1';
const T1 = new Date('2026-03-01T10:00:00.000Z');
const T2 = new Date('2026-03-01T11:00:00.000Z');

let dynalite: DynaliteServer;
let world: StoreWorld;
let regions: Record<string, FakeRegion>;
let fake: FakeAws | undefined;
let clock = T1;

beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.close();
});
afterEach(() => {
  if (fake) restore(fake);
  fake = undefined;
});

/** SSH open to the world on the cluster security group (sg-open-ingress, HIGH). */
const SSH_FROM_WORLD = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];

/** A cluster with two findings: its public endpoint open to 0.0.0.0/0 and SSH open on its SG. */
function misconfiguredCluster(region: FakeRegion, name: string, vpcId: string): void {
  addCluster(region, name, vpcId);
  const cluster = region.clusters.find((c) => c.name === name);
  if (cluster?.resourcesVpcConfig) cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/0'];
  groupOf(region, name).IpPermissions = structuredClone(SSH_FROM_WORLD);
}

function groupOf(region: FakeRegion, name: string): SecurityGroup {
  const group = region.securityGroups.find((g) => g.GroupId === `sg-${name}`);
  if (!group) throw new Error(`fixture has no sg-${name}`);
  return group;
}

/** A network ACL in vpc-a: `entries` first, then allow-all both ways (the * rule denies the rest). */
function acl(
  id: string,
  isDefault: boolean,
  subnetIds: string[],
  entries: NonNullable<NetworkAcl['Entries']>,
): NetworkAcl {
  const allowAll = (Egress: boolean) => ({
    RuleNumber: 100,
    Protocol: '-1',
    RuleAction: 'allow' as const,
    Egress,
    CidrBlock: '0.0.0.0/0',
  });
  const denyRest = (Egress: boolean) => ({
    ...allowAll(Egress),
    RuleNumber: 32767,
    RuleAction: 'deny' as const,
  });
  return {
    NetworkAclId: id,
    VpcId: 'vpc-a',
    IsDefault: isDefault,
    Associations: subnetIds.map((SubnetId) => ({ NetworkAclId: id, SubnetId })),
    Entries: [...entries, allowAll(false), allowAll(true), denyRest(false), denyRest(true)],
  };
}

/** Fixes both misconfigurations of a cluster in the fake account. */
function fix(region: FakeRegion, name: string): void {
  const cluster = region.clusters.find((c) => c.name === name);
  if (cluster?.resourcesVpcConfig) cluster.resourcesVpcConfig.publicAccessCidrs = ['203.0.113.0/24'];
  groupOf(region, name).IpPermissions = [];
}

beforeEach(async () => {
  clock = T1;
  world = await storeWorld(dynalite, 'collection-faults', () => clock);
  regions = { [EU]: emptyRegion(), [US]: emptyRegion() };
  misconfiguredCluster(regions[EU]!, 'alpha', 'vpc-a');
  misconfiguredCluster(regions[US]!, 'bravo', 'vpc-b');
});

/** Collects both regions through `fault` and processes the snapshot as `scanId`. */
async function scan(scanId: string, at: Date, fault: Fault = () => undefined, pageSize = 1000) {
  clock = at;
  if (fake) restore(fake);
  fake = fakeAws(regions, pageSize);
  const snapshot = await collectInventory(faultyClients(fake.clients, fault), {
    regions: [EU, US],
    now: () => at,
    accountId: ACCOUNT_ID,
  });
  return processSnapshot(world.service, {
    scanId,
    trigger: 'schedule',
    snapshot,
    rules: RULES,
    ruleConfig: DEFAULT_RULE_CONFIG,
  });
}

/** `ruleId → status` of a cluster's stored findings. */
async function statuses(region: string, clusterName: string): Promise<Record<string, string>> {
  const { findings } = await world.store.loadCluster({ accountId: ACCOUNT_ID, region, clusterName });
  return Object.fromEntries(findings.map((f) => [f.ruleId, f.status]));
}

const BOTH_OPEN = { 'endpoint-public-open': 'OPEN', 'sg-open-ingress': 'OPEN' };
const BOTH_RESOLVED = { 'endpoint-public-open': 'RESOLVED', 'sg-open-ingress': 'RESOLVED' };

describe('faults during collection', () => {
  it('baseline: a fault-free rescan after both fixes resolves both findings in both regions', async () => {
    // Arrange
    await scan('scan-1', T1);
    expect(await statuses(EU, 'alpha')).toMatchObject(BOTH_OPEN);
    fix(regions[EU]!, 'alpha');
    fix(regions[US]!, 'bravo');
    // Act
    await scan('scan-2', T2);
    // Assert
    expect(await statuses(EU, 'alpha')).toMatchObject(BOTH_RESOLVED);
    expect(await statuses(US, 'bravo')).toMatchObject(BOTH_RESOLVED);
  });

  it('AccessDenied on every EKS call of one region: the other region completes, nothing there is resolved, the error reaches the scan record and the API', async () => {
    // Arrange
    await scan('scan-1', T1);
    fix(regions[EU]!, 'alpha');
    fix(regions[US]!, 'bravo');
    const denyUs: Fault = (call) =>
      call.region === US && call.service === 'eks'
        ? awsError('AccessDeniedException', 403, 'User is not authorized to perform: eks:ListClusters')
        : undefined;
    // Act
    const result = await scan('scan-2', T2, denyUs);
    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(await statuses(EU, 'alpha')).toMatchObject(BOTH_RESOLVED);
    expect(await statuses(US, 'bravo')).toMatchObject(BOTH_OPEN);
    expect(result.deleted).toEqual([]);
    const answer = await apiGet(world, '/scans/scan-2');
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('COMPLETED');
    expect(answer.body.errors).toContainEqual(
      expect.objectContaining({
        region: US,
        operation: 'ListClusters',
        message: expect.stringMatching(/AccessDenied/),
      }),
    );
    expect(answer.body.clusters).toContainEqual(
      expect.objectContaining({ clusterName: 'alpha', outcome: 'PROCESSED' }),
    );
  });

  it('AccessDenied on one operation (DescribeSecurityGroups): only the findings that needed it stay open', async () => {
    // Arrange
    await scan('scan-1', T1);
    fix(regions[EU]!, 'alpha');
    fix(regions[US]!, 'bravo');
    const denySgs: Fault = (call) =>
      call.operation === 'DescribeSecurityGroups'
        ? awsError('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.')
        : undefined;
    // Act
    await scan('scan-2', T2, denySgs);
    // Assert
    for (const [region, name] of [
      [EU, 'alpha'],
      [US, 'bravo'],
    ] as const) {
      expect(await statuses(region, name)).toMatchObject({
        'endpoint-public-open': 'RESOLVED',
        'sg-open-ingress': 'OPEN',
      });
      const { cluster } = await world.store.loadCluster({ accountId: ACCOUNT_ID, region, clusterName: name });
      // An incomplete scan never counts as the last complete one.
      expect(cluster?.lastCompleteScanId).toBe('scan-1');
    }
    const answer = await apiGet(world, '/scans/scan-2');
    expect(answer.body.errors).toContainEqual(
      expect.objectContaining({ region: EU, operation: 'DescribeSecurityGroups' }),
    );
  });

  it('an EC2 outage (HTTP 503) in one region leaves that region’s EC2-based findings open and the other region untouched', async () => {
    // Arrange
    await scan('scan-1', T1);
    fix(regions[EU]!, 'alpha');
    fix(regions[US]!, 'bravo');
    const outage: Fault = (call) =>
      call.region === US && call.service === 'ec2' ? awsError('ServiceUnavailable', 503) : undefined;
    // Act
    const result = await scan('scan-2', T2, outage);
    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(await statuses(EU, 'alpha')).toMatchObject(BOTH_RESOLVED);
    expect(await statuses(US, 'bravo')).toMatchObject({
      'endpoint-public-open': 'RESOLVED',
      'sg-open-ingress': 'OPEN',
    });
  });

  it('an expired EC2 pagination token mid-listing is an error, never a shorter list taken as complete', async () => {
    // Arrange: page size 1 and a second group in vpc-a, so the listing needs two pages.
    regions[EU]!.securityGroups.push({ GroupId: 'sg-zz-other', VpcId: 'vpc-a', GroupName: 'other' });
    await scan('scan-1', T1, undefined, 1);
    fix(regions[EU]!, 'alpha');
    const expireTokens: Fault = (call) =>
      call.operation === 'DescribeSecurityGroups' && call.region === EU && call.input.NextToken
        ? awsError('InvalidNextToken', 400, 'The specified token is invalid or has expired.')
        : undefined;
    // Act
    const result = await scan('scan-2', T2, expireTokens, 1);
    // Assert
    expect(await statuses(EU, 'alpha')).toMatchObject({
      'endpoint-public-open': 'RESOLVED',
      'sg-open-ingress': 'OPEN',
    });
    expect(result.errors).toContainEqual(
      expect.objectContaining({
        region: EU,
        operation: 'DescribeSecurityGroups',
        message: expect.stringMatching(/InvalidNextToken/),
      }),
    );
  });

  it('an expired ListClusters token on page 2 resolves no cluster of that region as deleted', async () => {
    // Arrange: three clusters in EU, listed one per page; all known to the store.
    misconfiguredCluster(regions[EU]!, 'charlie', 'vpc-a');
    misconfiguredCluster(regions[EU]!, 'delta', 'vpc-a');
    await scan('scan-1', T1, undefined, 1);
    const expire: Fault = (call) =>
      call.operation === 'ListClusters' && call.region === EU && call.input.nextToken
        ? awsError(
            'InvalidParameterException',
            400,
            'The pagination token has expired (InvalidPaginationToken)',
          )
        : undefined;
    // Act
    const result = await scan('scan-2', T2, expire, 1);
    // Assert
    expect(result.deleted).toEqual([]);
    for (const name of ['alpha', 'charlie', 'delta']) {
      const { cluster } = await world.store.loadCluster({
        accountId: ACCOUNT_ID,
        region: EU,
        clusterName: name,
      });
      expect(cluster?.deletedAt, name).toBeUndefined();
      expect(await statuses(EU, name), name).toMatchObject(BOTH_OPEN);
    }
    expect(result.errors).toContainEqual(expect.objectContaining({ region: EU, operation: 'ListClusters' }));
  });

  it('a cluster deleted between ListClusters and DescribeCluster is resolved as deleted; the scan goes on', async () => {
    // Arrange
    await scan('scan-1', T1);
    const gone: Fault = (call) =>
      call.operation === 'DescribeCluster' && call.input.name === 'bravo'
        ? Object.assign(awsError('ResourceNotFoundException', 404, 'No cluster found for name: bravo.'), {})
        : undefined;
    // Act
    const result = await scan('scan-2', T2, gone);
    // Assert
    expect(result.status).toBe('COMPLETED');
    expect(result.deleted).toEqual([{ accountId: ACCOUNT_ID, region: US, clusterName: 'bravo' }]);
    const { findings } = await world.store.loadCluster({
      accountId: ACCOUNT_ID,
      region: US,
      clusterName: 'bravo',
    });
    expect(findings.length).toBeGreaterThanOrEqual(2);
    expect(new Set(findings.map((f) => `${f.status}:${f.resolvedReason}`))).toEqual(
      new Set(['RESOLVED:cluster-deleted']),
    );
    expect(await statuses(EU, 'alpha')).toMatchObject(BOTH_OPEN);
  });

  it('a cluster deleted after DescribeCluster (its node groups answer not-found) keeps its findings, reported incomplete', async () => {
    // Arrange
    await scan('scan-1', T1);
    fix(regions[US]!, 'bravo');
    const deletedMidway: Fault = (call) =>
      call.region === US &&
      call.service === 'eks' &&
      call.operation !== 'DescribeCluster' &&
      call.operation !== 'ListClusters'
        ? awsError('ResourceNotFoundException', 404, 'No cluster found for name: bravo.')
        : undefined;
    // Act
    const result = await scan('scan-2', T2, deletedMidway);
    // Assert
    expect(result.status).toBe('COMPLETED');
    // endpoint-public-open needs only the cluster, which was read: it resolves. The SG rule
    // needs the node groups, which could not be read: it stays open.
    expect(await statuses(US, 'bravo')).toMatchObject({
      'endpoint-public-open': 'RESOLVED',
      'sg-open-ingress': 'OPEN',
    });
    expect(result.errors).toContainEqual(
      expect.objectContaining({ clusterName: 'bravo', operation: 'ListNodegroups' }),
    );
  });

  it('AccessDenied on DescribeNetworkAcls: network ACLs incomplete for the VPC, the NACL rule not judged, its finding kept open', async () => {
    // Arrange: nodes in subnet-alpha-a, the API server also in subnet-alpha-b, whose ACL
    // denies 443 in: nacl-blocks-node-control-plane fires for subnet-alpha-a.
    const eu = regions[EU]!;
    eu.nodegroups.alpha = [{ nodegroupName: 'ng', subnets: ['subnet-alpha-a'] }];
    eu.networkAcls = [
      acl('acl-default', true, ['subnet-alpha-a'], []),
      acl(
        'acl-no-https',
        false,
        ['subnet-alpha-b'],
        [
          {
            RuleNumber: 90,
            Protocol: '6',
            RuleAction: 'deny',
            Egress: false,
            CidrBlock: '0.0.0.0/0',
            PortRange: { From: 443, To: 443 },
          },
        ],
      ),
    ];
    await scan('scan-1', T1);
    expect(await statuses(EU, 'alpha')).toMatchObject({ 'nacl-blocks-node-control-plane': 'OPEN' });
    // The fix lands, but the next scan may not read the ACLs.
    eu.networkAcls[1] = acl('acl-no-https', false, ['subnet-alpha-b'], []);
    fix(eu, 'alpha');
    const denyAcls: Fault = (call) =>
      call.operation === 'DescribeNetworkAcls' && call.region === EU
        ? awsError('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.')
        : undefined;
    // Act
    const result = await scan('scan-2', T2, denyAcls);
    // Assert: what could not be seen stays open; what could be seen resolves.
    expect(await statuses(EU, 'alpha')).toMatchObject({
      'nacl-blocks-node-control-plane': 'OPEN',
      'endpoint-public-open': 'RESOLVED',
    });
    expect(result.errors).toContainEqual(
      expect.objectContaining({
        region: EU,
        operation: 'DescribeNetworkAcls',
        message: expect.stringMatching(/UnauthorizedOperation/),
      }),
    );
    const answer = await apiGet(world, '/scans/scan-2');
    expect(answer.body.errors).toContainEqual(
      expect.objectContaining({ region: EU, operation: 'DescribeNetworkAcls' }),
    );
    const clusters = await apiGet(world, '/clusters');
    const alpha = clusters.body.items.find((c: { clusterName: string }) => c.clusterName === 'alpha');
    expect(alpha.notJudged).toContainEqual({
      ruleId: 'nacl-blocks-node-control-plane',
      reason: expect.stringContaining('network ACLs (DescribeNetworkAcls)'),
    });
    // A complete scan afterwards resolves it.
    await scan('scan-3', new Date(T2.getTime() + 3600_000));
    expect(await statuses(EU, 'alpha')).toMatchObject({ 'nacl-blocks-node-control-plane': 'RESOLVED' });
  });

  it('a security group deleted before DescribeSecurityGroups: the complete listing resolves its finding without error', async () => {
    // Arrange
    await scan('scan-1', T1);
    regions[EU]!.securityGroups = regions[EU]!.securityGroups.filter((g) => g.GroupId !== 'sg-alpha');
    // Act
    const result = await scan('scan-2', T2);
    // Assert
    expect(result.status).toBe('COMPLETED');
    expect((await statuses(EU, 'alpha'))['sg-open-ingress']).toBe('RESOLVED');
    expect(result.errors.filter((e) => e.region === EU)).toEqual([]);
  });
});
