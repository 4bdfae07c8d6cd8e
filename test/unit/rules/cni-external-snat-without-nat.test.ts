import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_CONFIG } from '../../../functions/core/config.ts';
import { evaluateSnapshot } from '../../../functions/core/evaluate.ts';
import { cniExternalSnatWithoutNat } from '../../../functions/core/rules/cni-external-snat-without-nat.ts';
import type { Snapshot } from '../../../functions/core/snapshot.ts';
import {
  buildSnapshot,
  instance,
  managedNodegroup,
  notJudgedReason,
  runRule,
  subnet,
} from '../../fixtures/snapshot-builder.ts';

const rule = cniExternalSnatWithoutNat;
const EXTERNAL_SNAT = JSON.stringify({ env: { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' } });

/** External SNAT on; one managed node group in `nodeSubnets`; `subnet-iso` (main table, no default route) exists. */
function withNodesIn(nodeSubnets: string[], configurationValues = EXTERNAL_SNAT): Snapshot {
  return buildSnapshot(({ cluster, vpc }) => {
    cluster.vpcCni = { state: 'installed', configurationValues };
    cluster.nodegroups = [managedNodegroup('ng-1', { subnets: nodeSubnets })];
    vpc.subnets.push(subnet('subnet-iso', { CidrBlock: '10.0.50.0/24' }));
  });
}

describe('cni-external-snat-without-nat', () => {
  it('fires HIGH on a public node subnet', () => {
    // Arrange
    const snapshot = withNodesIn(['subnet-pub']);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'subnet-pub', severity: 'HIGH', resourceType: 'subnet' });
    expect(findings[0]?.evidence).toMatchObject({
      subnetClass: 'public',
      routeTableId: 'rtb-public',
      defaultRouteTargets: ['igw-1'],
    });
  });

  it('does not fire on an isolated node subnet (v2: public node subnets only)', () => {
    expect(runRule(rule, withNodesIn(['subnet-iso']))).toEqual([]);
  });

  it('does not fire with custom networking on: pods live in other subnets (public nodes, private pods)', () => {
    // Arrange
    const config = JSON.stringify({
      env: { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true', AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' },
    });
    // Act
    const findings = runRule(rule, withNodesIn(['subnet-pub'], config));
    // Assert
    expect(findings).toEqual([]);
  });

  it('still fires when custom networking is set to anything but "true"', () => {
    const config = JSON.stringify({
      env: { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true', AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'false' },
    });
    expect(runRule(rule, withNodesIn(['subnet-pub'], config)).map((f) => f.severity)).toEqual(['HIGH']);
  });

  it('is not judged without a vpc-cni add-on', () => {
    const snapshot = withNodesIn(['subnet-pub']);
    snapshot.clusters[0]!.vpcCni = { state: 'absent' };
    expect(runRule(rule, snapshot)).toEqual([]);
    expect(notJudgedReason(rule, snapshot)).toMatch(/no vpc-cni EKS add-on/);
  });

  it('does not fire on node subnets with a NAT default route', () => {
    expect(runRule(rule, withNodesIn(['subnet-a', 'subnet-b']))).toEqual([]);
  });

  it('reports each bad subnet of a mixed node group', () => {
    const findings = runRule(rule, withNodesIn(['subnet-a', 'subnet-pub', 'subnet-iso']));
    expect(findings.map((f) => [f.resourceId, f.severity])).toEqual([['subnet-pub', 'HIGH']]);
  });

  it('checks subnets of self-managed nodes too', () => {
    const snapshot = withNodesIn(['subnet-a']);
    snapshot.vpcs[0]!.instances = [instance('i-1', { SubnetId: 'subnet-pub' })];
    expect(runRule(rule, snapshot).map((f) => f.resourceId)).toEqual(['subnet-pub']);
  });

  it('does not judge a node subnet missing from the inventory', () => {
    expect(runRule(rule, withNodesIn(['subnet-gone']))).toEqual([]);
  });

  it('ignores cluster subnets that host no nodes', () => {
    const snapshot = withNodesIn(['subnet-a']);
    snapshot.clusters[0]!.cluster.resourcesVpcConfig.subnetIds = ['subnet-a', 'subnet-pub'];
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it.each([
    ['off', JSON.stringify({ env: { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'false' } })],
    ['unset', '{}'],
  ])('does not fire when external SNAT is %s', (_name, configurationValues) => {
    expect(runRule(rule, withNodesIn(['subnet-pub'], configurationValues))).toEqual([]);
  });

  it('is skipped when route tables could not be read', () => {
    const snapshot = withNodesIn(['subnet-pub']);
    snapshot.vpcs[0]!.incomplete = ['routeTables'];
    const result = evaluateSnapshot(snapshot, [rule], DEFAULT_RULE_CONFIG);
    expect(result.findings).toEqual([]);
    expect(result.coverage[0]?.skipped[0]).toMatchObject({
      reason: 'incomplete-inventory',
      missing: ['routeTables'],
    });
  });
});
