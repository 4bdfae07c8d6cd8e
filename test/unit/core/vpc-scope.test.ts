import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../functions/core/snapshot.ts';
import { snapshotOfClusters } from '../../../functions/core/vpc-scope.ts';
import { baseCluster, buildSnapshot, CLUSTER, REGION, VPC_ID } from '../../fixtures/snapshot-builder.ts';

const OTHER_VPC = 'vpc-0e0e0e0e';

/** The fixture VPC with clusters demo and beside, plus a VPC of its own for "far". */
function batchSnapshot(): Snapshot {
  const snapshot = buildSnapshot();
  const beside = baseCluster();
  beside.cluster.name = 'beside';
  const far = baseCluster();
  far.cluster.name = 'far';
  far.vpcId = OTHER_VPC;
  far.cluster.resourcesVpcConfig.vpcId = OTHER_VPC;
  snapshot.clusters.push(beside, far);
  snapshot.vpcs.push({ ...structuredClone(snapshot.vpcs[0]!), vpcId: OTHER_VPC });
  snapshot.errors = [
    { region: REGION, operation: 'DescribeFlowLogs', message: 'denied', vpcId: OTHER_VPC },
    { region: REGION, operation: 'DescribeAddon', message: 'throttled', clusterName: 'far' },
    { region: REGION, operation: 'DescribeNodegroup', message: 'throttled', clusterName: 'beside' },
    { region: REGION, operation: 'ListSomething', message: 'region-wide' },
  ];
  return snapshot;
}

describe('snapshotOfClusters', () => {
  it('keeps the VPCs of the named clusters with every cluster in them, and only their errors', () => {
    // Act
    const scoped = snapshotOfClusters(batchSnapshot(), [CLUSTER]);
    // Assert
    expect(scoped.vpcs.map((v) => v.vpcId)).toEqual([VPC_ID]);
    expect(scoped.clusters.map((c) => c.cluster.name)).toEqual([CLUSTER, 'beside']);
    expect(scoped.errors.map((e) => e.operation)).toEqual(['DescribeNodegroup', 'ListSomething']);
  });

  it('keeps a named cluster whose VPC is unknown, with its own errors', () => {
    // Arrange
    const snapshot = batchSnapshot();
    delete snapshot.clusters[2]!.vpcId;
    // Act
    const scoped = snapshotOfClusters(snapshot, ['far']);
    // Assert
    expect(scoped.clusters.map((c) => c.cluster.name)).toEqual(['far']);
    expect(scoped.vpcs).toEqual([]);
    expect(scoped.errors.map((e) => e.operation)).toEqual(['DescribeAddon', 'ListSomething']);
  });
});
