import { describe, expect, it } from 'vitest';
import { hybridClusterSgBlocksRemote } from '../../../functions/core/rules/hybrid-cluster-sg-blocks-remote.ts';
import type { Ec2IpPermission, Snapshot } from '../../../functions/core/snapshot.ts';
import {
  buildSnapshot,
  CLUSTER_ARN,
  CLUSTER_SG,
  ingress,
  notJudgedReason,
  runRule,
  securityGroup,
} from '../../fixtures/snapshot-builder.ts';

const rule = hybridClusterSgBlocksRemote;
const NODES = ['192.168.0.0/20', '172.31.0.0/24'];
const ALL_OUT: Ec2IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

/** A hybrid cluster whose cluster SG has its self rule plus `inbound`, and `outbound` (undefined: not collected). */
function hybrid(
  inbound: Ec2IpPermission[],
  outbound: Ec2IpPermission[] | undefined,
  hybridCluster = true,
): Snapshot {
  return buildSnapshot(({ cluster, vpc }) => {
    if (hybridCluster) cluster.cluster.remoteNetworkConfig = { remoteNodeNetworks: [{ cidrs: NODES }] };
    const group = vpc.securityGroups[0]!;
    group.IpPermissions.push(...inbound);
    if (outbound === undefined) delete group.IpPermissionsEgress;
    else group.IpPermissionsEgress = outbound;
  });
}

const IN_443 = ingress('tcp', 443, 443, { cidrs: NODES });

describe('hybrid-cluster-sg-blocks-remote', () => {
  it('does not fire when 443 is allowed in from each remote node CIDR and the default egress allows all out', () => {
    expect(runRule(rule, hybrid([IN_443], [ALL_OUT]))).toEqual([]);
  });

  it('does not fire when one broader CIDR covers every remote node CIDR', () => {
    const snapshot = hybrid(
      [ingress('tcp', 0, 65535, { cidrs: ['192.168.0.0/16', '172.16.0.0/12'] })],
      [ALL_OUT],
    );
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('fires HIGH on the cluster when no cluster SG lets 443 in from a remote node CIDR, naming the missing ones', () => {
    // Arrange
    const snapshot = hybrid([ingress('tcp', 443, 443, { cidrs: ['192.168.0.0/20'] })], [ALL_OUT]);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: CLUSTER_ARN, severity: 'HIGH', resourceType: 'cluster' });
    expect(findings[0]?.evidence.missing).toEqual([
      { direction: 'ingress', protocol: 'tcp', port: 443, cidrs: ['172.31.0.0/24'] },
    ]);
    expect(findings[0]?.remediation).toContain(
      `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id ${CLUSTER_SG} --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=172.31.0.0/24}]'`,
    );
    expect(findings[0]?.remediation).not.toContain('authorize-security-group-egress');
  });

  it('fires when the egress rules do not allow 10250 out to the remote nodes', () => {
    // Arrange
    const snapshot = hybrid(
      [IN_443],
      [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    );
    // Act
    const [finding] = runRule(rule, snapshot);
    // Assert
    expect(finding?.evidence.missing).toEqual([
      { direction: 'egress', protocol: 'tcp', port: 10250, cidrs: NODES },
    ]);
    expect(finding?.remediation).toContain(
      `aws ec2 authorize-security-group-egress --region us-east-1 --group-id ${CLUSTER_SG} --ip-permissions 'IpProtocol=tcp,FromPort=10250,ToPort=10250,IpRanges=[{CidrIp=192.168.0.0/20},{CidrIp=172.31.0.0/24}]'`,
    );
  });

  it('fires for both directions at once', () => {
    const [finding] = runRule(rule, hybrid([], []));
    expect(finding?.evidence.missing).toEqual([
      { direction: 'ingress', protocol: 'tcp', port: 443, cidrs: NODES },
      { direction: 'egress', protocol: 'tcp', port: 10250, cidrs: NODES },
    ]);
  });

  it('accepts rules spread over the EKS cluster SG and an additional cluster SG', () => {
    const snapshot = hybrid([], []);
    snapshot.clusters[0]!.cluster.resourcesVpcConfig.securityGroupIds = ['sg-hybrid'];
    snapshot.vpcs[0]!.securityGroups.push(
      securityGroup('sg-hybrid', { IpPermissions: [IN_443], IpPermissionsEgress: [ALL_OUT] }),
    );
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('does not count a group reference: hybrid nodes carry no security group', () => {
    const snapshot = hybrid([ingress('tcp', 443, 443, { groups: [CLUSTER_SG] })], [ALL_OUT]);
    expect(runRule(rule, snapshot)).toHaveLength(1);
  });

  it('is not judged when ingress is fine and the egress rules were not collected', () => {
    const snapshot = hybrid([IN_443], undefined);
    expect(runRule(rule, snapshot)).toEqual([]);
    expect(notJudgedReason(rule, snapshot)).toContain('outbound rules');
  });

  it('still fires for ingress when the egress rules were not collected, noting egress as undetermined', () => {
    const [finding] = runRule(rule, hybrid([], undefined));
    expect(finding?.evidence.missing).toEqual([
      { direction: 'ingress', protocol: 'tcp', port: 443, cidrs: NODES },
    ]);
    expect(finding?.evidence.undetermined).toEqual([
      { direction: 'egress', reason: `the outbound rules of ${CLUSTER_SG} were not collected` },
    ]);
  });

  it('is not judged when only a prefix-list rule could let 443 in', () => {
    const snapshot = hybrid(
      [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-onprem' }] }],
      [ALL_OUT],
    );
    expect(runRule(rule, snapshot)).toEqual([]);
    expect(notJudgedReason(rule, snapshot)).toContain('pl-onprem');
  });

  it('does not fire for a cluster without hybrid nodes', () => {
    expect(runRule(rule, hybrid([], [], false))).toEqual([]);
  });
});
