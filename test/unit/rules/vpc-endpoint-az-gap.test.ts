import { describe, expect, it } from 'vitest';
import { vpcEndpointAzGap } from '../../../functions/core/rules/vpc-endpoint-az-gap.ts';
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
  runRule,
  subnet,
  VPC_ID,
} from '../../fixtures/snapshot-builder.ts';

const rule = vpcEndpointAzGap;

function interfaceEndpoint(
  service: string,
  subnetIds: string[],
  overrides: Partial<Ec2VpcEndpoint> = {},
): Ec2VpcEndpoint {
  return {
    VpcEndpointId: `vpce-${service.replace('.', '-')}`,
    VpcId: VPC_ID,
    ServiceName: `com.amazonaws.${REGION}.${service}`,
    VpcEndpointType: 'Interface',
    State: 'available',
    PrivateDnsEnabled: true,
    SubnetIds: subnetIds,
    ...overrides,
  };
}

/**
 * Two isolated subnets (main route table, no default route): subnet-iso-a in zone use1-az1
 * and subnet-iso-b in use1-az2, both node subnets; `endpoints` are the VPC's endpoints.
 */
function scenario(
  endpoints: Ec2VpcEndpoint[],
  mutate?: (s: { cluster: ClusterInventory; vpc: VpcInventory }) => void,
): Snapshot {
  return buildSnapshot(({ cluster, vpc }) => {
    vpc.subnets.push(
      subnet('subnet-iso-a', {
        CidrBlock: '10.0.50.0/24',
        AvailabilityZone: 'us-east-1a',
        AvailabilityZoneId: 'use1-az1',
      }),
      subnet('subnet-iso-b', {
        CidrBlock: '10.0.51.0/24',
        AvailabilityZone: 'us-east-1b',
        AvailabilityZoneId: 'use1-az2',
      }),
    );
    cluster.nodegroups = [managedNodegroup('ng-iso', { subnets: ['subnet-iso-a', 'subnet-iso-b'] })];
    vpc.vpcEndpoints = endpoints;
    mutate?.({ cluster, vpc });
  });
}

