import { describe, expect, it } from 'vitest';
import { hybridRemoteCidrOverlap } from '../../../functions/core/rules/hybrid-remote-cidr-overlap.ts';
import type { Snapshot } from '../../../functions/core/snapshot.ts';
import { buildSnapshot, CLUSTER_ARN, notJudgedReason, runRule } from '../../fixtures/snapshot-builder.ts';

const rule = hybridRemoteCidrOverlap;

/** A hybrid cluster in the base VPC (10.0.0.0/16) with service CIDR 172.20.0.0/16. */
function hybrid(nodeCidrs: string[], podCidrs: string[] = []): Snapshot {
  return buildSnapshot(({ cluster }) => {
    cluster.cluster.kubernetesNetworkConfig = { ipFamily: 'ipv4', serviceIpv4Cidr: '172.20.0.0/16' };
    cluster.cluster.remoteNetworkConfig = {
      remoteNodeNetworks: [{ cidrs: nodeCidrs }],
      ...(podCidrs.length > 0 ? { remotePodNetworks: [{ cidrs: podCidrs }] } : {}),
    };
  });
}

describe('hybrid-remote-cidr-overlap', () => {
  it('does not fire when the remote networks overlap nothing', () => {
    expect(runRule(rule, hybrid(['192.168.0.0/20'], ['192.168.64.0/18']))).toEqual([]);
  });

  it('fires HIGH on the cluster when a remote node CIDR overlaps the VPC, naming the pair', () => {
    // Arrange
    const snapshot = hybrid(['10.0.128.0/20', '192.168.0.0/20']);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: CLUSTER_ARN, severity: 'HIGH', resourceType: 'cluster' });
    expect(findings[0]?.evidence.overlaps).toEqual([
      { cidr: '10.0.128.0/20', kind: 'remote node network', overlaps: '10.0.0.0/16', overlapsKind: 'VPC' },
    ]);
  });

  it('fires when a remote pod CIDR overlaps the service CIDR', () => {
    const findings = runRule(rule, hybrid(['192.168.0.0/20'], ['172.16.0.0/12']));
    expect(findings[0]?.evidence.overlaps).toEqual([
      {
        cidr: '172.16.0.0/12',
        kind: 'remote pod network',
        overlaps: '172.20.0.0/16',
        overlapsKind: 'service',
      },
    ]);
  });

  it('fires when a remote node CIDR overlaps a remote pod CIDR', () => {
    const findings = runRule(rule, hybrid(['192.168.0.0/16'], ['192.168.128.0/17']));
    expect(findings[0]?.evidence.overlaps).toEqual([
      {
        cidr: '192.168.0.0/16',
        kind: 'remote node network',
        overlaps: '192.168.128.0/17',
        overlapsKind: 'remote pod network',
      },
    ]);
  });

  it('checks every VPC CIDR block, not only the primary one', () => {
    const snapshot = hybrid(['100.64.0.0/20']);
    snapshot.vpcs[0]!.vpc!.CidrBlocks = ['10.0.0.0/16', '100.64.0.0/16'];
    expect(runRule(rule, snapshot)[0]?.evidence.overlaps).toEqual([
      { cidr: '100.64.0.0/20', kind: 'remote node network', overlaps: '100.64.0.0/16', overlapsKind: 'VPC' },
    ]);
  });

  it('does not fire for a cluster without hybrid nodes', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.remoteNetworkConfig = {
        remoteNodeNetworks: [],
        remotePodNetworks: [{ cidrs: ['10.0.0.0/16'] }],
      };
    });
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('renders the update with the overlapping CIDRs replaced by placeholders and the others kept', () => {
    const [finding] = runRule(rule, hybrid(['10.0.128.0/20', '192.168.0.0/20'], ['192.168.64.0/18']));
    expect(finding?.remediation).toContain(
      `aws eks update-cluster-config --region us-east-1 --name demo --remote-network-config '{"remoteNodeNetworks":[{"cidrs":["<nonOverlappingNodeCidr>","192.168.0.0/20"]}],"remotePodNetworks":[{"cidrs":["192.168.64.0/18"]}]}'`,
    );
  });

  it('is not judged when the VPC could not be read', () => {
    const snapshot = hybrid(['10.0.128.0/20']);
    snapshot.vpcs[0]!.incomplete = ['vpc'];
    expect(runRule(rule, snapshot)).toEqual([]);
    expect(notJudgedReason(rule, snapshot)).toContain('VPC');
  });
});
