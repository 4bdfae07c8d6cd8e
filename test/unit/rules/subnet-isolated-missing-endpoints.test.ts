import { describe, expect, it } from 'vitest';
import { subnetIsolatedMissingEndpoints } from '../../../functions/core/rules/subnet-isolated-missing-endpoints.ts';
import type {
  ClusterInventory,
  Ec2VpcEndpoint,
  Snapshot,
  VpcInventory,
} from '../../../functions/core/snapshot.ts';
import {
  buildSnapshot,
  managedNodegroup,
  REGION,
  routeTable,
  runRule,
  subnet,
  VPC_ID,
} from '../../fixtures/snapshot-builder.ts';

const ALL = ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts'];

function interfaceEndpoint(service: string, overrides: Partial<Ec2VpcEndpoint> = {}): Ec2VpcEndpoint {
  return {
    VpcEndpointId: `vpce-${service.replace('.', '-')}`,
    VpcId: VPC_ID,
    ServiceName: `com.amazonaws.${REGION}.${service}`,
    VpcEndpointType: 'Interface',
    State: 'available',
    PrivateDnsEnabled: true,
    SubnetIds: ['subnet-iso'],
    ...overrides,
  };
}

function s3Gateway(routeTableIds: string[], overrides: Partial<Ec2VpcEndpoint> = {}): Ec2VpcEndpoint {
  return {
    VpcEndpointId: 'vpce-s3-gw',
    VpcId: VPC_ID,
    ServiceName: `com.amazonaws.${REGION}.s3`,
    VpcEndpointType: 'Gateway',
    State: 'available',
    RouteTableIds: routeTableIds,
    ...overrides,
  };
}

/** A complete private-cluster endpoint set: four interface endpoints plus an S3 gateway on the main table. */
function completeEndpoints(): Ec2VpcEndpoint[] {
  return [...['ec2', 'ecr.api', 'ecr.dkr', 'sts'].map((s) => interfaceEndpoint(s)), s3Gateway(['rtb-main'])];
}

/** A node group in `subnet-iso` (main route table, no default route), plus the given endpoints. */
function scenario(
  endpoints: Ec2VpcEndpoint[],
  mutate?: (s: { cluster: ClusterInventory; vpc: VpcInventory }) => void,
): Snapshot {
  return buildSnapshot(({ cluster, vpc }) => {
    vpc.subnets.push(subnet('subnet-iso', { CidrBlock: '10.0.50.0/24' }));
    cluster.nodegroups = [managedNodegroup('ng-iso', { subnets: ['subnet-iso'] })];
    vpc.vpcEndpoints = endpoints;
    mutate?.({ cluster, vpc });
  });
}

function missingOf(snapshot: Snapshot): unknown {
  return runRule(subnetIsolatedMissingEndpoints, snapshot).find((f) => f.resourceId === 'subnet-iso')
    ?.evidence.missing;
}

