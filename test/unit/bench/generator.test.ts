/**
 * The synthetic accounts must be reproducible (same seed → same account, so runs compare)
 * and have the sizes issue 6 names.
 */
import { describe, expect, it } from 'vitest';
import { createRandom, generateAccount, SIZES } from '../../../bench/generator.ts';

/** Maps → plain objects so that toEqual and JSON comparisons see their contents. */
const plain = (value: unknown) =>
  JSON.stringify(value, (_key, v) => (v instanceof Map ? Object.fromEntries(v) : v));

describe('generateAccount', () => {
  it('builds the same account for the same size and seed', () => {
    const first = generateAccount('M', 42);
    const second = generateAccount('M', 42);

    expect(plain(second)).toBe(plain(first));
  });

  it('builds a different account for another seed', () => {
    const first = generateAccount('S', 1);
    const other = generateAccount('S', 2);

    expect(plain(other)).not.toBe(plain(first));
  });

  it('has the L sizes of issue 6 in cluster VPCs, plus noise VPCs without clusters', () => {
    const account = generateAccount('L', 1);
    const clusterVpcs = new Set(account.clusters.map((c) => c.resourcesVpcConfig!.vpcId!));
    const inClusterVpcs = <T extends { VpcId?: string }>(items: T[]) =>
      items.filter((i) => clusterVpcs.has(i.VpcId!));
    const nodes = inClusterVpcs(account.instances).filter(
      (i) => i.State?.Name === 'running' && (i.Tags ?? []).some((t) => t.Key === 'eks:cluster-name'),
    );

    expect(account.clusters).toHaveLength(SIZES.L.clusters);
    expect(clusterVpcs.size).toBe(50);
    expect(inClusterVpcs(account.subnets)).toHaveLength(8000);
    expect(inClusterVpcs(account.securityGroups)).toHaveLength(20000);
    expect(nodes).toHaveLength(4000);
    expect(account.securityGroups.every((g) => g.IpPermissions?.length === 5)).toBe(true);
    expect(account.vpcs.length).toBeGreaterThan(clusterVpcs.size);
    expect([...account.nodegroups.values()].flat().length).toBe(400);
    expect([...account.fargateProfiles.values()].flat().length).toBe(100);
  });

  it('has the network-ACL heavy account of issue 10: 50 VPCs × 20 ACLs × 40 entries, one ACL per subnet', () => {
    const account = generateAccount('NACL', 1);
    const clusterVpcs = new Set(account.clusters.map((c) => c.resourcesVpcConfig!.vpcId!));
    const acls = account.networkAcls.filter((a) => clusterVpcs.has(a.VpcId!));

    expect(clusterVpcs.size).toBe(50);
    expect(acls).toHaveLength(50 * 20);
    for (const vpcId of clusterVpcs) {
      const own = acls.filter((a) => a.VpcId === vpcId);
      expect(own.filter((a) => a.IsDefault)).toHaveLength(1);
      expect(own.filter((a) => !a.IsDefault).every((a) => a.Entries?.length === 40)).toBe(true);
      const associated = own.flatMap((a) => (a.Associations ?? []).map((x) => x.SubnetId));
      const subnets = account.subnets.filter((s) => s.VpcId === vpcId).map((s) => s.SubnetId);
      expect(associated.sort()).toEqual(subnets.sort());
    }
  });

  it('writes realistic ACL entries: 443, 10250 and ephemeral allows, the * rules, and some misconfigured denies', () => {
    const account = generateAccount('NACL', 1);
    const custom = account.networkAcls.filter((a) => !a.IsDefault);
    const ingress = custom.flatMap((a) => (a.Entries ?? []).filter((e) => !e.Egress));

    expect(ingress.some((e) => e.RuleAction === 'allow' && e.PortRange?.From === 443)).toBe(true);
    expect(ingress.some((e) => e.RuleAction === 'allow' && e.PortRange?.From === 10250)).toBe(true);
    expect(ingress.some((e) => e.PortRange?.From === 32768 && e.PortRange.To === 60999)).toBe(true);
    expect(ingress.some((e) => e.RuleAction === 'deny' && e.RuleNumber === 90)).toBe(true);
    expect(custom.every((a) => (a.Entries ?? []).filter((e) => e.RuleNumber === 32767).length === 2)).toBe(
      true,
    );
  });

  it('puts flow logs on most VPCs (not all, and not all recording rejects) plus subnet flow logs as noise', () => {
    const account = generateAccount('NACL', 1);
    const vpcIds = new Set(account.vpcs.map((v) => v.VpcId));
    const ofVpcs = account.flowLogs.filter((f) => vpcIds.has(f.ResourceId));
    const covered = new Set(ofVpcs.map((f) => f.ResourceId));

    expect(covered.size).toBeGreaterThan(vpcIds.size / 2);
    expect(covered.size).toBeLessThan(vpcIds.size);
    expect(ofVpcs.some((f) => f.TrafficType === 'ACCEPT')).toBe(true);
    expect(account.flowLogs.some((f) => f.ResourceId?.startsWith('subnet-'))).toBe(true);
  });

  it('gives every cluster subnets, security groups and a VPC that exist', () => {
    const account = generateAccount('S', 5);
    const subnets = new Set(account.subnets.map((s) => s.SubnetId));
    const groups = new Set(account.securityGroups.map((g) => g.GroupId));

    for (const cluster of account.clusters) {
      const vpc = cluster.resourcesVpcConfig!;
      expect(vpc.subnetIds!.every((id) => subnets.has(id))).toBe(true);
      expect(groups.has(vpc.clusterSecurityGroupId)).toBe(true);
      expect(account.vpcs.some((v) => v.VpcId === vpc.vpcId)).toBe(true);
    }
  });
});

describe('createRandom', () => {
  it('is deterministic per seed and stays in [0, 1)', () => {
    const a = createRandom(9);
    const b = createRandom(9);

    const values = Array.from({ length: 1000 }, () => a());

    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  });
});
