import { describe, expect, it } from 'vitest';
import { endpointPublicOpen } from '../../../functions/core/rules/endpoint-public-open.ts';
import { buildSnapshot, CLUSTER_ARN, runRule } from '../../fixtures/snapshot-builder.ts';

describe('endpoint-public-open', () => {
  it('fires when the public endpoint allows 0.0.0.0/0', () => {
    // Arrange
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['10.1.0.0/16', '0.0.0.0/0'];
    });
    // Act
    const findings = runRule(endpointPublicOpen, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resourceId: CLUSTER_ARN, severity: 'HIGH', resourceType: 'cluster' });
    expect(findings[0]?.evidence.worldCidrs).toEqual(['0.0.0.0/0']);
  });

  it('fires for the IPv6 world CIDR ::/0', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['::/0'];
    });
    expect(runRule(endpointPublicOpen, snapshot)).toHaveLength(1);
  });

  it('fires when public access is on and no CIDR list is given (AWS defaults to 0.0.0.0/0)', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = undefined;
    });
    expect(runRule(endpointPublicOpen, snapshot)).toHaveLength(1);
  });

  it('does not fire when the list is restricted', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/1', '128.0.0.0/1'];
    });
    expect(runRule(endpointPublicOpen, snapshot)).toEqual([]);
  });

  it('does not fire when public access is off, whatever the CIDR list says', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.endpointPublicAccess = false;
      cluster.cluster.resourcesVpcConfig.publicAccessCidrs = ['0.0.0.0/0'];
    });
    expect(runRule(endpointPublicOpen, snapshot)).toEqual([]);
  });
});