describe('subnet-isolated-missing-endpoints', () => {
  it('fires for an isolated node subnet in a VPC without endpoints, listing every missing service', () => {
    // Arrange
    const snapshot = scenario([]);
    // Act
    const findings = runRule(subnetIsolatedMissingEndpoints, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: 'subnet-iso', severity: 'HIGH', resourceType: 'subnet' });
    expect(findings[0]?.evidence).toMatchObject({
      missing: ALL,
      routeTableId: 'rtb-main',
      viaMainRouteTable: true,
    });
  });

  it('does not fire when every required endpoint is usable', () => {
    expect(runRule(subnetIsolatedMissingEndpoints, scenario(completeEndpoints()))).toEqual([]);
  });

  it('does not count an interface endpoint that is not available', () => {
    const endpoints = completeEndpoints().map((e) =>
      e.ServiceName.endsWith('.sts') ? { ...e, State: 'pending' } : e,
    );
    expect(missingOf(scenario(endpoints))).toEqual(['sts']);
  });

  it('accepts the state in any case', () => {
    const endpoints = completeEndpoints().map((e) => ({ ...e, State: 'Available' }));
    expect(runRule(subnetIsolatedMissingEndpoints, scenario(endpoints))).toEqual([]);
  });

  it('does not count an interface endpoint without private DNS', () => {
    const endpoints = completeEndpoints().map((e) =>
      e.ServiceName.endsWith('.ecr.dkr') ? { ...e, PrivateDnsEnabled: false } : e,
    );
    expect(missingOf(scenario(endpoints))).toEqual(['ecr.dkr']);
  });

  it('does not count an S3 gateway endpoint attached to another route table', () => {
    const endpoints = [
      ...completeEndpoints().filter((e) => e.VpcEndpointType !== 'Gateway'),
      s3Gateway(['rtb-private']),
    ];
    const findings = runRule(subnetIsolatedMissingEndpoints, scenario(endpoints));
    expect(findings[0]?.evidence).toMatchObject({ missing: ['s3'], routeTableId: 'rtb-main' });
  });

  it('checks the gateway against the explicitly associated table, not the main one', () => {
    // Arrange: subnet-iso gets its own table without a default route; the gateway is only on the main table
    const snapshot = scenario(completeEndpoints(), ({ vpc }) => {
      vpc.routeTables.push(routeTable('rtb-iso', [], [{ SubnetId: 'subnet-iso' }]));
    });
    // Act
    const findings = runRule(subnetIsolatedMissingEndpoints, snapshot);
    // Assert
    expect(findings[0]?.evidence).toMatchObject({
      missing: ['s3'],
      routeTableId: 'rtb-iso',
      viaMainRouteTable: false,
    });
  });

  it('counts a gateway endpoint whose state is not reported', () => {
    const endpoints = completeEndpoints().map((e) =>
      e.VpcEndpointType === 'Gateway' ? { ...e, State: undefined } : e,
    );
    expect(runRule(subnetIsolatedMissingEndpoints, scenario(endpoints))).toEqual([]);
  });

  it('counts an S3 interface endpoint with private DNS in place of the gateway', () => {
    const endpoints = [
      ...completeEndpoints().filter((e) => e.VpcEndpointType !== 'Gateway'),
      interfaceEndpoint('s3'),
    ];
    expect(runRule(subnetIsolatedMissingEndpoints, scenario(endpoints))).toEqual([]);
  });

  it('does not count endpoints of another region or a different service with a shared suffix', () => {
    const endpoints = [
      interfaceEndpoint('ec2', { ServiceName: 'com.amazonaws.us-west-2.ec2' }),
      interfaceEndpoint('ecr.dkr'),
    ];
    expect(missingOf(scenario(endpoints))).toEqual(['ec2', 'ecr.api', 's3', 'sts']);
  });

  it('checks only the configured services', () => {
    expect(
      runRule(subnetIsolatedMissingEndpoints, scenario([interfaceEndpoint('sts')]), {
        requiredVpcEndpoints: ['sts'],
      }),
    ).toEqual([]);
    const findings = runRule(subnetIsolatedMissingEndpoints, scenario([interfaceEndpoint('sts')]), {
      requiredVpcEndpoints: ['sts', 'ec2'],
    });
    expect(findings[0]?.evidence.missing).toEqual(['ec2']);
  });

  it('fires for an isolated fargate subnet', () => {
    const snapshot = scenario([], ({ cluster }) => {
      cluster.nodegroups = [];
      cluster.fargateProfiles = [{ fargateProfileName: 'fp', subnets: ['subnet-iso'] }];
    });
    expect(missingOf(snapshot)).toEqual(ALL);
  });

  it('does not fire for node subnets with a default route', () => {
    const snapshot = scenario([], ({ cluster }) => {
      cluster.nodegroups = [managedNodegroup('ng'), managedNodegroup('ng-pub', { subnets: ['subnet-pub'] })];
    });
    expect(runRule(subnetIsolatedMissingEndpoints, snapshot)).toEqual([]);
  });

  it('does not fire for an isolated subnet used only by the control plane', () => {
    const snapshot = scenario([], ({ cluster }) => {
      cluster.nodegroups = [];
      cluster.cluster.resourcesVpcConfig.subnetIds.push('subnet-iso');
    });
    expect(runRule(subnetIsolatedMissingEndpoints, snapshot)).toEqual([]);
  });

  it('is skipped when VPC endpoints could not be read', () => {
    const snapshot = scenario([], ({ vpc }) => {
      vpc.incomplete = ['vpcEndpoints'];
    });
    expect(runRule(subnetIsolatedMissingEndpoints, snapshot)).toEqual([]);
  });

  it('renders one ready command per missing service (S3 as a gateway endpoint on the route table)', () => {
    // Arrange: an isolated node subnet with no endpoint at all
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      vpc.routeTables = vpc.routeTables.filter((t) => t.RouteTableId !== 'rtb-private');
      vpc.vpcEndpoints = [];
      cluster.nodegroups = [managedNodegroup('ng')];
    });
    // Act
    const [finding] = runRule(subnetIsolatedMissingEndpoints, snapshot);
    // Assert
    expect(finding?.remediation).toContain(
      '--service-name com.amazonaws.us-east-1.ecr.api --subnet-ids subnet-a',
    );
    expect(finding?.remediation).toContain(
      '--vpc-endpoint-type Gateway --service-name com.amazonaws.us-east-1.s3 --route-table-ids rtb-main',
    );
    expect(finding?.remediation).not.toMatch(/<service>/);
  });
});
