import { describe, expect, it } from 'vitest';
import { endpointPrivateDisabled } from '../../../functions/core/rules/endpoint-private-disabled.ts';
import { buildSnapshot, CLUSTER_ARN, runRule } from '../../fixtures/snapshot-builder.ts';

describe('endpoint-private-disabled', () => {
  it('fires when endpointPrivateAccess is false', () => {
    // Arrange
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.endpointPrivateAccess = false;
    });
    // Act
    const findings = runRule(endpointPrivateDisabled, snapshot);
    // Assert
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      resourceId: CLUSTER_ARN,
      severity: 'MEDIUM',
      resourceType: 'cluster',
    });
    expect(findings[0]?.evidence).toMatchObject({
      endpointPrivateAccess: false,
      endpointPrivateAccessDefaulted: false,
    });
  });

  it('fires when endpointPrivateAccess is absent (AWS default false)', () => {
    const snapshot = buildSnapshot(({ cluster }) => {
      cluster.cluster.resourcesVpcConfig.endpointPrivateAccess = undefined;
    });
    const findings = runRule(endpointPrivateDisabled, snapshot);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence.endpointPrivateAccessDefaulted).toBe(true);
  });

  it('does not fire when private access is on', () => {
    expect(runRule(endpointPrivateDisabled, buildSnapshot())).toEqual([]);
  });
});