describe('vpc-endpoint-az-gap', () => {
  it('does not fire when every interface endpoint has a subnet in each node zone', () => {
    // Arrange
    const snapshot = scenario([
      interfaceEndpoint('ecr.api', ['subnet-iso-a', 'subnet-iso-b']),
      interfaceEndpoint('sts', ['subnet-iso-a', 'subnet-iso-b']),
    ]);
    // Act + Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('fires on the isolated node subnet whose zone an endpoint does not cover, naming the zones it covers', () => {
    // Arrange: ecr.api lives only in use1-az1
    const snapshot = scenario([
      interfaceEndpoint('ecr.api', ['subnet-iso-a']),
      interfaceEndpoint('sts', ['subnet-iso-a', 'subnet-iso-b']),
    ]);
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resourceId: 'subnet-iso-b',
      resourceType: 'subnet',
      severity: 'LOW',
    });
    expect(findings[0]?.evidence).toMatchObject({
      subnetId: 'subnet-iso-b',
      availabilityZone: 'us-east-1b',
      availabilityZoneId: 'use1-az2',
      zoneComparedBy: 'id',
      missingInZone: [
        { service: 'ecr.api', vpcEndpointIds: ['vpce-ecr-api'], zones: ['us-east-1a (use1-az1)'] },
      ],
    });
    expect(findings[0]?.remediation).toContain(
      `aws ec2 modify-vpc-endpoint --region ${REGION} --vpc-endpoint-id vpce-ecr-api --add-subnet-ids subnet-iso-b`,
    );
  });

  it('gives one command per endpoint when several services miss the zone', () => {
    // Arrange
    const snapshot = scenario([
      interfaceEndpoint('ecr.api', ['subnet-iso-a']),
      interfaceEndpoint('ec2', ['subnet-iso-a']),
    ]);
    // Act
    const [finding] = runRule(rule, snapshot);
    // Assert: ec2 comes before ecr.api in requiredVpcEndpoints
    expect(finding?.evidence.missingInZone).toMatchObject([{ service: 'ec2' }, { service: 'ecr.api' }]);
    expect(finding?.remediation).toContain(
      '--vpc-endpoint-id vpce-ec2 --add-subnet-ids subnet-iso-b && aws ec2',
    );
    expect(finding?.remediation).toContain('--vpc-endpoint-id vpce-ecr-api --add-subnet-ids subnet-iso-b');
  });

  it('compares zones by id, not by name (names differ per account)', () => {
    // Arrange: the endpoint subnet carries the same zone name but another zone id
    const snapshot = scenario([interfaceEndpoint('sts', ['subnet-ep'])], ({ vpc }) => {
      vpc.subnets.push(
        subnet('subnet-ep', {
          CidrBlock: '10.0.60.0/24',
          AvailabilityZone: 'us-east-1a',
          AvailabilityZoneId: 'use1-az4',
        }),
      );
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert: neither node zone id is covered
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-iso-a', 'subnet-iso-b']);
  });

  it('falls back to the zone name when a side has no zone id, and says so', () => {
    // Arrange: the endpoint subnet has no zone id, same name as subnet-iso-a
    const snapshot = scenario([interfaceEndpoint('sts', ['subnet-ep'])], ({ vpc }) => {
      vpc.subnets.push(subnet('subnet-ep', { CidrBlock: '10.0.60.0/24', AvailabilityZone: 'us-east-1a' }));
    });
    // Act
    const findings = runRule(rule, snapshot);
    // Assert
    expect(findings.map((f) => f.resourceId)).toEqual(['subnet-iso-b']);
    expect(findings[0]?.evidence.zoneComparedBy).toBe('name');
  });

  it('leaves a service without an interface endpoint to subnet-isolated-missing-endpoints', () => {
    // Arrange: no endpoint at all, and an ec2 endpoint without private DNS (not usable)
    const snapshot = scenario([interfaceEndpoint('ec2', ['subnet-iso-a'], { PrivateDnsEnabled: false })]);
    // Act + Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('does not compare an S3 gateway endpoint (it is not zonal)', () => {
    // Arrange
    const snapshot = scenario([
      {
        VpcEndpointId: 'vpce-s3',
        VpcId: VPC_ID,
        ServiceName: `com.amazonaws.${REGION}.s3`,
        VpcEndpointType: 'Gateway',
        State: 'available',
        RouteTableIds: ['rtb-main'],
      },
    ]);
    // Act + Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it("ignores the S3 interface endpoint's zones for a subnet an S3 gateway endpoint serves", () => {
    // Arrange: S3 interface endpoint in use1-az1 only; the gateway serves the main table
    const s3Interface = interfaceEndpoint('s3', ['subnet-iso-a']);
    const gateway: Ec2VpcEndpoint = {
      VpcEndpointId: 'vpce-s3-gw',
      VpcId: VPC_ID,
      ServiceName: `com.amazonaws.${REGION}.s3`,
      VpcEndpointType: 'Gateway',
      State: 'available',
      RouteTableIds: ['rtb-main'],
    };
    // Act
    const withGateway = runRule(rule, scenario([s3Interface, gateway]));
    const withoutGateway = runRule(rule, scenario([s3Interface]));
    // Assert
    expect(withGateway).toEqual([]);
    expect(withoutGateway.map((f) => f.resourceId)).toEqual(['subnet-iso-b']);
  });

  it('does not judge subnets that are not isolated (they reach the service another way)', () => {
    // Arrange: nodes in the NAT-routed base subnets only, endpoint in one zone
    const snapshot = buildSnapshot(({ cluster, vpc }) => {
      cluster.nodegroups = [managedNodegroup('ng-1')];
      vpc.vpcEndpoints = [interfaceEndpoint('sts', ['subnet-a'])];
    });
    // Act + Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('does not judge an isolated subnet that is not a node subnet', () => {
    // Arrange: node group only in subnet-iso-a; subnet-iso-b hosts no nodes
    const snapshot = scenario([interfaceEndpoint('sts', ['subnet-iso-a'])], ({ cluster }) => {
      cluster.nodegroups = [managedNodegroup('ng-iso', { subnets: ['subnet-iso-a'] })];
    });
    // Act + Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });

  it('skips a service whose endpoint subnets are not all in the inventory (a zone is unknown)', () => {
    // Arrange
    const snapshot = scenario([interfaceEndpoint('sts', ['subnet-iso-a', 'subnet-gone'])]);
    // Act + Assert
    expect(runRule(rule, snapshot)).toEqual([]);
  });
});
